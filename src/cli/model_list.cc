#include "cli/model_list.h"

#include <boost/json.hpp>
#include <set>

#include "core/json_util.h"

namespace hd::cli {

namespace js = boost::json;

Result<std::vector<std::string>> parseModelList(std::string_view body) {
  auto parsed = json::parse(body);
  if (!parsed) {
    return Error::badGateway("the model list is not valid JSON");
  }
  const auto* root = parsed->if_object();
  if (root == nullptr) {
    return Error::badGateway("the model list is not a JSON object");
  }
  const auto* data = root->if_contains("data");
  if (data == nullptr || !data->is_array()) {
    return Error::badGateway("the model list has no \"data\" array");
  }
  std::vector<std::string> out;
  std::set<std::string, std::less<>> seen;
  for (const auto& entry : data->get_array()) {
    const auto* obj = entry.if_object();
    if (obj == nullptr) {
      continue;
    }
    auto id = json::getString(*obj, "id");
    if (!id || id->empty() || seen.count(*id) != 0) {
      continue;
    }
    seen.emplace(*id);
    out.emplace_back(*id);
  }
  return out;
}

namespace {

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool containsNoCase(std::string_view hay, std::string_view needle) {
  if (needle.size() > hay.size()) {
    return false;
  }
  for (std::size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    std::size_t j = 0;
    while (j < needle.size() && lower(hay[i + j]) == lower(needle[j])) {
      ++j;
    }
    if (j == needle.size()) {
      return true;
    }
  }
  return false;
}

} // namespace

bool filterMatches(std::string_view candidate, std::string_view query) {
  std::size_t i = 0;
  while (i < query.size()) {
    while (i < query.size() && (query[i] == ' ' || query[i] == '\t')) {
      ++i;
    }
    std::size_t j = i;
    while (j < query.size() && query[j] != ' ' && query[j] != '\t') {
      ++j;
    }
    if (j > i && !containsNoCase(candidate, query.substr(i, j - i))) {
      return false;
    }
    i = j;
  }
  return true;
}

std::vector<std::string> filterModels(const std::vector<std::string>& all, std::string_view query) {
  std::vector<std::string> out;
  for (const auto& m : all) {
    if (filterMatches(m, query)) {
      out.push_back(m);
    }
  }
  return out;
}

} // namespace hd::cli
