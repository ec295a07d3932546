#include "cli/settings_merge.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "core/json_util.h"

namespace hd::cli {

namespace js = boost::json;

std::vector<std::pair<std::string, std::string>> claudeSettingsEnv(const std::string& base_url, const std::string& key,
                                                                   const std::string& model) {
  std::vector<std::pair<std::string, std::string>> env;
  env.emplace_back("ANTHROPIC_BASE_URL", base_url + "/anthropic");
  if (!key.empty()) {
    env.emplace_back("ANTHROPIC_AUTH_TOKEN", key);
  }
  env.emplace_back("ANTHROPIC_DEFAULT_HAIKU_MODEL", model);
  env.emplace_back("ANTHROPIC_DEFAULT_SONNET_MODEL", model);
  env.emplace_back("ANTHROPIC_DEFAULT_OPUS_MODEL", model);
  return env;
}

Result<std::string> mergeClaudeSettings(std::string_view existing,
                                        const std::vector<std::pair<std::string, std::string>>& env,
                                        std::string_view file) {
  js::value root = js::object();
  bool blank = existing.find_first_not_of(" \t\r\n") == std::string_view::npos;
  if (!blank) {
    auto parsed = json::parse(existing);
    if (!parsed) {
      return Error::invalidRequest(
          fmt::format("{}: not valid JSON ({}); left unchanged", file, parsed.error().message));
    }
    if (!parsed->is_object()) {
      return Error::invalidRequest(fmt::format("{}: expected a JSON object; left unchanged", file));
    }
    root = std::move(parsed.value());
  }
  auto& obj = root.get_object();
  auto it = obj.find("env");
  if (it == obj.end()) {
    obj["env"] = js::object();
  } else if (!it->value().is_object()) {
    return Error::invalidRequest(fmt::format("{}: env: expected an object; left unchanged", file));
  }
  auto& env_obj = obj["env"].get_object();
  env_obj.erase("ANTHROPIC_MODEL");
  for (const auto& [k, v] : env) {
    env_obj[k] = v;
  }
  return prettyJson(root);
}

namespace {

void pretty(const js::value& v, std::string& out, int indent) {
  auto pad = [&](int n) { out.append(static_cast<std::size_t>(n) * 2, ' '); };
  if (v.is_object()) {
    const auto& o = v.get_object();
    if (o.empty()) {
      out += "{}";
      return;
    }
    out += "{\n";
    bool first = true;
    for (const auto& kv : o) {
      if (!first) {
        out += ",\n";
      }
      first = false;
      pad(indent + 1);
      out += json::quote(kv.key());
      out += ": ";
      pretty(kv.value(), out, indent + 1);
    }
    out += "\n";
    pad(indent);
    out += "}";
  } else if (v.is_array()) {
    const auto& a = v.get_array();
    if (a.empty()) {
      out += "[]";
      return;
    }
    out += "[\n";
    bool first = true;
    for (const auto& e : a) {
      if (!first) {
        out += ",\n";
      }
      first = false;
      pad(indent + 1);
      pretty(e, out, indent + 1);
    }
    out += "\n";
    pad(indent);
    out += "]";
  } else {
    out += js::serialize(v);
  }
}

} // namespace

std::string prettyJson(const js::value& v) {
  std::string out;
  pretty(v, out, 0);
  out += "\n";
  return out;
}

} // namespace hd::cli
