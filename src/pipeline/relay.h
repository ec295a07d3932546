#pragma once
// One upstream attempt and the relay of its answer to the client, for any pair of client API and upstream
// protocol. What differs per pair (error shapes, body conversion, stream conversion) is a ResponseAdapter;
// this file owns what is common: starting the call, deciding whether the answer is a failure worth another
// attempt (before anything reached the client), relaying whole bodies, and streaming piece by piece with
// bounded memory and a terminal event on every path. The attempt loop (retries, fallbacks) is attempts.h.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>
#include <optional>
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
  int attempts = 0;        // upstream attempts made for this request
  int fallback_index = -1; // which fallback served (or failed last); -1 = the primary
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
  // The status for "the gateway is overloaded" in the client's API (Anthropic: 529; OpenAI: 503).
  virtual unsigned overloadStatus() const { return 529; }
};

// Why an attempt produced no answer for the client. Either the upstream answered an error (status, body
// already in the client's shape, relayed headers) or the gateway has an Error (transport, timeout, ...).
struct Failure {
  bool has_response = false;
  unsigned status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  Error error;
  std::string summary; // one line for the log
};

struct AttemptResult {
  enum class Kind { Committed, Failed, ClientGone };
  Kind kind = Kind::Failed;
  bool retryable = false;
  bool upstream_fault = false; // counts against the key's circuit breaker
  std::optional<std::chrono::milliseconds> retry_after;
  Failure failure;
};

// One attempt. Committed: the client got an answer (success, or an error after a stream had started).
// Failed: nothing was sent; the caller may retry, fall back, or send `failure`. The client's disconnect
// aborts the upstream call (ClientGone).
boost::asio::awaitable<AttemptResult> attemptOnce(http::ServerExchange& ex, upstream::Request req,
                                                  const routing::Route& route, bool stream,
                                                  const ResponseAdapter& adapter, Outcome& out);

// Sends a failure to the client and records it in the outcome.
boost::asio::awaitable<void> sendFailure(http::ServerExchange& ex, const ResponseAdapter& adapter,
                                         const Failure& failure, Outcome& out);

// Sends an error in the adapter's shape and records it in the outcome.
boost::asio::awaitable<void> sendError(http::ServerExchange& ex, const ResponseAdapter& adapter, const Error& err,
                                       Outcome& out);

// Upstream response headers relayed to the client, plus x-heimdall-provider / x-heimdall-deployment.
std::vector<std::pair<std::string, std::string>> relayedHeaders(const upstream::Exchange& up,
                                                                const routing::Route& route);

// One access-log line per inference request.
void logRequest(http::ServerExchange& ex, const routing::Route* route, std::string_view requested_model, bool stream,
                const Outcome& out, std::chrono::steady_clock::time_point started);

} // namespace hd::pipeline
