#include "cli/files.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

namespace hd::cli {

namespace fs = std::filesystem;

Result<std::optional<std::string>> readFileIfExists(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) {
      return std::optional<std::string>();
    }
    return Error::internal(fmt::format("cannot read {}: {}", path, std::strerror(errno)));
  }
  std::string out;
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      int e = errno;
      ::close(fd);
      return Error::internal(fmt::format("cannot read {}: {}", path, std::strerror(e)));
    }
    if (n == 0) {
      break;
    }
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return std::optional<std::string>(std::move(out));
}

Result<bool> writeFileAtomic(const std::string& path, const std::string& content, mode_t mode) {
  fs::path p(path);
  std::error_code ec;
  if (p.has_parent_path() && !fs::exists(p.parent_path(), ec)) {
    fs::create_directories(p.parent_path(), ec);
    if (ec) {
      return Error::internal(fmt::format("cannot create {}: {}", p.parent_path().string(), ec.message()));
    }
    ::chmod(p.parent_path().c_str(), 0700);
  }
  std::string tmpl = path + ".tmp.XXXXXX";
  int fd = ::mkstemp(tmpl.data());
  if (fd < 0) {
    return Error::internal(fmt::format("cannot write {}: {}", path, std::strerror(errno)));
  }
  auto fail = [&](const char* what) -> Result<bool> {
    int e = errno;
    ::close(fd);
    ::unlink(tmpl.c_str());
    return Error::internal(fmt::format("cannot write {}: {}: {}", path, what, std::strerror(e)));
  };
  if (::fchmod(fd, mode) != 0) {
    return fail("chmod");
  }
  std::size_t off = 0;
  while (off < content.size()) {
    ssize_t n = ::write(fd, content.data() + off, content.size() - off);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      return fail("write");
    }
    off += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    return fail("fsync");
  }
  if (::close(fd) != 0) {
    int e = errno;
    ::unlink(tmpl.c_str());
    return Error::internal(fmt::format("cannot write {}: {}", path, std::strerror(e)));
  }
  if (::rename(tmpl.c_str(), path.c_str()) != 0) {
    int e = errno;
    ::unlink(tmpl.c_str());
    return Error::internal(fmt::format("cannot replace {}: {}", path, std::strerror(e)));
  }
  return true;
}

std::string homeDir() {
  const char* h = std::getenv("HOME");
  if (h != nullptr && *h != '\0') {
    return h;
  }
  if (const passwd* pw = ::getpwuid(::getuid()); pw != nullptr && pw->pw_dir != nullptr) {
    return pw->pw_dir;
  }
  return ".";
}

std::string heimdallConfigDir() {
  const char* x = std::getenv("XDG_CONFIG_HOME");
  if (x != nullptr && *x == '/') {
    return std::string(x) + "/heimdall";
  }
  return homeDir() + "/.config/heimdall";
}

} // namespace hd::cli
