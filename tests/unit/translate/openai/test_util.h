#pragma once
// Builders for IR values in the OpenAI translation tests.

#include <boost/json.hpp>
#include <string>

#include "core/ir.h"

namespace hd::translate::openai::testing {

inline ir::Block text(std::string t) {
  ir::Block b;
  b.type = ir::BlockType::Text;
  b.text = std::move(t);
  return b;
}

inline ir::Block cached(ir::Block b) {
  boost::json::object cc;
  cc["type"] = "ephemeral";
  b.cache_control = cc;
  return b;
}

inline ir::Block image64(std::string media, std::string data) {
  ir::Block b;
  b.type = ir::BlockType::Image;
  b.source_type = "base64";
  b.media_type = std::move(media);
  b.data = std::move(data);
  return b;
}

inline ir::Block imageUrl(std::string url) {
  ir::Block b;
  b.type = ir::BlockType::Image;
  b.source_type = "url";
  b.url = std::move(url);
  return b;
}

inline ir::Block pdf(std::string data, std::string title = {}) {
  ir::Block b;
  b.type = ir::BlockType::Document;
  b.source_type = "base64";
  b.media_type = "application/pdf";
  b.data = std::move(data);
  b.name = std::move(title);
  return b;
}

inline ir::Block textDoc(std::string t) {
  ir::Block b;
  b.type = ir::BlockType::Document;
  b.source_type = "text";
  b.media_type = "text/plain";
  b.text = std::move(t);
  return b;
}

inline ir::Block toolUse(std::string id, std::string name, std::string_view input_json) {
  ir::Block b;
  b.type = ir::BlockType::ToolUse;
  b.id = std::move(id);
  b.name = std::move(name);
  b.input = boost::json::parse(input_json);
  return b;
}

inline ir::Block toolResult(std::string id, std::vector<ir::Block> content, bool is_error = false) {
  ir::Block b;
  b.type = ir::BlockType::ToolResult;
  b.id = std::move(id);
  b.content = std::move(content);
  b.is_error = is_error;
  return b;
}

inline ir::Block thinking(std::string t, std::string signature) {
  ir::Block b;
  b.type = ir::BlockType::Thinking;
  b.text = std::move(t);
  b.signature = std::move(signature);
  return b;
}

inline ir::Block redacted(std::string data) {
  ir::Block b;
  b.type = ir::BlockType::RedactedThinking;
  b.data = std::move(data);
  return b;
}

inline ir::Message msg(ir::Role role, std::vector<ir::Block> content) {
  return ir::Message{role, std::move(content)};
}

inline ir::Tool tool(std::string name, std::string_view schema_json, std::string description = {}) {
  ir::Tool t;
  t.name = std::move(name);
  t.description = std::move(description);
  t.input_schema = boost::json::parse(schema_json);
  return t;
}

} // namespace hd::translate::openai::testing
