#include "tokenize/pretokenize.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

namespace hd::tokenize::detail {
namespace {

// Unicode White_Space (PropList.txt), the meaning of \s in Rust's regex crate.
constexpr std::string_view kWhiteSpace =
    R"(\t\n\x{0B}\f\r\x{20}\x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000})";

pcre2_code* asCode(void* code) {
  return static_cast<pcre2_code*>(code);
}

// Per-thread match state shared by every pattern: the match data (one ovector pair is enough, the patterns are
// only asked for the whole match) and a JIT stack larger than PCRE2's 32 KiB default.
struct MatchState {
  pcre2_match_data* data = pcre2_match_data_create(1, nullptr);
  pcre2_match_context* context = pcre2_match_context_create(nullptr);
  pcre2_jit_stack* stack = pcre2_jit_stack_create(32 * 1024, 1024 * 1024, nullptr);

  MatchState() {
    if (context != nullptr && stack != nullptr) {
      pcre2_jit_stack_assign(context, nullptr, stack);
    }
  }
  ~MatchState() {
    pcre2_jit_stack_free(stack);
    pcre2_match_context_free(context);
    pcre2_match_data_free(data);
  }
  MatchState(const MatchState&) = delete;
  MatchState& operator=(const MatchState&) = delete;
};

MatchState& matchState() {
  thread_local MatchState state;
  return state;
}

} // namespace

std::string toPcre2Pattern(std::string_view pattern) {
  std::string out;
  out.reserve(pattern.size() * 2);
  bool inClass = false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size()) {
      char e = pattern[i + 1];
      ++i;
      if (e == 's') {
        if (inClass) {
          out += kWhiteSpace;
        } else {
          out += '[';
          out += kWhiteSpace;
          out += ']';
        }
      } else if (e == 'S' && !inClass) {
        out += "[^";
        out += kWhiteSpace;
        out += ']';
      } else {
        out += c;
        out += e;
      }
      continue;
    }
    if (!inClass && c == '[') {
      inClass = true;
      out += c;
      // A ']' right after '[' or '[^' is a literal member, not the end of the class.
      if (i + 1 < pattern.size() && pattern[i + 1] == '^') {
        out += '^';
        ++i;
      }
      if (i + 1 < pattern.size() && pattern[i + 1] == ']') {
        out += ']';
        ++i;
      }
      continue;
    }
    if (inClass && c == ']') {
      inClass = false;
    }
    out += c;
  }
  return out;
}

Pretokenizer::Pretokenizer(std::string_view tiktokenPattern) {
  std::string pattern = toPcre2Pattern(tiktokenPattern);
  int error = 0;
  PCRE2_SIZE errorOffset = 0;
  // MATCH_INVALID_UTF: invalid UTF-8 is never matched instead of failing the whole call (and no per-call validity
  // scan over the subject, which would make the match loop quadratic).
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                   PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF, &error, &errorOffset, nullptr);
  if (code == nullptr) {
    return;
  }
  jit_ = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;
  code_ = code;
}

Pretokenizer::~Pretokenizer() {
  pcre2_code_free(asCode(code_));
}

void Pretokenizer::forEachPiece(std::string_view text, Visit visit, void* context) const {
  if (text.empty()) {
    return;
  }
  if (code_ == nullptr) {
    visit(context, text);
    return;
  }
  MatchState& state = matchState();
  if (state.data == nullptr) {
    visit(context, text);
    return;
  }
  auto subject = reinterpret_cast<PCRE2_SPTR>(text.data());
  std::size_t size = text.size();
  std::size_t done = 0; // everything before this offset has been visited
  while (done < size) {
    int rc = jit_ ? pcre2_jit_match(asCode(code_), subject, size, done, 0, state.data, state.context)
                  : pcre2_match(asCode(code_), subject, size, done, 0, state.data, state.context);
    if (rc < 0) {
      break; // no further match (or a matcher error): the rest is one raw run
    }
    const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(state.data);
    std::size_t begin = ovector[0];
    std::size_t end = ovector[1];
    if (begin < done || end < begin || end > size) {
      break;
    }
    if (begin > done) {
      visit(context, text.substr(done, begin - done));
    }
    if (end == begin) {
      // None of the patterns can match empty; should one ever, take one byte so the loop advances.
      end = begin + 1;
    }
    visit(context, text.substr(begin, end - begin));
    done = end;
  }
  if (done < size) {
    visit(context, text.substr(done));
  }
}

} // namespace hd::tokenize::detail
