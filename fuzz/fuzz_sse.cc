// Fuzzes the incremental SSE parser and the stream observer that reads usage from upstream streams.
#include <cstdint>
#include <string_view>

#include "inbound/anthropic/usage_tracker.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  hd::inbound::anthropic::StreamObserver obs;
  // Feed in uneven pieces to exercise carry-over between chunks.
  std::size_t i = 0;
  std::size_t step = 1;
  while (i < text.size()) {
    obs.feed(text.substr(i, step));
    i += step;
    step = step * 3 % 17 + 1;
  }
  return 0;
}
