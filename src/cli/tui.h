#pragma once
// The interactive widgets of `heimdall launch`, on top of Terminal: a text prompt (optionally masked), a
// list with type-to-filter and free text, a message and a yes/no question. Each screen is the `header`
// lines, the question, the widget, and a help line.

#include <string>
#include <string_view>
#include <vector>

#include "cli/terminal.h"

namespace hd::cli {

enum class Nav { Ok, Back, Quit };

struct TextAnswer {
  Nav nav = Nav::Quit;
  std::string text;
};

// Enter accepts (an empty answer is allowed), Esc goes back, Ctrl-C quits. Masked input shows one '*'
// per character. `notes` are shown under the input (errors, hints).
TextAnswer promptText(Terminal& term, const std::vector<std::string>& header, std::string_view question,
                      std::string initial, bool masked, const std::vector<std::string>& notes);

struct ListItem {
  std::string label;  // what the filter matches and what is returned
  std::string detail; // shown beside the label
};

struct ListAnswer {
  Nav nav = Nav::Quit;
  int index = -1;   // into `items`; -1 with free text
  std::string text; // the chosen label, or the typed text
};

struct ListOptions {
  bool filter = false;    // typing filters the list
  bool free_text = false; // the typed text can be chosen as is
  int initial = 0;
};

ListAnswer pickFromList(Terminal& term, const std::vector<std::string>& header, std::string_view question,
                        const std::vector<ListItem>& items, const ListOptions& opts,
                        const std::vector<std::string>& notes);

// Shows the lines until a key is pressed; false when that key was Ctrl-C.
bool showMessage(Terminal& term, const std::vector<std::string>& header, const std::vector<std::string>& lines);

// y / n (Enter = `default_yes`); Esc and Ctrl-C are no.
bool confirm(Terminal& term, const std::vector<std::string>& header, std::string_view question, bool default_yes);

// The rows of a filtered list to show: [first, first+count) around `selected` for a window of `height`.
std::pair<int, int> visibleWindow(int total, int selected, int height);

} // namespace hd::cli
