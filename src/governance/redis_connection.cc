#include "governance/redis_connection.h"

#include <fmt/format.h>
#include <hiredis/hiredis.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <charconv>

namespace hd::governance {
namespace asio = boost::asio;
namespace {

constexpr std::size_t kReadChunk = 16 * 1024;

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
    out.elements.reserve(r->elements);
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

// Appends `args` to `out` as a RESP array of bulk strings ("*<n>\r\n" then "$<len>\r\n<bytes>\r\n" per
// argument). Written here rather than with hiredis's redisFormatCommandArgv, which allocates the
// argument arrays and its result for every command: this writes straight into the output buffer.
void appendCommand(std::string& out, std::span<const std::string> args) {
  char num[24];
  auto header = [&](char kind, std::size_t n) {
    out.push_back(kind);
    auto [end, ec] = std::to_chars(num, num + sizeof(num), n);
    out.append(num, end);
    out.append("\r\n", 2);
  };
  header('*', args.size());
  for (const auto& a : args) {
    header('$', a.size());
    out.append(a);
    out.append("\r\n", 2);
  }
}

bool closedByPeer(const boost::system::error_code& ec) {
  return ec == asio::error::eof || ec == asio::error::connection_reset || ec == asio::error::broken_pipe;
}

// Runs `handler` with `outcome` later, on the connection's executor (its callers' executor: the
// connection belongs to the io_context they run on).
void post(const asio::any_io_executor& executor, RedisConnection::Handler handler, RedisOutcome outcome) {
  asio::post(executor, [h = std::move(handler), o = std::move(outcome)]() mutable { std::move(h)(std::move(o)); });
}

} // namespace

RedisConnection::RedisConnection(asio::any_io_executor executor, std::shared_ptr<const RedisSettings> settings)
    : executor_(std::move(executor)), settings_(std::move(settings)), socket_(executor_), watchdog_(executor_),
      reader_(redisReaderCreate()), rbuf_(kReadChunk) {}

RedisConnection::~RedisConnection() {
  if (reader_ != nullptr) {
    redisReaderFree(reader_);
  }
}

Error RedisConnection::unavailable(std::string_view what, std::string_view detail) const {
  if (detail.empty()) {
    return redisUnavailable(fmt::format("redis {}: {}", settings_->endpoint.display(), what));
  }
  return redisUnavailable(fmt::format("redis {}: {} ({})", settings_->endpoint.display(), what, detail));
}

void RedisConnection::submit(std::span<const std::vector<std::string>> commands, Handler handler) {
  if (state_ == State::Broken) { // the owner replaces broken connections; this is only a safety net
    post(executor_, std::move(handler), RedisOutcome{unavailable("connection failed", ""), false});
    return;
  }
  if (reader_ == nullptr) {
    post(executor_, std::move(handler), RedisOutcome{unavailable("out of memory", ""), false});
    return;
  }
  const bool reused = state_ == State::Ready;
  const auto deadline = std::chrono::steady_clock::now() + settings_->timeout;
  if (state_ == State::Idle) {
    // The handshake goes first on the wire; its replies are checked like any other.
    const RedisEndpoint& e = settings_->endpoint;
    if (!e.password.empty()) {
      std::vector<std::string> auth{"AUTH"};
      if (!e.username.empty()) {
        auth.push_back(e.username);
      }
      auth.push_back(e.password);
      appendCommand(out_, auth);
      pending_.push_back(Pending{1, 0, {}, {}, deadline, false, "authentication failed", std::nullopt});
    }
    if (e.db != 0) {
      const std::string select[] = {"SELECT", std::to_string(e.db)};
      appendCommand(out_, select);
      pending_.push_back(Pending{1, 0, {}, {}, deadline, false, "cannot select the database", std::nullopt});
    }
    startConnect();
  }
  if (commands.empty()) {
    post(executor_, std::move(handler), RedisOutcome{std::vector<RedisReply>{}, false});
    return;
  }
  for (const auto& args : commands) {
    appendCommand(out_, args);
  }
  Pending p;
  p.expected = commands.size();
  p.deadline = deadline;
  p.reused = reused;
  p.handler.emplace(std::move(handler));
  pending_.push_back(std::move(p));
  armWatchdog();
  scheduleFlush();
}

void RedisConnection::startConnect() {
  state_ = State::Connecting;
  const RedisEndpoint& e = settings_->endpoint;
  boost::system::error_code ec;
  auto address = asio::ip::make_address(e.host, ec);
  auto self = shared_from_this();
  if (!ec) {
    asio::ip::tcp::endpoint ep(address, static_cast<unsigned short>(e.port));
    socket_.async_connect(ep, [self](const boost::system::error_code& cec) { self->onConnected(cec); });
    return;
  }
  // A host name: resolved by Asio (getaddrinfo on its own resolver thread), then each address tried.
  resolver_.emplace(executor_);
  resolver_->async_resolve(
      e.host, std::to_string(e.port),
      [self](const boost::system::error_code& rec, const asio::ip::tcp::resolver::results_type& results) {
        if (self->state_ == State::Broken) {
          return;
        }
        if (rec) {
          self->fail(self->unavailable("cannot connect", rec.message()), false);
          return;
        }
        asio::async_connect(
            self->socket_, results,
            [self](const boost::system::error_code& cec, const asio::ip::tcp::endpoint&) { self->onConnected(cec); });
      });
}

void RedisConnection::onConnected(const boost::system::error_code& ec) {
  if (state_ == State::Broken) {
    return;
  }
  if (ec) {
    fail(unavailable("cannot connect", ec.message()), false);
    return;
  }
  boost::system::error_code ignored;
  socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
  state_ = State::Ready;
  startRead();
  flush();
}

void RedisConnection::scheduleFlush() {
  if (state_ != State::Ready || writing_ || flush_posted_) {
    return;
  }
  // Deferred to the end of this turn of the event loop, so the commands queued meanwhile by other
  // requests go out in the same write.
  flush_posted_ = true;
  asio::post(executor_, [self = shared_from_this()] {
    self->flush_posted_ = false;
    self->flush();
  });
}

void RedisConnection::flush() {
  if (state_ != State::Ready || writing_ || out_.empty()) {
    return;
  }
  writing_ = true;
  wbuf_.swap(out_);
  asio::async_write(socket_, asio::buffer(wbuf_),
                    [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                      self->writing_ = false;
                      self->wbuf_.clear();
                      if (self->state_ == State::Broken) {
                        return;
                      }
                      if (ec) {
                        self->fail(self->unavailable("write failed", ec.message()), closedByPeer(ec));
                        return;
                      }
                      self->flush();
                    });
}

void RedisConnection::startRead() {
  socket_.async_read_some(asio::buffer(rbuf_), [self = shared_from_this()](const boost::system::error_code& ec,
                                                                           std::size_t n) { self->onRead(ec, n); });
}

void RedisConnection::onRead(const boost::system::error_code& ec, std::size_t n) {
  if (state_ == State::Broken) {
    return;
  }
  if (ec) {
    fail(unavailable(closedByPeer(ec) ? "connection closed by the server" : "read failed", ec.message()),
         closedByPeer(ec));
    return;
  }
  if (redisReaderFeed(reader_, rbuf_.data(), n) != REDIS_OK) {
    fail(unavailable("out of memory", ""), false);
    return;
  }
  for (;;) {
    void* raw = nullptr;
    if (redisReaderGetReply(reader_, &raw) != REDIS_OK) {
      fail(unavailable("unreadable reply", reader_->errstr), false);
      return;
    }
    if (raw == nullptr) {
      break;
    }
    if (!takeReply(raw)) {
      return; // failed
    }
  }
  startRead();
}

bool RedisConnection::takeReply(void* raw) {
  ReplyPtr r(static_cast<redisReply*>(raw));
  if (pending_.empty()) {
    fail(unavailable("reply to no command", ""), false);
    return false;
  }
  Pending& p = pending_.front();
  ++p.received;
  if (r->type == REDIS_REPLY_ERROR) {
    std::string_view text(r->str, r->len); // Redis's text, not ours: it never contains the password
    if (p.handshake != nullptr) {
      fail(redisUnavailable(fmt::format("redis {}: {}: {}", settings_->endpoint.display(), p.handshake, text)), false);
      return false;
    }
    if (!p.error) {
      p.error = redisUnavailable(fmt::format("redis: {}", text));
    }
  } else if (p.handler) {
    p.replies.push_back(convert(r.get()));
  }
  if (p.received == p.expected) {
    Pending done = std::move(p);
    pending_.pop_front();
    complete(done);
  }
  return true;
}

void RedisConnection::complete(Pending& p) {
  if (!p.handler) {
    return;
  }
  RedisOutcome o;
  if (p.error) {
    o.result = std::move(*p.error);
  } else {
    o.result = std::move(p.replies);
  }
  post(executor_, std::move(*p.handler), std::move(o));
}

void RedisConnection::armWatchdog() {
  if (watchdog_armed_ || pending_.empty() || state_ == State::Broken) {
    return;
  }
  watchdog_armed_ = true;
  watchdog_.expires_at(pending_.front().deadline);
  watchdog_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    self->watchdog_armed_ = false;
    if (ec || self->state_ == State::Broken || self->pending_.empty()) {
      return;
    }
    if (self->pending_.front().deadline <= std::chrono::steady_clock::now()) {
      const bool connecting = self->state_ != State::Ready;
      self->fail(self->unavailable(connecting ? "cannot connect" : "no reply",
                                   fmt::format("timed out after {} ms", self->settings_->timeout.count())),
                 false);
      return;
    }
    self->armWatchdog(); // the oldest command is a newer one: wait for its deadline
  });
}

void RedisConnection::fail(Error error, bool peer_closed) {
  if (state_ == State::Broken) {
    return;
  }
  state_ = State::Broken;
  boost::system::error_code ignored;
  socket_.close(ignored);
  watchdog_.cancel();
  if (resolver_) {
    resolver_->cancel();
  }
  std::deque<Pending> pending;
  pending.swap(pending_);
  for (Pending& p : pending) {
    if (p.handler) {
      bool retryable = peer_closed && p.reused && p.received == 0;
      post(executor_, std::move(*p.handler), RedisOutcome{error, retryable});
    }
  }
}

void RedisConnection::abandon() {
  state_ = State::Broken;
  boost::system::error_code ignored;
  socket_.close(ignored);
  watchdog_.cancel();
  if (resolver_) {
    resolver_->cancel();
  }
  pending_.clear();
}

} // namespace hd::governance
