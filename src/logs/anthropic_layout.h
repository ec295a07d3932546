#pragma once
// Anthropic stream events recognised from their text in the layout Anthropic writes (and Azure passes
// through), without parsing them: the deltas and block stops that make up almost every event of a long
// answer, and the block starts. Shared by both stream folds (anthropic_fold.cc on raw text,
// stream_output.cc with a document); an event in any other layout is not recognised here.

#include <cstdint>
#include <optional>
#include <string_view>

namespace hd::logs::anthropic {

// {"type":"content_block_delta","index":N,"delta":{"type":"K","F":"..."}} with K text_delta, thinking_delta,
// signature_delta or input_json_delta and F its member (text, thinking, signature, partial_json).
struct Delta {
  std::int64_t index;
  std::string_view member;  // F
  std::string_view literal; // F's value: starts and ends with '"'; whether it is one JSON string is not checked
};
std::optional<Delta> delta(std::string_view data);

// {"type":"content_block_stop","index":N} -> N.
std::optional<std::int64_t> blockStop(std::string_view data);

// {"type":"content_block_start","index":N,"content_block":{...}}: N and the block's text (not checked).
struct BlockStart {
  std::int64_t index;
  std::string_view block;
};
std::optional<BlockStart> blockStart(std::string_view data);

// `"..."` with printable ASCII inside and no quote or backslash: a JSON string whose text is its inside.
bool plainAscii(std::string_view literal);

} // namespace hd::logs::anthropic
