// Fuzzes the terminal key decoder of `heimdall launch` (escape sequences, UTF-8) fed in uneven pieces:
// every call must consume input or wait for more, never loop or read past the end.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "cli/terminal.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<hd::cli::Key> keys;
  std::string pending;
  std::size_t i = 0;
  std::size_t step = 1;
  while (i < text.size()) {
    pending.append(text.substr(i, step));
    i += step;
    step = step * 5 % 11 + 1;
    std::size_t used = hd::cli::decodeKeys(pending, false, keys);
    if (used > pending.size()) {
      std::abort();
    }
    pending.erase(0, used);
  }
  std::size_t used = hd::cli::decodeKeys(pending, true, keys);
  if (used != pending.size()) {
    std::abort(); // at the end of input everything is decoded
  }
  for (const auto& k : keys) {
    (void)hd::cli::truncateToWidth(k.text, 3);
  }
  return 0;
}
