#include "web/assets.h"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <array>
#include <map>

#include "web/embedded.h"

namespace hd::web {

namespace {

std::string sha256Prefix(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md.data(), &len, EVP_sha256(), nullptr);
  std::string hex;
  for (unsigned int i = 0; i < len && i < 16; ++i) {
    hex += fmt::format("{:02x}", md[i]);
  }
  return hex;
}

const std::map<std::string_view, Asset>& table() {
  static const std::map<std::string_view, Asset> assets = [] {
    std::map<std::string_view, Asset> m;
    for (std::size_t i = 0; i < embedded::web_assets_count; ++i) {
      const auto& f = embedded::web_assets[i];
      Asset a;
      a.path = f.path;
      a.body = std::string_view(reinterpret_cast<const char*>(f.data), f.size);
      a.content_type = contentTypeFor(a.path);
      a.etag = "\"" + sha256Prefix(a.body) + "\"";
      m.emplace(a.path, std::move(a));
    }
    return m;
  }();
  return assets;
}

} // namespace

const Asset* findAsset(std::string_view path) {
  const auto& t = table();
  auto it = t.find(path);
  return it == t.end() ? nullptr : &it->second;
}

std::string_view contentTypeFor(std::string_view path) {
  static const std::array<std::pair<std::string_view, std::string_view>, 9> types{{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".json", "application/json"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".txt", "text/plain; charset=utf-8"},
  }};
  for (const auto& [ext, type] : types) {
    if (path.size() >= ext.size() && path.substr(path.size() - ext.size()) == ext) {
      return type;
    }
  }
  return "application/octet-stream";
}

bool etagMatches(std::string_view if_none_match, std::string_view etag) {
  std::size_t i = 0;
  while (i < if_none_match.size()) {
    auto j = if_none_match.find(',', i);
    if (j == std::string_view::npos) {
      j = if_none_match.size();
    }
    std::string_view tag = if_none_match.substr(i, j - i);
    while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t')) {
      tag.remove_prefix(1);
    }
    while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) {
      tag.remove_suffix(1);
    }
    if (tag.substr(0, 2) == "W/") {
      tag.remove_prefix(2);
    }
    if (tag == "*" || tag == etag) {
      return true;
    }
    i = j + 1;
  }
  return false;
}

} // namespace hd::web
