#include "logs/ws_session.h"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/websocket.hpp>

namespace hd::logs {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using WsStream = websocket::stream<beast::tcp_stream&>;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
using namespace asio::experimental::awaitable_operators;

asio::awaitable<void> readLoop(WsStream& ws) {
  beast::flat_buffer buffer;
  for (;;) {
    auto [ec, n] = co_await ws.async_read(buffer, kTuple);
    if (ec) {
      co_return;
    }
    buffer.consume(buffer.size());
  }
}

asio::awaitable<bool> cancelled() {
  auto cs = co_await asio::this_coro::cancellation_state;
  co_return cs.cancelled() != asio::cancellation_type::none;
}

asio::awaitable<void> writeLoop(WsStream& ws, LiveFeed::Subscriber& sub, std::chrono::milliseconds ping_every) {
  static const std::string kPing = R"({"type":"ping"})";
  for (;;) {
    while (!sub.queue.empty()) {
      auto msg = std::move(sub.queue.front());
      sub.queue.pop_front();
      auto [ec, n] = co_await ws.async_write(asio::buffer(*msg), kTuple);
      if (ec || co_await cancelled()) {
        co_return;
      }
    }
    sub.wake.expires_after(ping_every);
    auto [ec] = co_await sub.wake.async_wait(kTuple);
    if (co_await cancelled()) {
      co_return;
    }
    if (!ec) {
      auto [wec, n] = co_await ws.async_write(asio::buffer(kPing), kTuple);
      if (wec) {
        co_return;
      }
    }
    // operation_aborted: a message arrived (the feed cancelled the wait).
  }
}

} // namespace

bool isWebSocketUpgrade(const http::Request& req) {
  return websocket::is_upgrade(req);
}

asio::awaitable<void> runWebSocket(beast::tcp_stream& tcp, const http::Request& req, LiveFeed& feed,
                                   std::chrono::milliseconds ping_every) {
  tcp.expires_never();
  WsStream ws(tcp);
  websocket::stream_base::timeout opt{};
  opt.handshake_timeout = std::chrono::seconds(30);
  opt.idle_timeout = websocket::stream_base::none();
  opt.keep_alive_pings = false;
  ws.set_option(opt);
  ws.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(beast::http::field::server, "heimdall"); }));
  ws.read_message_max(64 * 1024);
  auto [ec] = co_await ws.async_accept(req, kTuple);
  if (ec) {
    spdlog::debug("live feed: WebSocket handshake failed: {}", ec.message());
    co_return;
  }
  ws.text(true);
  auto sub = feed.subscribe(co_await asio::this_coro::executor);
  co_await (readLoop(ws) || writeLoop(ws, *sub, ping_every));
  feed.unsubscribe(sub);
  if (sub->skipped > 0) {
    spdlog::warn("live feed: a slow client missed {} message(s)", sub->skipped);
  }
}

} // namespace hd::logs
