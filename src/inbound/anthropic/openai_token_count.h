#pragma once
// Exact input-token counts for OpenAI-family targets: the Anthropic request is translated exactly as it
// would be sent, then counted with the model's BPE vocabulary and OpenAI's chat framing rules.

#include <boost/json/object.hpp>
#include <optional>
#include <string>

#include "core/error.h"
#include "routing/route.h"

namespace hd::inbound::anthropic {

struct TokenCount {
  std::int64_t input_tokens = 0;
  std::string encoding; // e.g. "o200k_base"
};

// nullopt when the model has no known encoding or the build has no vocabulary; an Error when the request
// cannot be translated (the same error a messages call would get).
Result<std::optional<TokenCount>> countOpenAIInputTokens(const routing::Route& route,
                                                         const boost::json::object& anthropic_request);

} // namespace hd::inbound::anthropic
