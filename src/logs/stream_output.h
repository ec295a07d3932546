#pragma once
// Rebuilds the final message of a streamed answer from its server-sent events, for the request log's
// `output`: Anthropic Messages events (message_start, content_block_*, message_delta) become one
// Messages response; OpenAI chat-completion chunks become one chat.completion object. Written by hand:
// it only folds deltas together; the SSE framing itself is core/sse.h.

#include <optional>
#include <string>
#include <string_view>

namespace hd::logs {

// The reconstructed message as JSON text; nullopt when `sse` holds neither format. Anthropic streams in
// Anthropic's layout are folded on their raw text (logs/anthropic_fold.h), anything else with a document.
std::optional<std::string> reconstructStream(std::string_view sse);
// The same, always with a document (the fallback; tests and the fuzz target compare the two).
std::optional<std::string> reconstructStreamWithDocument(std::string_view sse);

} // namespace hd::logs
