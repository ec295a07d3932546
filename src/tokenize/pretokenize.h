#pragma once
// tiktoken's pre-tokenization: the text is cut into pieces by the encoding's regex before byte-pair merging.

#include <string>
#include <string_view>
#include <type_traits>

namespace hd::tokenize::detail {

// tiktoken's patterns are Rust-regex syntax, where \s means Unicode White_Space. PCRE2's \s (with UCP) is the Z
// category plus five ASCII controls, which misses U+0085; this rewrites \s and \S (inside and outside character
// classes) to explicit White_Space sets so both engines cut the same pieces.
std::string toPcre2Pattern(std::string_view tiktokenPattern);

// A compiled pattern (PCRE2, UTF + UCP, JIT when available). Thread-safe: match state is per thread.
class Pretokenizer {
public:
  explicit Pretokenizer(std::string_view tiktokenPattern);
  ~Pretokenizer();
  Pretokenizer(const Pretokenizer&) = delete;
  Pretokenizer& operator=(const Pretokenizer&) = delete;

  bool valid() const { return code_ != nullptr; }

  // Calls visit(piece) for consecutive pieces that together cover text exactly. Bytes the regex does not match
  // (invalid UTF-8) are passed as runs of their own.
  using Visit = void (*)(void* context, std::string_view piece);
  void forEachPiece(std::string_view text, Visit visit, void* context) const;

  template <class F> void forEachPiece(std::string_view text, F&& visit) const {
    using Fn = std::remove_reference_t<F>;
    forEachPiece(
        text, [](void* context, std::string_view piece) { (*static_cast<Fn*>(context))(piece); },
        const_cast<void*>(static_cast<const void*>(&visit)));
  }

private:
  void* code_ = nullptr; // pcre2_code_8*
  bool jit_ = false;
};

} // namespace hd::tokenize::detail
