#include "cli/tui.h"

#include <algorithm>

#include "cli/model_list.h"

namespace hd::cli {

namespace {

void popUtf8(std::string& s) {
  while (!s.empty()) {
    auto c = static_cast<unsigned char>(s.back());
    s.pop_back();
    if ((c & 0xC0) != 0x80) {
      break;
    }
  }
}

} // namespace

std::pair<int, int> visibleWindow(int total, int selected, int height) {
  height = std::max(1, height);
  if (total <= height) {
    return {0, total};
  }
  int first = std::clamp(selected - height / 2, 0, total - height);
  return {first, height};
}

TextAnswer promptText(Terminal& term, const std::vector<std::string>& header, std::string_view question,
                      std::string initial, bool masked, const std::vector<std::string>& notes) {
  std::string text = std::move(initial);
  for (;;) {
    std::vector<std::string> lines = header;
    lines.emplace_back(question);
    std::string shown = masked ? std::string(displayWidth(text), '*') : text;
    lines.push_back("> " + shown);
    int cursor_row = static_cast<int>(lines.size()) - 1;
    int cursor_col = 2 + static_cast<int>(displayWidth(shown));
    lines.emplace_back("");
    lines.insert(lines.end(), notes.begin(), notes.end());
    if (!notes.empty()) {
      lines.emplace_back("");
    }
    lines.emplace_back("Enter: accept   Esc: back   Ctrl-U: clear   Ctrl-C: quit");
    term.draw(lines, std::pair{cursor_row, std::min(cursor_col, term.cols() - 1)});
    Key k = term.readKey();
    switch (k.type) {
    case Key::Type::Enter:
      return {Nav::Ok, text};
    case Key::Type::Escape:
      return {Nav::Back, text};
    case Key::Type::CtrlC:
    case Key::Type::CtrlD:
      return {Nav::Quit, text};
    case Key::Type::Backspace:
      popUtf8(text);
      break;
    case Key::Type::CtrlU:
      text.clear();
      break;
    case Key::Type::Char:
      if (text.size() < 4096) {
        text += k.text;
      }
      break;
    default:
      break;
    }
  }
}

ListAnswer pickFromList(Terminal& term, const std::vector<std::string>& header, std::string_view question,
                        const std::vector<ListItem>& items, const ListOptions& opts,
                        const std::vector<std::string>& notes) {
  std::string query;
  int selected = std::clamp(opts.initial, 0, std::max(0, static_cast<int>(items.size()) - 1));
  for (;;) {
    // Rows: the matching items, then (free text) the typed text itself unless it is an item.
    std::vector<int> rows;
    bool exact = false;
    for (int i = 0; i < static_cast<int>(items.size()); ++i) {
      if (!opts.filter || filterMatches(items[static_cast<std::size_t>(i)].label, query)) {
        rows.push_back(i);
      }
      exact = exact || items[static_cast<std::size_t>(i)].label == query;
    }
    bool free_row = opts.free_text && !query.empty() && !exact;
    int total = static_cast<int>(rows.size()) + (free_row ? 1 : 0);
    selected = total == 0 ? 0 : std::clamp(selected, 0, total - 1);

    std::vector<std::string> lines = header;
    lines.emplace_back(question);
    std::optional<std::pair<int, int>> cursor;
    if (opts.filter) {
      lines.push_back("Filter: " + query);
      cursor = std::pair{static_cast<int>(lines.size()) - 1, 8 + static_cast<int>(displayWidth(query))};
    }
    int reserved = static_cast<int>(lines.size() + notes.size()) + 4;
    auto [first, count] = visibleWindow(total, selected, term.rows() - reserved);
    if (first > 0) {
      lines.emplace_back("  ...");
    }
    for (int r = first; r < first + count; ++r) {
      std::string mark = r == selected ? "> " : "  ";
      if (r < static_cast<int>(rows.size())) {
        const auto& it = items[static_cast<std::size_t>(rows[static_cast<std::size_t>(r)])];
        lines.push_back(mark + it.label + (it.detail.empty() ? "" : "   " + it.detail));
      } else {
        lines.push_back(mark + "Use \"" + query + "\" as typed");
      }
    }
    if (first + count < total) {
      lines.emplace_back("  ...");
    }
    if (total == 0) {
      lines.emplace_back(opts.filter && !query.empty() ? "  (nothing matches)" : "  (the list is empty)");
    }
    lines.emplace_back("");
    lines.insert(lines.end(), notes.begin(), notes.end());
    if (!notes.empty()) {
      lines.emplace_back("");
    }
    lines.emplace_back(opts.filter ? "Type to filter   Up/Down: move   Enter: choose   Esc: back   Ctrl-C: quit"
                                   : "Up/Down: move   Enter: choose   Esc: back   Ctrl-C: quit");
    term.draw(lines, cursor);

    Key k = term.readKey();
    switch (k.type) {
    case Key::Type::Enter:
      if (selected < static_cast<int>(rows.size())) {
        int idx = rows[static_cast<std::size_t>(selected)];
        return {Nav::Ok, idx, items[static_cast<std::size_t>(idx)].label};
      }
      if (free_row) {
        return {Nav::Ok, -1, query};
      }
      break;
    case Key::Type::Escape:
      return {Nav::Back, -1, ""};
    case Key::Type::CtrlC:
    case Key::Type::CtrlD:
      return {Nav::Quit, -1, ""};
    case Key::Type::Up:
      selected = std::max(0, selected - 1);
      break;
    case Key::Type::Down:
      selected = std::min(std::max(0, total - 1), selected + 1);
      break;
    case Key::Type::PageUp:
      selected = std::max(0, selected - 10);
      break;
    case Key::Type::PageDown:
      selected = std::min(std::max(0, total - 1), selected + 10);
      break;
    case Key::Type::Home:
      selected = 0;
      break;
    case Key::Type::End:
      selected = std::max(0, total - 1);
      break;
    case Key::Type::Backspace:
      if (opts.filter) {
        popUtf8(query);
        selected = 0;
      }
      break;
    case Key::Type::CtrlU:
      query.clear();
      selected = 0;
      break;
    case Key::Type::Char:
      if (opts.filter && query.size() < 512) {
        query += k.text;
        selected = 0;
      }
      break;
    default:
      break;
    }
  }
}

bool showMessage(Terminal& term, const std::vector<std::string>& header, const std::vector<std::string>& lines) {
  std::vector<std::string> all = header;
  all.insert(all.end(), lines.begin(), lines.end());
  all.emplace_back("");
  all.emplace_back("Press any key to continue");
  for (;;) {
    term.draw(all);
    Key k = term.readKey();
    if (k.type == Key::Type::Resize) {
      continue;
    }
    return k.type != Key::Type::CtrlC;
  }
}

bool confirm(Terminal& term, const std::vector<std::string>& header, std::string_view question, bool default_yes) {
  std::vector<std::string> all = header;
  all.push_back(std::string(question) + (default_yes ? " [Y/n]" : " [y/N]"));
  for (;;) {
    term.draw(all);
    Key k = term.readKey();
    if (k.type == Key::Type::Enter) {
      return default_yes;
    }
    if (k.type == Key::Type::Escape || k.type == Key::Type::CtrlC) {
      return false;
    }
    if (k.type == Key::Type::Char && (k.text == "y" || k.text == "Y")) {
      return true;
    }
    if (k.type == Key::Type::Char && (k.text == "n" || k.text == "N")) {
      return false;
    }
  }
}

} // namespace hd::cli
