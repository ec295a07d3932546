#include "auth/subprocess.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cerrno>
#include <cstring>

extern char** environ;

namespace hd::auth {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

struct Pipe {
  int fds[2] = {-1, -1};
  ~Pipe() {
    for (int fd : fds) {
      if (fd >= 0) {
        ::close(fd);
      }
    }
  }
};

asio::awaitable<void> drain(asio::posix::stream_descriptor& d, std::string& out, std::size_t limit) {
  std::array<char, 4096> buf{};
  while (true) {
    auto [ec, n] = co_await d.async_read_some(asio::buffer(buf), kTuple);
    if (out.size() < limit) {
      out.append(buf.data(), std::min(n, limit - out.size()));
    }
    if (ec) {
      co_return;
    }
  }
}

asio::awaitable<bool> deadline(std::chrono::milliseconds timeout) {
  asio::steady_timer t(co_await asio::this_coro::executor);
  t.expires_after(timeout);
  co_await t.async_wait(kTuple);
  co_return true;
}

// Reaps the child: polls briefly (it usually exits right after closing its output), then kills it.
asio::awaitable<int> reap(pid_t pid) {
  asio::steady_timer t(co_await asio::this_coro::executor);
  int status = 0;
  for (int i = 0; i < 200; ++i) {
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      co_return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    if (r < 0 && errno != EINTR) {
      co_return -1;
    }
    t.expires_after(std::chrono::milliseconds(10));
    co_await t.async_wait(kTuple);
  }
  ::kill(pid, SIGKILL);
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  co_return -1;
}

} // namespace

std::optional<std::string> findOnPath(const std::string& name, const std::string& path_var) {
  std::size_t i = 0;
  while (i <= path_var.size()) {
    auto j = path_var.find(':', i);
    if (j == std::string::npos) {
      j = path_var.size();
    }
    std::string dir = path_var.substr(i, j - i);
    i = j + 1;
    if (dir.empty()) {
      continue; // an empty entry would mean the working directory; never trust that
    }
    std::string candidate = dir + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return std::nullopt;
}

asio::awaitable<Result<ProcessResult>> runProcess(const std::string& program, const std::vector<std::string>& args,
                                                  std::chrono::milliseconds timeout, std::size_t max_output) {
  Pipe out_pipe;
  Pipe err_pipe;
  if (::pipe2(out_pipe.fds, O_CLOEXEC) != 0 || ::pipe2(err_pipe.fds, O_CLOEXEC) != 0) {
    co_return Error::internal(fmt::format("cannot create a pipe: {}", std::strerror(errno)));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe.fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe.fds[1], 2);
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(program.c_str()));
  for (const auto& a : args) {
    argv.push_back(const_cast<char*>(a.c_str()));
  }
  argv.push_back(nullptr);
  pid_t pid = -1;
  int rc = ::posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    co_return Error::internal(fmt::format("cannot run {}: {}", program, std::strerror(rc)));
  }
  ::close(out_pipe.fds[1]);
  out_pipe.fds[1] = -1;
  ::close(err_pipe.fds[1]);
  err_pipe.fds[1] = -1;

  auto ex = co_await asio::this_coro::executor;
  asio::posix::stream_descriptor out_d(ex, out_pipe.fds[0]);
  out_pipe.fds[0] = -1;
  asio::posix::stream_descriptor err_d(ex, err_pipe.fds[0]);
  err_pipe.fds[0] = -1;

  ProcessResult res;
  auto r = co_await ((drain(out_d, res.out, max_output) && drain(err_d, res.err, max_output)) || deadline(timeout));
  if (r.index() == 1) {
    ::kill(pid, SIGKILL);
    boost::system::error_code ec;
    out_d.close(ec);
    err_d.close(ec);
    co_await reap(pid);
    co_return Error::timeout(fmt::format("{} did not finish within {} ms", program, timeout.count()));
  }
  res.exit_code = co_await reap(pid);
  co_return res;
}

} // namespace hd::auth
