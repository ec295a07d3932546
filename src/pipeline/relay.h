#pragma once
// One upstream call and the relay of its answer to the client, for any pair of client API and upstream
// protocol. What differs per pair (error shapes, body conversion, stream conversion) is a ResponseAdapter;
// this file owns what is common: starting the call, mapping transport failures, relaying whole bodies, and
// streaming piece by piece with bounded memory and a terminal event on every path.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/usage.h"
#include "http/exchange.h"
#include "routing/route.h"
#include "upstream/client.h"

namespace hd::pipeline {

struct Outcome {
  unsigned status = 0;
  Usage usage;
  std::string stop_reason;
  std::string error;
  std::chrono::steady_clock::time_point first_byte{};
};

// Converts an upstream stream into the client's stream format as bytes arrive.
class StreamAdapter {
public:
  virtual ~StreamAdapter() = default;
  // Appends to `out` what the client should receive for these upstream bytes.
  virtual void feed(std::string_view upstream_bytes, std::string& out) = 0;
  // The upstream body ended. Appends closing events, or a terminal error if the stream was incomplete.
  virtual void finish(std::string& out) = 0;
  // The upstream failed mid-stream: appends a terminal error event.
  virtual void fail(const Error& err, std::string& out) = 0;
  // A keep-alive the client's protocol tolerates during upstream silence.
  virtual std::string_view keepAlive() const = 0;
  virtual Usage usage() const = 0;
  virtual std::string stopReason() const = 0;
};

class ResponseAdapter {
public:
  virtual ~ResponseAdapter() = default;
  // An Error in the client API's error shape.
  virtual std::string renderError(const Error& err) const = 0;
  // An upstream non-2xx body in the client API's error shape (the status is kept).
  virtual std::string mapUpstreamError(unsigned status, std::string_view body, std::string_view provider) const = 0;
  // A whole 2xx upstream body in the client's format; fills usage and stop reason.
  virtual Result<std::string> convertBody(std::string body, Outcome& out) const = 0;
  virtual std::unique_ptr<StreamAdapter> streamAdapter() const = 0;
};

// Runs the call and relays the answer. The client's disconnect aborts the upstream call.
boost::asio::awaitable<void> callAndRelay(http::ServerExchange& ex, upstream::Request req, const routing::Route& route,
                                          bool stream, const ResponseAdapter& adapter, Outcome& out);

// Sends an error in the adapter's shape and records it in the outcome.
boost::asio::awaitable<void> sendError(http::ServerExchange& ex, const ResponseAdapter& adapter, const Error& err,
                                       Outcome& out);

// Upstream response headers relayed to the client, plus x-heimdall-provider / x-heimdall-deployment.
std::vector<std::pair<std::string, std::string>> relayedHeaders(const upstream::Exchange& up,
                                                                const routing::Route& route);

// One access-log line per inference request.
void logRequest(const http::ServerExchange& ex, const routing::Route* route, std::string_view requested_model,
                bool stream, const Outcome& out, std::chrono::steady_clock::time_point started);

} // namespace hd::pipeline
