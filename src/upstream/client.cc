#include "upstream/client.h"

#include <fmt/format.h>
#include <openssl/ssl.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/url/parse.hpp>
#include <limits>

namespace hd::upstream {

namespace {
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
// Reads up to this much per system call; also the connection buffer's starting size (an empty Beast
// flat_buffer would read 512 bytes at a time).
constexpr std::size_t kReadChunk = 8 * 1024;
constexpr std::uint32_t kMaxResponseHeaderBytes = 64 * 1024;
} // namespace

class Connection {
public:
  std::string key;
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;
  std::chrono::steady_clock::time_point last_used;

  beast::tcp_stream& tcp() { return tls ? tls->next_layer() : *plain; }

  // Runs an asynchronous operation on whichever stream type this connection has.
  template <class F> auto with(F&& f) { return tls ? f(*tls) : f(*plain); }

  void close() {
    boost::system::error_code ec;
    tcp().socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    tcp().socket().close(ec);
  }
};

Result<Origin> parseOrigin(std::string_view url) {
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) {
    return Error::internal(fmt::format("invalid upstream URL \"{}\"", url));
  }
  Origin o;
  if (parsed->scheme() == "https") {
    o.tls = true;
  } else if (parsed->scheme() != "http") {
    return Error::internal(fmt::format("unsupported upstream URL scheme in \"{}\"", url));
  }
  o.host = std::string(parsed->encoded_host());
  if (o.host.size() > 2 && o.host.front() == '[' && o.host.back() == ']') {
    o.host = o.host.substr(1, o.host.size() - 2);
  }
  o.port = parsed->has_port() ? std::string(parsed->port()) : (o.tls ? "443" : "80");
  o.base_path = std::string(parsed->encoded_path());
  while (!o.base_path.empty() && o.base_path.back() == '/') {
    o.base_path.pop_back();
  }
  return o;
}

Pool::Pool(asio::any_io_executor ex) : ex_(std::move(ex)) {}
Pool::~Pool() = default;

asio::ssl::context& Pool::sslContext(const TlsOptions& tls) {
  std::string key = fmt::format("{}|{}", tls.insecure_skip_verify, tls.ca_cert_pem);
  auto it = ssl_contexts_.find(key);
  if (it != ssl_contexts_.end()) {
    return *it->second;
  }
  auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
  ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                   asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
  boost::system::error_code ec;
  ctx->set_default_verify_paths(ec);
  if (!tls.ca_cert_pem.empty()) {
    ctx->add_certificate_authority(asio::buffer(tls.ca_cert_pem), ec);
  }
  ctx->set_verify_mode(tls.insecure_skip_verify ? asio::ssl::verify_none : asio::ssl::verify_peer);
  auto& ref = *ctx;
  ssl_contexts_.emplace(key, std::move(ctx));
  return ref;
}

asio::awaitable<Result<std::unique_ptr<Connection>>>
Pool::acquire(const Origin& origin, const TlsOptions& tls, std::chrono::milliseconds connect_timeout, bool& reused) {
  std::string key = fmt::format("{}://{}:{}", origin.tls ? "https" : "http", origin.host, origin.port);
  if (origin.tls) {
    key += fmt::format("|{}|{}", tls.insecure_skip_verify, std::hash<std::string>{}(tls.ca_cert_pem));
  }
  auto now = std::chrono::steady_clock::now();
  if (auto it = idle_.find(key); it != idle_.end()) {
    auto& q = it->second;
    while (!q.empty()) {
      auto conn = std::move(q.back());
      q.pop_back();
      if (now - conn->last_used < kMaxIdleAge && conn->tcp().socket().is_open()) {
        reused = true;
        co_return std::move(conn);
      }
      conn->close();
    }
  }
  reused = false;

  asio::ip::tcp::resolver resolver(ex_);
  auto [rec, endpoints] = co_await resolver.async_resolve(origin.host, origin.port, kTuple);
  if (rec) {
    co_return Error::badGateway(fmt::format("cannot resolve {}: {}", origin.host, rec.message()));
  }
  auto conn = std::make_unique<Connection>();
  conn->key = key;
  conn->buffer.reserve(kReadChunk);
  if (origin.tls) {
    conn->tls = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(ex_, sslContext(tls));
  } else {
    conn->plain = std::make_unique<beast::tcp_stream>(ex_);
  }
  conn->tcp().expires_after(connect_timeout);
  auto [cec, ep] = co_await conn->tcp().async_connect(endpoints, kTuple);
  if (cec) {
    if (cec == beast::error::timeout) {
      co_return Error::timeout(
          fmt::format("connecting to {}:{} timed out after {} ms", origin.host, origin.port, connect_timeout.count()));
    }
    co_return Error::badGateway(fmt::format("cannot connect to {}:{}: {}", origin.host, origin.port, cec.message()));
  }
  conn->tcp().socket().set_option(asio::ip::tcp::no_delay(true));
  if (origin.tls) {
    if (!SSL_set_tlsext_host_name(conn->tls->native_handle(), origin.host.c_str())) {
      co_return Error::badGateway(fmt::format("TLS setup for {} failed", origin.host));
    }
    if (!tls.insecure_skip_verify) {
      conn->tls->set_verify_callback(asio::ssl::host_name_verification(origin.host));
    }
    auto [hec] = co_await conn->tls->async_handshake(asio::ssl::stream_base::client, kTuple);
    if (hec) {
      co_return Error::badGateway(fmt::format("TLS handshake with {} failed: {}", origin.host, hec.message()));
    }
  }
  co_return std::move(conn);
}

void Pool::release(std::unique_ptr<Connection> conn) {
  conn->last_used = std::chrono::steady_clock::now();
  conn->tcp().expires_never();
  auto& q = idle_[conn->key];
  if (q.size() >= kMaxIdlePerOrigin) {
    conn->close();
    return;
  }
  q.push_back(std::move(conn));
}

Exchange::Exchange(Pool& pool, Request req) : pool_(pool), req_(std::move(req)) {}

Exchange::~Exchange() {
  if (!conn_) {
    return;
  }
  if (done_ && !aborted_ && parser_ && parser_->get().keep_alive()) {
    pool_.release(std::move(conn_));
  } else {
    conn_->close();
  }
}

void Exchange::abort() {
  aborted_ = true;
  if (conn_) {
    conn_->close();
  }
}

Error Exchange::transportError(const boost::system::error_code& ec, std::string_view phase) const {
  if (ec == beast::error::timeout) {
    return Error::timeout(fmt::format("upstream {}:{} timed out while {}", req_.origin.host, req_.origin.port, phase));
  }
  if (aborted_) {
    return Error::badGateway("upstream request cancelled");
  }
  return Error::badGateway(
      fmt::format("upstream {}:{} failed while {}: {}", req_.origin.host, req_.origin.port, phase, ec.message()));
}

asio::awaitable<Result<Ok>> Exchange::start() {
  started_ = std::chrono::steady_clock::now();
  // A pooled connection may have been closed by the server while idle; such a failure before any
  // response byte is retried once on a fresh connection.
  for (int i = 0; i < 2; ++i) {
    bool reused = false;
    bool retryable = false;
    auto r = co_await attempt(reused, retryable);
    if (r || !reused || !retryable || aborted_) {
      co_return r;
    }
  }
  co_return Error::badGateway("upstream connection failed");
}

asio::awaitable<Result<Ok>> Exchange::attempt(bool& reused, bool& retryable) {
  auto c = co_await pool_.acquire(req_.origin, req_.tls, req_.timeouts.connect, reused);
  if (!c) {
    co_return c.error();
  }
  conn_ = std::move(c.value());
  if (aborted_) {
    co_return Error::badGateway("upstream request cancelled");
  }

  http::request<http::string_body> msg{req_.method, req_.target, 11};
  bool default_port = (req_.origin.tls && req_.origin.port == "443") || (!req_.origin.tls && req_.origin.port == "80");
  msg.set(http::field::host, default_port ? req_.origin.host : req_.origin.host + ":" + req_.origin.port);
  for (const auto& [k, v] : req_.headers) {
    msg.set(k, v);
  }
  msg.body() = req_.body;
  msg.keep_alive(true);
  msg.prepare_payload();

  conn_->tcp().expires_after(req_.timeouts.first_byte);
  auto [wec, wn] = co_await conn_->with([&](auto& s) { return http::async_write(s, msg, kTuple); });
  if (wec) {
    retryable = true;
    auto err = transportError(wec, "sending the request");
    conn_->close();
    conn_.reset();
    co_return err;
  }
  parser_.emplace();
  parser_->header_limit(kMaxResponseHeaderBytes);
  parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
  auto [rec, rn] =
      co_await conn_->with([&](auto& s) { return http::async_read_header(s, conn_->buffer, *parser_, kTuple); });
  if (rec) {
    retryable = (rec == http::error::end_of_stream || rec == asio::error::eof || rec == asio::error::connection_reset ||
                 rec == asio::error::broken_pipe) &&
                conn_->buffer.size() == 0;
    auto err = transportError(rec, "waiting for the response headers");
    conn_->close();
    conn_.reset();
    parser_.reset();
    co_return err;
  }
  if (parser_->is_done()) {
    done_ = true;
  }
  co_return Ok{};
}

unsigned Exchange::status() const {
  return parser_->get().result_int();
}

const http::response_header<>& Exchange::headers() const {
  return parser_->get().base();
}

bool Exchange::isEventStream() const {
  auto ct = headers()[http::field::content_type];
  return ct.find("text/event-stream") != std::string_view::npos;
}

asio::awaitable<Result<std::string_view>> Exchange::readSome() {
  while (!done_) {
    if (parser_->is_done()) {
      done_ = true;
      break;
    }
    chunk_.resize(kReadChunk);
    parser_->get().body().data = chunk_.data();
    parser_->get().body().size = chunk_.size();
    parser_->get().body().more = true;
    conn_->tcp().expires_after(req_.timeouts.idle);
    auto [ec, n] =
        co_await conn_->with([&](auto& s) { return http::async_read_some(s, conn_->buffer, *parser_, kTuple); });
    if (ec == http::error::need_buffer) {
      ec = {};
    }
    if (ec) {
      co_return transportError(ec, "reading the response body");
    }
    std::size_t got = chunk_.size() - parser_->get().body().size;
    if (parser_->is_done()) {
      done_ = true;
    }
    if (got > 0) {
      co_return std::string_view(chunk_.data(), got);
    }
  }
  co_return std::string_view();
}

asio::awaitable<Result<std::string>> Exchange::readAll(std::size_t limit) {
  std::string body;
  auto saved_idle = req_.timeouts.idle;
  while (true) {
    auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started_);
    auto left = req_.timeouts.total - elapsed;
    req_.timeouts.idle = std::max(std::chrono::milliseconds(1), std::min(saved_idle, left));
    auto piece = co_await readSome();
    if (!piece) {
      req_.timeouts.idle = saved_idle;
      co_return piece.error();
    }
    if (piece->empty()) {
      break;
    }
    if (body.size() + piece->size() > limit) {
      req_.timeouts.idle = saved_idle;
      abort();
      co_return Error::badGateway(fmt::format("upstream response exceeds {} bytes", limit));
    }
    body.append(*piece);
  }
  req_.timeouts.idle = saved_idle;
  co_return body;
}

} // namespace hd::upstream
