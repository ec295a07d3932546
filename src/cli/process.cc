#include "cli/process.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <regex>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace hd::cli {

std::optional<std::string> findOnPath(const std::string& name) {
  if (name.empty()) {
    return std::nullopt;
  }
  if (name.find('/') != std::string::npos) {
    return ::access(name.c_str(), X_OK) == 0 ? std::optional<std::string>(name) : std::nullopt;
  }
  const char* path = std::getenv("PATH");
  std::string_view rest = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  while (true) {
    auto colon = rest.find(':');
    std::string dir(rest.substr(0, colon));
    if (dir.empty()) {
      dir = ".";
    }
    std::string candidate = dir + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
    if (colon == std::string_view::npos) {
      break;
    }
    rest.remove_prefix(colon + 1);
  }
  return std::nullopt;
}

std::vector<std::string> childEnvironment(const EnvOverrides& overrides) {
  std::vector<std::string> out;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view entry(*e);
    auto name = entry.substr(0, entry.find('='));
    bool replaced = false;
    for (const auto& [k, v] : overrides) {
      if (k == name) {
        replaced = true;
        break;
      }
    }
    if (!replaced) {
      out.emplace_back(entry);
    }
  }
  for (const auto& [k, v] : overrides) {
    out.push_back(k + "=" + v);
  }
  return out;
}

Captured runCapture(const std::vector<std::string>& argv, const EnvOverrides& env, std::chrono::milliseconds timeout) {
  Captured out;
  if (argv.empty()) {
    return out;
  }
  auto bin = findOnPath(argv[0]);
  if (!bin) {
    out.output = argv[0] + ": not found on PATH";
    return out;
  }
  std::vector<std::string> envs = childEnvironment(env);
  std::vector<char*> cargv;
  for (const auto& a : argv) {
    cargv.push_back(const_cast<char*>(a.c_str()));
  }
  cargv.push_back(nullptr);
  std::vector<char*> cenv;
  for (auto& e : envs) {
    cenv.push_back(e.data());
  }
  cenv.push_back(nullptr);
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    out.output = std::strerror(errno);
    return out;
  }
  pid_t pid = ::fork();
  if (pid < 0) {
    out.output = std::strerror(errno);
    ::close(fds[0]);
    ::close(fds[1]);
    return out;
  }
  if (pid == 0) {
    ::setpgid(0, 0); // its own group, so a timeout kills everything it started
    int devnull = ::open("/dev/null", O_RDONLY);
    ::dup2(devnull, 0);
    ::dup2(fds[1], 1);
    ::dup2(fds[1], 2);
    ::execve(bin->c_str(), cargv.data(), cenv.data());
    ::_exit(127);
  }
  ::setpgid(pid, pid);
  ::close(fds[1]);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  char buf[4096];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      out.timed_out = true;
      ::kill(-pid, SIGKILL);
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    int n = ::poll(&p, 1, static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      continue;
    }
    ssize_t got = ::read(fds[0], buf, sizeof buf);
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got <= 0) {
      break;
    }
    if (out.output.size() < 1024 * 1024) {
      out.output.append(buf, static_cast<std::size_t>(got));
    }
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) {
    out.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    out.exit_code = 128 + WTERMSIG(status);
  }
  return out;
}

std::string extractVersion(const std::string& output) {
  static const std::regex version(R"((\d+\.\d+(\.\d+)?([-.+][0-9A-Za-z.]+)?))");
  std::smatch m;
  if (std::regex_search(output, m, version)) {
    return m[1].str();
  }
  auto nl = output.find('\n');
  std::string first = output.substr(0, nl);
  return first.size() > 40 ? first.substr(0, 40) : first;
}

} // namespace hd::cli
