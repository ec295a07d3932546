#pragma once
// The Anthropic-compatible inbound API under /anthropic: messages (streaming and not), count_tokens and
// the model list; plus the OpenAI-style model list at /v1/models.

#include "config/snapshot.h"
#include "http/router.h"

namespace hd::inbound::anthropic {

struct Context {
  const config::Snapshot* config = nullptr;
};

void registerRoutes(http::Router& router, const Context& ctx);

} // namespace hd::inbound::anthropic
