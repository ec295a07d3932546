#include "config/document.h"

#include <fmt/format.h>

#include <boost/json.hpp>

namespace hd::config {

namespace js = boost::json;

std::string defaultKeyId(std::string_view provider, std::string_view name) {
  return fmt::format("{}-{}", provider, name);
}

KeyDoc* Document::findKey(std::string_view id) {
  for (auto& k : keys) {
    if (k.id == id) {
      return &k;
    }
  }
  return nullptr;
}

const KeyDoc* Document::findKey(std::string_view id) const {
  return const_cast<Document*>(this)->findKey(id);
}

const KeyDoc* Document::findKeyByName(std::string_view provider, std::string_view name) const {
  for (const auto& k : keys) {
    const auto* n = k.body.if_contains("name");
    if (k.provider == provider && n != nullptr && n->is_string() && n->get_string() == name) {
      return &k;
    }
  }
  return nullptr;
}

int Document::keyIndex(std::string_view id) const {
  int i = 0;
  const KeyDoc* target = findKey(id);
  if (target == nullptr) {
    return -1;
  }
  for (const auto& k : keys) {
    if (&k == target) {
      return i;
    }
    if (k.provider == target->provider) {
      ++i;
    }
  }
  return -1;
}

std::string collectionKind(std::string_view collection) {
  std::string k(collection);
  if (!k.empty() && k.back() == 's') {
    k.pop_back();
  }
  return k;
}

std::string collectionOfKind(std::string_view kind) {
  for (const char* c : kCollections) {
    if (collectionKind(c) == kind) {
      return c;
    }
  }
  return "";
}

js::object* Document::findItem(std::string_view collection, std::string_view id) {
  auto it = collections.find(std::string(collection));
  if (it == collections.end()) {
    return nullptr;
  }
  for (auto& item : it->second) {
    const auto* v = item.if_contains("id");
    if (v != nullptr && v->is_string() && v->get_string() == id) {
      return &item;
    }
  }
  return nullptr;
}

std::string Document::mcpClientId(const js::object& body) {
  for (const char* k : {"client_id", "name"}) {
    if (const auto* v = body.if_contains(k); v != nullptr && v->is_string() && !v->get_string().empty()) {
      return std::string(v->get_string());
    }
  }
  return "";
}

js::object* Document::findMcpClient(std::string_view id) {
  for (auto& c : mcp_clients) {
    if (mcpClientId(c) == id) {
      return &c;
    }
  }
  return nullptr;
}

namespace {

// Items without an id get one from their name ("<kind>-<name>"), so the store can key them.
void splitGovernance(const js::object& gov, Document& d, js::object& rest) {
  for (const auto& kv : gov) {
    bool is_collection = false;
    for (const char* c : kCollections) {
      if (kv.key() == c && kv.value().is_array()) {
        is_collection = true;
        auto& items = d.collections[c];
        for (const auto& item : kv.value().get_array()) {
          js::object o = item.is_object() ? item.get_object() : js::object();
          const auto* id = o.if_contains("id");
          if (id == nullptr || !id->is_string() || id->get_string().empty()) {
            const auto* n = o.if_contains("name");
            o["id"] = fmt::format("{}-{}", collectionKind(c),
                                  n != nullptr && n->is_string() ? std::string_view(n->get_string()) : "");
          }
          items.push_back(std::move(o));
        }
      }
    }
    if (!is_collection) {
      rest.emplace(kv.key(), kv.value());
    }
  }
}

} // namespace

Document splitRoot(const js::object& root) {
  Document d;
  for (const auto& kv : root) {
    if (kv.key() == "governance" && kv.value().is_object()) {
      js::object rest;
      splitGovernance(kv.value().get_object(), d, rest);
      d.base["governance"] = std::move(rest);
      continue;
    }
    if (kv.key() == "providers" && kv.value().is_object()) {
      for (const auto& p : kv.value().get_object()) {
        std::string name(p.key());
        js::object settings = p.value().is_object() ? p.value().get_object() : js::object();
        if (const auto* keys = settings.if_contains("keys"); keys != nullptr && keys->is_array()) {
          for (const auto& k : keys->get_array()) {
            KeyDoc kd;
            kd.provider = name;
            kd.body = k.is_object() ? k.get_object() : js::object();
            const auto* id = kd.body.if_contains("id");
            const auto* kn = kd.body.if_contains("name");
            if (id != nullptr && id->is_string() && !id->get_string().empty()) {
              kd.id = std::string(id->get_string());
            } else {
              kd.id = defaultKeyId(name, kn != nullptr && kn->is_string() ? std::string_view(kn->get_string()) : "");
              kd.body["id"] = kd.id;
            }
            d.keys.push_back(std::move(kd));
          }
        }
        settings.erase("keys");
        d.providers.emplace(std::move(name), std::move(settings));
      }
    } else if (kv.key() == "client" && kv.value().is_object()) {
      d.client = kv.value().get_object();
    } else if (kv.key() == "mcp" && kv.value().is_object() && kv.value().get_object().contains("client_configs") &&
               kv.value().get_object().at("client_configs").is_array()) {
      js::object rest = kv.value().get_object();
      for (const auto& c : rest.at("client_configs").get_array()) {
        d.mcp_clients.push_back(c.is_object() ? c.get_object() : js::object());
      }
      rest.erase("client_configs");
      d.base["mcp"] = std::move(rest);
    } else {
      d.base.emplace(kv.key(), kv.value());
    }
  }
  return d;
}

js::object assemble(const Document& doc) {
  js::object root = doc.base;
  js::object providers;
  for (const auto& [name, settings] : doc.providers) {
    js::object p = settings;
    js::array keys;
    for (const auto& k : doc.keys) {
      if (k.provider == name) {
        keys.push_back(k.body);
      }
    }
    p["keys"] = std::move(keys);
    providers[name] = std::move(p);
  }
  root["providers"] = std::move(providers);
  if (doc.client) {
    root["client"] = *doc.client;
  }
  if (!doc.mcp_clients.empty()) {
    js::object mcp;
    if (const auto* m = root.if_contains("mcp"); m != nullptr && m->is_object()) {
      mcp = m->get_object();
    }
    js::array clients;
    for (const auto& c : doc.mcp_clients) {
      clients.push_back(c);
    }
    mcp["client_configs"] = std::move(clients);
    root["mcp"] = std::move(mcp);
  }
  if (!doc.collections.empty()) {
    js::object gov;
    if (const auto* g = root.if_contains("governance"); g != nullptr && g->is_object()) {
      gov = g->get_object();
    }
    for (const auto& [name, items] : doc.collections) {
      js::array a;
      for (const auto& item : items) {
        a.push_back(item);
      }
      gov[name] = std::move(a);
    }
    root["governance"] = std::move(gov);
  }
  return root;
}

} // namespace hd::config
