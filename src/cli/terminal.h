#pragma once
// The terminal under `heimdall launch`'s interactive UI: raw mode on the alternate screen, key decoding
// (escape sequences, UTF-8) and whole-screen redraws. Hand-written on termios: Debian 12 packages no
// terminal-UI library for C++ (FTXUI is not in bookworm) and the UI needs only lists and text prompts.

#include <optional>
#include <string>
#include <string_view>
#include <termios.h>
#include <vector>

namespace hd::cli {

struct Key {
  enum class Type {
    Char, // `text` holds one UTF-8 character
    Enter,
    Backspace,
    Tab,
    Up,
    Down,
    Left,
    Right,
    Home,
    End,
    Delete,
    PageUp,
    PageDown,
    Escape,
    CtrlC,
    CtrlD,
    CtrlU,
    Resize, // the window size changed
    Unknown,
  };
  Type type = Type::Unknown;
  std::string text;
};

// Decodes complete keys from the front of `in`; returns how many bytes it consumed. An escape sequence or
// UTF-8 character cut off at the end is left for the next call unless `final` (then a lone ESC is Escape).
std::size_t decodeKeys(std::string_view in, bool final, std::vector<Key>& out);

// Display width of a UTF-8 string (one column per code point; control bytes count zero).
std::size_t displayWidth(std::string_view s);
// The longest prefix of `s` that fits in `cols` columns.
std::string truncateToWidth(std::string_view s, std::size_t cols);

class Terminal {
public:
  // True when stdin and stdout are terminals.
  static bool usable();

  Terminal(); // enters raw mode and the alternate screen
  ~Terminal();
  Terminal(const Terminal&) = delete;
  Terminal& operator=(const Terminal&) = delete;

  // Leaves raw mode and the alternate screen (to run an agent), and back.
  void suspend();
  void resume();

  // Blocks until a key arrives (or the window size changes).
  Key readKey();

  // Clears the screen and draws `lines` (cut to the width); puts the cursor at (row, col) when given,
  // otherwise hides it.
  void draw(const std::vector<std::string>& lines, std::optional<std::pair<int, int>> cursor = std::nullopt);

  int rows() const { return rows_; }
  int cols() const { return cols_; }

private:
  void enter();
  void leave();
  void querySize();

  termios saved_{};
  bool active_ = false;
  int rows_ = 24;
  int cols_ = 80;
  std::string pending_;
  std::vector<Key> queue_;
};

} // namespace hd::cli
