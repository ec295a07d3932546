#pragma once
// One live-feed WebSocket connection (GET /ws, taken over from the HTTP session): completes the
// handshake, then sends every feed message and a {"type":"ping"} after each quiet `ping_every`, and
// reads (and ignores) what the client sends until it closes or the server drains.

#include <boost/asio/awaitable.hpp>
#include <chrono>

#include "http/exchange.h"
#include "logs/live_feed.h"

namespace hd::logs {

boost::asio::awaitable<void> runWebSocket(boost::beast::tcp_stream& tcp, const http::Request& req, LiveFeed& feed,
                                          std::chrono::milliseconds ping_every);

// Whether the request asks for a WebSocket upgrade.
bool isWebSocketUpgrade(const http::Request& req);

} // namespace hd::logs
