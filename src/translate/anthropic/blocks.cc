#include "translate/anthropic/blocks.h"

#include <array>
#include <utility>

#include "core/json_util.h"

namespace hd::translate::anthropic::detail {

namespace js = boost::json;

namespace {

struct WireType {
  ir::BlockType type;
  std::string_view wire;
  unsigned bit;
};

constexpr std::array<WireType, 7> kWireTypes{{
    {ir::BlockType::Text, "text", kText},
    {ir::BlockType::Image, "image", kImage},
    {ir::BlockType::Document, "document", kDocument},
    {ir::BlockType::ToolUse, "tool_use", kToolUse},
    {ir::BlockType::ToolResult, "tool_result", kToolResult},
    {ir::BlockType::Thinking, "thinking", kThinking},
    {ir::BlockType::RedactedThinking, "redacted_thinking", kRedactedThinking},
}};

std::string_view wireOf(ir::BlockType t) {
  for (const auto& w : kWireTypes) {
    if (w.type == t) {
      return w.wire;
    }
  }
  return "text";
}

// `expected "a", "b" or "c"` for the allowed set.
std::string expectedTypes(unsigned allowed) {
  std::vector<std::string_view> names;
  for (const auto& w : kWireTypes) {
    if ((allowed & w.bit) != 0) {
      names.push_back(w.wire);
    }
  }
  std::string out = "expected ";
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) {
      out.append(i + 1 == names.size() ? " or " : ", ");
    }
    out.append("\"").append(names[i]).append("\"");
  }
  return out;
}

// The `source` object of an image or document block.
bool parseSource(Reader& r, const js::object& block, const std::string& path, bool document, ir::Block& out) {
  const js::value* sv = member(block, "source");
  std::string spath = child(path, "source");
  if (sv == nullptr) {
    return r.fail(spath, "field required");
  }
  const js::object* src = r.object(*sv, spath);
  if (src == nullptr) {
    return false;
  }
  std::string_view expected = document ? R"(expected "base64", "url" or "text")" : R"(expected "base64" or "url")";
  const js::value* tv = member(*src, "type");
  if (tv == nullptr) {
    return r.fail(child(spath, "type"), "field required");
  }
  if (!tv->is_string()) {
    return r.fail(child(spath, "type"), expected);
  }
  std::string_view type = tv->get_string();
  if (type == "base64") {
    out.source_type = "base64";
    return r.string(*src, "media_type", spath, out.media_type, true) && r.string(*src, "data", spath, out.data, true);
  }
  if (type == "url") {
    out.source_type = "url";
    return r.string(*src, "url", spath, out.url, true);
  }
  if (type == "text" && document) {
    out.source_type = "text";
    out.media_type = "text/plain";
    return r.string(*src, "media_type", spath, out.media_type) && r.string(*src, "data", spath, out.text, true);
  }
  return r.fail(child(spath, "type"), expected);
}

bool parseTypedBlock(Reader& r, const js::object& o, const std::string& path, ir::Block& out) {
  switch (out.type) {
  case ir::BlockType::Text:
    if (!r.string(o, "text", path, out.text, true)) {
      return false;
    }
    if (const js::value* c = member(o, "citations")) {
      if (!c->is_array()) {
        return r.fail(child(path, "citations"), "expected an array");
      }
      out.citations = *c;
    }
    return true;
  case ir::BlockType::Image:
    return parseSource(r, o, path, false, out);
  case ir::BlockType::Document:
    if (!parseSource(r, o, path, true, out) || !r.string(o, "title", path, out.name)) {
      return false;
    }
    if (const js::value* c = member(o, "citations")) {
      if (!c->is_object()) {
        return r.fail(child(path, "citations"), "expected an object");
      }
      out.citations = *c;
    }
    return true;
  case ir::BlockType::ToolUse:
    if (!r.string(o, "id", path, out.id, true) || !r.string(o, "name", path, out.name, true)) {
      return false;
    }
    out.input = js::object{};
    if (const js::value* in = member(o, "input")) {
      if (!in->is_object()) {
        return r.fail(child(path, "input"), "expected an object");
      }
      out.input = *in;
    }
    return true;
  case ir::BlockType::ToolResult:
    if (!r.string(o, "tool_use_id", path, out.id, true) || !r.boolean(o, "is_error", path, out.is_error)) {
      return false;
    }
    if (const js::value* c = member(o, "content")) {
      return parseContent(r, *c, child(path, "content"), kToolResultBlocks, true, out.content);
    }
    return true;
  case ir::BlockType::Thinking:
    return r.string(o, "thinking", path, out.text, true) && r.string(o, "signature", path, out.signature, true);
  case ir::BlockType::RedactedThinking:
    return r.string(o, "data", path, out.data, true);
  }
  return true;
}

js::value toolInput(const js::value& in) {
  if (in.is_object()) {
    return in;
  }
  if (in.is_string()) {
    auto parsed = json::parse(in.get_string());
    if (parsed && parsed->is_object()) {
      return std::move(parsed.value());
    }
  }
  return js::object{};
}

js::object renderSource(const ir::Block& b) {
  std::string_view type = b.source_type;
  if (type.empty()) {
    if (!b.url.empty()) {
      type = "url";
    } else if (b.type == ir::BlockType::Document && b.data.empty() && !b.text.empty()) {
      type = "text";
    } else {
      type = "base64";
    }
  }
  js::object src;
  if (type == "url") {
    src["type"] = "url";
    src["url"] = b.url;
  } else if (type == "text") {
    src["type"] = "text";
    src["media_type"] = b.media_type.empty() ? std::string_view("text/plain") : std::string_view(b.media_type);
    src["data"] = b.text;
  } else {
    src["type"] = "base64";
    src["media_type"] = b.media_type;
    src["data"] = b.data;
  }
  return src;
}

bool plainText(const ir::Block& b) {
  return b.type == ir::BlockType::Text && !b.cache_control && b.citations.is_null();
}

} // namespace

std::optional<ir::BlockType> blockTypeFromWire(std::string_view type) {
  for (const auto& w : kWireTypes) {
    if (w.wire == type) {
      return w.type;
    }
  }
  return std::nullopt;
}

unsigned kindBit(ir::BlockType type) {
  for (const auto& w : kWireTypes) {
    if (w.type == type) {
      return w.bit;
    }
  }
  return 0;
}

bool parseBlock(Reader& r, const js::value& v, const std::string& path, unsigned allowed, ir::Block& out) {
  const js::object* o = r.object(v, path);
  if (o == nullptr) {
    return false;
  }
  const js::value* tv = member(*o, "type");
  if (tv == nullptr) {
    return r.fail(child(path, "type"), "field required");
  }
  std::optional<ir::BlockType> type;
  if (tv->is_string()) {
    type = blockTypeFromWire(tv->get_string());
  }
  if (!type || (allowed & kindBit(*type)) == 0) {
    return r.fail(child(path, "type"), expectedTypes(allowed));
  }
  out = ir::Block{};
  out.type = *type;
  return r.objectMember(*o, "cache_control", path, out.cache_control) && parseTypedBlock(r, *o, path, out);
}

bool parseContent(Reader& r, const js::value& v, const std::string& path, unsigned allowed, bool empty_string_is_none,
                  std::vector<ir::Block>& out) {
  out.clear();
  if (v.is_string()) {
    if (v.get_string().empty() && empty_string_is_none) {
      return true;
    }
    ir::Block b;
    b.type = ir::BlockType::Text;
    b.text = v.get_string();
    out.push_back(std::move(b));
    return true;
  }
  if (!v.is_array()) {
    return r.fail(path, "expected a string or an array of content blocks");
  }
  const auto& arr = v.get_array();
  out.reserve(arr.size());
  for (std::size_t i = 0; i < arr.size(); ++i) {
    ir::Block b;
    if (!parseBlock(r, arr[i], element(path, i), allowed, b)) {
      return false;
    }
    out.push_back(std::move(b));
  }
  return true;
}

js::object renderBlock(const ir::Block& b) {
  js::object o;
  o["type"] = wireOf(b.type);
  switch (b.type) {
  case ir::BlockType::Text:
    o["text"] = b.text;
    if (!b.citations.is_null()) {
      o["citations"] = b.citations;
    }
    break;
  case ir::BlockType::Image:
    o["source"] = renderSource(b);
    break;
  case ir::BlockType::Document:
    o["source"] = renderSource(b);
    if (!b.name.empty()) {
      o["title"] = b.name;
    }
    if (!b.citations.is_null()) {
      o["citations"] = b.citations;
    }
    break;
  case ir::BlockType::ToolUse:
    o["id"] = b.id;
    o["name"] = b.name;
    o["input"] = toolInput(b.input);
    break;
  case ir::BlockType::ToolResult:
    o["tool_use_id"] = b.id;
    if (b.content.size() == 1 && plainText(b.content.front()) && !b.content.front().text.empty()) {
      o["content"] = b.content.front().text;
    } else if (!b.content.empty()) {
      js::array content;
      content.reserve(b.content.size());
      for (const auto& c : b.content) {
        content.emplace_back(renderBlock(c));
      }
      o["content"] = std::move(content);
    }
    if (b.is_error) {
      o["is_error"] = true;
    }
    break;
  case ir::BlockType::Thinking:
    o["thinking"] = b.text;
    o["signature"] = b.signature;
    break;
  case ir::BlockType::RedactedThinking:
    o["data"] = b.data;
    break;
  }
  if (b.cache_control) {
    o["cache_control"] = *b.cache_control;
  }
  return o;
}

bool renderable(const ir::Block& b) {
  return b.type != ir::BlockType::Thinking || !b.signature.empty();
}

} // namespace hd::translate::anthropic::detail
