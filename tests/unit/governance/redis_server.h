#pragma once
// A private redis-server for tests: loopback only, on a free port, in a temp dir; stopped by the
// destructor. Absent redis-server: available() is false and the tests skip.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "governance/redis_client.h"
#include "run_sync.h"

extern char** environ;

namespace hd::governance::test {

struct RedisOptions {
  bool appendonly = false;
  std::string password;
};

class RedisServer {
public:
  using Options = RedisOptions;

  static std::string binary() {
    for (const char* dir : {"/usr/bin", "/usr/local/bin"}) {
      std::string p = std::string(dir) + "/redis-server";
      if (access(p.c_str(), X_OK) == 0) {
        return p;
      }
    }
    if (const char* path = std::getenv("PATH")) {
      std::string all(path);
      std::size_t start = 0;
      while (start <= all.size()) {
        std::size_t end = all.find(':', start);
        std::string p = all.substr(start, end == std::string::npos ? std::string::npos : end - start) + "/redis-server";
        if (access(p.c_str(), X_OK) == 0) {
          return p;
        }
        if (end == std::string::npos) {
          break;
        }
        start = end + 1;
      }
    }
    return {};
  }

  explicit RedisServer(Options opts = {}) : opts_(std::move(opts)) {
    bin_ = binary();
    if (bin_.empty()) {
      return;
    }
    char tmpl[] = "/tmp/heimdall-redis-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) {
      return;
    }
    dir_ = tmpl;
    port_ = freePort();
  }

  ~RedisServer() {
    stop();
    if (!dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
    }
  }

  bool available() const { return !bin_.empty() && !dir_.empty() && port_ != 0; }
  int port() const { return port_; }
  std::string url(int db = 0) const {
    std::string auth = opts_.password.empty() ? "" : ":" + opts_.password + "@";
    return "redis://" + auth + "127.0.0.1:" + std::to_string(port_) + "/" + std::to_string(db);
  }

  // Starts the server and waits (up to 10 s) until it answers PING. The first start moves to another
  // free port if the chosen one was taken meanwhile (tests run in parallel); restarts keep the port.
  bool start() {
    for (int attempt = 0; attempt < 3; ++attempt) {
      if (startOnce()) {
        started_ = true;
        return true;
      }
      if (started_) {
        return false;
      }
      port_ = freePort();
    }
    return false;
  }

private:
  bool startOnce() {
    std::vector<std::string> args{bin_,
                                  "--port",
                                  std::to_string(port_),
                                  "--bind",
                                  "127.0.0.1",
                                  "--save",
                                  "",
                                  "--appendonly",
                                  opts_.appendonly ? "yes" : "no",
                                  "--dir",
                                  dir_,
                                  "--daemonize",
                                  "no",
                                  "--unixsocket",
                                  "",
                                  "--logfile",
                                  dir_ + "/redis.log"};
    if (opts_.appendonly) {
      args.insert(args.end(), {"--appendfsync", "always"});
    }
    if (!opts_.password.empty()) {
      args.insert(args.end(), {"--requirepass", opts_.password});
    }
    std::vector<char*> argv;
    for (auto& a : args) {
      argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, bin_.c_str(), nullptr, nullptr, argv.data(), environ) != 0) {
      pid_ = 0;
      return false;
    }
    RedisEndpoint e;
    e.port = port_;
    e.password = opts_.password;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) { // exited: e.g. the port was taken
        pid_ = 0;
        return false;
      }
      RedisClient client(e, std::chrono::milliseconds(200));
      auto r = runSync(client.command({"PING"}));
      if (r.ok()) {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20)); // polling a condition, bounded by the deadline
    }
    stop();
    return false;
  }

public:
  // Freezes (SIGSTOP) or thaws (SIGCONT) the server: it keeps its connections but answers nothing.
  void pause(bool paused) {
    if (pid_ != 0) {
      kill(pid_, paused ? SIGSTOP : SIGCONT);
    }
  }

  // SIGKILL (no clean shutdown) unless `graceful`.
  void stop(bool graceful = false) {
    if (pid_ == 0) {
      return;
    }
    kill(pid_, SIGCONT);
    kill(pid_, graceful ? SIGTERM : SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = 0;
  }

private:
  static int freePort() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
      return 0;
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof(addr);
    int port = 0;
    if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
        getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      port = ntohs(addr.sin_port);
    }
    close(fd);
    return port;
  }

  Options opts_;
  std::string bin_;
  std::string dir_;
  int port_ = 0;
  pid_t pid_ = 0;
  bool started_ = false;
};

} // namespace hd::governance::test
