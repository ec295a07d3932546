#include "pipeline/relay.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "providers/anthropic_protocol.h"
#include "providers/azure_auth.h"

namespace hd::pipeline {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;

namespace {

constexpr std::size_t kMaxUpstreamBody = 64 * 1024 * 1024;
constexpr std::size_t kMaxUpstreamErrorBody = 1024 * 1024;
constexpr std::chrono::seconds kKeepAliveInterval{5};
// What the request log records when the client left before any response (nginx's convention).
constexpr unsigned kClientClosedRequest = 499;

} // namespace

std::vector<std::pair<std::string, std::string>> relayedHeaders(const upstream::Exchange& up,
                                                                const routing::Route& route) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& f : up.headers()) {
    if (providers::isRelayedResponseHeader(f.name_string())) {
      out.emplace_back(std::string(f.name_string()), std::string(f.value()));
    }
  }
  out.emplace_back("x-heimdall-provider", route.provider->name);
  out.emplace_back("x-heimdall-deployment", route.deployment.name);
  return out;
}

namespace {

Error withProvider(Error err, const routing::Route& route) {
  err.message = fmt::format("provider \"{}\": {}", route.provider->name, err.message);
  return err;
}

// Writes the adapter's keep-alive every interval of upstream silence; returns when the client is gone.
// The write itself is shielded from cancellation so a keep-alive is never cut in half.
asio::awaitable<void> keepAlive(http::ServerExchange& ex, std::string_view bytes) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (true) {
    timer.expires_after(kKeepAliveInterval);
    auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec) {
      co_return;
    }
    if (!co_await ex.writeChunkUninterruptible(bytes)) {
      co_return;
    }
  }
}

asio::awaitable<void> relayStream(http::ServerExchange& ex, upstream::Exchange& up, const routing::Route& route,
                                  std::vector<std::pair<std::string, std::string>> headers,
                                  const ResponseAdapter& adapter, Outcome& out) {
  auto sa = adapter.streamAdapter();
  headers.emplace_back("content-type", "text/event-stream");
  headers.emplace_back("cache-control", "no-cache");
  out.status = up.status();
  if (!co_await ex.beginStream(up.status(), headers)) {
    up.abort();
    out.error = "client disconnected";
    co_return;
  }
  std::string_view keep_alive = sa->keepAlive();
  std::string buf;
  while (true) {
    Result<std::string_view> piece = std::string_view();
    if (keep_alive.empty()) {
      piece = co_await up.readSome();
    } else {
      auto r = co_await (up.readSome() || keepAlive(ex, keep_alive));
      if (r.index() == 1) {
        out.error = "client disconnected";
        break;
      }
      piece = std::move(std::get<0>(r));
    }
    buf.clear();
    if (!piece) {
      if (ex.isClientGone()) {
        out.error = "client disconnected";
        break;
      }
      out.error = piece.error().message;
      sa->fail(withProvider(piece.error(), route), buf);
      co_await ex.writeChunk(buf);
      co_await ex.endStream();
      break;
    }
    if (piece->empty()) {
      sa->finish(buf);
      co_await ex.writeChunk(buf);
      co_await ex.endStream();
      break;
    }
    sa->feed(*piece, buf);
    if (!co_await ex.writeChunk(buf)) {
      up.abort();
      out.error = "client disconnected";
      break;
    }
  }
  out.usage = sa->usage();
  out.stop_reason = sa->stopReason();
}

} // namespace

asio::awaitable<void> sendError(http::ServerExchange& ex, const ResponseAdapter& adapter, const Error& err,
                                Outcome& out) {
  out.status = err.status;
  out.error = err.message;
  co_await ex.sendJson(err.status, adapter.renderError(err));
}

asio::awaitable<void> callAndRelay(http::ServerExchange& ex, upstream::Request req, const routing::Route& route,
                                   bool stream, const ResponseAdapter& adapter, Outcome& out) {
  if (auto authorized = co_await providers::authorizeUpstream(req, route, *ex.worker().pool); !authorized) {
    co_await sendError(ex, adapter, withProvider(authorized.error(), route), out);
    co_return;
  }
  upstream::Exchange up(*ex.worker().pool, std::move(req));
  ex.onClientGone([&up] { up.abort(); });
  struct Unhook {
    http::ServerExchange& ex;
    ~Unhook() { ex.onClientGone({}); }
  } unhook{ex};

  auto started = co_await up.start();
  if (!started && ex.isClientGone()) {
    out.status = kClientClosedRequest;
    out.error = "client disconnected";
    co_return;
  }
  if (!started) {
    co_await sendError(ex, adapter, withProvider(started.error(), route), out);
    co_return;
  }
  out.first_byte = std::chrono::steady_clock::now();
  auto headers = relayedHeaders(up, route);
  unsigned status = up.status();

  if (status >= 300) {
    auto body = co_await up.readAll(kMaxUpstreamErrorBody);
    std::string text = body ? std::move(body.value()) : std::string();
    out.status = status;
    out.error = fmt::format("upstream HTTP {}", status);
    headers.emplace_back("content-type", "application/json");
    co_await ex.sendJson(status, adapter.mapUpstreamError(status, text, route.provider->name), headers);
    co_return;
  }
  if (stream && up.isEventStream()) {
    co_await relayStream(ex, up, route, std::move(headers), adapter, out);
    co_return;
  }
  auto body = co_await up.readAll(kMaxUpstreamBody);
  if (!body) {
    co_await sendError(ex, adapter, withProvider(body.error(), route), out);
    co_return;
  }
  auto converted = adapter.convertBody(std::move(body.value()), out);
  if (!converted) {
    co_await sendError(ex, adapter, withProvider(converted.error(), route), out);
    co_return;
  }
  out.status = status;
  headers.emplace_back("content-type", "application/json");
  http::Response res{static_cast<boost::beast::http::status>(status), 11};
  for (const auto& [k, v] : headers) {
    res.set(k, v);
  }
  res.body() = std::move(converted.value());
  co_await ex.send(std::move(res));
}

void logRequest(const http::ServerExchange& ex, const routing::Route* route, std::string_view requested_model,
                bool stream, const Outcome& out, std::chrono::steady_clock::time_point started) {
  using namespace std::chrono;
  auto latency = static_cast<double>(duration_cast<microseconds>(steady_clock::now() - started).count()) / 1000.0;
  double ttfb = out.first_byte == steady_clock::time_point{}
                    ? -1
                    : static_cast<double>(duration_cast<microseconds>(out.first_byte - started).count()) / 1000.0;
  spdlog::info("request id={} path={} model={} provider={} deployment={} key={} stream={} status={} "
               "latency_ms={:.2f} ttfb_ms={:.2f} input_tokens={} output_tokens={} cache_read_tokens={} "
               "cache_write_tokens={} stop_reason={}{}{}",
               ex.requestId(), ex.path(), requested_model, route != nullptr ? route->provider->name : "-",
               route != nullptr ? route->deployment.name : "-", route != nullptr ? route->key->name : "-", stream,
               out.status, latency, ttfb, out.usage.input_tokens, out.usage.output_tokens,
               out.usage.cache_read_input_tokens, out.usage.cache_creation_input_tokens,
               out.stop_reason.empty() ? "-" : out.stop_reason, out.error.empty() ? "" : " error=", out.error);
}

} // namespace hd::pipeline
