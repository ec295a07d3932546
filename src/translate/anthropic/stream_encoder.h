#pragma once
// IR stream events -> Anthropic Messages SSE bytes (`event: <type>\ndata: <json>\n\n`), in exactly the
// event shapes the Anthropic API streams:
//   message_start {message: {id, type:"message", role:"assistant", model, content:[], stop_reason:null,
//                            stop_sequence:null, usage}}
//   content_block_start {index, content_block: text | tool_use{id,name,input:{}} | thinking | redacted_thinking}
//   content_block_delta {index, delta: text_delta | input_json_delta | thinking_delta | signature_delta |
//                                      citations_delta}
//   content_block_stop {index}
//   message_delta {delta: {stop_reason, stop_sequence}, usage: {output_tokens, + input/cache counts when
//                                                              non-zero}}
//   message_stop, ping, error {error: {type, message}}
//
// Usage follows Anthropic's convention (input_tokens excludes cache reads/writes; see response.h). In
// message_delta only non-zero input/cache counts are sent: clients overwrite their running totals with any
// count present, so a 0 meaning "unknown" must not be sent.

#include <string>

#include "core/ir.h"

namespace hd::translate::anthropic {

class StreamEncoder {
public:
  // One event's SSE bytes. A MessageStart without an id gets a random "msg_..." one. BlockStart for a block
  // type with no streaming form (image, document, tool_result) gives "" (nothing to send). A Citation delta
  // carries the citation object in event.block.citations.
  std::string encode(const ir::StreamEvent& event);
};

} // namespace hd::translate::anthropic
