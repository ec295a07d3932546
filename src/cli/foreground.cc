#include "cli/foreground.h"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

namespace hd::cli {

namespace {

std::atomic<pid_t> g_child{0};
std::atomic<bool> g_child_group{false};

void forwardSignal(int sig) {
  pid_t pid = g_child.load();
  if (pid > 0) {
    ::kill(g_child_group.load() ? -pid : pid, sig);
  }
}

// Makes `pgrp` the terminal's foreground group (SIGTTOU is ignored meanwhile: we may be in the background).
void giveTerminal(int tty, pid_t pgrp) {
  struct sigaction ign {};
  struct sigaction old {};
  ign.sa_handler = SIG_IGN;
  ::sigaction(SIGTTOU, &ign, &old);
  ::tcsetpgrp(tty, pgrp);
  ::sigaction(SIGTTOU, &old, nullptr);
}

void setTermios(int tty, const termios& t) {
  struct sigaction ign {};
  struct sigaction old {};
  ign.sa_handler = SIG_IGN;
  ::sigaction(SIGTTOU, &ign, &old);
  ::tcsetattr(tty, TCSADRAIN, &t);
  ::sigaction(SIGTTOU, &old, nullptr);
}

} // namespace

ForegroundResult runInForeground(const std::vector<std::string>& argv, const EnvOverrides& env) {
  ForegroundResult out;
  if (argv.empty()) {
    out.error = "nothing to run";
    return out;
  }
  auto bin = findOnPath(argv[0]);
  if (!bin) {
    out.error = argv[0] + ": not found on PATH";
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

  const int tty = STDIN_FILENO;
  const bool interactive = ::isatty(tty) != 0 && ::tcgetpgrp(tty) == ::getpgrp();
  termios saved{};
  if (interactive) {
    ::tcgetattr(tty, &saved);
  }
  int errpipe[2];
  if (::pipe2(errpipe, O_CLOEXEC) != 0) {
    out.error = std::strerror(errno);
    return out;
  }
  pid_t pid = ::fork();
  if (pid < 0) {
    out.error = std::strerror(errno);
    ::close(errpipe[0]);
    ::close(errpipe[1]);
    return out;
  }
  if (pid == 0) {
    ::close(errpipe[0]);
    if (interactive) {
      ::setpgid(0, 0);
      giveTerminal(tty, ::getpid());
    }
    for (int sig : {SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU, SIGCHLD, SIGTERM, SIGHUP, SIGPIPE, SIGWINCH}) {
      ::signal(sig, SIG_DFL);
    }
    ::execve(bin->c_str(), cargv.data(), cenv.data());
    int e = errno;
    (void)!::write(errpipe[1], &e, sizeof e);
    ::_exit(127);
  }
  ::close(errpipe[1]);
  if (interactive) {
    ::setpgid(pid, pid); // also done by the child: whichever runs first
    giveTerminal(tty, pid);
  }
  int exec_errno = 0;
  ssize_t n;
  do {
    n = ::read(errpipe[0], &exec_errno, sizeof exec_errno);
  } while (n < 0 && errno == EINTR);
  ::close(errpipe[0]);

  g_child_group.store(interactive);
  g_child.store(pid);
  struct sigaction fwd {};
  fwd.sa_handler = forwardSignal;
  ::sigemptyset(&fwd.sa_mask);
  struct sigaction old_term {};
  struct sigaction old_hup {};
  struct sigaction old_int {};
  struct sigaction old_quit {};
  ::sigaction(SIGTERM, &fwd, &old_term);
  ::sigaction(SIGHUP, &fwd, &old_hup);
  if (!interactive) {
    // Without a terminal a Ctrl-C reaches both of us: let the agent decide, forward it.
    ::sigaction(SIGINT, &fwd, &old_int);
    ::sigaction(SIGQUIT, &fwd, &old_quit);
  }

  int status = 0;
  for (;;) {
    pid_t w = ::waitpid(pid, &status, interactive ? WUNTRACED : 0);
    if (w < 0 && errno == EINTR) {
      continue;
    }
    if (w < 0) {
      break;
    }
    if (WIFSTOPPED(status)) {
      // Ctrl-Z in the agent: take the terminal back, stop ourselves so the shell regains it, and on
      // `fg` hand the terminal to the agent again and let it continue.
      termios agent_modes{};
      ::tcgetattr(tty, &agent_modes);
      giveTerminal(tty, ::getpgrp());
      setTermios(tty, saved);
      ::kill(0 - ::getpgrp(), SIGTSTP);
      giveTerminal(tty, pid);
      setTermios(tty, agent_modes);
      ::kill(-pid, SIGCONT);
      continue;
    }
    break;
  }
  g_child.store(0);
  ::sigaction(SIGTERM, &old_term, nullptr);
  ::sigaction(SIGHUP, &old_hup, nullptr);
  if (!interactive) {
    ::sigaction(SIGINT, &old_int, nullptr);
    ::sigaction(SIGQUIT, &old_quit, nullptr);
  }
  if (interactive) {
    giveTerminal(tty, ::getpgrp());
    setTermios(tty, saved);
  }
  if (n == static_cast<ssize_t>(sizeof exec_errno) && exec_errno != 0) {
    out.error = std::string("cannot run ") + *bin + ": " + std::strerror(exec_errno);
    return out;
  }
  if (WIFEXITED(status)) {
    out.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    out.exit_code = 128 + WTERMSIG(status);
  }
  return out;
}

} // namespace hd::cli
