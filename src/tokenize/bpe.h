#pragma once
// Internals of hd_tokenize, exposed for tests and benchmarks: the rank table and byte-pair merging.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "tokenize/tokenize.h"

namespace hd::tokenize::detail {

inline constexpr std::uint32_t kNoRank = 0xffffffffu;

// The embedded vocabulary blob (layout documented in tools/tokenizer-data/make-blob.mjs); empty when the build
// had no data.
std::span<const unsigned char> embeddedBlob();

// Byte string -> rank, an open-addressing table over token bytes that stay in the blob.
class Vocabulary {
public:
  // The section for `encoding`, or nullptr when the blob lacks it or is malformed (including a missing single-byte
  // token, which the merge relies on).
  static std::unique_ptr<Vocabulary> fromBlob(std::span<const unsigned char> blob, Encoding encoding);

  std::uint32_t rank(std::string_view bytes) const;
  std::size_t size() const { return offsets_.size() - 1; }
  std::string_view token(std::uint32_t rank) const {
    return {tokens_ + offsets_[rank], offsets_[rank + 1] - offsets_[rank]};
  }
  // tiktoken's pre-tokenization regex, as stored in the package.
  std::string_view pattern() const { return pattern_; }

private:
  struct Slot {
    std::uint32_t rank = kNoRank;
    std::uint32_t tag = 0; // high half of the hash, to skip most byte comparisons
  };

  std::string_view pattern_;
  const char* tokens_ = nullptr;
  std::vector<std::uint32_t> offsets_; // rank -> start in tokens_, plus the end
  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
};

// Tokens in one pre-tokenized piece: 1 when the whole piece is a token, else the byte-pair merge.
std::size_t countPieceTokens(const Vocabulary& vocabulary, std::string_view piece);

// The two merge implementations (same result): a rescan per merge for short pieces, a heap for long ones.
std::size_t mergeByScan(const Vocabulary& vocabulary, std::string_view piece);
std::size_t mergeByHeap(const Vocabulary& vocabulary, std::string_view piece);

// Pieces longer than this use mergeByHeap.
inline constexpr std::size_t kScanMergeLimit = 64;

// Splits text the way the encoding's regex does (for tests); empty when !hasVocabulary(encoding).
std::vector<std::string_view> splitPieces(Encoding encoding, std::string_view text);

} // namespace hd::tokenize::detail
