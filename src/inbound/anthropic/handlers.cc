#include "inbound/anthropic/handlers.h"

#include "inbound/anthropic/messages.h"
#include "inbound/anthropic/models.h"

namespace hd::inbound::anthropic {

void registerRoutes(http::Router& router, const Context& ctx) {
  using boost::beast::http::verb;
  // Claude Code calls these with `?beta=true`; the query does not affect routing.
  router.add(verb::post, "/anthropic/v1/messages", [ctx](http::ServerExchange& ex) { return handleMessages(ctx, ex); });
  router.add(verb::post, "/anthropic/v1/messages/count_tokens",
             [ctx](http::ServerExchange& ex) { return handleCountTokens(ctx, ex); });
  router.add(verb::get, "/anthropic/v1/models",
             [ctx](http::ServerExchange& ex) { return handleAnthropicModels(ctx, ex); });
  router.add(verb::get, "/v1/models", [ctx](http::ServerExchange& ex) { return handleOpenAIModels(ctx, ex); });
}

} // namespace hd::inbound::anthropic
