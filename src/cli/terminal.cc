#include "cli/terminal.h"

#include <cerrno>
#include <poll.h>
#include <sys/ioctl.h>
#include <unistd.h>

namespace hd::cli {

namespace {

void writeAll(std::string_view s) {
  while (!s.empty()) {
    ssize_t n = ::write(STDOUT_FILENO, s.data(), s.size());
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return;
    }
    s.remove_prefix(static_cast<std::size_t>(n));
  }
}

std::size_t utf8Length(unsigned char lead) {
  if (lead < 0x80) {
    return 1;
  }
  if ((lead & 0xE0) == 0xC0) {
    return 2;
  }
  if ((lead & 0xF0) == 0xE0) {
    return 3;
  }
  if ((lead & 0xF8) == 0xF0) {
    return 4;
  }
  return 0;
}

} // namespace

std::size_t decodeKeys(std::string_view in, bool final, std::vector<Key>& out) {
  using T = Key::Type;
  std::size_t i = 0;
  while (i < in.size()) {
    auto c = static_cast<unsigned char>(in[i]);
    if (c == 0x1b) {
      if (i + 1 >= in.size()) {
        if (!final) {
          break;
        }
        out.push_back({T::Escape, ""});
        ++i;
        continue;
      }
      char intro = in[i + 1];
      if (intro != '[' && intro != 'O') {
        out.push_back({T::Escape, ""});
        ++i;
        continue;
      }
      // CSI / SS3: parameters, then a final byte in 0x40..0x7e.
      std::size_t j = i + 2;
      while (j < in.size() && static_cast<unsigned char>(in[j]) >= 0x20 && static_cast<unsigned char>(in[j]) < 0x40) {
        ++j;
      }
      if (j >= in.size()) {
        if (!final) {
          break;
        }
        out.push_back({T::Unknown, ""});
        i = in.size();
        continue;
      }
      auto fin = static_cast<unsigned char>(in[j]);
      std::string_view params = in.substr(i + 2, j - i - 2);
      T t = T::Unknown;
      if (fin < 0x40 || fin > 0x7e) {
        t = T::Unknown; // malformed: drop the introducer and carry on
        out.push_back({t, ""});
        i = j;
        continue;
      }
      switch (fin) {
      case 'A':
        t = T::Up;
        break;
      case 'B':
        t = T::Down;
        break;
      case 'C':
        t = T::Right;
        break;
      case 'D':
        t = T::Left;
        break;
      case 'H':
        t = T::Home;
        break;
      case 'F':
        t = T::End;
        break;
      case '~': {
        auto semi = params.find(';');
        std::string_view n = params.substr(0, semi);
        if (n == "1" || n == "7") {
          t = T::Home;
        } else if (n == "4" || n == "8") {
          t = T::End;
        } else if (n == "3") {
          t = T::Delete;
        } else if (n == "5") {
          t = T::PageUp;
        } else if (n == "6") {
          t = T::PageDown;
        }
        break;
      }
      default:
        break;
      }
      out.push_back({t, ""});
      i = j + 1;
      continue;
    }
    if (c == '\r' || c == '\n') {
      out.push_back({T::Enter, ""});
      // A CR LF pair is one Enter.
      i += (c == '\r' && i + 1 < in.size() && in[i + 1] == '\n') ? 2 : 1;
      continue;
    }
    if (c == 0x7f || c == 0x08) {
      out.push_back({T::Backspace, ""});
      ++i;
      continue;
    }
    if (c < 0x20) {
      T t = T::Unknown;
      if (c == '\t') {
        t = T::Tab;
      } else if (c == 0x03) {
        t = T::CtrlC;
      } else if (c == 0x04) {
        t = T::CtrlD;
      } else if (c == 0x15) {
        t = T::CtrlU;
      }
      out.push_back({t, ""});
      ++i;
      continue;
    }
    std::size_t len = utf8Length(c);
    if (len == 0) {
      out.push_back({T::Unknown, ""});
      ++i;
      continue;
    }
    if (i + len > in.size()) {
      if (!final) {
        break;
      }
      out.push_back({T::Unknown, ""});
      i = in.size();
      continue;
    }
    bool valid = true;
    for (std::size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(in[i + k]) & 0xC0) != 0x80) {
        valid = false;
      }
    }
    if (!valid) {
      out.push_back({T::Unknown, ""});
      ++i;
      continue;
    }
    out.push_back({T::Char, std::string(in.substr(i, len))});
    i += len;
  }
  return i;
}

std::size_t displayWidth(std::string_view s) {
  std::size_t w = 0;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if ((c & 0xC0) != 0x80 && c >= 0x20 && c != 0x7f) {
      ++w;
    }
  }
  return w;
}

std::string truncateToWidth(std::string_view s, std::size_t cols) {
  std::size_t w = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = utf8Length(c);
    if (len == 0 || i + len > s.size()) {
      len = 1;
    }
    bool visible = c >= 0x20 && c != 0x7f;
    if (visible && w + 1 > cols) {
      break;
    }
    w += visible ? 1 : 0;
    i += len;
  }
  return std::string(s.substr(0, i));
}

bool Terminal::usable() {
  return ::isatty(STDIN_FILENO) != 0 && ::isatty(STDOUT_FILENO) != 0;
}

Terminal::Terminal() {
  ::tcgetattr(STDIN_FILENO, &saved_);
  enter();
}

Terminal::~Terminal() {
  leave();
}

void Terminal::enter() {
  if (active_) {
    return;
  }
  termios raw = saved_;
  raw.c_iflag &= ~static_cast<tcflag_t>(BRKINT | ICRNL | INPCK | ISTRIP | IXON);
  raw.c_oflag &= ~static_cast<tcflag_t>(OPOST);
  raw.c_cflag |= CS8;
  raw.c_lflag &= ~static_cast<tcflag_t>(ECHO | ICANON | IEXTEN | ISIG);
  raw.c_cc[VMIN] = 1;
  raw.c_cc[VTIME] = 0;
  ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw);
  writeAll("\x1b[?1049h\x1b[H\x1b[2J");
  active_ = true;
  querySize();
}

void Terminal::leave() {
  if (!active_) {
    return;
  }
  writeAll("\x1b[?25h\x1b[?1049l");
  ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_);
  active_ = false;
}

void Terminal::suspend() {
  leave();
}

void Terminal::resume() {
  ::tcgetattr(STDIN_FILENO, &saved_);
  pending_.clear();
  queue_.clear();
  enter();
}

void Terminal::querySize() {
  winsize ws{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0) {
    rows_ = ws.ws_row;
    cols_ = ws.ws_col;
  }
}

Key Terminal::readKey() {
  for (;;) {
    if (!queue_.empty()) {
      Key k = std::move(queue_.front());
      queue_.erase(queue_.begin());
      return k;
    }
    pollfd p{STDIN_FILENO, POLLIN, 0};
    // A short wait finishes a lone ESC; a longer one notices window size changes.
    int timeout = pending_.empty() ? 250 : 30;
    int n = ::poll(&p, 1, timeout);
    if (n < 0 && errno != EINTR) {
      return {Key::Type::CtrlD, ""};
    }
    if (n <= 0) {
      if (!pending_.empty()) {
        std::size_t used = decodeKeys(pending_, true, queue_);
        pending_.erase(0, used);
        continue;
      }
      int r = rows_;
      int c = cols_;
      querySize();
      if (r != rows_ || c != cols_) {
        return {Key::Type::Resize, ""};
      }
      continue;
    }
    char buf[256];
    ssize_t got = ::read(STDIN_FILENO, buf, sizeof buf);
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got <= 0) {
      return {Key::Type::CtrlD, ""}; // the terminal went away
    }
    pending_.append(buf, static_cast<std::size_t>(got));
    std::size_t used = decodeKeys(pending_, false, queue_);
    pending_.erase(0, used);
  }
}

void Terminal::draw(const std::vector<std::string>& lines, std::optional<std::pair<int, int>> cursor) {
  std::string out = "\x1b[?25l\x1b[H\x1b[2J";
  int row = 0;
  for (const auto& l : lines) {
    if (row >= rows_) {
      break;
    }
    if (row > 0) {
      out += "\r\n";
    }
    out += truncateToWidth(l, static_cast<std::size_t>(cols_));
    ++row;
  }
  if (cursor) {
    out += "\x1b[" + std::to_string(cursor->first + 1) + ";" + std::to_string(cursor->second + 1) + "H\x1b[?25h";
  }
  writeAll(out);
}

} // namespace hd::cli
