#pragma once
// The dashboard's live feed (GET /ws): an obs::Sink that turns every finished request and MCP call
// into a {"type":"log"|"mcp_log","operation":"create","payload":...} message and hands it to each
// connected WebSocket session on that session's own thread. Nothing is done when nobody listens.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "obs/hub.h"

namespace hd::logs {

class LiveFeed final : public obs::Sink {
public:
  // One connected client. Touched only on its executor's thread (the session's worker).
  struct Subscriber {
    explicit Subscriber(boost::asio::any_io_executor ex) : executor(ex), wake(ex) {}
    boost::asio::any_io_executor executor;
    boost::asio::steady_timer wake; // cancelled when a message arrives
    std::deque<std::shared_ptr<const std::string>> queue;
    std::size_t skipped = 0; // messages dropped because the client reads too slowly
  };
  static constexpr std::size_t kMaxQueued = 1000;

  explicit LiveFeed(std::function<bool()> enabled) : enabled_(std::move(enabled)) {}

  std::shared_ptr<Subscriber> subscribe(boost::asio::any_io_executor ex);
  void unsubscribe(const std::shared_ptr<Subscriber>& s);
  std::size_t subscribers() const;

  void onRequest(const std::shared_ptr<const obs::RequestRecord>& record) override;
  void onMcpCall(const std::shared_ptr<const obs::McpCallRecord>& record) override;

private:
  void broadcast(std::shared_ptr<const std::string> msg);

  std::function<bool()> enabled_;
  mutable std::mutex mu_;
  std::vector<std::shared_ptr<Subscriber>> subs_;
};

} // namespace hd::logs
