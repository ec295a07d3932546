#pragma once
// Exact token counts for OpenAI models: the tiktoken byte-pair encoding (o200k_base, cl100k_base) plus OpenAI's
// published chat-framing rules.
//
// Text: the input is split by the encoding's pre-tokenization regex (tiktoken's own pattern, taken from the
// vocabulary package), and each piece is byte-pair merged by rank; the count equals len(tiktoken.encode(text)) with
// special tokens treated as ordinary text. Invalid UTF-8 never crashes: bytes the regex cannot read are merged as
// raw byte runs. Known deviation: character classes follow PCRE2's Unicode tables (Unicode 14 in Debian 12), so
// letters/digits added in later Unicode versions may split differently from OpenAI's tokenizer.
//
// Chat framing (countChatTokens), from OpenAI's cookbook "How to count tokens with tiktoken"
// (openai-cookbook, examples/How_to_count_tokens_with_tiktoken.ipynb, sections 6 and 7), which the cookbook checks
// against the API's usage.prompt_tokens:
//   messages: 3 per message + tokens(role) + tokens(content) [+ tokens(name) + 1 when a name is set],
//             + 3 once for the reply priming (<|start|>assistant<|message|>).
//   tools (the cookbook's num_tokens_for_tools), only when at least one tool is given:
//     per function: funcInit + tokens(name + ":" + description without one trailing ".")
//       if parameters.properties is non-empty: + 3, then per property: + 3
//         + tokens(key + ":" + type + ":" + description without one trailing ".")
//         + (if the property has "enum") -3 + per item (3 + tokens(item))
//     + 12 once after all functions.
//     funcInit = 7 for o200k_base models (gpt-4o family and later), 10 for cl100k_base (gpt-4, gpt-3.5-turbo).
//   Choices made where the cookbook is silent: a message's text pieces are counted as one concatenated string;
//   a missing description or type counts as ""; a non-string type or enum item counts as its JSON text.
//   Nested schemas (object properties inside properties) are not counted, as in the cookbook.
// These counts are exact for plain text conversations; tool definitions follow OpenAI's published estimate.

#include <boost/json/value.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hd::tokenize {

enum class Encoding { O200k, Cl100k };

// "o200k_base" / "cl100k_base".
std::string_view encodingName(Encoding encoding);

// False when the build had no vocabulary data (tools/tokenizer-data not installed) or it failed to load; the
// caller then falls back to an estimate. The first call per encoding builds its lookup tables (tens of ms).
bool hasVocabulary(Encoding encoding);

// The encoding OpenAI uses for a model name, after dropping any "provider/" prefix and a fine-tune "ft:" prefix:
// gpt-4o*, gpt-4.1*, gpt-4.5*, gpt-5*, gpt-oss*, chatgpt-4o*, codex*, o1/o3/o4* -> O200k;
// gpt-4*, gpt-3.5*/gpt-35*, text-embedding-3*/ada-002, davinci-002, babbage-002 -> Cl100k. Anything else: nullopt.
std::optional<Encoding> encodingForModel(std::string_view model);

// Number of tokens in text; 0 when !hasVocabulary(encoding).
std::size_t countTokens(Encoding encoding, std::string_view text);

struct ChatMessage {
  std::string role;                 // "system", "developer", "user", "assistant", "tool"
  std::optional<std::string> name;  // OpenAI's optional participant name
  std::vector<std::string> content; // text pieces, counted as their concatenation
};

struct ChatTool {
  std::string name;
  std::string description;
  boost::json::value parameters; // JSON Schema object ({"type":"object","properties":{...}})
};

struct ChatCountInput {
  std::vector<ChatMessage> messages;
  std::vector<ChatTool> tools;
};

// Prompt tokens of a chat request by the rules in the header comment; 0 when !hasVocabulary(encoding).
std::size_t countChatTokens(Encoding encoding, const ChatCountInput& input);

} // namespace hd::tokenize
