#pragma once
// Pieces every provider request builder shares: configured extra headers, TLS options and timeouts.

#include "config/config.h"
#include "upstream/client.h"

namespace hd::providers {

// Adds network_config.extra_headers, except authentication headers (those are the gateway's to set).
void appendExtraHeaders(upstream::Request& req, const config::Provider& provider);

// TLS options and timeouts from network_config (streams use the idle timeout between reads).
void applyNetwork(upstream::Request& req, const config::NetworkConfig& network, bool streaming);

} // namespace hd::providers
