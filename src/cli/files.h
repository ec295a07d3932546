#pragma once
// Small file helpers for `heimdall launch`: reading a file that may be absent, atomic writes with a given
// mode, and the user's directories (~/.config/heimdall, ~/.claude).

#include <optional>
#include <string>
#include <sys/types.h>

#include "core/error.h"

namespace hd::cli {

// The file's bytes, nullopt when it does not exist, an error when it cannot be read.
Result<std::optional<std::string>> readFileIfExists(const std::string& path);

// Writes `content` to a temporary file beside `path` (mode `mode`, fsync'd) and renames it over `path`;
// creates missing parent directories with mode 0700. Readers never see a half-written file.
Result<bool> writeFileAtomic(const std::string& path, const std::string& content, mode_t mode);

// $HOME (or the passwd entry).
std::string homeDir();
// $XDG_CONFIG_HOME/heimdall, else ~/.config/heimdall.
std::string heimdallConfigDir();

} // namespace hd::cli
