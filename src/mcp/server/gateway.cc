#include "mcp/server/gateway.h"

#include "mcp/server/routes.h"

namespace hd::mcp::server {

Gateway::Gateway(const config::Snapshot& snapshot, const obs::Hub& hub, const http::Router& router, std::string version)
    : manager_(snapshot) {
  ctx_.snapshot = &snapshot;
  ctx_.manager = &manager_;
  ctx_.sessions = &sessions_;
  ctx_.hub = &hub;
  ctx_.router = &router;
  ctx_.version = std::move(version);
}

Gateway::~Gateway() {
  stop();
}

void Gateway::registerRoutes(http::Router& router) const {
  server::registerRoutes(router, ctx_);
}

void Gateway::start() {
  subscription_ = manager_.subscribe([this](const client::Catalog& cat) {
    if (cat.generation <= 1) {
      return; // the first catalog: no session can have listed anything yet
    }
    for (const char* method : {"notifications/tools/list_changed", "notifications/resources/list_changed",
                               "notifications/prompts/list_changed"}) {
      sessions_.broadcast(js::serialize(rpc::notificationMessage(method, nullptr)));
    }
  });
  manager_.start();
}

void Gateway::stop() {
  if (subscription_ != 0) {
    manager_.unsubscribe(subscription_);
    subscription_ = 0;
  }
  manager_.stop();
}

} // namespace hd::mcp::server
