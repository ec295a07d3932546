#include "cli/flow.h"

#include <cstdio>
#include <fmt/format.h>

#include "cli/actions.h"
#include "cli/files.h"
#include "cli/foreground.h"
#include "cli/gateway_probe.h"
#include "cli/harness.h"
#include "cli/keyring.h"
#include "cli/process.h"
#include "cli/tui.h"

namespace hd::cli {

namespace {

enum class Next { Continue, Back, Quit };

struct Installed {
  bool present = false;
  std::string version;
};

struct State {
  LaunchOptions opts;
  std::string config_dir;
  std::string base_url;
  KeyChoice key;
  const HarnessInfo* harness = nullptr;
  std::string model;
  bool models_loaded = false;
  ModelsResult models;
  bool keyring_ok = false;
  std::string keyring_why;
  std::vector<std::string> status; // shown on the summary screen
  int sessions = 0;                // agents launched so far
};

std::string describeKey(const KeyChoice& k) {
  if (k.key.empty()) {
    return "none";
  }
  std::string tail = k.key.size() > 8 ? k.key.substr(k.key.size() - 4) : "";
  std::string masked = "****" + tail;
  switch (k.source) {
  case KeySource::Env:
    return masked + " (from HEIMDALL_VK)";
  case KeySource::Keyring:
    return masked + " (from the OS keyring)";
  case KeySource::Typed:
    return masked;
  case KeySource::None:
    break;
  }
  return masked;
}

std::vector<std::string> header(const State& st, std::string_view step) {
  std::vector<std::string> h = {fmt::format("Heimdall launch - {}", step), ""};
  if (!st.base_url.empty()) {
    h.push_back("  Gateway:  " + st.base_url);
  }
  if (st.models_loaded || st.key.source != KeySource::None) {
    h.push_back("  Key:      " + describeKey(st.key));
  }
  if (st.harness != nullptr) {
    h.push_back(fmt::format("  Harness:  {}", st.harness->name));
  }
  if (!st.model.empty()) {
    h.push_back("  Model:    " + st.model);
  }
  h.emplace_back("");
  return h;
}

void busy(Terminal& term, const State& st, std::string_view step, std::string_view what) {
  auto lines = header(st, step);
  lines.emplace_back(what);
  term.draw(lines);
}

Installed detect(const HarnessInfo& h) {
  Installed out;
  auto path = findOnPath(std::string(h.binary));
  if (!path) {
    return out;
  }
  out.present = true;
  auto r = runCapture({*path, "--version"}, {}, std::chrono::seconds(15));
  out.version = r.exit_code == 0 ? extractVersion(r.output) : "";
  return out;
}

Next stepUrl(Terminal& term, State& st) {
  std::vector<std::string> notes;
  std::string initial = st.base_url.empty() ? std::string(kDefaultBaseUrl) : st.base_url;
  for (;;) {
    auto ans = promptText(term, header(st, "gateway"), "Gateway base URL:", initial, false, notes);
    if (ans.nav == Nav::Quit) {
      return Next::Quit;
    }
    if (ans.nav == Nav::Back) {
      return Next::Back;
    }
    std::string url = normalizeBaseUrl(ans.text.empty() ? std::string(kDefaultBaseUrl) : ans.text);
    initial = url;
    if (auto problem = baseUrlProblem(url)) {
      notes = {"! " + *problem};
      continue;
    }
    busy(term, st, "gateway", fmt::format("Checking {}/health ...", url));
    auto health = checkHealth(url);
    if (!health.ok) {
      notes = {"! Gateway unreachable. " + health.message, "  Start it with `heimdall serve`, or enter another URL."};
      continue;
    }
    if (url != st.base_url) {
      st.base_url = url;
      st.key = resolveKey(url);
      st.models_loaded = false;
    }
    return Next::Continue;
  }
}

Next stepKey(Terminal& term, State& st) {
  std::vector<std::string> notes;
  for (;;) {
    std::vector<std::string> all = notes;
    switch (st.key.source) {
    case KeySource::Env:
      all.emplace_back("HEIMDALL_VK is set: Enter uses it.");
      break;
    case KeySource::Keyring:
      all.emplace_back("A key for this gateway is in the OS keyring: Enter keeps it, - removes it.");
      break;
    case KeySource::Typed:
      all.emplace_back("Enter keeps the key typed before.");
      break;
    case KeySource::None:
      all.emplace_back("Optional: Enter without a key when the gateway has no virtual keys.");
      break;
    }
    if (st.keyring_ok) {
      all.emplace_back("A key typed here is kept in the OS keyring (Secret Service), never on disk.");
    } else {
      all.push_back("No OS keyring available (" + st.keyring_why + "):");
      all.emplace_back("a key typed here is used for this session only; set HEIMDALL_VK to avoid typing it.");
    }
    auto ans = promptText(term, header(st, "virtual key"), "Virtual key:", "", true, all);
    if (ans.nav == Nav::Quit) {
      return Next::Quit;
    }
    if (ans.nav == Nav::Back) {
      return Next::Back;
    }
    if (ans.text == "-") {
      // Forget the stored key (and go on without one).
      if (st.keyring_ok) {
        auto removed = Keyring::remove(st.base_url);
        if (!removed) {
          notes = {"! " + removed.error().message, ""};
          continue;
        }
      }
      st.key = st.key.source == KeySource::Env ? st.key : KeyChoice{};
      ans.text.clear();
    }
    KeyChoice candidate = ans.text.empty() ? st.key : KeyChoice{ans.text, KeySource::Typed, ""};
    busy(term, st, "virtual key", "Checking the key against the gateway's model list ...");
    auto models = fetchModels(st.base_url, candidate.key);
    if (models.kind == ModelsResult::Kind::KeyRejected) {
      notes = {"! Key rejected. " + models.message, ""};
      continue;
    }
    if (models.kind == ModelsResult::Kind::Unreachable) {
      notes = {"! Gateway unreachable. " + models.message, ""};
      continue;
    }
    st.key = candidate;
    st.models = std::move(models);
    st.models_loaded = true;
    if (candidate.source == KeySource::Typed && st.keyring_ok) {
      auto stored = Keyring::store(st.base_url, candidate.key);
      if (stored) {
        st.key.source = KeySource::Keyring;
      } else {
        st.status.push_back("! The key could not be stored: " + stored.error().message);
      }
    }
    return Next::Continue;
  }
}

Next stepHarness(Terminal& term, State& st) {
  busy(term, st, "harness", "Looking for installed agents ...");
  std::vector<Installed> found;
  auto refresh = [&] {
    found.clear();
    for (const auto& h : harnesses()) {
      found.push_back(detect(h));
    }
  };
  refresh();
  for (;;) {
    std::vector<ListItem> items;
    int initial = 0;
    for (std::size_t i = 0; i < harnesses().size(); ++i) {
      const auto& h = harnesses()[i];
      std::string detail = found[i].present
                               ? "installed" + (found[i].version.empty() ? "" : " " + found[i].version)
                               : fmt::format("not installed (Enter: install with npm install -g {})", h.npm_package);
      items.push_back({fmt::format("{:<12}", h.name), detail});
      if (st.harness == &h) {
        initial = static_cast<int>(i);
      }
    }
    ListOptions lo;
    lo.initial = initial;
    auto ans = pickFromList(term, header(st, "harness"), "Coding agent to launch:", items, lo, {});
    if (ans.nav == Nav::Quit) {
      return Next::Quit;
    }
    if (ans.nav == Nav::Back) {
      return Next::Back;
    }
    auto idx = static_cast<std::size_t>(ans.index);
    const auto& h = harnesses()[idx];
    if (!found[idx].present) {
      if (!findOnPath("npm")) {
        showMessage(term, header(st, "harness"),
                    {fmt::format("{} is not installed and npm is not on PATH.", h.name),
                     fmt::format("Install Node.js and npm, then run: npm install -g {}", h.npm_package)});
        continue;
      }
      if (!confirm(term, header(st, "harness"),
                   fmt::format("{} is not installed. Install it now with `npm install -g {}`?", h.name, h.npm_package),
                   false)) {
        continue;
      }
      term.suspend();
      std::printf("$ npm install -g %s\n", std::string(h.npm_package).c_str());
      std::fflush(stdout);
      auto r = runInForeground({"npm", "install", "-g", std::string(h.npm_package)}, {});
      term.resume();
      refresh();
      if (!found[idx].present) {
        showMessage(term, header(st, "harness"),
                    {fmt::format("Installing {} failed (npm exit code {}{}).", h.npm_package, r.exit_code,
                                 r.error.empty() ? "" : ": " + r.error)});
        continue;
      }
    }
    st.harness = &h;
    return Next::Continue;
  }
}

Next stepModel(Terminal& term, State& st) {
  if (!st.models_loaded) {
    busy(term, st, "model", fmt::format("Fetching {}/v1/models ...", st.base_url));
    st.models = fetchModels(st.base_url, st.key.key);
    st.models_loaded = st.models.kind == ModelsResult::Kind::Ok;
  }
  std::vector<std::string> notes;
  switch (st.models.kind) {
  case ModelsResult::Kind::Ok:
    if (st.models.models.empty()) {
      notes = {"! The gateway lists no models for this key: check the providers in its config.json,",
               "  or type a model name (e.g. azure/claude-sonnet-4-6)."};
    }
    break;
  case ModelsResult::Kind::KeyRejected:
    notes = {"! Key rejected. " + st.models.message + " Press Esc and v to change it, or type a model name."};
    break;
  case ModelsResult::Kind::Unreachable:
    notes = {"! Gateway unreachable. " + st.models.message, "  Type a model name, or press Esc."};
    break;
  case ModelsResult::Kind::Failed:
    notes = {"! " + st.models.message, "  Type a model name."};
    break;
  }
  std::vector<ListItem> items;
  ListOptions lo;
  lo.filter = true;
  lo.free_text = true;
  for (std::size_t i = 0; i < st.models.models.size(); ++i) {
    items.push_back({st.models.models[i], ""});
    if (st.models.models[i] == st.model) {
      lo.initial = static_cast<int>(i);
    }
  }
  auto ans =
      pickFromList(term, header(st, "model"), "Model (type to filter; any name can be typed):", items, lo, notes);
  if (ans.nav == Nav::Quit) {
    return Next::Quit;
  }
  if (ans.nav == Nav::Back) {
    return Next::Back;
  }
  st.model = ans.text;
  return Next::Continue;
}

void save(const State& st) {
  CliConfig c{st.base_url, st.harness != nullptr ? std::string(st.harness->key) : "", st.model};
  (void)saveCliConfig(st.config_dir, c);
}

void launch(Terminal& term, State& st) {
  save(st);
  Choice choice{st.base_url, st.key.key, st.harness->id, st.model, st.opts.agent_args};
  term.suspend();
  std::printf("Starting %s (%s) through %s\n", std::string(st.harness->name).c_str(), st.model.c_str(),
              st.base_url.c_str());
  std::fflush(stdout);
  auto run = runAgent(choice, !st.opts.no_mcp);
  term.resume();
  st.status = run.messages;
  if (run.exit_code >= 0) {
    st.status.push_back(
        fmt::format("{} exited with code {} (session {}).", st.harness->name, run.exit_code, ++st.sessions));
  }
}

void writeSettings(Terminal& term, State& st) {
  std::vector<ListItem> items = {
      {"User settings", claudeSettingsPath(SettingsScope::User)},
      {"Project settings", claudeSettingsPath(SettingsScope::Project)},
  };
  auto ans = pickFromList(term, header(st, "settings.json"),
                          "Write the gateway's env block into Claude Code's settings.json:", items, {},
                          {"Other settings in the file are kept; the file is written atomically with mode 0600.",
                           "It holds the virtual key in ANTHROPIC_AUTH_TOKEN when one is set."});
  if (ans.nav != Nav::Ok) {
    return;
  }
  auto r = writeClaudeSettings(ans.index == 0 ? SettingsScope::User : SettingsScope::Project, st.base_url, st.key.key,
                               st.model);
  st.status = {r ? "Wrote the env block to " + r.value() : "! " + r.error().message};
}

// The summary screen; returns when the user quits.
int summary(Terminal& term, State& st) {
  for (;;) {
    auto lines = header(st, "ready");
    for (const auto& s : st.status) {
      lines.push_back(s);
    }
    if (!st.status.empty()) {
      lines.emplace_back("");
    }
    lines.emplace_back("Enter: launch   m: model   h: harness   v: key   u: URL   s: write settings.json   q: quit");
    term.draw(lines);
    Key k = term.readKey();
    if (k.type == Key::Type::Enter) {
      launch(term, st);
      continue;
    }
    if (k.type == Key::Type::CtrlC || k.type == Key::Type::CtrlD) {
      break;
    }
    if (k.type != Key::Type::Char) {
      continue;
    }
    st.status.clear();
    if (k.text == "q") {
      break;
    }
    if (k.text == "m") {
      if (stepModel(term, st) == Next::Quit) {
        break;
      }
    } else if (k.text == "h") {
      if (stepHarness(term, st) == Next::Quit) {
        break;
      }
    } else if (k.text == "v") {
      if (stepKey(term, st) == Next::Quit) {
        break;
      }
    } else if (k.text == "u") {
      if (stepUrl(term, st) == Next::Quit) {
        break;
      }
    } else if (k.text == "s") {
      writeSettings(term, st);
    }
  }
  save(st);
  return 0;
}

} // namespace

int runInteractive(const LaunchOptions& opts, CliConfig saved) {
  State st;
  st.opts = opts;
  st.config_dir = heimdallConfigDir();
  st.base_url = normalizeBaseUrl(!opts.base_url.empty() ? opts.base_url : saved.base_url);
  st.harness = findHarness(!opts.harness.empty() ? opts.harness : saved.harness);
  st.model = !opts.model.empty() ? opts.model : saved.model;
  st.keyring_ok = Keyring::available(&st.keyring_why);

  Terminal term;
  if (!st.base_url.empty()) {
    st.key = resolveKey(st.base_url);
  }
  using Step = Next (*)(Terminal&, State&);
  const Step steps[] = {stepUrl, stepKey, stepHarness, stepModel};
  int i = 0;
  while (i < 4) {
    Next n = steps[i](term, st);
    if (n == Next::Quit) {
      return 0;
    }
    if (n == Next::Back) {
      i = std::max(0, i - 1);
      continue;
    }
    ++i;
  }
  return summary(term, st);
}

} // namespace hd::cli
