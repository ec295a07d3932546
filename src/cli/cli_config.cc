#include "cli/cli_config.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "cli/files.h"
#include "cli/settings_merge.h"
#include "core/json_util.h"

namespace hd::cli {

namespace js = boost::json;

Result<CliConfig> parseCliConfig(std::string_view text) {
  auto parsed = json::parse(text);
  if (!parsed) {
    return Error::invalidRequest(fmt::format("cli.json: not valid JSON ({})", parsed.error().message));
  }
  const auto* obj = parsed->if_object();
  if (obj == nullptr) {
    return Error::invalidRequest("cli.json: expected a JSON object");
  }
  CliConfig c;
  for (auto [name, field] :
       {std::pair{"base_url", &c.base_url}, std::pair{"harness", &c.harness}, std::pair{"model", &c.model}}) {
    const auto* v = obj->if_contains(name);
    if (v == nullptr || v->is_null()) {
      continue;
    }
    if (!v->is_string()) {
      return Error::invalidRequest(fmt::format("cli.json: {}: expected a string", name));
    }
    *field = std::string(v->get_string());
  }
  return c;
}

std::string renderCliConfig(const CliConfig& c) {
  js::object o;
  o["base_url"] = c.base_url;
  o["harness"] = c.harness;
  o["model"] = c.model;
  return prettyJson(o);
}

Result<CliConfig> loadCliConfig(const std::string& dir) {
  auto text = readFileIfExists(dir + "/cli.json");
  if (!text) {
    return text.error();
  }
  if (!text->has_value()) {
    return CliConfig{};
  }
  auto c = parseCliConfig(**text);
  if (!c) {
    return Error::invalidRequest(fmt::format("{}/{}", dir, c.error().message));
  }
  return c;
}

Result<bool> saveCliConfig(const std::string& dir, const CliConfig& c) {
  return writeFileAtomic(dir + "/cli.json", renderCliConfig(c), 0600);
}

} // namespace hd::cli
