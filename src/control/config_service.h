#pragma once
// The configuration service: owns config.json, the config store and the live snapshot.
//
// Start-up: read config.json (if any), open the store, check the encryption key, reconcile the
// file into the store (control/entities.h), assemble and validate, publish the snapshot.
// Changes: a management API call is a Mutation of the current Document; it runs on the store
// thread (so writes are serialised), is validated by the same loader as config.json, committed in
// one transaction, and published as a new immutable snapshot. Requests in flight keep the snapshot
// they started with. Other replicas sharing the store notice the version bump and reload.

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/value.hpp>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "config/bootstrap.h"
#include "config/document.h"
#include "config/loader.h"
#include "config/snapshot.h"
#include "control/entities.h"
#include "secrets/crypto.h"
#include "store/config_store.h"
#include "store/runner.h"

namespace hd::control {

struct ServiceOptions {
  std::string app_dir;
  std::optional<std::string> file; // config.json, when there is one
  config::EnvLookup env;
};

// What a management API call changed, and what to answer.
struct Edit {
  boost::json::value response;
  unsigned status = 200;
  std::vector<store::EntityRef> upserted; // entities whose bodies to write (taken from the document)
  std::vector<store::EntityRef> deleted;
  std::string focus; // JSON path of the edited entity in the assembled config ("providers.azure.keys[2]")
};

using Mutation = std::function<Result<Edit>(config::Document&)>;

class ConfigService {
public:
  static Result<std::unique_ptr<ConfigService>> open(ServiceOptions opts);
  ~ConfigService();

  config::Snapshot& snapshot() { return *snapshot_; }
  std::shared_ptr<const config::Document> document() const { return document_.load(); }
  const config::Bootstrap& bootstrap() const { return bootstrap_; }
  const std::optional<std::string>& filePath() const { return opts_.file; }
  const config::EnvLookup& env() const { return opts_.env; }
  bool writable() const { return store_ != nullptr; }
  // "sqlite /path/config.db", "postgres user@host:port/db" or "" without a store.
  std::string storeDescription() const { return store_ ? store_->describe() : std::string(); }
  std::string_view storeType() const { return store_ ? store_->type() : std::string_view(); }
  bool encrypted() const { return cipher_.has_value(); }
  store::Runner& runner() { return runner_; }
  // The store itself, for other services keeping data in it (only from the store thread).
  store::ConfigStore* store() { return store_.get(); }

  // Logs what start-up found (store, encryption, reconciliation); called once the server listens, so
  // a start-up failure stays a one-line error.
  void logStartup();

  // Applies a change on the store thread; the result is the Edit (with its response) or an Error
  // (400 naming the field, 404, 409, ...).
  boost::asio::awaitable<Result<Edit>> mutate(Mutation m);

  // Re-reads config.json and reconciles it (SIGHUP). Blocking; returns a summary for the log.
  Result<std::string> reloadFile();

  // Polls the store's version so changes made by other replicas are picked up.
  void watchStore(boost::asio::io_context& ioc, std::chrono::milliseconds interval);
  void stopWatching();

private:
  explicit ConfigService(ServiceOptions opts) : opts_(std::move(opts)) {}

  Result<Ok> start();
  Result<Ok> openStore();
  Result<Ok> setUpEncryption();
  // Loads every entity from the store, opens sealed fields, rebuilds and publishes. Store thread.
  Result<Ok> loadFromStore();
  Result<Ok> publish(config::Document doc);
  Result<config::Config> validate(const config::Document& doc, const std::string& focus) const;
  store::Entity seal(store::Entity e) const;
  Result<store::Entity> unseal(store::Entity e) const;
  Result<Ok> commit(std::vector<store::Entity> upserts, const std::vector<store::EntityRef>& deletes);
  Result<boost::json::object> readFile() const;
  void poll();

  ServiceOptions opts_;
  config::Bootstrap bootstrap_;
  boost::json::object file_base_; // config.json's parts that are not store entities
  std::unique_ptr<config::Snapshot> snapshot_;
  std::atomic<std::shared_ptr<const config::Document>> document_;
  std::unique_ptr<store::ConfigStore> store_;
  std::optional<secrets::Cipher> cipher_;
  // Store thread only: per entity, the file hash and API-edited flag last written.
  std::map<std::pair<std::string, std::string>, std::pair<std::string, bool>> origin_;
  std::int64_t version_ = -1;
  std::vector<LogLine> startup_log_;
  std::unique_ptr<boost::asio::steady_timer> poll_timer_;
  std::chrono::milliseconds poll_interval_{1000};
  std::atomic<bool> polling_{false};
  store::Runner runner_; // last member: joined first, before what its jobs touch is destroyed
};

} // namespace hd::control
