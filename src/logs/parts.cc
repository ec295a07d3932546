#include "logs/parts.h"

#include <cstring>

#include <xxhash.h>

#include "core/raw_json.h"

namespace hd::logs::parts {

namespace {

Hash hashOf(std::string_view text) {
  XXH128_hash_t h = XXH3_128bits(text.data(), text.size());
  return {h.high64, h.low64};
}

bool isConversation(std::string_view key) {
  return key == "messages" || key == "input";
}

} // namespace

std::string Hash::hex() const {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(32, '0');
  for (int i = 0; i < 16; ++i) {
    out[static_cast<std::size_t>(15 - i)] = kDigits[(high >> (4 * i)) & 0xf];
    out[static_cast<std::size_t>(31 - i)] = kDigits[(low >> (4 * i)) & 0xf];
  }
  return out;
}

std::optional<Split> split(std::string_view body) {
  if (body.size() < kMinBody || std::memchr(body.data(), kMarker, body.size()) != nullptr) {
    return std::nullopt;
  }
  auto layout = rawjson::scanObject(body);
  if (!layout) {
    return std::nullopt;
  }
  struct Cut {
    std::size_t begin;
    std::size_t end;
  };
  std::vector<Cut> cuts;
  for (const auto& m : layout->members) {
    std::string_view value = body.substr(m.value_begin, m.value_end - m.value_begin);
    if (value.size() < kMinPart) {
      continue;
    }
    if (isConversation(m.key) && value.front() == '[') {
      auto elements = rawjson::scanArray(value);
      if (!elements) {
        return std::nullopt;
      }
      for (const auto& e : *elements) {
        if (e.end - e.begin >= kMinPart) {
          cuts.push_back({m.value_begin + e.begin, m.value_begin + e.end});
        }
      }
      continue;
    }
    cuts.push_back({m.value_begin, m.value_end});
  }
  if (cuts.empty()) {
    return std::nullopt;
  }
  Split s;
  std::size_t kept = body.size() + cuts.size();
  for (const auto& c : cuts) {
    kept -= c.end - c.begin;
  }
  s.skeleton.reserve(kept);
  s.parts.reserve(cuts.size());
  s.refs.reserve(cuts.size() * 35 + 2);
  s.refs.push_back('[');
  std::size_t at = 0;
  for (const auto& c : cuts) {
    s.skeleton.append(body.substr(at, c.begin - at));
    s.skeleton.push_back(kMarker);
    at = c.end;
    Part p{body.substr(c.begin, c.end - c.begin), {}};
    p.hash = hashOf(p.body);
    s.refs += s.parts.empty() ? "\"" : ",\"";
    s.refs += p.hash.hex();
    s.refs.push_back('"');
    s.parts.push_back(p);
  }
  s.skeleton.append(body.substr(at));
  s.refs.push_back(']');
  return s;
}

std::optional<std::vector<std::string>> parseRefs(std::string_view refs) {
  // Our own format, written by split(): ["<32 hex>", ...] without spaces.
  std::vector<std::string> out;
  if (refs.size() < 2 || refs.front() != '[' || refs.back() != ']') {
    return std::nullopt;
  }
  std::size_t i = 1;
  while (i < refs.size() - 1) {
    if (refs[i] != '"') {
      return std::nullopt;
    }
    auto close = refs.find('"', i + 1);
    if (close == std::string_view::npos || close >= refs.size() - 1) {
      return std::nullopt;
    }
    out.emplace_back(refs.substr(i + 1, close - i - 1));
    i = close + 1;
    if (refs[i] == ',') {
      ++i;
    } else if (i != refs.size() - 1) {
      return std::nullopt;
    }
  }
  return out;
}

std::string join(std::string_view skeleton, const std::vector<const std::string*>& bodies) {
  std::size_t size = skeleton.size();
  for (const auto* b : bodies) {
    size += b != nullptr ? b->size() : 4;
  }
  std::string out;
  out.reserve(size);
  std::size_t next = 0;
  for (;;) {
    auto marker = skeleton.find(kMarker);
    if (marker == std::string_view::npos || next == bodies.size()) {
      out.append(skeleton);
      return out;
    }
    out.append(skeleton.substr(0, marker));
    const std::string* b = bodies[next++];
    out.append(b != nullptr ? std::string_view(*b) : std::string_view("null"));
    skeleton.remove_prefix(marker + 1);
  }
}

} // namespace hd::logs::parts
