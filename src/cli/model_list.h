#pragma once
// The gateway's model list (GET {base}/v1/models) and the type-to-filter match used by the model picker.
// Pure code; parseModelList reads untrusted bytes from the network (fuzz/fuzz_model_list.cc).

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace hd::cli {

// Model ids from a model-list body: OpenAI's {"object":"list","data":[{"id":...}]} (what /v1/models answers)
// or Anthropic's {"data":[{"type":"model","id":...}],"has_more":...}. Ids keep the gateway's order,
// duplicates and empty ids are dropped.
Result<std::vector<std::string>> parseModelList(std::string_view body);

// True when every whitespace-separated word of `query` occurs in `candidate`, ignoring ASCII case.
// An empty query matches everything.
bool filterMatches(std::string_view candidate, std::string_view query);

// The entries of `all` that match `query`, in order.
std::vector<std::string> filterModels(const std::vector<std::string>& all, std::string_view query);

} // namespace hd::cli
