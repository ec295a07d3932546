#pragma once
// The runtime-editable parts of a configuration as Bifrost-shaped JSON: providers (without their
// keys), keys, and client settings. config.json is split into a Document; the config store holds
// one entity per part; a Document is assembled back into config.json's shape and validated by the
// loader, so the file and the API share one set of rules.

#include <boost/json/object.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hd::config {

struct KeyDoc {
  std::string id;
  std::string provider;
  boost::json::object body; // the key object as in config.json, including "id"
};

// Governance collections (config.json `governance.<collection>[]`), each item identified by "id".
// The entity kind of a collection is its name in the singular ("virtual_keys" -> "virtual_key").
inline constexpr const char* kCollections[] = {"budgets", "rate_limits", "customers", "teams", "virtual_keys"};
std::string collectionKind(std::string_view collection);
std::string collectionOfKind(std::string_view kind); // "" when `kind` is not a collection kind

struct Document {
  boost::json::object base;                             // everything else (governance settings, mcp, ...)
  std::map<std::string, boost::json::object> providers; // name -> settings without "keys"
  std::vector<KeyDoc> keys;                             // in order
  std::optional<boost::json::object> client;
  std::map<std::string, std::vector<boost::json::object>> collections; // name -> items
  std::vector<boost::json::object> mcp_clients; // config.json mcp.client_configs[] (entity kind "mcp_client")

  // An MCP client's entity id: its client_id, else its name.
  static std::string mcpClientId(const boost::json::object& body);
  boost::json::object* findMcpClient(std::string_view id);

  boost::json::object* findItem(std::string_view collection, std::string_view id);

  KeyDoc* findKey(std::string_view id);
  const KeyDoc* findKey(std::string_view id) const;
  const KeyDoc* findKeyByName(std::string_view provider, std::string_view name) const;
  // Index of a key among its provider's keys (for error paths), or -1.
  int keyIndex(std::string_view id) const;
};

// Splits a config.json root. Keys without an "id" get "<provider>-<name>".
Document splitRoot(const boost::json::object& root);
boost::json::object assemble(const Document& doc);

std::string defaultKeyId(std::string_view provider, std::string_view name);

} // namespace hd::config
