#pragma once
// One inbound HTTP request and the means to answer it: a whole response, or a chunked stream written
// piece by piece (SSE). Also carries the client-disconnect signal used to abort upstream work.

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <string_view>

#include "core/error.h"
#include "http/request_scope.h"

namespace hd::upstream {
class Pool;
}

namespace hd::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;

using Request = bhttp::request<bhttp::string_body>;
using Response = bhttp::response<bhttp::string_body>;

// Per-worker resources a handler may use (owned by the worker thread; never shared across threads).
struct WorkerContext {
  upstream::Pool* pool = nullptr;
  std::mt19937_64* rng = nullptr;
  unsigned index = 0;
};

class ServerExchange {
public:
  ServerExchange(Request& req, beast::tcp_stream& stream, WorkerContext worker, std::string request_id,
                 std::int64_t started_unix_ns, bool draining);

  const Request& request() const { return req_; }
  // Moves the request body out (for the request record, once the handler has returned: a coding agent's
  // request is often 50-200 KB, and a copy of it per turn is what content logging would cost).
  std::string takeRequestBody() { return std::move(req_.body()); }
  std::string_view path() const { return path_; }
  std::string_view query() const { return query_; }
  // The decoded query parameters (the last value wins for repeated names).
  std::map<std::string, std::string> queryParams() const;
  // The peer's IP address as text ("" when unknown).
  std::string clientAddress() const;
  std::string_view header(std::string_view name) const;
  const std::string& requestId() const { return request_id_; }
  // When the request was read (unix nanoseconds; its id carries the same time).
  std::int64_t startedUnixNs() const { return started_unix_ns_; }
  WorkerContext worker() const { return worker_; }
  std::map<std::string, std::string>& params() { return params_; }
  // The matched route's pattern ("" when no route matched).
  std::string_view route() const { return route_; }
  void setRoute(std::string_view pattern) { route_ = pattern; }
  RequestScope& scope() { return scope_; }
  const RequestScope& scope() const { return scope_; }

  // Whole responses. Content-Length, keep-alive and the request id header are set here.
  asio::awaitable<void> send(Response res);
  asio::awaitable<void> sendJson(unsigned status, std::string body,
                                 const std::vector<std::pair<std::string, std::string>>& headers = {});

  // Chunked streaming. Each returns false once the client is gone.
  // `uninterruptible`: a cancellation of the calling coroutine cannot cut the header block in half.
  asio::awaitable<bool> beginStream(unsigned status, const std::vector<std::pair<std::string, std::string>>& headers,
                                    bool uninterruptible = false);
  asio::awaitable<bool> writeChunk(std::string_view data);
  // Like writeChunk, but a cancellation of the calling coroutine cannot cut the chunk in half.
  asio::awaitable<bool> writeChunkUninterruptible(std::string_view data);
  asio::awaitable<bool> endStream();

  bool responded() const { return responded_; }
  // Body bytes sent to the client so far (chunk framing not included).
  std::size_t bytesSent() const { return bytes_sent_; }
  unsigned responseStatus() const { return status_; }
  bool keepAlive() const { return keep_alive_; }

  // Client disconnect: the session's watcher calls clientGone(); handlers register what to abort.
  // Runs `fn` when the client disconnects (at once if it already has); an empty function unhooks.
  void onClientGone(std::function<void()> fn) {
    if (client_gone_ && fn) {
      fn();
      return;
    }
    on_gone_ = std::move(fn);
  }
  void clientGone();
  bool isClientGone() const { return client_gone_; }

  // Connection takeover (WebSocket): instead of answering, a handler may hand the connection to `fn`,
  // which the server runs once the handler has returned, with the connection's stream and the request;
  // the connection closes when it ends.
  using Takeover = std::function<asio::awaitable<void>(beast::tcp_stream&, const Request&)>;
  void takeOver(Takeover fn) { takeover_ = std::move(fn); }
  const Takeover& takeover() const { return takeover_; }

private:
  void common(bhttp::fields& f);
  // Notes response body bytes for the request record: the content (when captured, capped) and, for
  // streams, the gap since the previous chunk. `copy_content` false: the caller hands the whole body to
  // the record itself (captureBody).
  void observeBody(std::string_view data, bool copy_content = true);
  // A whole response's body, moved into the request record once it has been written (capped).
  void captureBody(std::string&& body);

  Request& req_;
  beast::tcp_stream& stream_;
  WorkerContext worker_;
  std::string request_id_;
  std::int64_t started_unix_ns_ = 0;
  std::string_view path_;
  std::string_view query_;
  std::map<std::string, std::string> params_;
  bool keep_alive_;
  bool responded_ = false;
  bool streaming_ = false;
  bool client_gone_ = false;
  unsigned status_ = 0;
  std::string_view route_;
  std::size_t bytes_sent_ = 0;
  std::chrono::steady_clock::time_point last_chunk_{};
  std::function<void()> on_gone_;
  Takeover takeover_;
  RequestScope scope_;
};

} // namespace hd::http
