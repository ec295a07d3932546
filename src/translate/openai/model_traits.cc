#include "translate/openai/model_traits.h"

#include <string>

namespace hd::translate::openai {
namespace {

std::string normalize(std::string_view model) {
  if (auto slash = model.rfind('/'); slash != std::string_view::npos) {
    model.remove_prefix(slash + 1);
  }
  std::string out(model);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return out;
}

bool startsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// "o3" matches "o3", "o3-mini", "o3.1" but not "o30".
bool isFamily(std::string_view name, std::string_view family) {
  if (!startsWith(name, family)) {
    return false;
  }
  if (name.size() == family.size()) {
    return true;
  }
  char next = name[family.size()];
  return next == '-' || next == '.' || next == '_';
}

} // namespace

bool isReasoningModel(std::string_view model) {
  std::string name = normalize(model);
  return isFamily(name, "o1") || isFamily(name, "o3") || isFamily(name, "o4") || startsWith(name, "gpt-5");
}

std::int64_t defaultMaxOutputTokens(std::string_view model) {
  std::string name = normalize(model);
  if (startsWith(name, "gpt-5")) {
    return name.find("-chat") != std::string::npos ? 16384 : 128000;
  }
  if (startsWith(name, "gpt-4.1")) {
    return 32768;
  }
  if (startsWith(name, "gpt-4o")) {
    return 16384;
  }
  if (startsWith(name, "gpt-3.5-turbo") || startsWith(name, "gpt-35-turbo")) {
    return 4096;
  }
  if (isFamily(name, "o1-mini")) {
    return 65536;
  }
  if (isFamily(name, "o1-preview")) {
    return 32768;
  }
  if (isFamily(name, "o1") || isFamily(name, "o3") || isFamily(name, "o4")) {
    return 100000;
  }
  return 0;
}

} // namespace hd::translate::openai
