#pragma once
// IR stream events -> OpenAI chat.completion.chunk SSE for OpenAI clients (`data: {chunk}\n\n` ...
// `data: [DONE]\n\n`).

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <boost/json/object.hpp>

#include "core/ir.h"
#include "core/usage.h"

namespace hd::translate::openai {

struct EncoderOptions {
  std::string model;          // model reported to the client; "" = the model of MessageStart
  bool include_usage = false; // the client sent stream_options.include_usage: a usage chunk before [DONE]
};

class StreamEncoder {
public:
  explicit StreamEncoder(EncoderOptions opt = {});

  // Appends the client bytes for one event. Text -> content, tool_use -> tool_calls (index per call, id and
  // name first, then argument fragments), thinking -> reasoning_content, MessageDelta -> finish_reason,
  // MessageStop -> [usage chunk] + [DONE], Error -> data: {"error":{...}} and nothing after it.
  void encode(const ir::StreamEvent& ev, std::string& out);

  // MessageStop or Error has been encoded.
  bool finished() const { return finished_; }
  const Usage& usage() const { return usage_; }
  const std::string& stopReason() const { return stop_reason_; } // Anthropic vocabulary

private:
  void begin(std::string_view id, std::string_view model, std::string& out);
  void chunk(boost::json::object delta, std::string_view finish_reason, std::string& out) const;
  std::int64_t toolIndex(std::size_t block_index) const;

  EncoderOptions opt_;
  std::string id_;
  std::string model_;
  std::int64_t created_ = 0;
  bool started_ = false;
  bool finished_ = false;
  bool text_emitted_ = false;
  bool separator_pending_ = false;
  std::vector<std::pair<std::size_t, std::int64_t>> tools_; // IR block index -> tool_calls[].index
  Usage usage_;
  std::string stop_reason_;
};

} // namespace hd::translate::openai
