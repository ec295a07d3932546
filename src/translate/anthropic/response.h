#pragma once
// Anthropic Messages API response (a `message` object) <-> IR response.
//
// Usage convention: IR Usage follows Anthropic's, so the mapping is one to one. `input_tokens` EXCLUDES
// prompt-cache reads and writes, which are counted separately in cache_read_input_tokens and
// cache_creation_input_tokens (total prompt = input + cache_creation + cache_read). Translators for APIs
// whose prompt count includes cached tokens (OpenAI) convert at their edge.

#include <string>
#include <string_view>

#include "core/error.h"
#include "core/ir.h"

namespace hd::translate::anthropic {

// Parses an upstream message body. Content blocks other than text, tool_use, thinking and redacted_thinking
// (server tool blocks) are skipped. A body that is an Anthropic error object ({"type":"error", ...}) gives
// an Error of the matching kind with its message; a malformed body gives a 502 naming the JSON path.
Result<ir::Response> responseToIr(std::string_view body);

// Renders {id, type:"message", role:"assistant", model, content, stop_reason, stop_sequence, usage}.
// Empty id: a random "msg_..." id; empty stop_reason / stop_sequence: null. Only text, tool_use, thinking
// and redacted_thinking blocks are rendered.
std::string responseFromIr(const ir::Response& resp);

// The Error for an Anthropic error type ("overloaded_error" -> 529, ...; unknown -> 500 api_error).
Error errorFromType(std::string_view type, std::string message);

} // namespace hd::translate::anthropic
