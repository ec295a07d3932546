#include "core/raw_json.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#elif defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace hd::rawjson {
namespace {

bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::size_t skipSpace(std::string_view t, std::size_t i) {
  while (i < t.size() && isSpace(t[i])) {
    ++i;
  }
  return i;
}

// The first '"' or '\\' at or after i in t[0, n), or n. Most of a coding agent's request is string text
// (prompts, file contents, tool descriptions) in which those are the only bytes that matter: 16 bytes
// are checked at a time, 32 where the CPU has AVX2 (a string that goes on past its first 16 bytes).
#if defined(__x86_64__)
__attribute__((target("avx2"))) std::size_t findQuoteOrBackslashAvx2(const char* t, std::size_t i, std::size_t n) {
  const __m256i quote = _mm256_set1_epi8('"');
  const __m256i backslash = _mm256_set1_epi8('\\');
  while (i + 32 <= n) {
    __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(t + i));
    auto hits = static_cast<unsigned>(
        _mm256_movemask_epi8(_mm256_or_si256(_mm256_cmpeq_epi8(v, quote), _mm256_cmpeq_epi8(v, backslash))));
    if (hits != 0) {
      return i + static_cast<std::size_t>(__builtin_ctz(hits));
    }
    i += 32;
  }
  while (i < n && t[i] != '"' && t[i] != '\\') {
    ++i;
  }
  return i;
}

const bool kHaveAvx2 = (__builtin_cpu_init(), __builtin_cpu_supports("avx2"));
#endif

std::size_t findQuoteOrBackslash(const char* t, std::size_t i, std::size_t n) {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  while (i + 16 <= n) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(t + i));
    auto hits =
        static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash))));
    if (hits != 0) {
      return i + static_cast<std::size_t>(__builtin_ctz(hits));
    }
    i += 16;
#if defined(__x86_64__)
    if (kHaveAvx2) {
      return findQuoteOrBackslashAvx2(t, i, n);
    }
#endif
  }
#endif
  while (i < n && t[i] != '"' && t[i] != '\\') {
    ++i;
  }
  return i;
}

// i points at the opening quote; returns one past the closing quote, or npos.
std::size_t skipString(std::string_view t, std::size_t i) {
  ++i;
  while (i < t.size()) {
    i = findQuoteOrBackslash(t.data(), i, t.size());
    if (i >= t.size()) {
      break;
    }
    if (t[i] == '\\') {
      i += 2;
      continue;
    }
    return i + 1;
  }
  return std::string_view::npos;
}

// Skips one value starting at i (no leading space); returns one past its end, or npos.
std::size_t skipValue(std::string_view t, std::size_t i) {
  if (i >= t.size()) {
    return std::string_view::npos;
  }
  char c = t[i];
  if (c == '"') {
    return skipString(t, i);
  }
  if (c == '{' || c == '[') {
    // The expected closers: 64 levels in place (a bit each: '}' or ']'), deeper ones in a string.
    std::uint64_t bits = 0;
    std::size_t depth = 0;
    std::string deeper;
    while (i < t.size()) {
      c = t[i];
      if (c == '"') {
        i = skipString(t, i);
        if (i == std::string_view::npos) {
          return i;
        }
        continue;
      }
      if (c == '{' || c == '[') {
        char closer = c == '{' ? '}' : ']';
        if (depth < 64) {
          bits = (bits & ~(std::uint64_t{1} << depth)) | (std::uint64_t{closer == ']'} << depth);
        } else {
          deeper.push_back(closer);
        }
        ++depth;
      } else if (c == '}' || c == ']') {
        if (depth == 0) {
          return std::string_view::npos;
        }
        --depth;
        char expected = depth < 64 ? (((bits >> depth) & 1U) != 0 ? ']' : '}') : deeper.back();
        if (depth >= 64) {
          deeper.pop_back();
        }
        if (c != expected) {
          return std::string_view::npos;
        }
        if (depth == 0) {
          return i + 1;
        }
      }
      ++i;
    }
    return std::string_view::npos;
  }
  // Number or literal: runs until a structural character or space.
  std::size_t start = i;
  while (i < t.size() && !isSpace(t[i]) && t[i] != ',' && t[i] != '}' && t[i] != ']') {
    ++i;
  }
  return i == start ? std::string_view::npos : i;
}

// i points at '['; appends the spans of the array's elements to `out` and returns one past its ']', or
// npos (what it appended is then meaningless).
std::size_t arrayElements(std::string_view t, std::size_t i, std::vector<Span>& out) {
  i = skipSpace(t, i + 1);
  if (i < t.size() && t[i] == ']') {
    return i + 1;
  }
  while (true) {
    std::size_t end = skipValue(t, i);
    if (end == std::string_view::npos) {
      return end;
    }
    out.push_back({i, end});
    i = skipSpace(t, end);
    if (i < t.size() && t[i] == ',') {
      i = skipSpace(t, i + 1);
      continue;
    }
    return i < t.size() && t[i] == ']' ? i + 1 : std::string_view::npos;
  }
}

} // namespace

namespace {

// Fills `layout` (its members cleared first); nullptr, or what is wrong.
const char* scan(std::string_view t, std::initializer_list<std::string_view> array_keys, std::vector<Span>* elements,
                 ObjectLayout& layout) {
  layout.members.clear();
  std::size_t i = skipSpace(t, 0);
  if (i >= t.size() || t[i] != '{') {
    return "request body must be a JSON object";
  }
  layout.open_brace = i;
  ++i;
  std::size_t leading = i;
  i = skipSpace(t, i);
  if (i < t.size() && t[i] == '}') {
    layout.close_brace = i;
    return nullptr;
  }
  while (true) {
    if (i >= t.size() || t[i] != '"') {
      return "malformed JSON object: expected a member name";
    }
    std::size_t key_end = skipString(t, i);
    if (key_end == std::string_view::npos) {
      return "malformed JSON object: unterminated string";
    }
    Member m;
    m.key = t.substr(i + 1, key_end - i - 2);
    m.leading_begin = leading;
    i = skipSpace(t, key_end);
    if (i >= t.size() || t[i] != ':') {
      return "malformed JSON object: expected ':'";
    }
    i = skipSpace(t, i + 1);
    m.value_begin = i;
    bool expand = elements != nullptr && i < t.size() && t[i] == '[' &&
                  std::find(array_keys.begin(), array_keys.end(), m.key) != array_keys.end();
    std::size_t end = expand ? arrayElements(t, i, *elements) : skipValue(t, i);
    if (end == std::string_view::npos) {
      return "malformed JSON object: bad value";
    }
    m.value_end = end;
    layout.members.push_back(m);
    i = skipSpace(t, end);
    if (i < t.size() && t[i] == ',') {
      ++i;
      leading = i;
      i = skipSpace(t, i);
      continue;
    }
    if (i < t.size() && t[i] == '}') {
      layout.close_brace = i;
      return nullptr;
    }
    return "malformed JSON object: expected ',' or '}'";
  }
}

} // namespace

Result<ObjectLayout> scanObject(std::string_view t) {
  return scanObject(t, {}, nullptr);
}

Result<ObjectLayout> scanObject(std::string_view t, std::initializer_list<std::string_view> array_keys,
                                std::vector<Span>* elements) {
  ObjectLayout layout;
  if (const char* error = scan(t, array_keys, elements, layout)) {
    return Error::invalidRequest(error);
  }
  return layout;
}

bool scanObjectInto(std::string_view t, ObjectLayout& layout) {
  return scan(t, {}, nullptr, layout) == nullptr;
}

std::string applyEdits(std::string_view t, const ObjectLayout& layout, const std::vector<Edit>& edits) {
  std::string out;
  out.reserve(t.size() + 64);
  out.append(t.substr(0, layout.open_brace + 1));
  std::vector<bool> used(edits.size(), false);
  bool first = true;
  for (const auto& m : layout.members) {
    const Edit* edit = nullptr;
    for (std::size_t k = 0; k < edits.size(); ++k) {
      if (edits[k].key == m.key) {
        edit = &edits[k];
        used[k] = true;
        break;
      }
    }
    if (edit != nullptr && edit->replacement.empty()) {
      continue; // removed
    }
    if (!first) {
      out.push_back(',');
    }
    first = false;
    // Leading whitespace and the key, exactly as sent.
    if (edit == nullptr) {
      out.append(t.substr(m.leading_begin, m.value_end - m.leading_begin));
    } else {
      out.append(t.substr(m.leading_begin, m.value_begin - m.leading_begin));
      out.append(edit->replacement);
    }
  }
  for (std::size_t k = 0; k < edits.size(); ++k) {
    if (!used[k] && !edits[k].replacement.empty()) {
      if (!first) {
        out.push_back(',');
      }
      first = false;
      out.push_back('"');
      out.append(edits[k].key);
      out.append("\":");
      out.append(edits[k].replacement);
    }
  }
  // Trailing whitespace before '}' is kept from after the last member.
  std::size_t tail = layout.members.empty() ? layout.open_brace + 1 : layout.members.back().value_end;
  out.append(t.substr(tail));
  return out;
}

} // namespace hd::rawjson
