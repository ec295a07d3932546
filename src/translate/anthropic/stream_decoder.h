#pragma once
// Anthropic Messages SSE bytes -> IR stream events.
//
// Bytes may arrive in any chunking. Event kinds are taken from the JSON `type` (the SSE `event:` name when
// the JSON has none). Content blocks with no IR form (server_tool_use, web_search_tool_result, ...) are
// skipped together with their deltas and stop, and the remaining blocks are renumbered 0, 1, 2, ... so
// IR indices stay contiguous. Unknown event and delta types are ignored. Malformed event JSON, and events
// over the SSE size cap, become an IR Error event (error_type "api_error"); the decoder never throws.
//
// Usage follows Anthropic's convention (input_tokens excludes cache reads/writes; see response.h).
// MessageStart carries message.usage; MessageDelta the counts in message_delta.usage (absent ones are 0).
// A citations_delta becomes Delta::Citation with the citation object in event.block.citations.

#include <cstddef>
#include <functional>
#include <memory>
#include <string_view>

#include "core/ir.h"

namespace hd::translate::anthropic {

class StreamDecoder {
public:
  using Emit = std::function<void(ir::StreamEvent&&)>;

  StreamDecoder();
  ~StreamDecoder();
  StreamDecoder(StreamDecoder&&) noexcept;
  StreamDecoder& operator=(StreamDecoder&&) noexcept;
  StreamDecoder(const StreamDecoder&) = delete;
  StreamDecoder& operator=(const StreamDecoder&) = delete;

  // Feeds bytes; calls `emit` for every complete event decoded from them (synchronously, in order).
  void feed(std::string_view bytes, const Emit& emit);

  // message_stop was seen.
  bool finished() const;
  // message_start was seen.
  bool started() const;

private:
  struct State;
  std::unique_ptr<State> state_; // stable address: the SSE parser's callback points into it
};

} // namespace hd::translate::anthropic
