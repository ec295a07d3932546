#include "providers/request_common.h"

#include <boost/beast/core/string.hpp>

namespace hd::providers {

void appendExtraHeaders(upstream::Request& req, const config::Provider& provider) {
  namespace bb = boost::beast;
  for (const auto& [k, v] : provider.network.extra_headers) {
    if (bb::iequals(k, "x-api-key") || bb::iequals(k, "authorization") || bb::iequals(k, "api-key") ||
        bb::iequals(k, "anthropic-beta")) {
      continue;
    }
    req.headers.emplace_back(k, v);
  }
}

void applyNetwork(upstream::Request& req, const config::NetworkConfig& n, bool streaming) {
  req.tls.insecure_skip_verify = n.insecure_skip_verify;
  req.tls.ca_cert_pem = n.ca_cert_pem;
  req.timeouts.connect = n.connect_timeout;
  req.timeouts.first_byte = n.first_byte_timeout.value_or(n.request_timeout);
  req.timeouts.total = n.request_timeout;
  req.timeouts.idle =
      streaming ? std::chrono::milliseconds(n.stream_idle_timeout) : std::chrono::milliseconds(n.request_timeout);
}

} // namespace hd::providers
