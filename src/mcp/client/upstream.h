#pragma once
// One upstream MCP server as the gateway sees it: the JSON-RPC session over a transport. Connects,
// initialises (protocol version negotiation), lists tools / resources / prompts (following pagination),
// re-lists on list_changed notifications and periodically, answers the server's pings, forwards tool
// calls with a timeout (and notifications/cancelled when it passes), re-initialises when an HTTP server
// ends the session, and reconnects with backoff when the transport dies (a stdio server that exits is
// restarted). Lives on the MCP thread.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "config/mcp.h"
#include "mcp/client/transport.h"

namespace hd::mcp::client {

// The outcome of one request to an upstream. Default-constructible (it crosses threads via co_spawn).
struct Outcome {
  enum class Status { Ok, RpcError, Unavailable, Timeout, Cancelled };
  Status status = Status::Unavailable;
  js::value result; // Ok
  int code = 0;     // RpcError: the server's error, passed on unchanged
  std::string message;
  js::value data;

  bool ok() const { return status == Status::Ok; }
};

struct Lists {
  std::vector<js::object> tools;
  std::vector<js::object> resources;
  std::vector<js::object> resource_templates;
  std::vector<js::object> prompts;
};

struct UpstreamStatus {
  std::string name;
  std::string state; // "connecting", "connected", "error"
  std::string error;
  std::string protocol_version;
  js::value server_info;
  std::size_t tools = 0;
  int pid = 0;
  int restarts = 0;
};

// Lets a caller on another thread give up on a request (the MCP client went away or sent
// notifications/cancelled): the upstream is told with notifications/cancelled and the call ends at once.
class CancelToken {
public:
  void cancel() {
    std::function<void()> hook;
    {
      std::lock_guard lock(mu_);
      cancelled_ = true;
      hook = hook_;
    }
    if (hook) {
      hook();
    }
  }
  bool cancelled() const {
    std::lock_guard lock(mu_);
    return cancelled_;
  }
  // Runs `hook` on cancel() (at once when already cancelled); an empty function unhooks.
  void setHook(std::function<void()> hook) {
    bool now = false;
    {
      std::lock_guard lock(mu_);
      hook_ = hook;
      now = cancelled_;
    }
    if (now && hook) {
      hook();
    }
  }

private:
  mutable std::mutex mu_;
  bool cancelled_ = false;
  std::function<void()> hook_;
};

// Protocol versions the gateway speaks (newest first).
const std::vector<std::string>& supportedProtocolVersions();

class Upstream : public std::enable_shared_from_this<Upstream> {
public:
  using OnChange = std::function<void()>;

  Upstream(asio::any_io_executor ex, upstream::Pool& pool, config::McpClientConfig cfg, const config::McpSettings& s,
           OnChange on_change);
  ~Upstream();

  void start();
  void stop();
  // Drops the connection and connects again now (management API).
  void reconnect();

  asio::awaitable<Outcome> request(std::string method, js::value params, std::chrono::milliseconds timeout,
                                   std::shared_ptr<CancelToken> cancel = nullptr);

  const config::McpClientConfig& config() const { return cfg_; }
  const Lists& lists() const { return lists_; }
  UpstreamStatus status() const;

private:
  struct Pending {
    explicit Pending(asio::any_io_executor ex) : timer(std::move(ex)) {}
    asio::steady_timer timer;
    bool done = false;
    bool cancelled = false;
    Outcome outcome;
  };

  asio::awaitable<void> run(std::shared_ptr<Upstream> self);
  asio::awaitable<Result<Ok>> connect();
  asio::awaitable<Result<Ok>> initialize();
  asio::awaitable<void> sync(bool tools, bool resources, bool prompts);
  asio::awaitable<Result<std::vector<js::object>>> listAll(const std::string& method, const std::string& key);
  asio::awaitable<Outcome> roundTrip(const std::string& method, js::value params, std::chrono::milliseconds timeout,
                                     const std::shared_ptr<CancelToken>& cancel = nullptr);
  void cancelPending(std::int64_t id);
  void onMessage(rpc::Message m);
  void onClosed(const std::string& reason);
  void failPending(const std::string& reason);
  void wake();

  asio::any_io_executor ex_;
  upstream::Pool& pool_;
  config::McpClientConfig cfg_;
  std::chrono::milliseconds timeout_;
  std::chrono::milliseconds sync_interval_;
  OnChange on_change_;

  std::shared_ptr<Transport> transport_;
  bool connected_ = false;
  bool stopped_ = false;
  bool reconnect_now_ = false;
  bool dirty_tools_ = false;
  bool dirty_resources_ = false;
  bool dirty_prompts_ = false;
  std::string state_ = "connecting";
  std::string error_;
  std::string protocol_version_;
  js::value server_info_;
  js::object capabilities_;
  Lists lists_;
  int restarts_ = 0;
  std::int64_t next_id_ = 1;
  std::map<std::int64_t, Pending*> pending_;
  asio::steady_timer wake_;
};

} // namespace hd::mcp::client
