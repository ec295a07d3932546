#pragma once
// Converting between a config Document and config-store entities, and the reconciliation of
// config.json with what the store holds.
//
// Reconciliation rules (also in README "Config store"):
//  - every provider, key and the client block of config.json is an entity with a hash of its
//    JSON; a file entity missing from the store is added;
//  - a stored entity whose file hash is unchanged is kept as stored, so API edits survive restarts;
//  - a file entry that changed replaces the stored entity (logged as a conflict when the stored one
//    had been edited through the API); a key matches by id, else by provider and name;
//  - an entity that came from config.json and is no longer there is deleted (with its keys);
//  - entities created through the API are never touched by the file.

#include <string>
#include <vector>

#include "config/document.h"
#include "store/config_store.h"

namespace hd::control {

struct LogLine {
  bool warning = false;
  std::string text;
};

struct Plan {
  std::vector<store::Entity> upserts;
  std::vector<store::EntityRef> deletes;
  std::vector<LogLine> log;
  bool empty() const { return upserts.empty() && deletes.empty(); }
};

// Entities for a document, bodies in plain text, file_hash set to each body's hash.
std::vector<store::Entity> toEntities(const config::Document& doc);
// Rebuilds a document from stored entities (bodies already opened) on top of `base`.
config::Document fromEntities(const std::vector<store::Entity>& rows, const boost::json::object& base);

Plan reconcile(const config::Document& file, const std::vector<store::Entity>& stored);

// "providers.azure", "providers.azure.keys[azure-api-key]", "client": how logs name an entity.
std::string describe(const store::Entity& e);

} // namespace hd::control
