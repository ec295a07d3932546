#pragma once
// The canonical model (IR) of a chat request, response and stream. Every inbound API parses into it and
// every provider renders from it, so N client APIs and M backends need N+M adapters, not N*M.
//
// Blocks follow Anthropic's block structure (the richest of the supported APIs, so it loses least);
// fields that only one API knows ride along in `extensions` where that is safe.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/usage.h"

namespace hd::ir {

enum class BlockType { Text, Image, Document, ToolUse, ToolResult, Thinking, RedactedThinking };

// One content block. Which fields are meaningful depends on `type` (see each field).
struct Block {
  BlockType type = BlockType::Text;
  std::string text;           // Text: the text; Thinking: the thinking text; Document(source text): the text
  std::string signature;      // Thinking
  std::string data;           // RedactedThinking: opaque data; Image/Document(base64): base64 payload
  std::string source_type;    // Image/Document: "base64" | "url" | "text"
  std::string media_type;     // Image/Document, e.g. "image/png", "application/pdf", "text/plain"
  std::string url;            // Image/Document with source "url"
  std::string id;             // ToolUse: tool call id; ToolResult: the tool_use_id it answers
  std::string name;           // ToolUse: tool name; Document: title
  boost::json::value input;   // ToolUse: arguments (an object; a raw string if the model sent invalid JSON)
  std::vector<Block> content; // ToolResult: result content (text / image blocks)
  bool is_error = false;      // ToolResult
  std::optional<boost::json::object> cache_control; // any block
  boost::json::value citations;                     // Text (Anthropic citations), kept when present
};

enum class Role { System, User, Assistant };

struct Message {
  Role role = Role::User;
  std::vector<Block> content;
};

struct Tool {
  std::string name;
  std::string description;
  boost::json::value input_schema; // JSON Schema object
  std::optional<boost::json::object> cache_control;
  std::optional<bool> strict;
  bool defer_loading = false; // Anthropic tool-search beta: not sent to the model up front
  std::string server_type;    // non-empty for Anthropic server tools (e.g. "web_search_20250305")
  boost::json::object raw;    // the tool as received, for server tools passed through unchanged
};

struct ToolChoice {
  enum class Kind { Unspecified, Auto, Any, None, Tool };
  Kind kind = Kind::Unspecified;
  std::string name; // Kind::Tool
  bool disable_parallel_tool_use = false;
};

struct Thinking {
  enum class Kind { Unspecified, Enabled, Disabled, Adaptive };
  Kind kind = Kind::Unspecified;
  std::int64_t budget_tokens = 0;
};

struct Request {
  std::string model;
  std::vector<Block> system;     // text blocks (Anthropic `system`, OpenAI leading system/developer messages)
  std::vector<Message> messages; // may contain Role::System messages in the middle (Claude Code does this)
  std::vector<Tool> tools;
  ToolChoice tool_choice;
  std::optional<std::int64_t> max_tokens;
  std::optional<double> temperature;
  std::optional<double> top_p;
  std::optional<std::int64_t> top_k;
  std::vector<std::string> stop_sequences;
  bool stream = false;
  Thinking thinking;
  std::string reasoning_effort;                   // "minimal"|"low"|"medium"|"high"|"max" (output_config.effort)
  std::optional<boost::json::object> json_schema; // structured output: {"name"?, "schema", "strict"?}
  bool json_object = false;                       // OpenAI response_format {type: json_object}
  std::string user;                               // metadata.user_id / user
  std::optional<std::int64_t> seed;
  std::optional<bool> parallel_tool_calls; // OpenAI inbound
  boost::json::object extensions;          // provider-specific fields passed through where safe
};

struct Response {
  std::string id;
  std::string model;
  std::vector<Block> content;
  std::string stop_reason;   // Anthropic vocabulary: end_turn|max_tokens|stop_sequence|tool_use|refusal|pause_turn
  std::string stop_sequence; // when stop_reason == stop_sequence
  Usage usage;
};

// One stream event, mirroring Anthropic's event structure.
struct StreamEvent {
  enum class Type { MessageStart, BlockStart, BlockDelta, BlockStop, MessageDelta, MessageStop, Ping, Error };
  enum class Delta { Text, InputJson, Thinking, Signature, Citation };

  Type type = Type::Ping;
  // MessageStart
  std::string id;
  std::string model;
  // MessageStart (input side) and MessageDelta (output side, cumulative)
  Usage usage;
  // BlockStart / BlockDelta / BlockStop
  std::size_t index = 0;
  Block block; // BlockStart: type plus id/name (tool_use), empty text/thinking
  Delta delta = Delta::Text;
  std::string delta_text; // text, partial JSON, thinking or signature
  // MessageDelta
  std::string stop_reason;
  std::string stop_sequence;
  // Error
  std::string error_type; // Anthropic error type, e.g. "api_error", "overloaded_error"
  std::string error_message;
};

} // namespace hd::ir
