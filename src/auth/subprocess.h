#pragma once
// Runs a helper program (the Azure CLI) without blocking the worker: posix_spawn with its output on
// pipes read through Asio, a deadline, and SIGKILL when the deadline passes. Written by hand: Boost.Process
// in Debian 12's Boost does not integrate with C++20 coroutines.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"

namespace hd::auth {

struct ProcessResult {
  int exit_code = -1; // -1 when killed by a signal
  std::string out;
  std::string err;
};

// Runs `program` (an absolute path) with `args`, stdin closed. Output beyond `max_output` bytes per
// stream is discarded. Fails when the program cannot start or runs past `timeout`.
boost::asio::awaitable<Result<ProcessResult>> runProcess(const std::string& program,
                                                         const std::vector<std::string>& args,
                                                         std::chrono::milliseconds timeout,
                                                         std::size_t max_output = 64 * 1024);

// The first executable `name` in the colon-separated `path_var`.
std::optional<std::string> findOnPath(const std::string& name, const std::string& path_var);

} // namespace hd::auth
