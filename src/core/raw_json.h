#pragma once
// Byte-preserving edits of a JSON object's top-level members (and where the elements of its array members are).
//
// Written by hand because no JSON library available here edits a document without re-serialising it:
// the passthrough path must change `model` and drop gateway-only fields while leaving every other byte
// (system prompt, messages, tools) untouched, so upstream prompt caches keep matching.

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace hd::rawjson {

struct Member {
  std::string_view key;      // raw key text between the quotes (escapes not decoded)
  std::size_t leading_begin; // first byte after the preceding '{' or ','
  std::size_t value_begin;
  std::size_t value_end; // one past the value's last byte
};

struct ObjectLayout {
  std::size_t open_brace;  // offset of '{'
  std::size_t close_brace; // offset of the matching '}'
  std::vector<Member> members;
};

// Finds the top-level members of a JSON object. Rejects anything that is not a well-formed object
// at the top level (inner values are skipped structurally, not validated).
Result<ObjectLayout> scanObject(std::string_view text);

struct Span {
  std::size_t begin; // first byte of the element
  std::size_t end;   // one past its last byte
};

// The same, and in the same pass the elements of the members named in `array_keys` whose values are
// arrays, appended to `elements` (offsets in `text`, in order).
Result<ObjectLayout> scanObject(std::string_view text, std::initializer_list<std::string_view> array_keys,
                                std::vector<Span>* elements);

// scanObject without an error message, into a layout whose storage is reused: false if `text` is not a
// well-formed object at the top level. For callers that scan many small objects.
bool scanObjectInto(std::string_view text, ObjectLayout& layout);

struct Edit {
  std::string_view key;
  std::string replacement; // serialised JSON value; empty = remove the member
};

// Applies edits (replace or remove by key) and returns the new text. A replaced key that is absent
// is appended at the end of the object.
std::string applyEdits(std::string_view text, const ObjectLayout& layout, const std::vector<Edit>& edits);

} // namespace hd::rawjson
