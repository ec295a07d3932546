// The streamable HTTP transport (MCP 2025-03-26 and later): every message is a POST to the server's
// URL; the answer is 202 (nothing to say), a JSON body (one message or a batch) or an SSE stream whose
// events carry messages. The server's Mcp-Session-Id is sent back on every later request; a 404 to a
// request carrying it means the session is gone (the caller initialises again). After initialisation a
// GET stream receives server-initiated messages (list changes), reopened with backoff when it drops.

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <set>

#include "core/sse.h"
#include "mcp/client/http_common.h"
#include "mcp/client/transport.h"
#include "upstream/client.h"

namespace hd::mcp::client {

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

class HttpTransport : public Transport {
public:
  HttpTransport(upstream::Pool& pool, config::McpClientConfig cfg) : pool_(pool), cfg_(std::move(cfg)) {}
  ~HttpTransport() override { stop(); }

  asio::awaitable<Result<Ok>> open(std::chrono::milliseconds /*timeout*/) override {
    auto o = upstream::parseOrigin(cfg_.connection_string);
    if (!o) {
      co_return Error::badGateway(o.error().message);
    }
    origin_ = *o;
    target_ = targetOf(cfg_.connection_string, origin_);
    co_return Ok{};
  }

  asio::awaitable<Result<Ok>> send(js::object message, std::chrono::milliseconds timeout) override {
    if (stopped_) {
      co_return Error::badGateway(fmt::format("MCP client \"{}\" is closed", cfg_.name));
    }
    auto self = shared_from_this();
    upstream::Request req = baseRequest(boost::beast::http::verb::post, timeout);
    req.headers.emplace_back("content-type", "application/json");
    req.headers.emplace_back("accept", "application/json, text/event-stream");
    req.body = js::serialize(message);
    bool had_session = !session_id_.empty();
    upstream::Exchange ex(pool_, std::move(req));
    posts_.insert(&ex);
    struct Untrack {
      std::set<upstream::Exchange*>& set;
      upstream::Exchange* ex;
      ~Untrack() { set.erase(ex); }
    } untrack{posts_, &ex};
    auto started = co_await ex.start();
    if (!started) {
      co_return started.error();
    }
    if (auto sid = ex.headers()["mcp-session-id"]; !sid.empty()) {
      session_id_ = std::string(sid);
    }
    if (ex.status() == 404 && had_session) {
      session_id_.clear();
      co_return Error::notFound(fmt::format("MCP server \"{}\" ended the session", cfg_.name));
    }
    if (ex.status() >= 400) {
      auto body = co_await ex.readAll(4096);
      co_return Error::badGateway(fmt::format("MCP server \"{}\" answered HTTP {}{}", cfg_.name, ex.status(),
                                              body && !body->empty() ? ": " + body->substr(0, 300) : ""));
    }
    if (ex.status() == 202 || ex.status() == 204) {
      co_return Ok{};
    }
    if (ex.isEventStream()) {
      co_return co_await readEvents(ex);
    }
    auto body = co_await ex.readAll(kMaxBody);
    if (!body) {
      co_return body.error();
    }
    if (!body->empty() && !deliverText(*body)) {
      co_return Error::badGateway(
          fmt::format("MCP server \"{}\" answered with something that is not JSON-RPC", cfg_.name));
    }
    co_return Ok{};
  }

  void initialized(const std::string& protocol_version) override {
    protocol_version_ = protocol_version;
    if (!get_running_ && !stopped_) {
      get_running_ = true;
      auto self = std::static_pointer_cast<HttpTransport>(shared_from_this());
      asio::co_spawn(pool_.executor(), self->getLoop(self), asio::detached);
    }
  }

  void resetSession() override {
    session_id_.clear();
    protocol_version_.clear();
    if (get_) {
      get_->abort();
    }
  }

  void close() override {
    dropHandlers();
    if (!stopped_ && !session_id_.empty()) {
      // Tell the server the session is over (best effort, not awaited).
      auto req = baseRequest(boost::beast::http::verb::delete_, std::chrono::milliseconds(2000));
      asio::co_spawn(
          pool_.executor(),
          [&pool = pool_, req = std::move(req)]() mutable -> asio::awaitable<void> {
            upstream::Exchange ex(pool, std::move(req));
            (void)co_await ex.start();
          },
          asio::detached);
    }
    stop();
  }

private:
  static constexpr std::size_t kMaxBody = 64 * 1024 * 1024;

  void stop() {
    stopped_ = true;
    if (get_) {
      get_->abort();
    }
    for (auto* p : std::set<upstream::Exchange*>(posts_)) {
      p->abort();
    }
  }

  upstream::Request baseRequest(boost::beast::http::verb verb, std::chrono::milliseconds timeout) const {
    upstream::Request req;
    req.method = verb;
    req.origin = origin_;
    req.target = target_;
    req.timeouts.connect = std::min(timeout, std::chrono::milliseconds(10'000));
    req.timeouts.first_byte = timeout;
    req.timeouts.idle = timeout;
    req.timeouts.total = timeout;
    for (const auto& [k, v] : cfg_.headers) {
      req.headers.emplace_back(k, v);
    }
    if (!session_id_.empty()) {
      req.headers.emplace_back("mcp-session-id", session_id_);
    }
    if (!protocol_version_.empty()) {
      req.headers.emplace_back("mcp-protocol-version", protocol_version_);
    }
    return req;
  }

  asio::awaitable<Result<Ok>> readEvents(upstream::Exchange& ex) {
    bool bad = false;
    sse::Parser parser([&](const sse::Event& e) {
      if (e.type == "message" && !e.data.empty() && !deliverText(e.data)) {
        bad = true;
      }
    });
    while (true) {
      auto piece = co_await ex.readSome();
      if (!piece) {
        co_return piece.error();
      }
      if (piece->empty()) {
        break;
      }
      if (!parser.feed(*piece)) {
        co_return Error::badGateway(fmt::format("MCP server \"{}\" sent an oversized event", cfg_.name));
      }
    }
    if (bad) {
      spdlog::warn("mcp: client \"{}\": ignored an SSE event that is not JSON-RPC", cfg_.name);
    }
    co_return Ok{};
  }

  // The server-initiated stream. 405 = the server offers none; other failures are retried with backoff.
  asio::awaitable<void> getLoop(std::shared_ptr<HttpTransport> self) {
    asio::steady_timer wait(pool_.executor());
    std::chrono::milliseconds backoff{500};
    while (!stopped_) {
      if (session_id_.empty() && protocol_version_.empty()) {
        break; // reset: the next initialized() starts a new loop
      }
      auto req = baseRequest(boost::beast::http::verb::get, std::chrono::hours(24));
      req.timeouts.first_byte = std::chrono::seconds(30);
      req.headers.emplace_back("accept", "text/event-stream");
      upstream::Exchange ex(pool_, std::move(req));
      get_ = &ex;
      auto started = co_await ex.start();
      bool opened = started && ex.status() == 200 && ex.isEventStream();
      if (started && ex.status() == 405) {
        get_ = nullptr;
        spdlog::debug("mcp: client \"{}\": the server offers no GET stream", cfg_.name);
        break;
      }
      if (opened) {
        backoff = std::chrono::milliseconds(500);
        (void)co_await readEvents(ex);
      }
      get_ = nullptr;
      if (stopped_) {
        break;
      }
      wait.expires_after(backoff);
      co_await wait.async_wait(kTuple);
      backoff = std::min(backoff * 2, std::chrono::milliseconds(30'000));
    }
    get_running_ = false;
    (void)self;
  }

  upstream::Pool& pool_;
  config::McpClientConfig cfg_;
  upstream::Origin origin_;
  std::string target_;
  std::string session_id_;
  std::string protocol_version_;
  std::set<upstream::Exchange*> posts_; // POSTs in flight (aborted on close)
  upstream::Exchange* get_ = nullptr;
  bool get_running_ = false;
  bool stopped_ = false;
};

} // namespace

std::shared_ptr<Transport> makeHttpTransport(upstream::Pool& pool, const config::McpClientConfig& cfg) {
  return std::make_shared<HttpTransport>(pool, cfg);
}

} // namespace hd::mcp::client
