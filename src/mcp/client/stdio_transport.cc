// The stdio transport: the MCP server is a child process; messages are single lines of JSON on its
// stdin and stdout, its stderr is logged. Spawned with posix_spawnp in its own process group (so a
// wrapper like `npx` is stopped together with what it started); read and written through Asio stream
// descriptors. Written by hand: Boost.Process in Debian 12's Boost has no coroutine integration (the
// same reason as src/auth/subprocess.cc).

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <spawn.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <cstring>
#include <deque>

#include "mcp/client/transport.h"

extern char** environ;

namespace hd::mcp::client {

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kMaxLine = 16 * 1024 * 1024;

// Variables every child gets (as the MCP SDKs do), plus the ones the config names in `envs`.
constexpr const char* kDefaultEnv[] = {"HOME", "LOGNAME", "PATH", "SHELL", "TERM", "USER", "LANG", "TMPDIR"};

std::vector<std::string> childEnv(const std::vector<std::string>& names) {
  std::vector<std::string> out;
  auto add = [&](const std::string& name) {
    if (const char* v = std::getenv(name.c_str()); v != nullptr) {
      for (const auto& e : out) {
        if (e.rfind(name + "=", 0) == 0) {
          return;
        }
      }
      out.push_back(name + "=" + v);
    }
  };
  for (const char* n : kDefaultEnv) {
    add(n);
  }
  for (const auto& n : names) {
    add(n);
  }
  return out;
}

class StdioTransport : public Transport {
public:
  StdioTransport(asio::any_io_executor ex, config::McpClientConfig cfg)
      : ex_(std::move(ex)), cfg_(std::move(cfg)), in_(ex_), out_(ex_), err_(ex_) {}
  ~StdioTransport() override { stopChild(); }

  asio::awaitable<Result<Ok>> open(std::chrono::milliseconds /*timeout*/) override {
    int in_pipe[2] = {-1, -1};
    int out_pipe[2] = {-1, -1};
    int err_pipe[2] = {-1, -1};
    if (::pipe2(in_pipe, O_CLOEXEC) != 0 || ::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0) {
      for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) {
        if (fd >= 0) {
          ::close(fd);
        }
      }
      co_return Error::internal(fmt::format("cannot create pipes: {}", std::strerror(errno)));
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in_pipe[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
    posix_spawn_file_actions_adddup2(&fa, err_pipe[1], 2);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setpgroup(&attr, 0);
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF);
    std::vector<std::string> args{cfg_.command};
    args.insert(args.end(), cfg_.args.begin(), cfg_.args.end());
    std::vector<char*> argv;
    for (auto& a : args) {
      argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    auto env = childEnv(cfg_.envs);
    std::vector<char*> envp;
    for (auto& e : env) {
      envp.push_back(e.data());
    }
    envp.push_back(nullptr);
    pid_t pid = 0;
    int rc = ::posix_spawnp(&pid, cfg_.command.c_str(), &fa, &attr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    ::close(in_pipe[0]);
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    if (rc != 0) {
      ::close(in_pipe[1]);
      ::close(out_pipe[0]);
      ::close(err_pipe[0]);
      co_return Error::badGateway(fmt::format("cannot start \"{}\": {}", cfg_.command, std::strerror(rc)));
    }
    pid_ = pid;
    in_.assign(in_pipe[1]);
    out_.assign(out_pipe[0]);
    err_.assign(err_pipe[0]);
    auto self = std::static_pointer_cast<StdioTransport>(shared_from_this());
    asio::co_spawn(ex_, self->readLoop(self), asio::detached);
    asio::co_spawn(ex_, self->stderrLoop(self), asio::detached);
    spdlog::info("mcp: client \"{}\": started \"{}\" (pid {})", cfg_.name, cfg_.command, pid_);
    co_return Ok{};
  }

  asio::awaitable<Result<Ok>> send(js::object message, std::chrono::milliseconds /*timeout*/) override {
    if (closed_ || pid_ == 0) {
      co_return Error::badGateway(fmt::format("MCP server \"{}\" is not running", cfg_.name));
    }
    queue_.push_back(js::serialize(message) + "\n");
    if (writing_) {
      co_return Ok{};
    }
    writing_ = true;
    auto self = shared_from_this(); // alive across the writes
    while (!queue_.empty() && !closed_) {
      auto [ec, n] = co_await asio::async_write(in_, asio::buffer(queue_.front()), kTuple);
      queue_.pop_front();
      if (ec) {
        writing_ = false;
        queue_.clear();
        co_return Error::badGateway(fmt::format("MCP server \"{}\" stopped reading: {}", cfg_.name, ec.message()));
      }
    }
    writing_ = false;
    co_return Ok{};
  }

  void close() override {
    dropHandlers();
    stopChild();
  }

  int pid() const override { return pid_; }

private:
  asio::awaitable<void> readLoop(std::shared_ptr<StdioTransport> self) {
    asio::streambuf buf(kMaxLine);
    std::string reason = "the MCP server exited";
    while (!closed_) {
      auto [ec, n] = co_await asio::async_read_until(out_, buf, '\n', kTuple);
      if (ec) {
        if (ec == asio::error::not_found) {
          reason = "the MCP server wrote a line longer than 16 MiB";
        }
        break;
      }
      std::string line(asio::buffers_begin(buf.data()), asio::buffers_begin(buf.data()) + static_cast<long>(n));
      buf.consume(n);
      while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) {
        line.pop_back();
      }
      if (line.empty()) {
        continue;
      }
      if (!deliverText(line)) {
        spdlog::warn("mcp: client \"{}\": ignoring a line that is not JSON-RPC ({} bytes)", cfg_.name, line.size());
      }
    }
    if (!closed_) {
      int status = reapNow();
      if (status >= 0) {
        reason = fmt::format("the MCP server exited with status {}", status);
      }
      closed(reason);
    }
    (void)self;
  }

  asio::awaitable<void> stderrLoop(std::shared_ptr<StdioTransport> self) {
    asio::streambuf buf(64 * 1024);
    while (!closed_) {
      auto [ec, n] = co_await asio::async_read_until(err_, buf, '\n', kTuple);
      if (ec == asio::error::not_found) {
        buf.consume(buf.size());
        continue;
      }
      if (ec) {
        break;
      }
      std::string line(asio::buffers_begin(buf.data()), asio::buffers_begin(buf.data()) + static_cast<long>(n) - 1);
      buf.consume(n);
      spdlog::debug("mcp: client \"{}\" stderr: {}", cfg_.name, line);
    }
    (void)self;
  }

  // Non-blocking reap after the output closed: the exit status, or -1 if it is still running (then it is
  // stopped like on close()).
  int reapNow() {
    if (pid_ == 0) {
      return -1;
    }
    int status = 0;
    for (int i = 0; i < 50; ++i) {
      pid_t r = ::waitpid(pid_, &status, WNOHANG);
      if (r == pid_) {
        pid_ = 0;
        closeFds();
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      if (r < 0) {
        break;
      }
      ::usleep(2000); // it closed stdout: normally exiting right now (bounded: 100 ms)
    }
    stopChild();
    return -1;
  }

  void closeFds() {
    boost::system::error_code ec;
    in_.close(ec);
    out_.close(ec);
    err_.close(ec);
  }

  void stopChild() {
    closed_ = true;
    closeFds();
    if (pid_ == 0) {
      return;
    }
    ::kill(-pid_, SIGTERM);
    int status = 0;
    for (int i = 0; i < 100; ++i) { // up to 1 s for a clean exit, then SIGKILL
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = 0;
        return;
      }
      ::usleep(10'000);
    }
    ::kill(-pid_, SIGKILL);
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = 0;
  }

  asio::any_io_executor ex_;
  config::McpClientConfig cfg_;
  asio::posix::stream_descriptor in_;
  asio::posix::stream_descriptor out_;
  asio::posix::stream_descriptor err_;
  pid_t pid_ = 0;
  bool closed_ = false;
  bool writing_ = false;
  std::deque<std::string> queue_;
};

} // namespace

bool Transport::deliverText(std::string_view text) {
  auto parsed = rpc::parse(text);
  if (!parsed) {
    return false;
  }
  for (auto& m : parsed->messages) {
    deliver(std::move(m));
  }
  return true;
}

std::shared_ptr<Transport> makeStdioTransport(asio::any_io_executor ex, const config::McpClientConfig& cfg) {
  return std::make_shared<StdioTransport>(std::move(ex), cfg);
}

} // namespace hd::mcp::client
