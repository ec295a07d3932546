#pragma once
// How the gateway talks to one upstream MCP server: a channel of JSON-RPC messages. Implementations:
// stdio (a child process, newline-delimited JSON), streamable HTTP (POST per message, answers as JSON
// or SSE, Mcp-Session-Id, a GET stream for server-initiated messages) and the older HTTP+SSE transport.
//
// All of it runs on the MCP thread's io_context (mcp/client/manager.h): no locks.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "config/mcp.h"
#include "core/error.h"
#include "mcp/jsonrpc.h"

namespace hd::upstream {
class Pool;
}

namespace hd::mcp::client {

namespace asio = boost::asio;
namespace js = boost::json;

class Transport : public std::enable_shared_from_this<Transport> {
public:
  using OnMessage = std::function<void(rpc::Message)>;
  using OnClosed = std::function<void(const std::string& reason)>;

  virtual ~Transport() = default;

  void setHandlers(OnMessage on_message, OnClosed on_closed) {
    on_message_ = std::move(on_message);
    on_closed_ = std::move(on_closed);
  }

  // Starts the channel (spawns the process, opens the legacy SSE stream). Bounded by `timeout`.
  virtual asio::awaitable<Result<Ok>> open(std::chrono::milliseconds timeout) = 0;
  // Sends one message. HTTP: the POST's answers are delivered to OnMessage before this returns.
  // An Error of kind NotFound means the server ended our session (initialize again).
  virtual asio::awaitable<Result<Ok>> send(js::object message, std::chrono::milliseconds timeout) = 0;
  // The session is initialised with this protocol version (HTTP: sent as MCP-Protocol-Version from now
  // on, and the server-initiated GET stream is opened).
  virtual void initialized(const std::string& /*protocol_version*/) {}
  // Forgets the transport-level session (before a re-initialise).
  virtual void resetSession() {}
  // Ends the channel; no callbacks after this returns.
  virtual void close() = 0;
  // Process id (stdio) for diagnostics; 0 otherwise.
  virtual int pid() const { return 0; }

protected:
  void deliver(rpc::Message m) {
    if (on_message_) {
      on_message_(std::move(m));
    }
  }
  void closed(const std::string& reason) {
    if (auto f = std::move(on_closed_)) {
      on_closed_ = nullptr;
      on_message_ = nullptr;
      f(reason);
    }
  }
  void dropHandlers() {
    on_message_ = nullptr;
    on_closed_ = nullptr;
  }
  // Parses a body/line/event holding one message or a batch and delivers each message; false if invalid.
  bool deliverText(std::string_view text);

private:
  OnMessage on_message_;
  OnClosed on_closed_;
};

std::shared_ptr<Transport> makeStdioTransport(asio::any_io_executor ex, const config::McpClientConfig& cfg);
std::shared_ptr<Transport> makeHttpTransport(upstream::Pool& pool, const config::McpClientConfig& cfg);
std::shared_ptr<Transport> makeSseTransport(upstream::Pool& pool, const config::McpClientConfig& cfg);

} // namespace hd::mcp::client
