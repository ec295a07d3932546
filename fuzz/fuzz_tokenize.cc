// Fuzzes the OpenAI tokenizer on arbitrary bytes (invalid UTF-8 included): the pieces must cover the input exactly,
// both merge implementations must agree, and a count can never exceed the byte count.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "tokenize/bpe.h"
#include "tokenize/tokenize.h"

namespace {

void check(hd::tokenize::Encoding encoding, std::string_view text) {
  using namespace hd::tokenize;
  if (!hasVocabulary(encoding)) {
    return;
  }
  static const auto o200k = detail::Vocabulary::fromBlob(detail::embeddedBlob(), Encoding::O200k);
  static const auto cl100k = detail::Vocabulary::fromBlob(detail::embeddedBlob(), Encoding::Cl100k);
  const detail::Vocabulary& vocabulary = encoding == Encoding::O200k ? *o200k : *cl100k;
  std::size_t covered = 0;
  std::size_t tokens = 0;
  for (std::string_view piece : detail::splitPieces(encoding, text)) {
    if (piece.empty() || piece.data() != text.data() + covered) {
      std::abort();
    }
    covered += piece.size();
    std::size_t n = detail::countPieceTokens(vocabulary, piece);
    if (piece.size() <= 512 && detail::mergeByScan(vocabulary, piece) != detail::mergeByHeap(vocabulary, piece)) {
      std::abort();
    }
    tokens += n;
  }
  if (covered != text.size() || tokens != countTokens(encoding, text) || tokens > text.size()) {
    std::abort();
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  check(hd::tokenize::Encoding::O200k, text);
  check(hd::tokenize::Encoding::Cl100k, text);
  return 0;
}
