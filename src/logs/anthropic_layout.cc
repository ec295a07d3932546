#include "logs/anthropic_layout.h"

namespace hd::logs::anthropic {

namespace {

// A block index written as digits at `pos` (at most 9, no leading zero: JSON numbers have none), which
// moves past them.
std::optional<std::int64_t> indexAt(std::string_view data, std::size_t& pos) {
  if (pos + 1 < data.size() && data[pos] == '0' && data[pos + 1] >= '0' && data[pos + 1] <= '9') {
    return std::nullopt;
  }
  std::int64_t i = 0;
  std::size_t digits = 0;
  while (pos < data.size() && data[pos] >= '0' && data[pos] <= '9' && digits < 9) {
    i = i * 10 + (data[pos++] - '0');
    ++digits;
  }
  return digits > 0 ? std::optional<std::int64_t>(i) : std::nullopt;
}

} // namespace

std::optional<Delta> delta(std::string_view data) {
  constexpr std::string_view kHead = R"({"type":"content_block_delta","index":)";
  constexpr std::string_view kDelta = R"(,"delta":{"type":")";
  if (!data.starts_with(kHead) || !data.ends_with("\"}}")) {
    return std::nullopt;
  }
  std::size_t pos = kHead.size();
  auto i = indexAt(data, pos);
  if (!i || data.substr(pos, kDelta.size()) != kDelta) {
    return std::nullopt;
  }
  pos += kDelta.size();
  auto kind_end = data.find('"', pos);
  if (kind_end == std::string_view::npos) {
    return std::nullopt;
  }
  auto kind = data.substr(pos, kind_end - pos);
  std::string_view member = kind == "text_delta"         ? "text"
                            : kind == "input_json_delta" ? "partial_json"
                            : kind == "thinking_delta"   ? "thinking"
                            : kind == "signature_delta"  ? "signature"
                                                         : "";
  pos = kind_end + 1;
  if (member.empty() || data.substr(pos, 2) != ",\"" || data.substr(pos + 2, member.size()) != member ||
      data.substr(pos + 2 + member.size(), 2) != "\":") {
    return std::nullopt;
  }
  pos += 2 + member.size() + 2;
  auto literal = data.substr(pos, data.size() - 2 - pos);
  if (literal.size() < 2 || literal.front() != '"' || literal.back() != '"') {
    return std::nullopt;
  }
  return Delta{*i, member, literal};
}

std::optional<std::int64_t> blockStop(std::string_view data) {
  constexpr std::string_view kStop = R"({"type":"content_block_stop","index":)";
  if (!data.starts_with(kStop)) {
    return std::nullopt;
  }
  std::size_t pos = kStop.size();
  auto i = indexAt(data, pos);
  if (!i || pos + 1 != data.size() || data[pos] != '}') {
    return std::nullopt;
  }
  return i;
}

std::optional<BlockStart> blockStart(std::string_view data) {
  constexpr std::string_view kHead = R"({"type":"content_block_start","index":)";
  constexpr std::string_view kBlock = R"(,"content_block":)";
  if (!data.starts_with(kHead) || !data.ends_with('}')) {
    return std::nullopt;
  }
  std::size_t pos = kHead.size();
  auto i = indexAt(data, pos);
  if (!i || data.substr(pos, kBlock.size()) != kBlock) {
    return std::nullopt;
  }
  pos += kBlock.size();
  auto block = data.substr(pos, data.size() - 1 - pos);
  if (block.empty() || block.front() != '{') {
    return std::nullopt;
  }
  return BlockStart{*i, block};
}

bool plainAscii(std::string_view literal) {
  if (literal.size() < 2 || literal.front() != '"' || literal.back() != '"') {
    return false;
  }
  for (std::size_t k = 1; k + 1 < literal.size(); ++k) {
    auto c = static_cast<unsigned char>(literal[k]);
    if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
      return false;
    }
  }
  return true;
}

} // namespace hd::logs::anthropic
