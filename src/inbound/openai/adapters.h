#pragma once
// Response adapters for OpenAI-API clients: an OpenAI Chat upstream (relayed as is, observed for usage)
// and an Anthropic-protocol upstream (Claude on Azure or Anthropic: translated through the canonical model).

#include <string>

#include "pipeline/relay.h"

namespace hd::inbound::openai {

class ChatPassthroughAdapter : public pipeline::ResponseAdapter {
public:
  std::string renderError(const Error& err) const override;
  std::string mapUpstreamError(unsigned status, std::string_view body, std::string_view provider) const override;
  Result<std::string> convertBody(std::string body, pipeline::Outcome& out) const override;
  std::unique_ptr<pipeline::StreamAdapter> streamAdapter() const override;
  unsigned overloadStatus() const override { return 503; }
};

class AnthropicUpstreamAdapter : public pipeline::ResponseAdapter {
public:
  AnthropicUpstreamAdapter(std::string client_model, bool include_usage)
      : client_model_(std::move(client_model)), include_usage_(include_usage) {}
  std::string renderError(const Error& err) const override;
  std::string mapUpstreamError(unsigned status, std::string_view body, std::string_view provider) const override;
  Result<std::string> convertBody(std::string body, pipeline::Outcome& out) const override;
  std::unique_ptr<pipeline::StreamAdapter> streamAdapter() const override;
  unsigned overloadStatus() const override { return 503; }

private:
  std::string client_model_; // the model name the client asked for, reported back to it
  bool include_usage_;       // the client asked for stream_options.include_usage
};

} // namespace hd::inbound::openai
