#include "inbound/anthropic/passthrough_adapter.h"

#include "inbound/anthropic/errors.h"
#include "inbound/anthropic/usage_tracker.h"

namespace hd::inbound::anthropic {

namespace {

class PassthroughStream : public pipeline::StreamAdapter {
public:
  void feed(std::string_view bytes, std::string& out) override {
    observer_.feed(bytes);
    out.append(bytes);
  }
  void finish(std::string& out) override {
    if (!observer_.sawMessageStop() && !observer_.sawError()) {
      out += errorEvent("api_error", "the upstream stream ended before message_stop");
    }
  }
  void fail(const Error& err, std::string& out) override {
    out += errorEvent(err.kind == ErrorKind::Timeout ? "timeout_error" : "api_error", err.message);
  }
  // Anthropic upstreams send their own pings.
  std::string_view keepAlive() const override { return {}; }
  Usage usage() const override { return observer_.usage(); }
  std::string stopReason() const override { return observer_.stopReason(); }

private:
  StreamObserver observer_;
};

} // namespace

std::string PassthroughAdapter::renderError(const Error& err) const {
  return errorBody(err);
}

std::string PassthroughAdapter::mapUpstreamError(unsigned status, std::string_view body,
                                                 std::string_view provider) const {
  return anthropic::mapUpstreamError(status, body, provider);
}

Result<std::string> PassthroughAdapter::convertBody(std::string body, pipeline::Outcome& out) const {
  out.usage = usageFromMessage(body, &out.stop_reason);
  return body;
}

std::unique_ptr<pipeline::StreamAdapter> PassthroughAdapter::streamAdapter() const {
  return std::make_unique<PassthroughStream>();
}

} // namespace hd::inbound::anthropic
