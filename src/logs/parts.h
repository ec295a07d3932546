#pragma once
// Shared request parts: the large pieces of a request body stored once, however many requests repeat
// them. A coding agent sends its whole conversation with every turn (tools, system prompt and every
// earlier message, often 100 KB and more) and only the last message or two are new; storing each
// body whole made content logging write the same bytes again for every turn.
//
// A body of at least kMinBody bytes that is a JSON object is split: each top-level member value of at
// least kMinPart bytes (tools, system, ...) is one part, and so is each element of at least kMinElement
// bytes of a `messages` or `input` array (one message of the conversation: an agent's tool calls are
// short, and left in the row they would make it grow with the conversation). The row keeps the rest
// (the skeleton: every byte of the body, each part replaced by one kMarker byte, which valid JSON text
// never holds) and the keys of the parts' rows in `log_parts`, in order (a JSON array of integers). A
// part's hash tells the writer that it stored the same bytes lately (LogStore::storeParts).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hd::logs::parts {

inline constexpr std::size_t kMinBody = 4096;
inline constexpr std::size_t kMinPart = 512;
inline constexpr std::size_t kMinElement = 128;
inline constexpr char kMarker = '\x01';

// XXH3, 128 bits.
struct Hash {
  std::uint64_t high = 0;
  std::uint64_t low = 0;
  bool operator==(const Hash&) const = default;
};
struct HashHasher {
  std::size_t operator()(const Hash& h) const { return static_cast<std::size_t>(h.low); }
};

struct Part {
  std::string_view body; // a view of the split body
  Hash hash;
};

struct Split {
  std::string skeleton;
  std::vector<Part> parts;
};

// nullopt: the body stays whole (too small, not a JSON object, a kMarker byte outside the parts, or no
// part).
std::optional<Split> split(std::string_view body);

// A row's `input_parts`: the keys of its parts, in order. parseRefs: nullopt when it is not such an array.
std::string formatRefs(const std::vector<std::int64_t>& keys);
std::optional<std::vector<std::int64_t>> parseRefs(std::string_view refs);

// The body again: the skeleton with its markers replaced in order by `bodies` (nullptr, a part no longer
// stored: JSON null).
std::string join(std::string_view skeleton, const std::vector<const std::string*>& bodies);

} // namespace hd::logs::parts
