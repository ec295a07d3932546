#include "inbound/openai/adapters.h"

#include <fmt/format.h>

#include <boost/json.hpp>

#include "core/json_util.h"
#include "core/sse.h"
#include "translate/anthropic/response.h"
#include "translate/anthropic/stream_decoder.h"
#include "translate/openai/errors.h"
#include "translate/openai/response.h"
#include "translate/openai/stream_encoder.h"

namespace hd::inbound::openai {

namespace js = boost::json;

namespace {

constexpr std::string_view kKeepAlive = ": keep-alive\n\n";

std::string errorChunk(std::string_view type, std::string_view message) {
  return "data: " + translate::openai::openAIErrorBody(type, message) + "\n\n";
}

Usage usageFromChat(const js::object& o, Usage usage) {
  const auto* u = o.if_contains("usage");
  if (u == nullptr || !u->is_object()) {
    return usage;
  }
  const auto& uo = u->get_object();
  auto num = [&](const js::object& obj, std::string_view k) -> std::int64_t {
    const auto* v = obj.if_contains(k);
    return v != nullptr && v->is_int64() ? v->get_int64() : 0;
  };
  std::int64_t cached = 0;
  if (const auto* d = uo.if_contains("prompt_tokens_details"); d != nullptr && d->is_object()) {
    cached = num(d->get_object(), "cached_tokens");
  }
  usage.input_tokens = num(uo, "prompt_tokens") - cached;
  usage.cache_read_input_tokens = cached;
  usage.output_tokens = num(uo, "completion_tokens");
  usage.reported = true;
  return usage;
}

// OpenAI upstream, OpenAI client: bytes pass through; chunks that carry usage or finish_reason are read.
class ChatPassthroughStream : public pipeline::StreamAdapter {
public:
  ChatPassthroughStream()
      : parser_([this](const sse::Event& ev) {
          if (ev.data == "[DONE]") {
            done_ = true;
            return;
          }
          if (ev.data.find("\"usage\"") == std::string_view::npos &&
              ev.data.find("\"finish_reason\":\"") == std::string_view::npos) {
            return; // only chunks that can carry usage or the stop are parsed
          }
          auto doc = json::parse(ev.data);
          if (!doc || !doc->is_object()) {
            return;
          }
          usage_ = usageFromChat(doc->get_object(), usage_);
          if (const auto* ch = doc->get_object().if_contains("choices"); ch != nullptr && ch->is_array()) {
            for (const auto& c : ch->get_array()) {
              if (c.is_object()) {
                if (auto fr = json::getString(c.get_object(), "finish_reason")) {
                  stop_ = std::string(*fr);
                }
              }
            }
          }
        }) {}

  void feed(std::string_view bytes, std::string& out) override {
    parser_.feed(bytes);
    out.append(bytes);
  }
  void finish(std::string& out) override {
    if (!done_) {
      out += errorChunk("api_error", "the upstream stream ended before [DONE]");
    }
  }
  void fail(const Error& err, std::string& out) override {
    out += errorChunk(err.kind == ErrorKind::Timeout ? "timeout_error" : "api_error", err.message);
  }
  std::string_view keepAlive() const override { return kKeepAlive; }
  Usage usage() const override { return usage_; }
  std::string stopReason() const override { return stop_; }

private:
  sse::Parser parser_;
  Usage usage_;
  std::string stop_;
  bool done_ = false;
};

// Anthropic upstream, OpenAI client: Anthropic SSE -> IR -> chat.completion.chunk.
class AnthropicToChatStream : public pipeline::StreamAdapter {
public:
  explicit AnthropicToChatStream(translate::openai::EncoderOptions opt) : encoder_(std::move(opt)) {}

  void feed(std::string_view bytes, std::string& out) override {
    decoder_.feed(bytes, [&](ir::StreamEvent&& ev) { encoder_.encode(ev, out); });
  }
  void finish(std::string& out) override {
    if (!decoder_.finished() && !encoder_.finished()) {
      fail(Error::badGateway("the upstream stream ended before message_stop"), out);
    }
  }
  void fail(const Error& err, std::string& out) override {
    ir::StreamEvent ev;
    ev.type = ir::StreamEvent::Type::Error;
    ev.error_type = err.kind == ErrorKind::Timeout ? "timeout_error" : "api_error";
    ev.error_message = err.message;
    encoder_.encode(ev, out);
  }
  std::string_view keepAlive() const override { return kKeepAlive; }
  Usage usage() const override { return encoder_.usage(); }
  std::string stopReason() const override { return encoder_.stopReason(); }

private:
  translate::anthropic::StreamDecoder decoder_;
  translate::openai::StreamEncoder encoder_;
};

} // namespace

std::string ChatPassthroughAdapter::renderError(const Error& err) const {
  return translate::openai::openAIErrorBody(err);
}

std::string ChatPassthroughAdapter::mapUpstreamError(unsigned status, std::string_view body,
                                                     std::string_view provider) const {
  auto mapped = translate::openai::mapOpenAIError(static_cast<int>(status), body);
  return translate::openai::openAIErrorBody(mapped.type,
                                            fmt::format("{} upstream error: {}", provider, mapped.message));
}

Result<std::string> ChatPassthroughAdapter::convertBody(std::string body, pipeline::Outcome& out) const {
  auto doc = json::parse(body);
  if (doc && doc->is_object()) {
    out.usage = usageFromChat(doc->get_object(), out.usage);
  }
  return body;
}

std::unique_ptr<pipeline::StreamAdapter> ChatPassthroughAdapter::streamAdapter() const {
  return std::make_unique<ChatPassthroughStream>();
}

std::string AnthropicUpstreamAdapter::renderError(const Error& err) const {
  return translate::openai::openAIErrorBody(err);
}

std::string AnthropicUpstreamAdapter::mapUpstreamError(unsigned status, std::string_view body,
                                                       std::string_view provider) const {
  std::string type;
  std::string message;
  auto doc = json::parse(body);
  if (doc && doc->is_object()) {
    const auto* e = doc->get_object().if_contains("error");
    if (e != nullptr && e->is_object()) {
      type = std::string(json::getString(e->get_object(), "type").value_or(""));
      message = std::string(json::getString(e->get_object(), "message").value_or(""));
    }
  }
  if (type.empty()) {
    type = translate::openai::errorTypeForOpenAIStatus(static_cast<int>(status));
  }
  if (message.empty()) {
    message = fmt::format("HTTP {}", status);
  }
  return translate::openai::openAIErrorBody(type, fmt::format("{} upstream error: {}", provider, message));
}

Result<std::string> AnthropicUpstreamAdapter::convertBody(std::string body, pipeline::Outcome& out) const {
  auto resp = translate::anthropic::responseToIr(body);
  if (!resp) {
    return resp.error();
  }
  out.usage = resp->usage;
  out.stop_reason = resp->stop_reason;
  return translate::openai::responseToOpenAI(*resp, client_model_);
}

std::unique_ptr<pipeline::StreamAdapter> AnthropicUpstreamAdapter::streamAdapter() const {
  return std::make_unique<AnthropicToChatStream>(translate::openai::EncoderOptions{client_model_, include_usage_});
}

} // namespace hd::inbound::openai
