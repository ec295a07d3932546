#pragma once
// The HTTP/1.1 server: one worker thread per core, each with its own io_context and upstream pool;
// accepted connections are spread round-robin and stay on their worker. Graceful drain on stop().

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "http/router.h"

namespace hd::http {

struct Limits {
  std::size_t max_body_bytes = 100ull * 1024 * 1024;
  std::uint32_t max_header_bytes = 64 * 1024;
  std::chrono::seconds header_read_timeout{30};
  std::chrono::seconds idle_timeout{120};
};

// Called once per finished request (for the access log).
struct AccessRecord {
  std::string_view method;
  std::string_view path;
  unsigned status;
  std::chrono::microseconds duration;
  std::string_view request_id;
  std::size_t request_bytes = 0;  // the request body
  std::size_t response_bytes = 0; // what was written to the client
  std::string_view route;         // the matched route's pattern ("" when none matched)
};

class Server {
public:
  Server(const Router& router, std::function<Limits()> limits, unsigned threads);
  ~Server();

  // Binds and listens; returns the bound port or an error message.
  Result<unsigned short> listen(const std::string& host, unsigned short port);
  void start();
  // Stops accepting, lets in-flight requests finish up to `timeout`, then stops the workers.
  // Returns the number of connections that were still busy when the timeout hit.
  std::size_t stop(std::chrono::milliseconds timeout);

  void setAccessLog(std::function<void(const AccessRecord&)> fn) { access_log_ = std::move(fn); }

  struct Worker;
  struct SessionState;

private:
  asio::awaitable<void> acceptLoop();
  asio::awaitable<void> session(asio::ip::tcp::socket socket, Worker& worker);
  void sessionEnded();

  const Router& router_;
  std::function<Limits()> limits_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::unique_ptr<asio::ip::tcp::acceptor> acceptor_;
  std::atomic<bool> draining_{false};
  std::atomic<std::size_t> sessions_{0};
  std::atomic<std::uint64_t> next_request_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  std::function<void(const AccessRecord&)> access_log_;
};

} // namespace hd::http
