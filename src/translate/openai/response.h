#pragma once
// Whole (non-streaming) chat.completion bodies <-> IR responses.

#include <string>
#include <string_view>

#include "core/error.h"
#include "core/ir.h"

namespace hd::translate::openai {

// A 2xx chat.completion body -> IR. Malformed bodies are a 502 (badGateway); an `error` member in a 2xx
// body becomes the mapped Error. Invalid tool-call JSON is kept as a raw string in `input`.
Result<ir::Response> responseFromOpenAI(std::string_view body);

// IR -> chat.completion JSON for OpenAI clients. `model` is what the client asked for ("" = response.model).
std::string responseToOpenAI(const ir::Response& response, std::string_view model);

} // namespace hd::translate::openai
