#pragma once
// Helpers shared by the OpenAI translators (internal to hd_translate_openai).

#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/ir.h"
#include "core/json_util.h"
#include "core/usage.h"

namespace hd::translate::openai::detail {

// A `data:<media type>;base64,<payload>` URL split into its parts; nullopt for anything else.
struct DataUrl {
  std::string media_type;
  std::string data;
};
std::optional<DataUrl> parseDataUrl(std::string_view url);
std::string makeDataUrl(std::string_view media_type, std::string_view base64);

using hd::json::asDouble;
using hd::json::asInt;
std::string_view asStringView(const boost::json::value& v); // "" unless a string
// The member, or nullptr when absent or JSON null (OpenAI treats null as absent).
const boost::json::value* field(const boost::json::object& o, std::string_view key);
// A 400 "<path>: <what>".
Error bad(std::string_view path, std::string_view what);

// Tool-call arguments (a JSON text) -> IR tool input: the object when it is one, {} when blank, otherwise
// the raw text as a JSON string (invalid JSON is kept, never an error).
boost::json::value parseArguments(std::string_view args);
// IR tool input -> arguments text: objects serialised, raw strings as they are, null as "{}".
std::string serializeArguments(const boost::json::value& input);
// An IR tool_use block as an OpenAI tool call {id, type:"function", function:{name, arguments}}.
boost::json::object toolCall(const ir::Block& tool_use);

// OpenAI finish_reason -> Anthropic stop_reason. `called_tools`: the answer contained tool calls.
std::string stopReasonFromFinish(std::string_view finish_reason, bool called_tools);
// Anthropic stop_reason -> OpenAI finish_reason.
std::string finishReasonFromStop(std::string_view stop_reason);

// OpenAI usage object -> Usage. prompt_tokens includes cached (and cache-write) tokens; IR input_tokens
// does not.
Usage usageFromOpenAI(const boost::json::object& usage);
// Usage -> OpenAI usage object (prompt_tokens includes the cache counts again).
boost::json::object usageToOpenAI(const Usage& usage);

// "chatcmpl-abc" -> "msg_abc" and back; empty ids get a random one.
std::string messageIdFromCompletionId(std::string_view id);
std::string completionIdFromMessageId(std::string_view id);
std::string randomId(std::string_view prefix);

} // namespace hd::translate::openai::detail
