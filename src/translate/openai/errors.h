#pragma once
// OpenAI / Azure OpenAI error bodies ({"error":{"message","type","code","param"}}) -> Anthropic error types,
// and the reverse shape for OpenAI clients.

#include <boost/json/value.hpp>
#include <string>
#include <string_view>

#include "core/error.h"

namespace hd::translate::openai {

struct MappedError {
  std::string type;    // Anthropic error type, e.g. "rate_limit_error"
  std::string message; // upstream message (with its code), or a description of the body
};

// Anthropic error type for an upstream HTTP status (400 invalid_request_error ... 529 overloaded_error).
std::string errorTypeForOpenAIStatus(int status);

// An upstream error body. `status` 0 means unknown (an error inside a 200 stream): the type then comes from
// the body's type/code. Context-window overflows are reworded as "prompt is too long: N tokens > M maximum"
// so Anthropic clients (Claude Code) recognise them and compact.
MappedError mapOpenAIError(int status, std::string_view body);
// The same for an already parsed `error` member (object or string).
MappedError mapOpenAIErrorValue(int status, const boost::json::value& error);

// Anthropic error type -> the gateway's Error (status and kind).

// {"error":{"message","type","param":null,"code"}} as OpenAI clients expect it.
std::string openAIErrorBody(const Error& err);
std::string openAIErrorBody(std::string_view anthropic_type, std::string_view message);

} // namespace hd::translate::openai
