#include "config/config.h"

#include <algorithm>

namespace hd::config {

std::string toLower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool ModelList::allows(std::string_view model_lower) const {
  if (all) {
    return true;
  }
  return std::find(names.begin(), names.end(), model_lower) != names.end();
}

const Alias* Key::findAlias(std::string_view model_lower) const {
  auto it = aliases.find(std::string(model_lower));
  return it == aliases.end() ? nullptr : &it->second;
}

const Provider* Config::findProvider(std::string_view name) const {
  auto it = providers.find(std::string(name));
  return it == providers.end() ? nullptr : &it->second;
}

std::string_view toString(ProviderType t) {
  switch (t) {
  case ProviderType::Anthropic:
    return "anthropic";
  case ProviderType::Azure:
    return "azure";
  case ProviderType::OpenAI:
    return "openai";
  }
  return "unknown";
}

} // namespace hd::config
