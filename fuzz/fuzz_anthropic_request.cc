// Fuzzes what the Anthropic inbound API does with a request body before any I/O: bounded JSON parsing,
// token estimation, and upstream error-body mapping.
#include <cstdint>
#include <string_view>

#include "core/json_util.h"
#include "inbound/anthropic/errors.h"
#include "inbound/anthropic/token_estimate.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto doc = hd::json::parse(text);
  if (doc && doc->is_object()) {
    (void)hd::inbound::anthropic::estimateInputTokens(doc->get_object());
  }
  (void)hd::inbound::anthropic::mapUpstreamError(size % 600, text, "fuzz");
  return 0;
}
