#pragma once
// The MCP clients of the gateway: one Upstream per `mcp.client_configs[]` entry, all on a dedicated MCP
// thread with its own io_context and HTTP connection pool. Follows the live configuration (clients are
// added, replaced or removed when the snapshot changes) and publishes a Catalog — every upstream's
// tools, resources and prompts — that the /mcp server reads from its worker threads.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "config/snapshot.h"
#include "mcp/client/upstream.h"

namespace hd::mcp::client {

struct CatalogEntry {
  std::string client; // configured client name
  std::string name;   // the upstream's own name (tool, prompt) or URI (resource)
  js::object def;     // as the upstream describes it

  bool operator==(const CatalogEntry&) const = default;
};

struct Catalog {
  std::vector<CatalogEntry> tools;
  std::vector<CatalogEntry> resources;
  std::vector<CatalogEntry> resource_templates;
  std::vector<CatalogEntry> prompts;
  std::uint64_t generation = 0;
};

class Manager {
public:
  explicit Manager(const config::Snapshot& snapshot);
  ~Manager();
  Manager(const Manager&) = delete;
  Manager& operator=(const Manager&) = delete;

  void start();
  void stop();

  std::shared_ptr<const Catalog> catalog() const;

  // Sends `method` to the named client from any thread; the answer comes back on the caller's executor.
  asio::awaitable<Outcome> call(std::string client, std::string method, js::value params,
                                std::shared_ptr<CancelToken> cancel = nullptr);

  // Runs `fn` (on the MCP thread) whenever the catalog changes. Returns an id for unsubscribe().
  std::uint64_t subscribe(std::function<void(const Catalog&)> fn);
  void unsubscribe(std::uint64_t id);

  // Status of every client (for the management API), and a forced reconnect; from any thread.
  asio::awaitable<std::vector<UpstreamStatus>> statuses();
  asio::awaitable<bool> reconnect(std::string name);

private:
  void reconcile();
  asio::awaitable<void> watch();
  void rebuildCatalog();

  const config::Snapshot& snapshot_;
  asio::io_context ioc_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::unique_ptr<upstream::Pool> pool_;
  std::thread thread_;
  std::promise<void> done_;
  asio::steady_timer watch_timer_;
  config::ConfigPtr seen_;
  std::map<std::string, std::shared_ptr<Upstream>> clients_; // MCP thread only
  std::map<std::string, std::string> fingerprints_;

  mutable std::mutex mu_;
  std::shared_ptr<const Catalog> catalog_ = std::make_shared<const Catalog>();
  std::map<std::uint64_t, std::function<void(const Catalog&)>> listeners_;
  std::uint64_t next_listener_ = 1;
  bool stopped_ = false;
};

} // namespace hd::mcp::client
