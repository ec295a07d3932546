#include "logs/parts.h"

#include <algorithm>
#include <charconv>

#include <xxhash.h>
#if defined(__x86_64__)
#define XXH_DISPATCH_DISABLE_REPLACE
#include <xxh_x86dispatch.h>
#endif

#include "core/raw_json.h"

namespace hd::logs::parts {

namespace {

Hash hashOf(std::string_view text) {
#if defined(__x86_64__)
  // The library runs XXH3 on the widest vector unit the CPU has (AVX2, AVX-512), chosen at run time; the
  // baseline build's SSE2 code takes twice the instructions. The hash is the same either way.
  XXH128_hash_t h = XXH3_128bits_dispatch(text.data(), text.size());
#else
  XXH128_hash_t h = XXH3_128bits(text.data(), text.size());
#endif
  return {h.high64, h.low64};
}

bool isConversation(std::string_view key) {
  return key == "messages" || key == "input";
}

} // namespace

std::optional<Split> split(std::string_view body) {
  if (body.size() < kMinBody) {
    return std::nullopt;
  }
  std::vector<rawjson::Span> elements; // of the conversation, found in the same pass
  auto layout = rawjson::scanObject(body, {"messages", "input"}, &elements);
  if (!layout) {
    return std::nullopt;
  }
  std::vector<rawjson::Span> cuts;
  std::size_t next = 0;
  for (const auto& m : layout->members) {
    if (isConversation(m.key) && body[m.value_begin] == '[') {
      for (; next < elements.size() && elements[next].begin < m.value_end; ++next) {
        if (elements[next].end - elements[next].begin >= kMinElement) {
          cuts.push_back(elements[next]);
        }
      }
    } else if (m.value_end - m.value_begin >= kMinPart) {
      cuts.push_back({m.value_begin, m.value_end});
    }
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
  std::size_t at = 0;
  for (const auto& c : cuts) {
    s.skeleton.append(body.substr(at, c.begin - at));
    s.skeleton.push_back(kMarker);
    at = c.end;
    Part p{body.substr(c.begin, c.end - c.begin), {}};
    p.hash = hashOf(p.body);
    s.parts.push_back(p);
  }
  s.skeleton.append(body.substr(at));
  // A marker byte of the body's own (not valid JSON text, but a body is stored as sent) would be taken
  // for a part: such a body stays whole. Only the skeleton matters; the parts are stored as they are.
  if (static_cast<std::size_t>(std::count(s.skeleton.begin(), s.skeleton.end(), kMarker)) != s.parts.size()) {
    return std::nullopt;
  }
  return s;
}

std::string formatRefs(const std::vector<std::int64_t>& keys) {
  std::string out = "[";
  for (std::size_t i = 0; i < keys.size(); ++i) {
    out += i == 0 ? "" : ",";
    out += std::to_string(keys[i]);
  }
  out += "]";
  return out;
}

std::optional<std::vector<std::int64_t>> parseRefs(std::string_view refs) {
  // Our own format (formatRefs): [k, ...], no spaces, each a non-negative integer.
  std::vector<std::int64_t> out;
  if (refs.size() < 2 || refs.front() != '[' || refs.back() != ']') {
    return std::nullopt;
  }
  refs = refs.substr(1, refs.size() - 2);
  while (!refs.empty()) {
    std::int64_t key = 0;
    auto [end, ec] = std::from_chars(refs.data(), refs.data() + refs.size(), key);
    if (ec != std::errc() || key < 0) {
      return std::nullopt;
    }
    out.push_back(key);
    refs.remove_prefix(static_cast<std::size_t>(end - refs.data()));
    if (!refs.empty()) {
      if (refs.front() != ',' || refs.size() == 1) {
        return std::nullopt;
      }
      refs.remove_prefix(1);
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
