#pragma once
// The OpenAI-compatible inbound API: chat completions (OpenAI routes and the Azure-SDK deployment form)
// and model lists, answered in OpenAI's shapes.

#include "config/snapshot.h"
#include "http/router.h"

namespace hd::inbound::openai {

struct Context {
  const config::Snapshot* config = nullptr;
};

void registerRoutes(http::Router& router, const Context& ctx);

} // namespace hd::inbound::openai
