#pragma once
// POST /anthropic/v1/messages and /anthropic/v1/messages/count_tokens.

#include <boost/asio/awaitable.hpp>

#include "http/exchange.h"
#include "inbound/anthropic/handlers.h"
#include "providers/anthropic_protocol.h"

namespace hd::inbound::anthropic {

boost::asio::awaitable<void> handleMessages(const Context& ctx, http::ServerExchange& ex);
boost::asio::awaitable<void> handleCountTokens(const Context& ctx, http::ServerExchange& ex);

} // namespace hd::inbound::anthropic
