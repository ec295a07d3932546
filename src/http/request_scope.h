#pragma once
// Facts about one request shared by the layers above the HTTP server: governance sets who is asking,
// a routing hint and a per-attempt guard before the handler runs; the handler records what served the
// request and its usage when it finishes, for charging; every layer adds to the observability record.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/usage.h"
#include "obs/record.h"

namespace hd::http {

struct RequestScope {
  std::string principal;        // the virtual key's name ("" = anonymous)
  std::string default_provider; // for a model without a provider prefix ("" = the API's own default)
  // Fallback targets ("provider/model") when the request names none: the virtual key's other providers.
  std::optional<std::vector<std::string>> default_fallbacks;
  // Checked before every upstream attempt (retries and fallbacks included): an Error skips that target.
  std::function<std::optional<Error>(std::string_view provider, std::string_view model)> attempt_guard;
  // Which of a provider's keys the request may use (unset: any).
  std::function<bool(std::string_view provider, std::string_view key_id, std::string_view key_name)> key_filter;

  struct Served {
    bool set = false;
    unsigned status = 0;
    std::string provider;
    std::string key;             // the provider key's name
    std::string model;           // as routed, without the provider prefix
    std::string canonical_model; // for pricing: the alias's model_name, else the model
    Usage usage;
  } served;

  // What observability will publish when the request ends (obs/observe.h); filled by every layer.
  obs::RequestRecord record;
};

} // namespace hd::http
