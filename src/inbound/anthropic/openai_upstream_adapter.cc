#include "inbound/anthropic/openai_upstream_adapter.h"

#include <boost/json.hpp>

#include "inbound/anthropic/errors.h"
#include "translate/anthropic/response.h"
#include "translate/anthropic/stream_encoder.h"
#include "translate/openai/errors.h"
#include "translate/openai/response.h"
#include "translate/openai/stream_decoder.h"

namespace hd::inbound::anthropic {

namespace {

constexpr std::string_view kPing = "event: ping\ndata: {\"type\":\"ping\"}\n\n";

class TranslatingStream : public pipeline::StreamAdapter {
public:
  explicit TranslatingStream(std::string model) : decoder_(std::move(model)) {}

  void feed(std::string_view bytes, std::string& out) override {
    decoder_.feed(bytes, [&](const ir::StreamEvent& ev) { out += encoder_.encode(ev); });
  }
  void finish(std::string& out) override {
    decoder_.finish([&](const ir::StreamEvent& ev) { out += encoder_.encode(ev); });
  }
  void fail(const Error& err, std::string& out) override {
    out += errorEvent(err.kind == ErrorKind::Timeout ? "timeout_error" : "api_error", err.message);
  }
  std::string_view keepAlive() const override { return kPing; }
  Usage usage() const override { return decoder_.usage(); }
  std::string stopReason() const override { return decoder_.stopReason(); }

private:
  translate::openai::StreamDecoder decoder_;
  translate::anthropic::StreamEncoder encoder_;
};

} // namespace

std::string OpenAIUpstreamAdapter::renderError(const Error& err) const {
  return errorBody(err);
}

std::string OpenAIUpstreamAdapter::mapUpstreamError(unsigned status, std::string_view body,
                                                    std::string_view /*provider*/) const {
  auto mapped = translate::openai::mapOpenAIError(static_cast<int>(status), body);
  boost::json::object inner;
  inner["type"] = mapped.type;
  inner["message"] = mapped.message;
  boost::json::object o;
  o["type"] = "error";
  o["error"] = std::move(inner);
  return boost::json::serialize(o);
}

Result<std::string> OpenAIUpstreamAdapter::convertBody(std::string body, pipeline::Outcome& out) const {
  auto resp = translate::openai::responseFromOpenAI(body);
  if (!resp) {
    return resp.error();
  }
  if (resp->model.empty()) {
    resp->model = model_;
  }
  out.usage = resp->usage;
  out.stop_reason = resp->stop_reason;
  return translate::anthropic::responseFromIr(*resp);
}

std::unique_ptr<pipeline::StreamAdapter> OpenAIUpstreamAdapter::streamAdapter() const {
  return std::make_unique<TranslatingStream>(model_);
}

} // namespace hd::inbound::anthropic
