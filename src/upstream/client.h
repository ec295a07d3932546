#pragma once
// Upstream HTTP/1.1 client: per-worker keep-alive pools, TLS with certificate and host-name verification,
// connect / first-byte / idle / total timeouts, and abort from another coroutine (client disconnect).
//
// A Pool belongs to one worker thread (one io_context); it is never shared across threads, so it needs no
// locks. An Exchange is one request/response on a pooled connection.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/error.h"

namespace hd::upstream {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

struct Origin {
  bool tls = false;
  std::string host;
  std::string port;
  std::string base_path; // path prefix from the base URL ("" or "/something")
};

// Parses "http(s)://host[:port][/path]"; the path becomes base_path.
Result<Origin> parseOrigin(std::string_view url);

struct TlsOptions {
  bool insecure_skip_verify = false;
  std::string ca_cert_pem; // extra trusted CA(s), PEM
};

struct Timeouts {
  std::chrono::milliseconds connect{10'000};
  std::chrono::milliseconds first_byte{300'000}; // request sent -> response headers
  std::chrono::milliseconds idle{60'000};        // between body reads
  std::chrono::milliseconds total{300'000};      // whole non-streaming exchange
};

struct Request {
  http::verb method = http::verb::post;
  Origin origin;
  std::string target; // path and query, already including origin.base_path
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  TlsOptions tls;
  Timeouts timeouts;
};

class Connection;

class Pool {
public:
  explicit Pool(asio::any_io_executor ex);
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  asio::any_io_executor executor() const { return ex_; }

  // Returns an idle connection to the origin, or connects a new one.
  asio::awaitable<Result<std::unique_ptr<Connection>>> acquire(const Origin& origin, const TlsOptions& tls,
                                                               std::chrono::milliseconds connect_timeout, bool& reused);
  void release(std::unique_ptr<Connection> conn);

  static constexpr std::size_t kMaxIdlePerOrigin = 256;
  static constexpr std::chrono::seconds kMaxIdleAge{30};

private:
  asio::ssl::context& sslContext(const TlsOptions& tls);

  asio::any_io_executor ex_;
  std::map<std::string, std::deque<std::unique_ptr<Connection>>> idle_;
  std::map<std::string, std::unique_ptr<asio::ssl::context>> ssl_contexts_;
};

// One request/response. Destroying it returns a cleanly finished keep-alive connection to the pool and
// closes anything else.
class Exchange {
public:
  Exchange(Pool& pool, Request req);
  ~Exchange();
  Exchange(const Exchange&) = delete;
  Exchange& operator=(const Exchange&) = delete;

  // Connects (or reuses), sends the request and reads the response headers.
  asio::awaitable<Result<Ok>> start();

  unsigned status() const;
  const http::response_header<>& headers() const;
  bool isEventStream() const;

  // Next piece of the body as it arrives; an empty view means the body is complete.
  asio::awaitable<Result<std::string_view>> readSome();
  // The whole body (bounded by `limit` bytes and the total timeout).
  asio::awaitable<Result<std::string>> readAll(std::size_t limit);

  // Closes the connection now; pending operations complete with an error. Safe to call from another
  // coroutine on the same worker (e.g. when the client disconnects).
  void abort();
  bool aborted() const { return aborted_; }

private:
  asio::awaitable<Result<Ok>> attempt(bool& reused, bool& retryable);
  Error transportError(const boost::system::error_code& ec, std::string_view phase) const;

  Pool& pool_;
  Request req_;
  std::unique_ptr<Connection> conn_;
  std::optional<http::response_parser<http::buffer_body>> parser_;
  std::string chunk_;
  bool done_ = false;
  bool aborted_ = false;
  std::chrono::steady_clock::time_point started_;
};

} // namespace hd::upstream
