#pragma once
// One non-blocking, pipelined connection to Redis, living on one executor (a worker's io_context,
// which one thread runs): commands are queued, written in batches (all the commands queued during
// one turn of the event loop go out in one write), and replies are matched to them in order.
//
// Built from Asio (TCP socket, timer) and hiredis's reply parser (redisReader): the replies, the
// untrusted bytes, are parsed by hiredis; the only protocol code here writes commands as RESP arrays
// of bulk strings (a few lines, straight into the output buffer, where hiredis's formatter would
// allocate per command). hiredis's own async API was the alternative; in the packaged 0.14 it has no
// command timeouts and frees its context from inside callbacks, so driving it from Asio would take
// more code than the socket and the queue below.
//
// Lifecycle: the first command starts connecting (AUTH and SELECT, when the URL asks for them, are
// the first commands on the wire, pipelined with the rest). Any failure (refused, reset, closed by
// the server, a reply that is not RESP, or the oldest command unanswered after the timeout) breaks
// the connection: every queued command completes with the error and the owner makes a new
// connection for the next command. Not thread safe: use it only from its executor's thread.

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "governance/redis_client.h"

struct redisReader;

namespace hd::governance {

struct RedisSettings {
  RedisEndpoint endpoint;
  std::chrono::milliseconds timeout{1000}; // connect + handshake + reply, per command batch
};

// What a batch of commands completes with.
struct RedisOutcome {
  Result<std::vector<RedisReply>> result = std::vector<RedisReply>{};
  // The server closed a connection that was already open when the batch was queued, before
  // answering any of it: nothing of the batch ran on a live server, so it may be sent again.
  bool retryable = false;
};

class RedisConnection : public std::enable_shared_from_this<RedisConnection> {
public:
  using Handler = boost::asio::any_completion_handler<void(RedisOutcome)>;

  RedisConnection(boost::asio::any_io_executor executor, std::shared_ptr<const RedisSettings> settings);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // Whether it failed (a new connection is needed).
  bool broken() const { return state_ == State::Broken; }

  // Queues `commands` (binary-safe arguments); `handler` runs later (posted, never from inside this
  // call) with one reply per command, or the first error. A Redis error reply (e.g. NOSCRIPT) is an
  // Error whose message starts with "redis: " and Redis's own text; the other replies are still read.
  void submit(std::span<const std::vector<std::string>> commands, Handler handler);

  // Closes the socket and drops the queued handlers without running them (their io_context is
  // being destroyed).
  void abandon();

private:
  enum class State { Idle, Connecting, Ready, Broken };

  struct Pending {
    std::size_t expected = 0;
    std::size_t received = 0;
    std::vector<RedisReply> replies;
    std::optional<Error> error;
    std::chrono::steady_clock::time_point deadline;
    bool reused = false;             // the connection was ready when this was queued
    const char* handshake = nullptr; // AUTH / SELECT: what failed, for the message
    std::optional<Handler> handler;  // none for the handshake
  };

  void startConnect();
  void onConnected(const boost::system::error_code& ec);
  void scheduleFlush();
  void flush();
  void startRead();
  void onRead(const boost::system::error_code& ec, std::size_t n);
  bool takeReply(void* raw);
  void complete(Pending& p);
  void armWatchdog();
  void fail(Error error, bool peer_closed);
  Error unavailable(std::string_view what, std::string_view detail) const;

  boost::asio::any_io_executor executor_;
  std::shared_ptr<const RedisSettings> settings_;
  boost::asio::ip::tcp::socket socket_;
  std::optional<boost::asio::ip::tcp::resolver> resolver_;
  boost::asio::steady_timer watchdog_;
  redisReader* reader_ = nullptr;
  State state_ = State::Idle;
  std::deque<Pending> pending_;
  std::string out_;  // queued, not yet written
  std::string wbuf_; // being written
  std::vector<char> rbuf_;
  bool writing_ = false;
  bool flush_posted_ = false;
  bool watchdog_armed_ = false;
};

} // namespace hd::governance
