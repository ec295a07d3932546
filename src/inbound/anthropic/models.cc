#include "inbound/anthropic/models.h"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <charconv>
#include <set>

#include "inbound/anthropic/errors.h"

namespace hd::inbound::anthropic {

namespace asio = boost::asio;
namespace js = boost::json;

std::vector<CatalogEntry> modelCatalog(const config::Config& cfg) {
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& [name, p] : cfg.providers) {
    for (const auto& k : p.keys) {
      if (!k.enabled) {
        continue;
      }
      for (const auto& m : k.models.names) {
        if (!k.blacklisted_models.allows(m)) {
          seen.emplace(name, m);
        }
      }
      if (!k.models.empty()) {
        for (const auto& [alias, target] : k.aliases) {
          if (!k.blacklisted_models.allows(alias)) {
            seen.emplace(name, alias);
          }
        }
      }
    }
  }
  std::vector<CatalogEntry> out;
  out.reserve(seen.size());
  for (const auto& [p, m] : seen) {
    out.push_back({p + "/" + m, p, m});
  }
  return out;
}

namespace {

// The catalogue as this request may see it: a virtual key's allow-lists hide what it may not use.
std::vector<CatalogEntry> visibleCatalog(const config::Config& cfg, const http::ServerExchange& ex) {
  auto catalog = modelCatalog(cfg);
  const auto& guard = ex.scope().attempt_guard;
  if (guard) {
    std::erase_if(catalog, [&](const CatalogEntry& e) { return guard(e.provider, e.model).has_value(); });
  }
  return catalog;
}

struct Query {
  std::map<std::string, std::string> params;
};

Query parseQuery(std::string_view target) {
  Query out;
  auto parsed = boost::urls::parse_origin_form(target);
  if (parsed) {
    for (auto p : parsed->params()) {
      out.params[p.key] = p.value;
    }
  }
  return out;
}

} // namespace

asio::awaitable<void> handleAnthropicModels(const Context& ctx, http::ServerExchange& ex) {
  auto cfg = ctx.config->get();
  auto catalog = visibleCatalog(*cfg, ex);
  auto q = parseQuery(ex.request().target());
  std::size_t limit = 20;
  if (auto it = q.params.find("limit"); it != q.params.end()) {
    unsigned v = 0;
    auto [p, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
    if (ec != std::errc() || p != it->second.data() + it->second.size() || v < 1 || v > 1000) {
      std::string body = errorBody(
          Error::invalidRequest(fmt::format("limit: expected an integer from 1 to 1000, got \"{}\"", it->second)));
      co_await ex.sendJson(400, body);
      co_return;
    }
    limit = v;
  }
  std::size_t begin = 0;
  std::size_t end = catalog.size();
  auto find = [&](const std::string& id) -> std::optional<std::size_t> {
    for (std::size_t i = 0; i < catalog.size(); ++i) {
      if (catalog[i].id == id) {
        return i;
      }
    }
    return std::nullopt;
  };
  if (auto it = q.params.find("after_id"); it != q.params.end()) {
    auto i = find(it->second);
    if (!i) {
      std::string body = errorBody(Error::invalidRequest(fmt::format("after_id: unknown model \"{}\"", it->second)));
      co_await ex.sendJson(400, body);
      co_return;
    }
    begin = *i + 1;
  }
  bool backwards = false;
  if (auto it = q.params.find("before_id"); it != q.params.end()) {
    auto i = find(it->second);
    if (!i) {
      std::string body = errorBody(Error::invalidRequest(fmt::format("before_id: unknown model \"{}\"", it->second)));
      co_await ex.sendJson(400, body);
      co_return;
    }
    end = *i;
    backwards = true;
  }
  if (begin > end) {
    begin = end;
  }
  std::size_t count = std::min(limit, end - begin);
  std::size_t first = backwards ? end - count : begin;
  bool has_more = backwards ? first > begin : first + count < end;
  js::array data;
  for (std::size_t i = first; i < first + count; ++i) {
    js::object m;
    m["type"] = "model";
    m["id"] = catalog[i].id;
    m["display_name"] = fmt::format("{} ({})", catalog[i].model, catalog[i].provider);
    m["created_at"] = "1970-01-01T00:00:00Z";
    data.push_back(std::move(m));
  }
  js::object res;
  res["data"] = std::move(data);
  res["has_more"] = has_more;
  res["first_id"] = count > 0 ? js::value(catalog[first].id) : js::value(nullptr);
  res["last_id"] = count > 0 ? js::value(catalog[first + count - 1].id) : js::value(nullptr);
  std::string body = js::serialize(res);
  co_await ex.sendJson(200, body);
}

asio::awaitable<void> handleOpenAIModels(const Context& ctx, http::ServerExchange& ex) {
  auto cfg = ctx.config->get();
  js::array data;
  for (const auto& e : visibleCatalog(*cfg, ex)) {
    js::object m;
    m["id"] = e.id;
    m["object"] = "model";
    m["created"] = 0;
    m["owned_by"] = e.provider;
    data.push_back(std::move(m));
  }
  js::object res;
  res["object"] = "list";
  res["data"] = std::move(data);
  std::string body = js::serialize(res);
  co_await ex.sendJson(200, body);
}

} // namespace hd::inbound::anthropic
