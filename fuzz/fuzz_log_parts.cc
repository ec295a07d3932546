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
  auto refs = hd::logs::parts::parseRefs(s->refs);
  if (!refs || refs->size() != s->parts.size()) {
    std::abort();
  }
  std::vector<std::string> bodies;
  bodies.reserve(s->parts.size());
  for (std::size_t i = 0; i < s->parts.size(); ++i) {
    if ((*refs)[i] != s->parts[i].hash.hex() || s->parts[i].body.size() < hd::logs::parts::kMinPart) {
      std::abort();
    }
    bodies.emplace_back(s->parts[i].body);
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
