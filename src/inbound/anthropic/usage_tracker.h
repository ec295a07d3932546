#pragma once
// Watches an Anthropic SSE stream as it is relayed and reads usage and the outcome from it
// (message_start / message_delta / message_stop / error). Only those events are parsed as JSON.

#include <string>
#include <string_view>

#include "core/sse.h"
#include "core/usage.h"

namespace hd::inbound::anthropic {

class StreamObserver {
public:
  StreamObserver();
  void feed(std::string_view bytes) { parser_.feed(bytes); }

  const Usage& usage() const { return usage_; }
  bool sawMessageStart() const { return saw_start_; }
  bool sawMessageStop() const { return saw_stop_; }
  bool sawError() const { return saw_error_; }
  const std::string& stopReason() const { return stop_reason_; }
  std::size_t events() const { return parser_.eventsSeen(); }

private:
  void onEvent(const sse::Event& ev);

  sse::Parser parser_;
  Usage usage_;
  std::string stop_reason_;
  bool saw_start_ = false;
  bool saw_stop_ = false;
  bool saw_error_ = false;
};

// Reads usage from a whole (non-streaming) Messages response body.
Usage usageFromMessage(std::string_view body, std::string* stop_reason = nullptr);

} // namespace hd::inbound::anthropic
