#pragma once
// Anthropic's error shape: {"type":"error","error":{"type":...,"message":...}}, and the mapping of
// upstream error bodies (Anthropic, Azure, OpenAI shapes) into it.

#include <string>
#include <string_view>

#include "core/error.h"

namespace hd::inbound::anthropic {

std::string errorBody(const Error& err);

// Upstream non-2xx response -> the body the client receives (same status). Anthropic-shaped bodies pass
// through verbatim; other shapes are rewrapped with the provider named in the message.
std::string mapUpstreamError(unsigned status, std::string_view body, std::string_view provider);

// SSE `error` event for failures after the stream has started.
std::string errorEvent(std::string_view type, std::string_view message);

} // namespace hd::inbound::anthropic
