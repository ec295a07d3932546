#pragma once
// A streamed Anthropic Messages answer folded into its final message on the events' own text, without
// building a JSON document: the message of message_start, its content blocks (content_block_start with
// the deltas' string text appended as it was escaped on the wire, a tool call's input_json_delta pieces
// joined and checked), and the fields of message_delta. Every piece copied is checked to be JSON first.
//
// It handles the layout Anthropic writes (and Azure passes through); for anything else (other key
// orders, citations, errors, a second message_start) it returns nullopt and the caller folds the stream
// with a JSON document (stream_output.cc), which gives the same JSON value. Runs on the request log's
// writer for every streamed answer with content logging on; written by hand because no JSON library
// here edits a document without re-serialising it (see core/raw_json.h).

#include <optional>
#include <string>
#include <string_view>

namespace hd::logs {

std::optional<std::string> foldAnthropicRaw(std::string_view sse);

} // namespace hd::logs
