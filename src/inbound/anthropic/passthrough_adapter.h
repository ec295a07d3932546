#pragma once
// Anthropic client, Anthropic-protocol upstream: the answer is relayed as is (bytes untouched), while the
// stream is observed for usage and completeness.

#include "pipeline/relay.h"

namespace hd::inbound::anthropic {

class PassthroughAdapter : public pipeline::ResponseAdapter {
public:
  std::string renderError(const Error& err) const override;
  std::string mapUpstreamError(unsigned status, std::string_view body, std::string_view provider) const override;
  Result<std::string> convertBody(std::string body, pipeline::Outcome& out) const override;
  std::unique_ptr<pipeline::StreamAdapter> streamAdapter() const override;
};

} // namespace hd::inbound::anthropic
