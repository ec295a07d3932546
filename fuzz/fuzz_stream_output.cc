// The request log's rebuild of a streamed answer from its captured events (untrusted upstream bytes):
// whatever the input, the rebuild ends, and what it returns is one JSON object; where the fold on raw
// text answers, the fold with a document gives the same JSON value.
#include <boost/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "logs/anthropic_fold.h"
#include "logs/stream_output.h"

namespace {

namespace js = boost::json;

double number(const js::value& v) {
  return v.is_int64()    ? static_cast<double>(v.get_int64())
         : v.is_uint64() ? static_cast<double>(v.get_uint64())
                         : v.get_double();
}

// Equal JSON values; numbers within rounding (the raw fold keeps a number's digits, a document keeps a
// double and writes it back shorter).
bool same(const js::value& a, const js::value& b) {
  if (a.is_number() && b.is_number()) {
    double x = number(a), y = number(b);
    return x == y || std::fabs(x - y) <= 1e-12 * std::max(std::fabs(x), std::fabs(y));
  }
  if (a.kind() != b.kind()) {
    return false;
  }
  if (a.is_object()) {
    const auto &p = a.get_object(), &q = b.get_object();
    if (p.size() != q.size()) {
      return false;
    }
    for (const auto& kv : p) {
      const auto* other = q.if_contains(kv.key());
      if (other == nullptr || !same(kv.value(), *other)) {
        return false;
      }
    }
    return true;
  }
  if (a.is_array()) {
    const auto &p = a.get_array(), &q = b.get_array();
    if (p.size() != q.size()) {
      return false;
    }
    for (std::size_t i = 0; i < p.size(); ++i) {
      if (!same(p[i], q[i])) {
        return false;
      }
    }
    return true;
  }
  return a == b;
}

// A number too large for a double parses as infinity.
bool hasNonFinite(const boost::json::value& v) {
  if (v.is_double()) {
    return !std::isfinite(v.get_double());
  }
  if (v.is_object()) {
    for (const auto& kv : v.get_object()) {
      if (hasNonFinite(kv.value())) {
        return true;
      }
    }
  }
  if (v.is_array()) {
    for (const auto& e : v.get_array()) {
      if (hasNonFinite(e)) {
        return true;
      }
    }
  }
  return false;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view sse(reinterpret_cast<const char*>(data), size);
  auto out = hd::logs::reconstructStream(sse);
  if (out) {
    boost::system::error_code ec;
    auto v = boost::json::parse(*out, ec);
    if (ec || !v.is_object()) {
      std::abort();
    }
  }
  if (auto raw = hd::logs::foldAnthropicRaw(sse)) {
    // The raw fold keeps a number's digits; the document fold cannot write one it read as infinity and
    // leaves such an answer to be kept as its events.
    auto doc = hd::logs::reconstructStreamWithDocument(sse);
    auto raw_value = boost::json::parse(*raw);
    if (raw != out || (!doc && !hasNonFinite(raw_value)) || (doc && !same(raw_value, boost::json::parse(*doc)))) {
      std::abort();
    }
  }
  return 0;
}
