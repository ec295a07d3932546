#include "control/entities.h"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <map>
#include <set>

#include "secrets/crypto.h"

namespace hd::control {

namespace js = boost::json;

namespace {

store::Entity make(std::string kind, std::string id, std::string parent, const js::object& body) {
  store::Entity e;
  e.kind = std::move(kind);
  e.id = std::move(id);
  e.parent = std::move(parent);
  e.body = js::serialize(body);
  e.file_hash = secrets::sha256Hex(e.body);
  return e;
}

std::string keyName(const store::Entity& e) {
  auto v = js::parse(e.body);
  if (v.is_object()) {
    if (const auto* n = v.get_object().if_contains("name"); n != nullptr && n->is_string()) {
      return std::string(n->get_string());
    }
  }
  return e.id;
}

} // namespace

std::string describe(const store::Entity& e) {
  if (e.kind == "provider") {
    return "providers." + e.id;
  }
  if (e.kind == "key") {
    return fmt::format("providers.{}.keys[{}]", e.parent, keyName(e));
  }
  if (auto c = config::collectionOfKind(e.kind); !c.empty()) {
    return fmt::format("governance.{}[{}]", c, e.id);
  }
  if (e.kind == "mcp_client") {
    return fmt::format("mcp.client_configs[{}]", e.id);
  }
  return e.kind == "client" ? "client" : fmt::format("{} {}", e.kind, e.id);
}

std::vector<store::Entity> toEntities(const config::Document& doc) {
  std::vector<store::Entity> out;
  for (const auto& [name, settings] : doc.providers) {
    out.push_back(make("provider", name, "", settings));
  }
  for (const auto& k : doc.keys) {
    out.push_back(make("key", k.id, k.provider, k.body));
  }
  if (doc.client) {
    out.push_back(make("client", "client", "", *doc.client));
  }
  for (const auto& c : doc.mcp_clients) {
    out.push_back(make("mcp_client", config::Document::mcpClientId(c), "", c));
  }
  for (const auto& [name, items] : doc.collections) {
    for (const auto& item : items) {
      const auto* id = item.if_contains("id");
      out.push_back(make(config::collectionKind(name),
                         id != nullptr && id->is_string() ? std::string(id->get_string()) : "", "", item));
    }
  }
  return out;
}

config::Document fromEntities(const std::vector<store::Entity>& rows, const js::object& base) {
  config::Document d;
  d.base = base;
  for (const auto& e : rows) {
    js::value v = js::parse(e.body);
    js::object o = v.is_object() ? std::move(v.get_object()) : js::object();
    if (e.kind == "provider") {
      d.providers[e.id] = std::move(o);
    } else if (e.kind == "key") {
      d.keys.push_back(config::KeyDoc{e.id, e.parent, std::move(o)});
    } else if (e.kind == "client") {
      d.client = std::move(o);
    } else if (e.kind == "mcp_client") {
      d.mcp_clients.push_back(std::move(o));
    } else if (auto c = config::collectionOfKind(e.kind); !c.empty()) {
      d.collections[c].push_back(std::move(o));
    }
  }
  // Keys of providers that no longer exist are dropped (they cannot be served).
  std::erase_if(d.keys, [&](const config::KeyDoc& k) { return !d.providers.contains(k.provider); });
  return d;
}

Plan reconcile(const config::Document& file, const std::vector<store::Entity>& stored) {
  Plan plan;
  std::map<std::pair<std::string, std::string>, const store::Entity*> by_id;
  std::map<std::pair<std::string, std::string>, const store::Entity*> key_by_name; // (provider, name)
  for (const auto& s : stored) {
    by_id[{s.kind, s.id}] = &s;
    if (s.kind == "key") {
      key_by_name[{s.parent, keyName(s)}] = &s;
    }
  }
  std::set<std::pair<std::string, std::string>> matched;
  for (auto& f : toEntities(file)) {
    const store::Entity* s = nullptr;
    if (auto it = by_id.find({f.kind, f.id}); it != by_id.end()) {
      s = it->second;
    } else if (f.kind == "key") {
      if (auto kt = key_by_name.find({f.parent, keyName(f)}); kt != key_by_name.end()) {
        s = kt->second;
      }
    }
    if (s == nullptr) {
      plan.log.push_back({false, fmt::format("config.json: {} added to the config store", describe(f))});
      plan.upserts.push_back(std::move(f));
      continue;
    }
    matched.insert({s->kind, s->id});
    if (s->file_hash == f.file_hash && s->id == f.id) {
      if (s->api_edited) {
        plan.log.push_back({false, fmt::format("config.json: {} unchanged in the file; keeping the version edited "
                                               "through the API",
                                               describe(*s))});
      }
      continue;
    }
    if (s->api_edited || s->file_hash.empty()) {
      plan.log.push_back({true, fmt::format("config.json: {} changed in the file; it replaces the version edited "
                                            "through the API",
                                            describe(f))});
    } else {
      plan.log.push_back({false, fmt::format("config.json: {} changed; updated in the config store", describe(f))});
    }
    if (s->id != f.id) {
      plan.deletes.push_back({s->kind, s->id});
    }
    plan.upserts.push_back(std::move(f));
  }
  std::set<std::string> removed_providers;
  for (const auto& s : stored) {
    if (s.file_hash.empty() || matched.contains({s.kind, s.id})) {
      continue;
    }
    plan.log.push_back(
        {true, fmt::format("config.json: {} was removed from the file; deleted from the config store", describe(s))});
    plan.deletes.push_back({s.kind, s.id});
    if (s.kind == "provider") {
      removed_providers.insert(s.id);
    }
  }
  for (const auto& s : stored) {
    if (s.kind == "key" && removed_providers.contains(s.parent) && s.file_hash.empty()) {
      plan.log.push_back({true, fmt::format("config.json: {} deleted with its provider", describe(s))});
      plan.deletes.push_back({s.kind, s.id});
    }
  }
  return plan;
}

} // namespace hd::control
