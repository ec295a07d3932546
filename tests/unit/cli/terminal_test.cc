#include "cli/terminal.h"

#include <gtest/gtest.h>

#include "cli/tui.h"

namespace hd::cli {
namespace {

using T = Key::Type;

std::vector<T> types(const std::vector<Key>& keys) {
  std::vector<T> out;
  for (const auto& k : keys) {
    out.push_back(k.type);
  }
  return out;
}

TEST(Keys, DecodesControlsArrowsAndText) {
  std::vector<Key> keys;
  std::string in = "a\r\x7f\x1b[A\x1b[B\x1bOC\x1b[D\x1b[3~\x1b[5~\x1b[1;5H\t\x03\x15\x04";
  EXPECT_EQ(decodeKeys(in, false, keys), in.size());
  EXPECT_EQ(types(keys), (std::vector<T>{T::Char, T::Enter, T::Backspace, T::Up, T::Down, T::Right, T::Left, T::Delete,
                                         T::PageUp, T::Home, T::Tab, T::CtrlC, T::CtrlU, T::CtrlD}));
  EXPECT_EQ(keys[0].text, "a");
}

TEST(Keys, CrLfIsOneEnterAndUtf8IsOneChar) {
  std::vector<Key> keys;
  std::string in = "\r\n\xc3\xa9\xe2\x82\xac";
  EXPECT_EQ(decodeKeys(in, false, keys), in.size());
  ASSERT_EQ(keys.size(), 3u);
  EXPECT_EQ(keys[0].type, T::Enter);
  EXPECT_EQ(keys[1].text, "\xc3\xa9");
  EXPECT_EQ(keys[2].text, "\xe2\x82\xac");
}

TEST(Keys, WaitsForTheRestOfASplitSequence) {
  std::vector<Key> keys;
  EXPECT_EQ(decodeKeys("x\x1b[", false, keys), 1u);
  EXPECT_EQ(decodeKeys("\x1b", false, keys), 0u);
  EXPECT_EQ(decodeKeys("\xe2\x82", false, keys), 0u);
  ASSERT_EQ(keys.size(), 1u);
  // At the end of input a lone ESC is the Escape key.
  EXPECT_EQ(decodeKeys("\x1b", true, keys), 1u);
  EXPECT_EQ(keys.back().type, T::Escape);
  // Alt+x: Escape, then x.
  keys.clear();
  EXPECT_EQ(decodeKeys("\x1bx", false, keys), 2u);
  EXPECT_EQ(types(keys), (std::vector<T>{T::Escape, T::Char}));
}

TEST(Keys, BadBytesAreUnknownNotStuck) {
  std::vector<Key> keys;
  std::string in = "\xff\xc3(\x1b[\x01";
  EXPECT_EQ(decodeKeys(in, true, keys), in.size());
  EXPECT_EQ(keys.front().type, T::Unknown);
}

TEST(Screen, WidthAndTruncation) {
  EXPECT_EQ(displayWidth("abc"), 3u);
  EXPECT_EQ(displayWidth("\xc3\xa9t\xc3\xa9"), 3u);
  EXPECT_EQ(truncateToWidth("abcdef", 4), "abcd");
  EXPECT_EQ(truncateToWidth("\xc3\xa9\xc3\xa9\xc3\xa9", 2), "\xc3\xa9\xc3\xa9");
  EXPECT_EQ(truncateToWidth("ab", 10), "ab");
}

TEST(Screen, ListWindowFollowsTheSelection) {
  EXPECT_EQ(visibleWindow(5, 3, 10), (std::pair{0, 5}));
  EXPECT_EQ(visibleWindow(100, 0, 10), (std::pair{0, 10}));
  EXPECT_EQ(visibleWindow(100, 50, 10), (std::pair{45, 10}));
  EXPECT_EQ(visibleWindow(100, 99, 10), (std::pair{90, 10}));
  EXPECT_EQ(visibleWindow(3, 1, 0), (std::pair{1, 1})) << "at least the selected row";
}

} // namespace
} // namespace hd::cli
