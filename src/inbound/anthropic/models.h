#pragma once
// Model listings built from the configuration: every configured model and alias as "provider/model".

#include <boost/asio/awaitable.hpp>
#include <string>
#include <vector>

#include "config/config.h"
#include "http/exchange.h"
#include "inbound/anthropic/handlers.h"

namespace hd::inbound::anthropic {

struct CatalogEntry {
  std::string id; // provider/model
  std::string provider;
  std::string model;
};

// Sorted, de-duplicated; `*` allow-lists contribute nothing (they name no model).
std::vector<CatalogEntry> modelCatalog(const config::Config& cfg);

boost::asio::awaitable<void> handleAnthropicModels(const Context& ctx, http::ServerExchange& ex);
boost::asio::awaitable<void> handleOpenAIModels(const Context& ctx, http::ServerExchange& ex);

} // namespace hd::inbound::anthropic
