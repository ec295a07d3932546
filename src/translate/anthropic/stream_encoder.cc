#include "translate/anthropic/stream_encoder.h"

#include <boost/json.hpp>

#include "core/sse.h"
#include "translate/anthropic/util.h"

namespace hd::translate::anthropic {

namespace js = boost::json;

namespace {

std::string frame(std::string_view type, const js::object& data) {
  return sse::format(type, js::serialize(data));
}

js::value nullable(const std::string& s) {
  return s.empty() ? js::value(nullptr) : js::value(s);
}

std::string messageStart(const ir::StreamEvent& ev) {
  js::object msg;
  msg["id"] = ev.id.empty() ? detail::randomId("msg_") : ev.id;
  msg["type"] = "message";
  msg["role"] = "assistant";
  msg["model"] = ev.model;
  msg["content"] = js::array{};
  msg["stop_reason"] = nullptr;
  msg["stop_sequence"] = nullptr;
  msg["usage"] = detail::usageToJson(ev.usage);
  return frame("message_start", {{"type", "message_start"}, {"message", std::move(msg)}});
}

std::string blockStart(const ir::StreamEvent& ev) {
  const ir::Block& b = ev.block;
  js::object cb;
  switch (b.type) {
  case ir::BlockType::Text:
    cb = {{"type", "text"}, {"text", b.text}};
    if (!b.citations.is_null()) {
      cb["citations"] = b.citations;
    }
    break;
  case ir::BlockType::ToolUse:
    cb = {{"type", "tool_use"}, {"id", b.id}, {"name", b.name}, {"input", js::object{}}};
    break;
  case ir::BlockType::Thinking:
    cb = {{"type", "thinking"}, {"thinking", b.text}, {"signature", b.signature}};
    break;
  case ir::BlockType::RedactedThinking:
    cb = {{"type", "redacted_thinking"}, {"data", b.data}};
    break;
  default:
    return {};
  }
  return frame("content_block_start",
               {{"type", "content_block_start"}, {"index", ev.index}, {"content_block", std::move(cb)}});
}

std::string blockDelta(const ir::StreamEvent& ev) {
  js::object d;
  switch (ev.delta) {
  case ir::StreamEvent::Delta::Text:
    d = {{"type", "text_delta"}, {"text", ev.delta_text}};
    break;
  case ir::StreamEvent::Delta::InputJson:
    d = {{"type", "input_json_delta"}, {"partial_json", ev.delta_text}};
    break;
  case ir::StreamEvent::Delta::Thinking:
    d = {{"type", "thinking_delta"}, {"thinking", ev.delta_text}};
    break;
  case ir::StreamEvent::Delta::Signature:
    d = {{"type", "signature_delta"}, {"signature", ev.delta_text}};
    break;
  case ir::StreamEvent::Delta::Citation:
    d = {{"type", "citations_delta"}, {"citation", ev.block.citations}};
    break;
  }
  return frame("content_block_delta", {{"type", "content_block_delta"}, {"index", ev.index}, {"delta", std::move(d)}});
}

std::string messageDelta(const ir::StreamEvent& ev) {
  js::object usage;
  if (ev.usage.input_tokens != 0) {
    usage["input_tokens"] = ev.usage.input_tokens;
  }
  if (ev.usage.cache_creation_input_tokens != 0) {
    usage["cache_creation_input_tokens"] = ev.usage.cache_creation_input_tokens;
  }
  if (ev.usage.cache_read_input_tokens != 0) {
    usage["cache_read_input_tokens"] = ev.usage.cache_read_input_tokens;
  }
  usage["output_tokens"] = ev.usage.output_tokens;
  js::object delta{{"stop_reason", nullable(ev.stop_reason)}, {"stop_sequence", nullable(ev.stop_sequence)}};
  return frame("message_delta", {{"type", "message_delta"}, {"delta", std::move(delta)}, {"usage", std::move(usage)}});
}

std::string error(const ir::StreamEvent& ev) {
  js::object e{{"type", ev.error_type.empty() ? std::string_view("api_error") : std::string_view(ev.error_type)},
               {"message", ev.error_message}};
  return frame("error", {{"type", "error"}, {"error", std::move(e)}});
}

} // namespace

std::string StreamEncoder::encode(const ir::StreamEvent& event) {
  switch (event.type) {
  case ir::StreamEvent::Type::MessageStart:
    return messageStart(event);
  case ir::StreamEvent::Type::BlockStart:
    return blockStart(event);
  case ir::StreamEvent::Type::BlockDelta:
    return blockDelta(event);
  case ir::StreamEvent::Type::BlockStop:
    return frame("content_block_stop", {{"type", "content_block_stop"}, {"index", event.index}});
  case ir::StreamEvent::Type::MessageDelta:
    return messageDelta(event);
  case ir::StreamEvent::Type::MessageStop:
    return frame("message_stop", {{"type", "message_stop"}});
  case ir::StreamEvent::Type::Ping:
    return frame("ping", {{"type", "ping"}});
  case ir::StreamEvent::Type::Error:
    return error(event);
  }
  return {};
}

} // namespace hd::translate::anthropic
