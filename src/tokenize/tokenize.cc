#include "tokenize/tokenize.h"

#include <array>
#include <cctype>
#include <memory>

#include "tokenize/bpe.h"
#include "tokenize/pretokenize.h"

namespace hd::tokenize {
namespace {

struct EncodingData {
  std::unique_ptr<detail::Vocabulary> vocabulary;
  std::unique_ptr<detail::Pretokenizer> pretokenizer;
};

EncodingData load(Encoding encoding) {
  EncodingData data;
  auto vocabulary = detail::Vocabulary::fromBlob(detail::embeddedBlob(), encoding);
  if (!vocabulary) {
    return data;
  }
  auto pretokenizer = std::make_unique<detail::Pretokenizer>(vocabulary->pattern());
  if (!pretokenizer->valid()) {
    return data;
  }
  data.vocabulary = std::move(vocabulary);
  data.pretokenizer = std::move(pretokenizer);
  return data;
}

// Built on first use; nullptr when the encoding is unavailable.
const EncodingData* encodingData(Encoding encoding) {
  if (encoding == Encoding::O200k) {
    static const EncodingData o200k = load(Encoding::O200k);
    return o200k.vocabulary ? &o200k : nullptr;
  }
  static const EncodingData cl100k = load(Encoding::Cl100k);
  return cl100k.vocabulary ? &cl100k : nullptr;
}

bool startsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// o1, o3-mini, o4-mini-2025-04-16, ...: "o", digits, then the end or '-'.
bool isReasoningModel(std::string_view model) {
  if (model.size() < 2 || model[0] != 'o' || !std::isdigit(static_cast<unsigned char>(model[1]))) {
    return false;
  }
  std::size_t i = 1;
  while (i < model.size() && std::isdigit(static_cast<unsigned char>(model[i]))) {
    ++i;
  }
  return i == model.size() || model[i] == '-';
}

} // namespace

std::string_view encodingName(Encoding encoding) {
  return encoding == Encoding::O200k ? "o200k_base" : "cl100k_base";
}

bool hasVocabulary(Encoding encoding) {
  return encodingData(encoding) != nullptr;
}

std::optional<Encoding> encodingForModel(std::string_view model) {
  if (std::size_t slash = model.find_last_of('/'); slash != std::string_view::npos) {
    model.remove_prefix(slash + 1); // "openai/gpt-4o", "azure/gpt-4.1"
  }
  std::string name(model);
  for (char& c : name) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  std::string_view m = name;
  if (startsWith(m, "ft:")) {
    m.remove_prefix(3);
  }
  for (std::string_view prefix : {"gpt-4o", "gpt-4.1", "gpt-4.5", "gpt-5", "gpt-oss", "chatgpt-4o", "codex"}) {
    if (startsWith(m, prefix)) {
      return Encoding::O200k;
    }
  }
  if (isReasoningModel(m)) {
    return Encoding::O200k;
  }
  for (std::string_view prefix :
       {"gpt-4", "gpt-3.5", "gpt-35", "text-embedding-3", "text-embedding-ada-002", "davinci-002", "babbage-002"}) {
    if (startsWith(m, prefix)) {
      return Encoding::Cl100k;
    }
  }
  return std::nullopt;
}

std::size_t countTokens(Encoding encoding, std::string_view text) {
  const EncodingData* data = encodingData(encoding);
  if (data == nullptr) {
    return 0;
  }
  std::size_t total = 0;
  const detail::Vocabulary& vocabulary = *data->vocabulary;
  data->pretokenizer->forEachPiece(
      text, [&](std::string_view piece) { total += detail::countPieceTokens(vocabulary, piece); });
  return total;
}

namespace detail {

std::vector<std::string_view> splitPieces(Encoding encoding, std::string_view text) {
  std::vector<std::string_view> pieces;
  if (const EncodingData* data = encodingData(encoding)) {
    data->pretokenizer->forEachPiece(text, [&](std::string_view piece) { pieces.push_back(piece); });
  }
  return pieces;
}

} // namespace detail
} // namespace hd::tokenize
