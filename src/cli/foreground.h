#pragma once
// Runs an agent in the user's terminal: the child gets its own process group, which becomes the terminal's
// foreground group, so the terminal (the controlling tty) is the agent's own — keystrokes, Ctrl-C, window
// size changes (SIGWINCH) and raw mode all go to it directly, with no relay in between. Heimdall waits in
// the background group, forwards SIGTERM/SIGHUP to the agent, follows Ctrl-Z (stops itself, gives the
// terminal back on resume), and restores the terminal's modes and foreground group when the agent exits.
// Hand-written (POSIX job control); no library does this small piece.

#include <string>
#include <vector>

#include "cli/process.h"

namespace hd::cli {

struct ForegroundResult {
  int exit_code = -1; // 128+signal when the agent was killed; -1 when it could not start
  std::string error;  // why it could not start
};

// argv[0] is looked up on PATH. Without a terminal on stdin the agent simply runs as a child.
ForegroundResult runInForeground(const std::vector<std::string>& argv, const EnvOverrides& env);

} // namespace hd::cli
