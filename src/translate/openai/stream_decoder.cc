#include "translate/openai/stream_decoder.h"

#include <algorithm>

#include "core/json_util.h"
#include "translate/openai/errors.h"
#include "translate/openai/util.h"

namespace hd::translate::openai {

namespace js = boost::json;
using Ev = ir::StreamEvent;

namespace {
constexpr std::size_t kMaxPendingArguments = 1024 * 1024;
} // namespace

StreamDecoder::StreamDecoder(std::string fallback_model)
    : parser_([this](const sse::Event& e) { onData(e.data); }), fallback_model_(std::move(fallback_model)) {}

void StreamDecoder::feed(std::string_view bytes, const Emit& emit) {
  if (finished_) {
    return;
  }
  emit_ = &emit;
  if (!parser_.feed(bytes) && !finished_) {
    fail("api_error", "upstream stream event exceeds the size limit");
  }
  emit_ = nullptr;
}

void StreamDecoder::finish(const Emit& emit) {
  if (finished_) {
    return;
  }
  emit_ = &emit;
  at_eof_ = true;
  parser_.feed("\n\n"); // dispatch a last event that lacked its blank line
  if (!finished_) {
    if (saw_finish_) {
      complete();
    } else {
      fail("api_error", "upstream stream ended early");
    }
  }
  emit_ = nullptr;
}

void StreamDecoder::emit(const Ev& ev) {
  if (emit_ != nullptr && *emit_) {
    (*emit_)(ev);
  }
}

void StreamDecoder::onData(std::string_view data) {
  if (finished_) {
    return;
  }
  if (data == "[DONE]") {
    complete();
    return;
  }
  if (data.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return;
  }
  auto parsed = json::parse(data);
  if (!parsed || !parsed->is_object()) {
    // At EOF this is the cut-off remainder of a chunk: harmless after finish_reason (only usage is lost).
    if (at_eof_ && saw_finish_) {
      return;
    }
    fail("api_error",
         at_eof_ ? "upstream stream ended early" : "upstream sent a stream chunk that is not a JSON object");
    return;
  }
  onChunk(parsed->get_object());
}

void StreamDecoder::onChunk(const js::object& chunk) {
  if (const auto* err = chunk.if_contains("error"); err != nullptr && (err->is_object() || err->is_string())) {
    auto mapped = mapOpenAIErrorValue(0, *err);
    fail(std::move(mapped.type), std::move(mapped.message));
    return;
  }
  if (const auto* u = chunk.if_contains("usage"); u != nullptr && u->is_object()) {
    usage_ = detail::usageFromOpenAI(u->get_object());
  }
  const auto* choices = chunk.if_contains("choices");
  if (choices == nullptr || !choices->is_array() || choices->get_array().empty()) {
    return; // usage chunk, Azure content-filter annotations, pings
  }
  for (const auto& c : choices->get_array()) {
    if (!c.is_object()) {
      continue;
    }
    const auto& choice = c.get_object();
    if (const auto* idx = choice.if_contains("index"); idx != nullptr && detail::asInt(*idx).value_or(0) != 0) {
      continue; // n > 1 is never requested
    }
    start(&chunk);
    if (const auto* d = choice.if_contains("delta"); d != nullptr && d->is_object()) {
      onDelta(d->get_object());
    }
    if (const auto* f = choice.if_contains("finish_reason"); f != nullptr && f->is_string()) {
      saw_finish_ = true;
      finish_reason_ = std::string(detail::asStringView(*f));
      closeBlock(); // nothing more comes for this choice; the usage chunk and [DONE] may follow
    }
  }
}

void StreamDecoder::onDelta(const js::object& d) {
  for (std::string_view key : {"reasoning_content", "reasoning"}) {
    if (const auto* r = d.if_contains(key); r != nullptr && r->is_string() && !r->get_string().empty()) {
      if (open_ != Open::Thinking) {
        openBlock(Open::Thinking, {}, {});
      }
      delta(Ev::Delta::Thinking, detail::asStringView(*r));
      break;
    }
  }
  for (std::string_view key : {"content", "refusal"}) {
    if (const auto* t = d.if_contains(key); t != nullptr && t->is_string() && !t->get_string().empty()) {
      if (open_ != Open::Text) {
        openBlock(Open::Text, {}, {});
      }
      delta(Ev::Delta::Text, detail::asStringView(*t));
    }
  }
  if (const auto* calls = d.if_contains("tool_calls"); calls != nullptr && calls->is_array()) {
    for (const auto& c : calls->get_array()) {
      if (!c.is_object()) {
        continue;
      }
      const auto& call = c.get_object();
      std::string_view id = call.contains("id") ? detail::asStringView(call.at("id")) : std::string_view();
      std::string_view name;
      std::string_view args;
      if (const auto* fn = call.if_contains("function"); fn != nullptr && fn->is_object()) {
        const auto& f = fn->get_object();
        name = f.contains("name") ? detail::asStringView(f.at("name")) : std::string_view();
        args = f.contains("arguments") ? detail::asStringView(f.at("arguments")) : std::string_view();
      }
      std::optional<std::int64_t> index;
      if (const auto* i = call.if_contains("index")) {
        index = detail::asInt(*i);
      }
      if (!index) { // servers that omit the index: a new id means a new call
        if (pending_.active && (id.empty() || id == pending_.id)) {
          index = pending_.index;
        } else if (open_ == Open::Tool && (id.empty() || id == open_tool_id_)) {
          index = open_tool_;
        } else {
          index = max_tool_index_ + 1;
        }
      }
      onToolFragment(*index, id, name, args);
    }
  }
  if (const auto* fc = d.if_contains("function_call"); fc != nullptr && fc->is_object()) {
    const auto& f = fc->get_object();
    std::string_view name = f.contains("name") ? detail::asStringView(f.at("name")) : std::string_view();
    std::string_view args = f.contains("arguments") ? detail::asStringView(f.at("arguments")) : std::string_view();
    onToolFragment(0, {}, name, args);
  }
}

void StreamDecoder::onToolFragment(std::int64_t index, std::string_view id, std::string_view name,
                                   std::string_view arguments) {
  called_tools_ = true;
  max_tool_index_ = std::max(max_tool_index_, index);
  if (open_ == Open::Tool && index == open_tool_) {
    delta(Ev::Delta::InputJson, arguments);
    return;
  }
  if (pending_.active && pending_.index == index) {
    if (pending_.id.empty()) {
      pending_.id = std::string(id);
    }
    pending_.arguments.append(arguments);
    if (!name.empty() || pending_.arguments.size() > kMaxPendingArguments) {
      std::string held = std::move(pending_.arguments);
      std::string held_id = pending_.id.empty() ? detail::randomId("call_") : std::move(pending_.id);
      pending_ = {};
      openBlock(Open::Tool, held_id, std::string(name));
      open_tool_ = index;
      delta(Ev::Delta::InputJson, held);
    }
    return;
  }
  if (std::find(closed_tools_.begin(), closed_tools_.end(), index) != closed_tools_.end()) {
    return; // a fragment for a call whose block is already closed cannot be placed (no known server does this)
  }
  closeBlock();
  if (name.empty()) {
    pending_.active = true;
    pending_.index = index;
    pending_.id = std::string(id);
    pending_.arguments = std::string(arguments);
    return;
  }
  openBlock(Open::Tool, id.empty() ? detail::randomId("call_") : std::string(id), std::string(name));
  open_tool_ = index;
  delta(Ev::Delta::InputJson, arguments);
}

void StreamDecoder::start(const js::object* chunk) {
  if (started_) {
    return;
  }
  started_ = true;
  Ev ev;
  ev.type = Ev::Type::MessageStart;
  std::string_view id;
  std::string_view model;
  if (chunk != nullptr) {
    id = chunk->contains("id") ? detail::asStringView(chunk->at("id")) : std::string_view();
    model = chunk->contains("model") ? detail::asStringView(chunk->at("model")) : std::string_view();
  }
  ev.id = detail::messageIdFromCompletionId(id);
  ev.model = model.empty() ? fallback_model_ : std::string(model);
  emit(ev);
}

void StreamDecoder::openBlock(Open kind, const std::string& id, const std::string& name) {
  closeBlock();
  Ev ev;
  ev.type = Ev::Type::BlockStart;
  ev.index = next_index_;
  switch (kind) {
  case Open::Text:
    ev.block.type = ir::BlockType::Text;
    break;
  case Open::Thinking:
    ev.block.type = ir::BlockType::Thinking;
    break;
  case Open::Tool:
    ev.block.type = ir::BlockType::ToolUse;
    ev.block.id = id;
    ev.block.name = name;
    ev.block.input = js::object{};
    open_tool_id_ = id;
    break;
  case Open::None:
    return;
  }
  open_ = kind;
  open_index_ = next_index_++;
  emit(ev);
}

void StreamDecoder::delta(Ev::Delta kind, std::string_view text) {
  if (text.empty() || open_ == Open::None) {
    return;
  }
  Ev ev;
  ev.type = Ev::Type::BlockDelta;
  ev.index = open_index_;
  ev.delta = kind;
  ev.delta_text = std::string(text);
  emit(ev);
}

void StreamDecoder::closeBlock() {
  flushPending();
  if (open_ == Open::None) {
    return;
  }
  if (open_ == Open::Tool) {
    closed_tools_.push_back(open_tool_);
    open_tool_ = -1;
    open_tool_id_.clear();
  }
  Ev ev;
  ev.type = Ev::Type::BlockStop;
  ev.index = open_index_;
  open_ = Open::None;
  emit(ev);
}

// A tool call that never got a name is still delivered (with an empty name) rather than lost.
void StreamDecoder::flushPending() {
  if (!pending_.active) {
    return;
  }
  PendingTool p = std::move(pending_);
  pending_ = {};
  openBlock(Open::Tool, p.id.empty() ? detail::randomId("call_") : p.id, {});
  open_tool_ = p.index;
  delta(Ev::Delta::InputJson, p.arguments);
  closeBlock();
}

void StreamDecoder::complete() {
  start(nullptr);
  closeBlock();
  stop_reason_ = detail::stopReasonFromFinish(finish_reason_, called_tools_);
  Ev md;
  md.type = Ev::Type::MessageDelta;
  md.stop_reason = stop_reason_;
  md.usage = usage_;
  emit(md);
  Ev stop;
  stop.type = Ev::Type::MessageStop;
  emit(stop);
  finished_ = true;
}

void StreamDecoder::fail(std::string type, std::string message) {
  closeBlock();
  Ev ev;
  ev.type = Ev::Type::Error;
  ev.error_type = std::move(type);
  ev.error_message = std::move(message);
  emit(ev);
  finished_ = true;
}

} // namespace hd::translate::openai
