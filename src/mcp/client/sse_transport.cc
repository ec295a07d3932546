// The HTTP+SSE transport (MCP 2024-11-05, deprecated but still served by many MCP servers): a GET opens
// an event stream whose first `endpoint` event names the URL to POST messages to; every answer and
// server-initiated message arrives on that stream as a `message` event. When the stream ends, the
// transport is closed (the upstream reconnects and initialises again).

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/url.hpp>

#include "core/sse.h"
#include "mcp/client/http_common.h"
#include "mcp/client/transport.h"
#include "upstream/client.h"

namespace hd::mcp::client {

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

class SseTransport : public Transport {
public:
  SseTransport(upstream::Pool& pool, config::McpClientConfig cfg)
      : pool_(pool), cfg_(std::move(cfg)), endpoint_wait_(pool.executor()) {}
  ~SseTransport() override { stop(); }

  asio::awaitable<Result<Ok>> open(std::chrono::milliseconds timeout) override {
    auto o = upstream::parseOrigin(cfg_.connection_string);
    if (!o) {
      co_return Error::badGateway(o.error().message);
    }
    origin_ = *o;
    auto self = std::static_pointer_cast<SseTransport>(shared_from_this());
    asio::co_spawn(pool_.executor(), self->streamLoop(self), asio::detached);
    endpoint_wait_.expires_after(timeout);
    if (endpoint_.empty() && failure_.empty()) {
      co_await endpoint_wait_.async_wait(kTuple);
    }
    if (!endpoint_.empty()) {
      co_return Ok{};
    }
    stop();
    co_return Error::badGateway(failure_.empty() ? fmt::format("MCP server \"{}\" sent no endpoint event", cfg_.name)
                                                 : failure_);
  }

  asio::awaitable<Result<Ok>> send(js::object message, std::chrono::milliseconds timeout) override {
    if (stopped_ || endpoint_.empty()) {
      co_return Error::badGateway(fmt::format("MCP client \"{}\" is not connected", cfg_.name));
    }
    auto self = shared_from_this();
    upstream::Request req = request(boost::beast::http::verb::post, endpoint_, timeout);
    req.headers.emplace_back("content-type", "application/json");
    req.body = js::serialize(message);
    upstream::Exchange ex(pool_, std::move(req));
    auto started = co_await ex.start();
    if (!started) {
      co_return started.error();
    }
    auto body = co_await ex.readAll(64 * 1024);
    if (ex.status() >= 300) {
      co_return Error::badGateway(fmt::format("MCP server \"{}\" answered HTTP {}{}", cfg_.name, ex.status(),
                                              body && !body->empty() ? ": " + body->substr(0, 300) : ""));
    }
    co_return Ok{};
  }

  void close() override {
    dropHandlers();
    stop();
  }

private:
  void stop() {
    stopped_ = true;
    if (stream_) {
      stream_->abort();
    }
    endpoint_wait_.cancel();
  }

  upstream::Request request(boost::beast::http::verb verb, const std::string& target,
                            std::chrono::milliseconds timeout) const {
    upstream::Request req;
    req.method = verb;
    req.origin = origin_;
    req.target = target;
    req.timeouts.connect = std::min(timeout, std::chrono::milliseconds(10'000));
    req.timeouts.first_byte = timeout;
    req.timeouts.idle = timeout;
    req.timeouts.total = timeout;
    for (const auto& [k, v] : cfg_.headers) {
      req.headers.emplace_back(k, v);
    }
    return req;
  }

  // The endpoint event's URL, as a target on the same origin (a different origin is refused).
  bool takeEndpoint(std::string_view data) {
    std::string target;
    if (data.rfind("http://", 0) == 0 || data.rfind("https://", 0) == 0) {
      auto o = upstream::parseOrigin(data);
      if (!o || o->host != origin_.host || o->port != origin_.port || o->tls != origin_.tls) {
        return false;
      }
      target = targetOf(data, *o);
    } else if (!data.empty() && data.front() == '/') {
      target = std::string(data);
    } else {
      std::string base = origin_.base_path;
      base = base.substr(0, base.rfind('/') + 1);
      target = (base.empty() ? "/" : base) + std::string(data);
    }
    if (target.find_first_of("\r\n ") != std::string::npos) {
      return false;
    }
    endpoint_ = target;
    return true;
  }

  asio::awaitable<void> streamLoop(std::shared_ptr<SseTransport> self) {
    auto req =
        request(boost::beast::http::verb::get, targetOf(cfg_.connection_string, origin_), std::chrono::hours(24));
    req.timeouts.connect = std::chrono::seconds(10);
    req.timeouts.first_byte = std::chrono::seconds(30);
    req.headers.emplace_back("accept", "text/event-stream");
    upstream::Exchange ex(pool_, std::move(req));
    stream_ = &ex;
    std::string reason = "the MCP server closed its event stream";
    auto started = co_await ex.start();
    if (!started) {
      reason = started.error().message;
    } else if (ex.status() != 200 || !ex.isEventStream()) {
      reason = fmt::format("MCP server \"{}\" answered the event stream request with HTTP {}", cfg_.name, ex.status());
    } else {
      sse::Parser parser([&](const sse::Event& e) {
        if (e.type == "endpoint") {
          if (!takeEndpoint(e.data)) {
            reason = fmt::format("MCP server \"{}\" named an unusable endpoint", cfg_.name);
          }
          endpoint_wait_.cancel();
        } else if (e.type == "message" && !e.data.empty() && !deliverText(e.data)) {
          spdlog::warn("mcp: client \"{}\": ignored an SSE event that is not JSON-RPC", cfg_.name);
        }
      });
      while (!stopped_) {
        auto piece = co_await ex.readSome();
        if (!piece || piece->empty() || !parser.feed(*piece)) {
          break;
        }
      }
    }
    stream_ = nullptr;
    failure_ = reason;
    endpoint_wait_.cancel();
    bool was_open = !endpoint_.empty();
    endpoint_.clear();
    if (!stopped_ && was_open) {
      closed(reason);
    }
    (void)self;
  }

  upstream::Pool& pool_;
  config::McpClientConfig cfg_;
  upstream::Origin origin_;
  asio::steady_timer endpoint_wait_;
  std::string endpoint_;
  std::string failure_;
  upstream::Exchange* stream_ = nullptr;
  bool stopped_ = false;
};

} // namespace

std::shared_ptr<Transport> makeSseTransport(upstream::Pool& pool, const config::McpClientConfig& cfg) {
  return std::make_shared<SseTransport>(pool, cfg);
}

} // namespace hd::mcp::client
