#include "mcp/server/routes.h"

#include <fmt/format.h>

#include "gate/gate.h"
#include "governance/counters_util.h"

namespace hd::mcp::server {

Result<Caller> identify(const Context& ctx, const http::ServerExchange& ex) {
  Caller caller;
  caller.cfg = ctx.snapshot->get();
  caller.request_id = ex.requestId();
  caller.traceparent = std::string(ex.header("traceparent"));
  const auto& gov = caller.cfg->governance;
  std::string value = gate::presentedKey(ex);
  const config::VirtualKey* vk = nullptr;
  if (!value.empty()) {
    vk = gov.findByValue(value, governance::systemNowMs());
    bool governed = caller.cfg->client.enforce_auth_on_inference || !gov.virtual_keys.empty();
    if (vk == nullptr && governed) {
      return Error::authentication("unknown virtual key: check the bf-... value (it may have been rotated or "
                                   "deleted)");
    }
  } else if (caller.cfg->client.enforce_auth_on_inference) {
    return Error::authentication("a virtual key is required: send it as \"Authorization: Bearer bf-...\" or "
                                 "\"x-bf-vk: bf-...\"");
  }
  if (vk != nullptr && !vk->is_active) {
    return Error::permission(fmt::format("virtual key \"{}\" is inactive", vk->name));
  }
  auto header = [&](std::string_view name) -> std::optional<std::string_view> {
    const auto& fields = ex.request();
    auto it = fields.find(name);
    if (it == fields.end()) {
      return std::nullopt;
    }
    return std::string_view(it->value().data(), it->value().size());
  };
  caller.access = Access::make(vk, header("x-bf-mcp-include-clients"), header("x-bf-mcp-include-tools"));
  return caller;
}

void registerRoutes(http::Router& router, const Context& ctx) {
  using bhttp::verb;
  router.add(verb::post, "/mcp",
             [&ctx](http::ServerExchange& ex) -> asio::awaitable<void> { co_await handlePost(ctx, ex); });
  router.add(verb::get, "/mcp",
             [&ctx](http::ServerExchange& ex) -> asio::awaitable<void> { co_await handleGet(ctx, ex); });
  router.add(verb::delete_, "/mcp",
             [&ctx](http::ServerExchange& ex) -> asio::awaitable<void> { co_await handleDelete(ctx, ex); });
  router.add(verb::post, "/v1/mcp/tool/execute",
             [&ctx](http::ServerExchange& ex) -> asio::awaitable<void> { co_await handleToolExecute(ctx, ex); });
}

} // namespace hd::mcp::server
