// The client's `traceparent` header: any bytes either parse into a well-formed context or are refused.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "obs/observe.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view h(reinterpret_cast<const char*>(data), size);
  if (auto t = hd::obs::parseTraceparent(h)) {
    if (t->trace_id.size() != 32 || t->parent_span_id.size() != 16 || h.substr(3, 32) != t->trace_id) {
      std::abort();
    }
  }
  return 0;
}
