#pragma once
// IR request -> OpenAI Chat Completions request body (the provider direction: Anthropic clients such as
// Claude Code reaching GPT deployments). See docs/translation.md for the mapping and what is dropped.

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "core/error.h"
#include "core/ir.h"

namespace hd::translate::openai {

struct TargetOptions {
  std::string model;               // deployment or model name sent upstream as `model`
  bool accepts_file_parts = false; // PDFs may be sent as {type:"file"} parts
  bool reasoning_model = false;    // o-series / gpt-5: see isReasoningModel (model_traits.h)
  // Upper bound for max_tokens. nullopt: defaultMaxOutputTokens(model) (0 when unknown); 0: no bound.
  std::optional<std::int64_t> max_output_tokens;
};

// Errors are 400s naming the offending IR path (e.g. "messages[3].content[1]: ...").
Result<boost::json::object> requestToOpenAI(const ir::Request& req, const TargetOptions& opt);

} // namespace hd::translate::openai
