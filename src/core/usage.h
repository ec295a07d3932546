#pragma once
// Token usage of one call, as reported by the upstream.

#include <cstdint>

namespace hd {

struct Usage {
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
  std::int64_t cache_creation_input_tokens = 0;
  std::int64_t cache_read_input_tokens = 0;
  bool reported = false;
};

} // namespace hd
