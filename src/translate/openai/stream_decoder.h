#pragma once
// OpenAI chat.completion.chunk SSE (`data: {chunk}` ... `data: [DONE]`) -> IR stream events, in Anthropic's
// order: MessageStart, then per block BlockStart / BlockDelta... / BlockStop with increasing indexes,
// then MessageDelta (stop reason, usage) and MessageStop, or a terminal Error.
//
// Bytes may be split anywhere. Memory is bounded: text and arguments are passed on as they arrive; only a
// tool call whose name has not arrived yet is held back (capped).

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "core/ir.h"
#include "core/sse.h"
#include "core/usage.h"

namespace hd::translate::openai {

class StreamDecoder {
public:
  using Emit = std::function<void(const ir::StreamEvent&)>;

  // `fallback_model` names the model in MessageStart when the upstream chunks carry none.
  explicit StreamDecoder(std::string fallback_model = {});
  StreamDecoder(const StreamDecoder&) = delete; // the SSE parser's callback points at this object
  StreamDecoder& operator=(const StreamDecoder&) = delete;

  void feed(std::string_view bytes, const Emit& emit);
  // Upstream EOF. Completes the message if finish_reason or [DONE] was seen, else closes open blocks and
  // emits Error{api_error, "upstream stream ended early"}.
  void finish(const Emit& emit);

  // A terminal event (MessageStop or Error) has been emitted; later input is ignored.
  bool finished() const { return finished_; }
  const Usage& usage() const { return usage_; }
  const std::string& stopReason() const { return stop_reason_; }

private:
  enum class Open { None, Text, Thinking, Tool };
  struct PendingTool { // a tool call whose name has not arrived yet
    bool active = false;
    std::int64_t index = 0;
    std::string id;
    std::string arguments;
  };

  void onData(std::string_view data);
  void onChunk(const boost::json::object& chunk);
  void onDelta(const boost::json::object& delta);
  void onToolFragment(std::int64_t index, std::string_view id, std::string_view name, std::string_view arguments);
  void start(const boost::json::object* chunk);
  void openBlock(Open kind, const std::string& id, const std::string& name);
  void delta(ir::StreamEvent::Delta kind, std::string_view text);
  void closeBlock();
  void flushPending();
  void complete();
  void fail(std::string type, std::string message);
  void emit(const ir::StreamEvent& ev);

  sse::Parser parser_;
  const Emit* emit_ = nullptr; // valid during feed() / finish()
  std::string fallback_model_;
  bool started_ = false;
  bool finished_ = false;
  bool at_eof_ = false;
  bool saw_finish_ = false;
  bool called_tools_ = false;
  std::string finish_reason_;
  std::string stop_reason_;
  Usage usage_;
  Open open_ = Open::None;
  std::size_t open_index_ = 0;
  std::size_t next_index_ = 0;
  std::int64_t open_tool_ = -1; // tool_calls[].index of the open tool block
  std::string open_tool_id_;
  std::int64_t max_tool_index_ = -1;
  std::vector<std::int64_t> closed_tools_;
  PendingTool pending_;
};

} // namespace hd::translate::openai
