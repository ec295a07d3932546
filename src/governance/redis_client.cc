// URL parsing, and the client: which connection a call uses (one per io_context, kept by an Asio
// service) and the one resend after a connection the server had closed. The connection itself is in
// redis_connection.cc.
#include "governance/redis_client.h"

#include <fmt/format.h>

#include <atomic>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/url/parse.hpp>
#include <charconv>
#include <unordered_map>

#include "governance/redis_connection.h"

namespace hd::governance {
namespace {

bool parseInt(std::string_view s, int lo, int hi, int& out) {
  if (s.empty()) {
    return false;
  }
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size() || v < lo || v > hi) {
    return false;
  }
  out = v;
  return true;
}

// The connections of one io_context, one per client. Touched only from that io_context's thread
// (one thread runs it); destroyed with the io_context.
class ConnectionRegistry final : public boost::asio::execution_context::service {
public:
  using key_type = ConnectionRegistry;
  static inline boost::asio::execution_context::id id;

  explicit ConnectionRegistry(boost::asio::execution_context& ctx) : service(ctx) {}

  std::shared_ptr<RedisConnection>& slot(std::uint64_t client) { return connections_[client]; }

private:
  void shutdown() override {
    for (auto& [client, c] : connections_) {
      if (c) {
        c->abandon();
      }
    }
    connections_.clear();
  }

  std::unordered_map<std::uint64_t, std::shared_ptr<RedisConnection>> connections_;
};

std::atomic<std::uint64_t> next_client_id{1};

} // namespace

Error redisUnavailable(std::string message) {
  return Error{ErrorKind::Overloaded, 503, std::move(message)};
}

std::string RedisEndpoint::display() const {
  return fmt::format("{}:{}/{}", host, port, db);
}

Result<RedisEndpoint> parseRedisUrl(std::string_view url) {
  auto bad = [](std::string_view why) {
    return Error::invalidRequest(
        fmt::format("invalid Redis URL: {}; expected redis://[[user]:password@]host[:port][/db]", why));
  };
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) {
    return bad("not a URL");
  }
  const auto& u = *parsed;
  if (u.scheme() == "rediss") {
    return bad("TLS (rediss://) is not supported");
  }
  if (u.scheme() != "redis") {
    return bad("the scheme must be redis://");
  }
  if (!u.has_authority() || u.encoded_host().empty()) {
    return bad("the host is missing");
  }
  if (u.has_query() || u.has_fragment()) {
    return bad("query parameters and fragments are not supported");
  }
  RedisEndpoint e;
  e.host = u.host_address();
  if (u.host_type() == boost::urls::host_type::ipv6) {
    e.host = std::string(u.encoded_host_address()); // hiredis takes the bare address
  }
  if (u.has_port()) {
    if (!parseInt(u.port(), 1, 65535, e.port)) {
      return bad("the port must be a number from 1 to 65535");
    }
  }
  if (u.has_userinfo()) {
    e.username = u.user();
    if (u.has_password()) {
      e.password = u.password();
    } else {
      // "redis://secret@host": a lone userinfo is taken as the password, like redis-cli does.
      e.password = std::move(e.username);
      e.username.clear();
    }
  }
  std::string_view path = u.encoded_path();
  if (!path.empty() && path != "/") {
    if (!parseInt(path.substr(1), 0, 1'000'000, e.db)) {
      return bad("the path must be a database number, e.g. /0");
    }
  }
  return e;
}

RedisClient::RedisClient(RedisEndpoint endpoint, std::chrono::milliseconds timeout)
    : settings_(std::make_shared<const RedisSettings>(RedisSettings{std::move(endpoint), timeout})),
      id_(next_client_id.fetch_add(1)) {}

const RedisEndpoint& RedisClient::endpoint() const {
  return settings_->endpoint;
}

boost::asio::awaitable<Result<RedisReply>> RedisClient::command(const std::vector<std::string>& args) {
  auto op = run(std::span<const std::vector<std::string>>(&args, 1)); // named: no temporary in the co_await
  auto r = co_await std::move(op);
  if (!r.ok()) {
    co_return r.error();
  }
  co_return std::move(r.value().front());
}

boost::asio::awaitable<Result<std::vector<RedisReply>>>
RedisClient::pipeline(const std::vector<std::vector<std::string>>& commands) {
  auto op = run(commands); // named: no temporary in the co_await
  co_return co_await std::move(op);
}

boost::asio::awaitable<Result<std::vector<RedisReply>>>
RedisClient::run(std::span<const std::vector<std::string>> commands) {
  namespace asio = boost::asio;
  auto executor = co_await asio::this_coro::executor;
  auto& registry = asio::use_service<ConnectionRegistry>(
      asio::query(executor, asio::execution::context_as<asio::execution_context&>));
  for (int attempt = 0;; ++attempt) {
    std::shared_ptr<RedisConnection>& slot = registry.slot(id_);
    if (!slot || slot->broken()) {
      slot = std::make_shared<RedisConnection>(executor, settings_);
    }
    auto initiate = [conn = slot, commands](RedisConnection::Handler handler) {
      conn->submit(commands, std::move(handler));
    };
    auto op = asio::async_initiate<const asio::use_awaitable_t<>&, void(RedisOutcome)>(std::move(initiate),
                                                                                       asio::use_awaitable);
    RedisOutcome outcome = co_await std::move(op);
    if (outcome.retryable && attempt == 0) {
      continue; // Redis closed the idle connection (restarted): nothing ran, send it once more
    }
    co_return std::move(outcome.result);
  }
}

} // namespace hd::governance
