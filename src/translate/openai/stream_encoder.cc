#include "translate/openai/stream_encoder.h"

#include <boost/json.hpp>
#include <chrono>

#include "translate/openai/errors.h"
#include "translate/openai/util.h"

namespace hd::translate::openai {

namespace js = boost::json;
using Ev = ir::StreamEvent;

namespace {

void appendData(std::string_view data, std::string& out) {
  out.append("data: ").append(data).append("\n\n");
}

js::object toolCall(std::int64_t index) {
  js::object call;
  call["index"] = index;
  return call;
}

js::object toolDelta(js::object call) {
  js::array calls;
  calls.push_back(std::move(call));
  js::object delta;
  delta["tool_calls"] = std::move(calls);
  return delta;
}

} // namespace

StreamEncoder::StreamEncoder(EncoderOptions opt)
    : opt_(std::move(opt)),
      created_(std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
                   .count()) {}

void StreamEncoder::chunk(js::object delta, std::string_view finish_reason, std::string& out) const {
  js::object choice;
  choice["index"] = 0;
  choice["delta"] = std::move(delta);
  choice["logprobs"] = nullptr;
  choice["finish_reason"] = finish_reason.empty() ? js::value(nullptr) : js::value(finish_reason);
  js::array choices;
  choices.push_back(std::move(choice));
  js::object o;
  o["id"] = id_;
  o["object"] = "chat.completion.chunk";
  o["created"] = created_;
  o["model"] = model_;
  o["choices"] = std::move(choices);
  appendData(js::serialize(o), out);
}

void StreamEncoder::begin(std::string_view id, std::string_view model, std::string& out) {
  if (started_) {
    return;
  }
  started_ = true;
  id_ = detail::completionIdFromMessageId(id);
  model_ = opt_.model.empty() ? std::string(model) : opt_.model;
  js::object delta;
  delta["role"] = "assistant";
  delta["content"] = "";
  chunk(std::move(delta), {}, out);
}

std::int64_t StreamEncoder::toolIndex(std::size_t block_index) const {
  for (const auto& [block, tool] : tools_) {
    if (block == block_index) {
      return tool;
    }
  }
  return -1;
}

void StreamEncoder::encode(const Ev& ev, std::string& out) {
  if (finished_) {
    return;
  }
  if (ev.type != Ev::Type::Error && ev.type != Ev::Type::Ping) {
    begin(ev.type == Ev::Type::MessageStart ? std::string_view(ev.id) : std::string_view(),
          ev.type == Ev::Type::MessageStart ? std::string_view(ev.model) : std::string_view(), out);
  }
  switch (ev.type) {
  case Ev::Type::MessageStart:
    usage_ = ev.usage;
    break;
  case Ev::Type::BlockStart:
    if (ev.block.type == ir::BlockType::Text) {
      separator_pending_ = text_emitted_;
    } else if (ev.block.type == ir::BlockType::ToolUse) {
      auto index = static_cast<std::int64_t>(tools_.size());
      tools_.emplace_back(ev.index, index);
      js::object fn;
      fn["name"] = ev.block.name;
      bool has_input =
          ev.block.input.is_string() || (ev.block.input.is_object() && !ev.block.input.get_object().empty());
      fn["arguments"] = has_input ? detail::serializeArguments(ev.block.input) : std::string();
      js::object call = toolCall(index);
      call["id"] = ev.block.id;
      call["type"] = "function";
      call["function"] = std::move(fn);
      chunk(toolDelta(std::move(call)), {}, out);
    }
    break;
  case Ev::Type::BlockDelta:
    if (ev.delta_text.empty()) {
      break;
    }
    if (ev.delta == Ev::Delta::Text) {
      js::object delta;
      delta["content"] = separator_pending_ ? "\n\n" + ev.delta_text : ev.delta_text;
      separator_pending_ = false;
      text_emitted_ = true;
      chunk(std::move(delta), {}, out);
    } else if (ev.delta == Ev::Delta::InputJson) {
      std::int64_t index = toolIndex(ev.index);
      if (index < 0) {
        break;
      }
      js::object fn;
      fn["arguments"] = ev.delta_text;
      js::object call = toolCall(index);
      call["function"] = std::move(fn);
      chunk(toolDelta(std::move(call)), {}, out);
    } else if (ev.delta == Ev::Delta::Thinking) {
      js::object delta;
      delta["reasoning_content"] = ev.delta_text;
      chunk(std::move(delta), {}, out);
    }
    break; // signatures and citations have no OpenAI form
  case Ev::Type::MessageDelta: {
    usage_.output_tokens = ev.usage.output_tokens;
    if (ev.usage.input_tokens > 0 || ev.usage.cache_read_input_tokens > 0 || ev.usage.cache_creation_input_tokens > 0) {
      usage_.input_tokens = ev.usage.input_tokens;
      usage_.cache_read_input_tokens = ev.usage.cache_read_input_tokens;
      usage_.cache_creation_input_tokens = ev.usage.cache_creation_input_tokens;
    }
    usage_.reported = usage_.reported || ev.usage.reported;
    stop_reason_ = ev.stop_reason;
    chunk(js::object{}, detail::finishReasonFromStop(ev.stop_reason), out);
    break;
  }
  case Ev::Type::MessageStop:
    if (opt_.include_usage) {
      js::object o;
      o["id"] = id_;
      o["object"] = "chat.completion.chunk";
      o["created"] = created_;
      o["model"] = model_;
      o["choices"] = js::array{};
      o["usage"] = detail::usageToOpenAI(usage_);
      appendData(js::serialize(o), out);
    }
    appendData("[DONE]", out);
    finished_ = true;
    break;
  case Ev::Type::Error:
    appendData(openAIErrorBody(ev.error_type.empty() ? std::string_view("api_error") : ev.error_type, ev.error_message),
               out);
    finished_ = true;
    break;
  case Ev::Type::BlockStop:
  case Ev::Type::Ping:
    break;
  }
}

} // namespace hd::translate::openai
