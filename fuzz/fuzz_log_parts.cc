// Fuzzes the request log's split of a request body into shared parts (logs/parts.h), which every
// logged request body goes through: whatever the body, joining the parts back gives it byte for byte.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "logs/parts.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto s = hd::logs::parts::split(body);
  if (!s) {
    return 0;
  }
  std::vector<std::string> bodies;
  std::vector<std::int64_t> keys;
  for (const auto& p : s->parts) {
    if (p.body.size() < hd::logs::parts::kMinElement) {
      std::abort();
    }
    bodies.emplace_back(p.body);
    keys.push_back(static_cast<std::int64_t>(p.hash.low >> 1));
  }
  if (hd::logs::parts::parseRefs(hd::logs::parts::formatRefs(keys)) != keys) {
    std::abort();
  }
  std::vector<const std::string*> ptrs;
  for (const auto& b : bodies) {
    ptrs.push_back(&b);
  }
  if (hd::logs::parts::join(s->skeleton, ptrs) != body) {
    std::abort();
  }
  return 0;
}
