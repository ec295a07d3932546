#include "translate/anthropic/stream_decoder.h"

#include <boost/json.hpp>
#include <unordered_map>

#include "core/json_util.h"
#include "core/sse.h"
#include "translate/anthropic/blocks.h"
#include "translate/anthropic/util.h"

namespace hd::translate::anthropic {

namespace js = boost::json;
using detail::member;

namespace {

std::string str(const js::object& o, std::string_view key) {
  auto s = json::getString(o, key);
  return s ? std::string(*s) : std::string();
}

std::optional<std::size_t> indexOf(const js::object& o) {
  const js::value* v = member(o, "index");
  if (v == nullptr) {
    return std::nullopt;
  }
  auto i = detail::asInt(*v);
  if (!i || *i < 0) {
    return std::nullopt;
  }
  return static_cast<std::size_t>(*i);
}

const js::object* objectMember(const js::object& o, std::string_view key) {
  const js::value* v = member(o, key);
  return v != nullptr && v->is_object() ? &v->get_object() : nullptr;
}

ir::StreamEvent errorEvent(std::string message) {
  ir::StreamEvent ev;
  ev.type = ir::StreamEvent::Type::Error;
  ev.error_type = "api_error";
  ev.error_message = std::move(message);
  return ev;
}

} // namespace

struct StreamDecoder::State {
  State() : parser([this](const sse::Event& e) { onEvent(e); }) {}

  void onEvent(const sse::Event& e);
  void messageStart(const js::object& o);
  void blockStart(const js::object& o);
  void blockDelta(const js::object& o);
  void blockStop(const js::object& o);
  void messageDelta(const js::object& o);
  void emitEvent(ir::StreamEvent&& ev) {
    if (emit != nullptr) {
      (*emit)(std::move(ev));
    }
  }

  sse::Parser parser;
  const Emit* emit = nullptr;
  std::unordered_map<std::size_t, std::size_t> indices; // upstream block index -> IR index
  std::size_t next_index = 0;
  bool started = false;
  bool finished = false;
};

void StreamDecoder::State::onEvent(const sse::Event& e) {
  auto doc = json::parse(e.data);
  if (!doc || !doc->is_object()) {
    emitEvent(errorEvent("malformed " + std::string(e.type) + " event from upstream: " +
                         (doc ? std::string("expected a JSON object") : doc.error().message)));
    return;
  }
  const js::object& o = doc->get_object();
  std::string type = str(o, "type");
  if (type.empty()) {
    type = e.type;
  }
  if (type == "message_start") {
    messageStart(o);
  } else if (type == "content_block_start") {
    blockStart(o);
  } else if (type == "content_block_delta") {
    blockDelta(o);
  } else if (type == "content_block_stop") {
    blockStop(o);
  } else if (type == "message_delta") {
    messageDelta(o);
  } else if (type == "message_stop") {
    finished = true;
    ir::StreamEvent ev;
    ev.type = ir::StreamEvent::Type::MessageStop;
    emitEvent(std::move(ev));
  } else if (type == "ping") {
    ir::StreamEvent ev;
    ev.type = ir::StreamEvent::Type::Ping;
    emitEvent(std::move(ev));
  } else if (type == "error") {
    ir::StreamEvent ev = errorEvent("upstream error");
    if (const js::object* err = objectMember(o, "error")) {
      if (auto t = json::getString(*err, "type")) {
        ev.error_type = *t;
      }
      if (auto m = json::getString(*err, "message")) {
        ev.error_message = *m;
      }
    }
    emitEvent(std::move(ev));
  }
}

void StreamDecoder::State::messageStart(const js::object& o) {
  started = true;
  ir::StreamEvent ev;
  ev.type = ir::StreamEvent::Type::MessageStart;
  if (const js::object* msg = objectMember(o, "message")) {
    ev.id = str(*msg, "id");
    ev.model = str(*msg, "model");
    if (const js::object* usage = objectMember(*msg, "usage")) {
      ev.usage = detail::usageFromJson(*usage);
    }
  }
  emitEvent(std::move(ev));
}

void StreamDecoder::State::blockStart(const js::object& o) {
  auto index = indexOf(o);
  const js::object* cb = objectMember(o, "content_block");
  if (!index || cb == nullptr || indices.count(*index) != 0) {
    return;
  }
  auto type = detail::blockTypeFromWire(str(*cb, "type"));
  if (!type || (detail::kResponseBlocks & detail::kindBit(*type)) == 0) {
    return; // no IR form: skipped with its deltas and stop
  }
  ir::StreamEvent ev;
  ev.type = ir::StreamEvent::Type::BlockStart;
  ev.block.type = *type;
  switch (*type) {
  case ir::BlockType::Text:
    ev.block.text = str(*cb, "text");
    if (const js::value* c = member(*cb, "citations")) {
      ev.block.citations = *c;
    }
    break;
  case ir::BlockType::ToolUse:
    ev.block.id = str(*cb, "id");
    ev.block.name = str(*cb, "name");
    ev.block.input = js::object{};
    break;
  case ir::BlockType::Thinking:
    ev.block.text = str(*cb, "thinking");
    ev.block.signature = str(*cb, "signature");
    break;
  case ir::BlockType::RedactedThinking:
    ev.block.data = str(*cb, "data");
    break;
  default:
    break;
  }
  ev.index = next_index++;
  indices.emplace(*index, ev.index);
  emitEvent(std::move(ev));
}

void StreamDecoder::State::blockDelta(const js::object& o) {
  auto index = indexOf(o);
  const js::object* d = objectMember(o, "delta");
  if (!index || d == nullptr) {
    return;
  }
  auto it = indices.find(*index);
  if (it == indices.end()) {
    return;
  }
  ir::StreamEvent ev;
  ev.type = ir::StreamEvent::Type::BlockDelta;
  ev.index = it->second;
  std::string type = str(*d, "type");
  if (type == "text_delta") {
    ev.delta = ir::StreamEvent::Delta::Text;
    ev.delta_text = str(*d, "text");
  } else if (type == "input_json_delta") {
    ev.delta = ir::StreamEvent::Delta::InputJson;
    ev.delta_text = str(*d, "partial_json");
  } else if (type == "thinking_delta") {
    ev.delta = ir::StreamEvent::Delta::Thinking;
    ev.delta_text = str(*d, "thinking");
  } else if (type == "signature_delta") {
    ev.delta = ir::StreamEvent::Delta::Signature;
    ev.delta_text = str(*d, "signature");
  } else if (type == "citations_delta") {
    ev.delta = ir::StreamEvent::Delta::Citation;
    if (const js::value* c = member(*d, "citation")) {
      ev.block.citations = *c;
    }
  } else {
    return;
  }
  emitEvent(std::move(ev));
}

void StreamDecoder::State::blockStop(const js::object& o) {
  auto index = indexOf(o);
  if (!index) {
    return;
  }
  auto it = indices.find(*index);
  if (it == indices.end()) {
    return;
  }
  ir::StreamEvent ev;
  ev.type = ir::StreamEvent::Type::BlockStop;
  ev.index = it->second;
  emitEvent(std::move(ev));
}

void StreamDecoder::State::messageDelta(const js::object& o) {
  ir::StreamEvent ev;
  ev.type = ir::StreamEvent::Type::MessageDelta;
  if (const js::object* d = objectMember(o, "delta")) {
    ev.stop_reason = str(*d, "stop_reason");
    ev.stop_sequence = str(*d, "stop_sequence");
  }
  if (const js::object* usage = objectMember(o, "usage")) {
    ev.usage = detail::usageFromJson(*usage);
  }
  emitEvent(std::move(ev));
}

StreamDecoder::StreamDecoder() : state_(std::make_unique<State>()) {}
StreamDecoder::~StreamDecoder() = default;
StreamDecoder::StreamDecoder(StreamDecoder&&) noexcept = default;
StreamDecoder& StreamDecoder::operator=(StreamDecoder&&) noexcept = default;

void StreamDecoder::feed(std::string_view bytes, const Emit& emit) {
  if (!state_) {
    return; // moved from
  }
  state_->emit = &emit;
  if (!state_->parser.feed(bytes)) {
    state_->emitEvent(errorEvent("upstream stream event exceeds the size limit"));
  }
  state_->emit = nullptr;
}

bool StreamDecoder::finished() const {
  return state_ && state_->finished;
}

bool StreamDecoder::started() const {
  return state_ && state_->started;
}

} // namespace hd::translate::anthropic
