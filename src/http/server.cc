#include "http/server.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <unordered_set>

#include "core/thread_name.h"
#include "obs/ids.h"
#include "upstream/client.h"

namespace hd::http {

namespace {
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
using namespace asio::experimental::awaitable_operators;
} // namespace

struct Server::SessionState {
  beast::tcp_stream* stream = nullptr;
  bool busy = false;
};

struct Server::Worker {
  asio::io_context ioc{1};
  upstream::Pool pool{ioc.get_executor()};
  std::mt19937_64 rng{std::random_device{}()};
  std::unordered_set<SessionState*> sessions; // touched only on this worker's thread
  std::thread thread;
  unsigned index = 0;
  asio::executor_work_guard<asio::io_context::executor_type> guard{ioc.get_executor()};
};

Server::Server(const Router& router, std::function<Limits()> limits, unsigned threads)
    : router_(router), limits_(std::move(limits)) {
  threads = std::max(1u, threads);
  for (unsigned i = 0; i < threads; ++i) {
    auto w = std::make_unique<Worker>();
    w->index = i;
    workers_.push_back(std::move(w));
  }
}

Server::~Server() {
  for (auto& w : workers_) {
    w->guard.reset();
    w->ioc.stop();
    if (w->thread.joinable()) {
      w->thread.join();
    }
  }
}

Result<unsigned short> Server::listen(const std::string& host, unsigned short port) {
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
  if (ec) {
    return Error::invalidRequest(fmt::format("invalid listen address \"{}\" (expected an IP address)", host));
  }
  asio::ip::tcp::endpoint ep(addr, port);
  auto acc = std::make_unique<asio::ip::tcp::acceptor>(workers_[0]->ioc);
  acc->open(ep.protocol(), ec);
  if (!ec) {
    acc->set_option(asio::socket_base::reuse_address(true), ec);
    acc->bind(ep, ec);
  }
  if (!ec) {
    acc->listen(asio::socket_base::max_listen_connections, ec);
  }
  if (ec) {
    if (ec == asio::error::address_in_use) {
      return Error::invalidRequest(fmt::format("cannot listen on {}:{}: the port is already in use", host, port));
    }
    return Error::invalidRequest(fmt::format("cannot listen on {}:{}: {}", host, port, ec.message()));
  }
  unsigned short bound = acc->local_endpoint().port();
  acceptor_ = std::move(acc);
  return bound;
}

void Server::start() {
  asio::co_spawn(workers_[0]->ioc, acceptLoop(), asio::detached);
  for (auto& w : workers_) {
    Worker* wp = w.get();
    w->thread = std::thread([wp] {
      nameThisThread("hd-worker-" + std::to_string(wp->index));
      for (;;) {
        try {
          wp->ioc.run();
          return;
        } catch (const std::exception& e) {
          spdlog::error("worker {}: unhandled exception: {}", wp->index, e.what());
        }
      }
    });
  }
}

asio::awaitable<void> Server::acceptLoop() {
  std::size_t next = 0;
  while (!draining_) {
    Worker& w = *workers_[next++ % workers_.size()];
    auto [ec, socket] = co_await acceptor_->async_accept(w.ioc, kTuple);
    if (ec) {
      if (draining_ || ec == asio::error::operation_aborted) {
        co_return;
      }
      spdlog::warn("accept failed: {}", ec.message());
      // Out of descriptors and similar: back off briefly instead of spinning.
      asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::milliseconds(50));
      co_await t.async_wait(kTuple);
      continue;
    }
    sessions_.fetch_add(1);
    asio::co_spawn(w.ioc, session(std::move(socket), w), [this](std::exception_ptr ep) {
      if (ep) {
        try {
          std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          spdlog::error("connection handler failed: {}", e.what());
        }
      }
      sessionEnded();
    });
  }
}

void Server::sessionEnded() {
  if (sessions_.fetch_sub(1) == 1) {
    std::lock_guard lk(mu_);
    cv_.notify_all();
  }
}

namespace {

// Watches the client while a handler runs: a close or failure signals a disconnect; bytes that arrive
// (a pipelined next request) stay in the session buffer. Either way it only returns when cancelled,
// i.e. when the handler has finished.
asio::awaitable<void> watchClient(beast::tcp_stream& stream, beast::flat_buffer& buffer, ServerExchange& ex) {
  auto mb = buffer.prepare(4096);
  auto [ec, n] = co_await stream.socket().async_read_some(mb, kTuple);
  if (n > 0) {
    buffer.commit(n);
  }
  if (ec == asio::error::operation_aborted) {
    co_return;
  }
  if (ec) {
    // A disconnect. The handler hears it through its on-gone hook (which aborts the upstream call)
    // and winds down on its own, so it still records the request; cancelling it here would unwind it
    // mid-way.
    ex.clientGone();
  }
  // Keep this side of the race pending until the handler finishes.
  asio::steady_timer forever(co_await asio::this_coro::executor, std::chrono::hours(24 * 365));
  co_await forever.async_wait(kTuple);
}

// Answers 413 and closes: the body is larger than the configured limit. The close lingers: the rest of
// what the client is still sending is read and dropped (bounded in bytes and time) so the client gets to
// read the answer instead of a connection reset in the middle of its upload.
asio::awaitable<void> rejectTooLarge(beast::tcp_stream& stream, const Router& router, std::string_view target,
                                     std::size_t limit) {
  constexpr std::size_t kMaxDrain = 16 * 1024 * 1024;
  constexpr std::chrono::seconds kDrainTime{2};
  Error err = Error::tooLarge(fmt::format("request body exceeds the limit of {} bytes", limit));
  Response res{bhttp::status::payload_too_large, 11};
  res.set(bhttp::field::content_type, "application/json");
  res.body() = router.renderError(target.substr(0, target.find('?')), err);
  res.keep_alive(false);
  res.prepare_payload();
  auto [wec, wn] = co_await bhttp::async_write(stream, res, kTuple);
  if (wec) {
    co_return;
  }
  boost::system::error_code ec;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  stream.expires_after(kDrainTime);
  std::array<char, 16 * 1024> sink{};
  for (std::size_t drained = 0; drained < kMaxDrain;) {
    auto [rec, n] = co_await stream.async_read_some(asio::buffer(sink), kTuple);
    if (rec) {
      break;
    }
    drained += n;
  }
}

} // namespace

asio::awaitable<void> Server::session(asio::ip::tcp::socket socket, Worker& worker) {
  beast::tcp_stream stream(std::move(socket));
  stream.socket().set_option(asio::ip::tcp::no_delay(true));
  beast::flat_buffer buffer;
  SessionState state{&stream, false};
  worker.sessions.insert(&state);
  struct Unregister {
    Worker& w;
    SessionState* s;
    ~Unregister() { w.sessions.erase(s); }
  } unregister{worker, &state};

  bool first = true;
  while (!draining_) {
    Limits limits = limits_();
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(limits.max_header_bytes);
    parser.body_limit(limits.max_body_bytes);
    stream.expires_after(first ? limits.header_read_timeout : limits.idle_timeout);
    first = false;
    auto [hec, hn] = co_await bhttp::async_read_header(stream, buffer, parser, kTuple);
    if (hec) {
      if (hec == bhttp::error::body_limit) {
        // Beast checks Content-Length against the limit while parsing the header.
        co_await rejectTooLarge(stream, router_, parser.get().target(), limits.max_body_bytes);
      } else if (hec == bhttp::error::header_limit) {
        Error err{ErrorKind::InvalidRequest, 431, "request headers are larger than the limit"};
        Response res{bhttp::status::request_header_fields_too_large, 11};
        res.set(bhttp::field::content_type, "application/json");
        res.body() = genericErrorBody(err);
        res.keep_alive(false);
        res.prepare_payload();
        co_await bhttp::async_write(stream, res, kTuple);
      } else if (hec != bhttp::error::end_of_stream && hec != asio::error::eof && hec != beast::error::timeout &&
                 hec != asio::error::operation_aborted && hec != asio::error::connection_reset &&
                 hec != asio::error::bad_descriptor) {
        Response res{bhttp::status::bad_request, 11};
        res.set(bhttp::field::content_type, "application/json");
        res.body() = genericErrorBody(Error::invalidRequest("malformed HTTP request: " + hec.message()));
        res.keep_alive(false);
        res.prepare_payload();
        co_await bhttp::async_write(stream, res, kTuple);
      }
      break;
    }
    // The limits may have changed while this connection sat idle: apply the current ones.
    if (Limits now = limits_(); now.max_body_bytes != limits.max_body_bytes) {
      limits = now;
      parser.body_limit(limits.max_body_bytes);
      if (auto cl = parser.content_length(); cl && *cl > limits.max_body_bytes) {
        co_await rejectTooLarge(stream, router_, parser.get().target(), limits.max_body_bytes);
        break;
      }
    }
    state.busy = true;
    auto started = std::chrono::steady_clock::now();
    std::string path(parser.get().target().substr(0, parser.get().target().find('?')));

    if (beast::iequals(parser.get()[bhttp::field::expect], "100-continue")) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      co_await asio::async_write(stream, asio::buffer(kContinue.data(), kContinue.size()), kTuple);
    }
    stream.expires_after(limits.header_read_timeout);
    auto [bec, bn] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
    if (bec) {
      if (bec == bhttp::error::body_limit) {
        co_await rejectTooLarge(stream, router_, path, limits.max_body_bytes);
      }
      break;
    }
    stream.expires_never();

    Request req = parser.release();
    const auto request_bytes = req.body().size(); // the request record may take the body (obs/observe.cc)
    WorkerContext wc{&worker.pool, &worker.rng, worker.index};
    auto started_unix_ns = obs::unixNowNs();
    std::string request_id = obs::formatRequestId(started_unix_ns, next_request_.fetch_add(1));
    ServerExchange ex(req, stream, wc, request_id, started_unix_ns, draining_.load());
    co_await (router_.dispatch(ex) || watchClient(stream, buffer, ex));
    if (ex.takeover() && !ex.responded() && !ex.isClientGone()) {
      // A WebSocket: the connection is the handler's until it ends; it counts as idle for draining
      // (stop() cancels its stream, which ends it).
      state.busy = false;
      co_await ex.takeover()(stream, req);
      break;
    }
    if (!ex.responded() && !ex.isClientGone()) {
      Error err = Error::internal("the handler produced no response");
      co_await ex.sendJson(500, router_.renderError(path, err));
    }
    if (access_log_) {
      auto dur = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
      access_log_({req.method_string(), path, ex.isClientGone() && !ex.responded() ? 499u : ex.responseStatus(), dur,
                   request_id, request_bytes, ex.bytesSent(), ex.route()});
    }
    state.busy = false;
    if (!ex.keepAlive() || ex.isClientGone()) {
      break;
    }
  }
  boost::system::error_code ec;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  stream.socket().close(ec);
}

std::size_t Server::stop(std::chrono::milliseconds timeout) {
  draining_ = true;
  // Stop accepting.
  asio::post(workers_[0]->ioc, [this] {
    boost::system::error_code ec;
    if (acceptor_) {
      acceptor_->close(ec);
    }
  });
  // Close idle keep-alive connections; busy ones finish their request and then close.
  for (auto& w : workers_) {
    Worker* wp = w.get();
    asio::post(wp->ioc, [wp] {
      for (auto* s : wp->sessions) {
        if (!s->busy) {
          // Cancel what is pending, and shut the receiving side so that a read started afterwards ends
          // too (a WebSocket between two reads would otherwise miss the cancel and hold the drain).
          boost::system::error_code ec;
          s->stream->socket().shutdown(asio::ip::tcp::socket::shutdown_receive, ec);
          s->stream->cancel();
        }
      }
    });
  }
  std::unique_lock lk(mu_);
  cv_.wait_for(lk, timeout, [this] { return sessions_.load() == 0; });
  std::size_t left = sessions_.load();
  lk.unlock();
  for (auto& w : workers_) {
    w->guard.reset();
    w->ioc.stop();
  }
  for (auto& w : workers_) {
    if (w->thread.joinable()) {
      w->thread.join();
    }
  }
  return left;
}

} // namespace hd::http
