#pragma once
// Child processes for `heimdall launch`: finding a program on PATH, the environment block for a child, and
// running a helper command (`--version`, `claude mcp ...`) with its output captured and a time limit.

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace hd::cli {

using EnvOverrides = std::vector<std::pair<std::string, std::string>>;

// The absolute path of `name` on $PATH (or `name` itself when it contains a slash and is executable).
std::optional<std::string> findOnPath(const std::string& name);

// The current environment with `overrides` applied, as NAME=value strings.
std::vector<std::string> childEnvironment(const EnvOverrides& overrides);

struct Captured {
  int exit_code = -1; // 128+signal when killed; -1 when it could not run
  bool timed_out = false;
  std::string output; // stdout and stderr, interleaved
};

// Runs argv (argv[0] looked up on PATH) with stdin from /dev/null; kills it after `timeout`.
Captured runCapture(const std::vector<std::string>& argv, const EnvOverrides& env, std::chrono::milliseconds timeout);

// The version an agent reports (`<binary> --version`): the first thing that looks like a version number,
// else the first line; empty when it does not answer.
std::string extractVersion(const std::string& output);

} // namespace hd::cli
