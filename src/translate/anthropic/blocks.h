#pragma once
// Anthropic content blocks <-> IR blocks (internal to hd_translate_anthropic; shared by requests and
// responses).

#include <boost/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/ir.h"
#include "translate/anthropic/util.h"

namespace hd::translate::anthropic::detail {

// Which block types a position accepts (a bit set of these).
enum BlockKinds : unsigned {
  kText = 1U << 0,
  kImage = 1U << 1,
  kDocument = 1U << 2,
  kToolUse = 1U << 3,
  kToolResult = 1U << 4,
  kThinking = 1U << 5,
  kRedactedThinking = 1U << 6,
  kMessageBlocks = kText | kImage | kDocument | kToolUse | kToolResult | kThinking | kRedactedThinking,
  kToolResultBlocks = kText | kImage | kDocument,
  kResponseBlocks = kText | kToolUse | kThinking | kRedactedThinking,
};

// The block type named by a wire `type` string; nullopt when unknown.
std::optional<ir::BlockType> blockTypeFromWire(std::string_view type);
// The BlockKinds bit of a block type.
unsigned kindBit(ir::BlockType type);

// Parses one block at `path` (e.g. "messages[2].content[0]"). A type outside `allowed` is an error naming
// the allowed types.
bool parseBlock(Reader& r, const boost::json::value& v, const std::string& path, unsigned allowed, ir::Block& out);

// Content that is either a string (one text block; "" gives none when `empty_string_is_none`) or an array
// of blocks.
bool parseContent(Reader& r, const boost::json::value& v, const std::string& path, unsigned allowed,
                  bool empty_string_is_none, std::vector<ir::Block>& out);

// One IR block in Anthropic's shape. Tool inputs that are not objects (a model's invalid JSON kept as a
// string) become the object the string parses to, else {}.
boost::json::object renderBlock(const ir::Block& b);

// A thinking block Anthropic will accept back: only signed ones (unsigned reasoning comes from other
// providers and would be rejected).
bool renderable(const ir::Block& b);

} // namespace hd::translate::anthropic::detail
