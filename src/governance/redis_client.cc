// hiredis does the wire protocol (RESP); this file adds URL parsing, the connection pool,
// timeouts and error mapping.
#include "governance/redis_client.h"

#include <fmt/format.h>
#include <hiredis/hiredis.h>
#include <sys/time.h>

#include <boost/url/parse.hpp>
#include <cerrno>
#include <charconv>

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

RedisReply convert(const redisReply* r) {
  RedisReply out;
  switch (r->type) {
  case REDIS_REPLY_INTEGER:
    out.type = RedisReply::Type::Integer;
    out.integer = r->integer;
    break;
  case REDIS_REPLY_STRING:
    out.type = RedisReply::Type::String;
    out.str.assign(r->str, r->len);
    break;
  case REDIS_REPLY_STATUS:
    out.type = RedisReply::Type::Status;
    out.str.assign(r->str, r->len);
    break;
  case REDIS_REPLY_ARRAY:
    out.type = RedisReply::Type::Array;
    for (std::size_t i = 0; i < r->elements; ++i) {
      out.elements.push_back(convert(r->element[i]));
    }
    break;
  default:
    out.type = RedisReply::Type::Nil;
    break;
  }
  return out;
}

struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

// Runs argv on `c`; a null reply is a connection failure (c->err says which).
ReplyPtr run(redisContext* c, const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<std::size_t> lens;
  argv.reserve(args.size());
  lens.reserve(args.size());
  for (const auto& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  return ReplyPtr(
      static_cast<redisReply*>(redisCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lens.data())));
}

timeval toTimeval(std::chrono::milliseconds ms) {
  timeval tv{};
  tv.tv_sec = static_cast<decltype(tv.tv_sec)>(ms.count() / 1000);
  tv.tv_usec = static_cast<decltype(tv.tv_usec)>((ms.count() % 1000) * 1000);
  return tv;
}

constexpr const char* kPeerClosed = "connection closed by the server";

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

RedisClient::RedisClient(RedisEndpoint endpoint, std::chrono::milliseconds timeout, std::size_t max_idle)
    : endpoint_(std::move(endpoint)), timeout_(timeout), max_idle_(max_idle) {}

RedisClient::~RedisClient() {
  for (redisContext* c : idle_) {
    redisFree(c);
  }
}

Error RedisClient::failure(redisContext* c, std::string_view what) const {
  std::string detail = c != nullptr && c->err != 0 ? std::string(c->errstr) : std::string("no reply");
  return redisUnavailable(fmt::format("redis {}: {} ({})", endpoint_.display(), what, detail));
}

Result<redisContext*> RedisClient::acquire(bool* reused) {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      redisContext* c = idle_.back();
      idle_.pop_back();
      *reused = true;
      return c;
    }
  }
  *reused = false;
  redisContext* c = redisConnectWithTimeout(endpoint_.host.c_str(), endpoint_.port, toTimeval(timeout_));
  if (c == nullptr) {
    return redisUnavailable(fmt::format("redis {}: cannot connect (out of memory)", endpoint_.display()));
  }
  if (c->err != 0) {
    Error e = failure(c, "cannot connect");
    redisFree(c);
    return e;
  }
  if (redisSetTimeout(c, toTimeval(timeout_)) != REDIS_OK) {
    Error e = failure(c, "cannot set the command timeout");
    redisFree(c);
    return e;
  }
  auto handshake = [&](const std::vector<std::string>& args, std::string_view what) -> std::optional<Error> {
    ReplyPtr r = run(c, args);
    if (!r) {
      return failure(c, what);
    }
    if (r->type == REDIS_REPLY_ERROR) {
      // Redis's text, not ours: it never contains the password.
      return redisUnavailable(
          fmt::format("redis {}: {}: {}", endpoint_.display(), what, std::string_view(r->str, r->len)));
    }
    return std::nullopt;
  };
  if (!endpoint_.password.empty()) {
    std::vector<std::string> auth{"AUTH"};
    if (!endpoint_.username.empty()) {
      auth.push_back(endpoint_.username);
    }
    auth.push_back(endpoint_.password);
    if (auto err = handshake(auth, "authentication failed")) {
      redisFree(c);
      return *err;
    }
  }
  if (endpoint_.db != 0) {
    if (auto err = handshake({"SELECT", std::to_string(endpoint_.db)}, "cannot select the database")) {
      redisFree(c);
      return *err;
    }
  }
  return c;
}

void RedisClient::release(redisContext* c, bool healthy) {
  if (healthy && c->err == 0) {
    std::lock_guard lock(mu_);
    if (idle_.size() < max_idle_) {
      idle_.push_back(c);
      return;
    }
  }
  redisFree(c);
}

Result<RedisReply> RedisClient::command(const std::vector<std::string>& args) {
  auto r = pipeline({args});
  if (!r.ok()) {
    return r.error();
  }
  return std::move(r.value().front());
}

Result<std::vector<RedisReply>> RedisClient::pipeline(const std::vector<std::vector<std::string>>& commands) {
  auto r = pipelineOnce(commands);
  if (!r.ok() && r.error().message.find(kPeerClosed) != std::string::npos) {
    // An idle connection the server had closed (Redis restarted): nothing ran on the new server, so
    // drop the idle connections and try once more on a fresh one.
    dropIdle();
    r = pipelineOnce(commands);
  }
  return r;
}

void RedisClient::dropIdle() {
  std::vector<redisContext*> idle;
  {
    std::lock_guard lock(mu_);
    idle.swap(idle_);
  }
  for (redisContext* c : idle) {
    redisFree(c);
  }
}

Result<std::vector<RedisReply>> RedisClient::pipelineOnce(const std::vector<std::vector<std::string>>& commands) {
  bool reused = false;
  auto conn = acquire(&reused);
  if (!conn.ok()) {
    return conn.error();
  }
  redisContext* c = conn.value();
  // Whether a failure means the server closed this (reused) connection before it ran anything.
  auto closedByPeer = [&] {
    return reused && (c->err == REDIS_ERR_EOF || (c->err == REDIS_ERR_IO && (errno == ECONNRESET || errno == EPIPE)));
  };
  for (const auto& args : commands) {
    std::vector<const char*> argv;
    std::vector<std::size_t> lens;
    for (const auto& a : args) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    if (redisAppendCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lens.data()) != REDIS_OK) {
      Error e = failure(c, closedByPeer() ? kPeerClosed : "command failed");
      release(c, false);
      return e;
    }
  }
  std::vector<RedisReply> out;
  std::optional<Error> first_error;
  for (std::size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(c, &raw) != REDIS_OK || raw == nullptr) {
      Error e = failure(c, closedByPeer() && i == 0 ? kPeerClosed : "command failed");
      release(c, false);
      return e;
    }
    ReplyPtr r(static_cast<redisReply*>(raw));
    if (r->type == REDIS_REPLY_ERROR) {
      if (!first_error) {
        first_error = redisUnavailable(fmt::format("redis: {}", std::string_view(r->str, r->len)));
      }
      continue; // read every reply so the connection stays in step
    }
    out.push_back(convert(r.get()));
  }
  release(c, true);
  if (first_error) {
    return *first_error;
  }
  return out;
}

} // namespace hd::governance
