#pragma once
// Anthropic client, OpenAI Chat Completions upstream (Azure OpenAI GPT deployments, OpenAI, compatible
// servers): answers and streams are translated through the canonical model (translate/openai decodes,
// translate/anthropic encodes), event by event.

#include <string>

#include "pipeline/relay.h"

namespace hd::inbound::anthropic {

class OpenAIUpstreamAdapter : public pipeline::ResponseAdapter {
public:
  explicit OpenAIUpstreamAdapter(std::string model) : model_(std::move(model)) {}
  std::string renderError(const Error& err) const override;
  std::string mapUpstreamError(unsigned status, std::string_view body, std::string_view provider) const override;
  Result<std::string> convertBody(std::string body, pipeline::Outcome& out) const override;
  std::unique_ptr<pipeline::StreamAdapter> streamAdapter() const override;

private:
  std::string model_; // the upstream model/deployment, used when the upstream omits it
};

} // namespace hd::inbound::anthropic
