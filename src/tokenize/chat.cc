// Chat framing on top of countTokens; the rules and their source are in tokenize.h.
#include <boost/json.hpp>

#include <cstdint>

#include "tokenize/tokenize.h"

namespace hd::tokenize {
namespace {

// OpenAI cookbook "How to count tokens with tiktoken", num_tokens_from_messages.
constexpr std::int64_t kTokensPerMessage = 3;
constexpr std::int64_t kTokensPerName = 1;
constexpr std::int64_t kReplyPriming = 3;

// The same cookbook, num_tokens_for_tools.
constexpr std::int64_t kFuncInitO200k = 7;
constexpr std::int64_t kFuncInitCl100k = 10;
constexpr std::int64_t kPropInit = 3;
constexpr std::int64_t kPropKey = 3;
constexpr std::int64_t kEnumInit = -3;
constexpr std::int64_t kEnumItem = 3;
constexpr std::int64_t kFuncEnd = 12;

std::string_view withoutTrailingPeriod(std::string_view s) {
  if (!s.empty() && s.back() == '.') {
    s.remove_suffix(1);
  }
  return s;
}

// A string member as is, anything else as its JSON text, absent as "".
std::string textOf(const boost::json::value* v) {
  if (v == nullptr) {
    return {};
  }
  if (const auto* s = v->if_string()) {
    return std::string(*s);
  }
  return boost::json::serialize(*v);
}

std::int64_t countTool(Encoding encoding, const ChatTool& tool) {
  auto count = [&](std::string_view text) { return static_cast<std::int64_t>(countTokens(encoding, text)); };
  std::int64_t total = encoding == Encoding::O200k ? kFuncInitO200k : kFuncInitCl100k;
  std::string line = tool.name;
  line += ':';
  line += withoutTrailingPeriod(tool.description);
  total += count(line);

  const boost::json::object* params = tool.parameters.if_object();
  const boost::json::value* propsValue = params != nullptr ? params->if_contains("properties") : nullptr;
  const boost::json::object* props = propsValue != nullptr ? propsValue->if_object() : nullptr;
  if (props == nullptr || props->empty()) {
    return total;
  }
  total += kPropInit;
  for (const auto& [key, value] : *props) {
    total += kPropKey;
    const boost::json::object* prop = value.if_object();
    std::string type = prop != nullptr ? textOf(prop->if_contains("type")) : std::string();
    std::string description = prop != nullptr ? textOf(prop->if_contains("description")) : std::string();
    if (const boost::json::value* enumValue = prop != nullptr ? prop->if_contains("enum") : nullptr) {
      total += kEnumInit;
      if (const boost::json::array* items = enumValue->if_array()) {
        for (const boost::json::value& item : *items) {
          total += kEnumItem + count(textOf(&item));
        }
      }
    }
    line.assign(key.data(), key.size());
    line += ':';
    line += type;
    line += ':';
    line += withoutTrailingPeriod(description);
    total += count(line);
  }
  return total;
}

} // namespace

std::size_t countChatTokens(Encoding encoding, const ChatCountInput& input) {
  if (!hasVocabulary(encoding)) {
    return 0;
  }
  std::int64_t total = 0;
  std::string content;
  for (const ChatMessage& message : input.messages) {
    total += kTokensPerMessage;
    total += static_cast<std::int64_t>(countTokens(encoding, message.role));
    if (message.content.size() == 1) {
      total += static_cast<std::int64_t>(countTokens(encoding, message.content.front()));
    } else {
      content.clear();
      for (const std::string& piece : message.content) {
        content += piece;
      }
      total += static_cast<std::int64_t>(countTokens(encoding, content));
    }
    if (message.name) {
      total += kTokensPerName + static_cast<std::int64_t>(countTokens(encoding, *message.name));
    }
  }
  total += kReplyPriming;
  if (!input.tools.empty()) {
    for (const ChatTool& tool : input.tools) {
      total += countTool(encoding, tool);
    }
    total += kFuncEnd;
  }
  return total > 0 ? static_cast<std::size_t>(total) : 0;
}

} // namespace hd::tokenize
