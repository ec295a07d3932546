#include "mcp/client/manager.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/thread_name.h"
#include "upstream/client.h"

namespace hd::mcp::client {

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::chrono::milliseconds kWatchInterval{500};

// Everything that, when it changes, needs a new connection.
std::string fingerprint(const config::McpClientConfig& c, const config::McpSettings& s) {
  std::string f = fmt::format("{}|{}|{}|{}|{}|{}|{}|{}", c.client_id, c.name, config::toString(c.connection_type),
                              c.connection_string, c.command, fmt::join(c.args, "\x1f"), fmt::join(c.envs, "\x1f"),
                              c.tool_sync_interval.count());
  for (const auto& [k, v] : c.headers) {
    f += "|" + k + "=" + v;
  }
  f += fmt::format("|{}|{}", s.tool_execution_timeout.count(), s.tool_sync_interval.count());
  return f;
}

} // namespace

Manager::Manager(const config::Snapshot& snapshot)
    : snapshot_(snapshot), work_(asio::make_work_guard(ioc_)),
      pool_(std::make_unique<upstream::Pool>(ioc_.get_executor())), watch_timer_(ioc_) {}

Manager::~Manager() {
  stop();
}

void Manager::start() {
  asio::co_spawn(ioc_, watch(), asio::detached);
  thread_ = std::thread([this] {
    nameThisThread("hd-mcp-clients");
    try {
      ioc_.run();
    } catch (const std::exception& e) {
      spdlog::error("mcp: the MCP thread stopped: {}", e.what());
    }
    done_.set_value();
  });
}

void Manager::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopped_) {
      return;
    }
    stopped_ = true;
  }
  if (thread_.joinable()) {
    // Stop every client and let the MCP thread run out of work (so no coroutine outlives the pool);
    // if something still runs after a few seconds, stop the loop anyway.
    asio::post(ioc_, [this] {
      watch_timer_.cancel();
      for (auto& [name, c] : clients_) {
        c->stop();
      }
      clients_.clear();
      work_.reset();
    });
    if (done_.get_future().wait_for(std::chrono::seconds(3)) != std::future_status::ready) {
      spdlog::warn("mcp: MCP clients did not stop within 3 s");
      ioc_.stop();
    }
    thread_.join();
  }
  clients_.clear();
  std::lock_guard lock(mu_);
  listeners_.clear();
}

std::shared_ptr<const Catalog> Manager::catalog() const {
  std::lock_guard lock(mu_);
  return catalog_;
}

std::uint64_t Manager::subscribe(std::function<void(const Catalog&)> fn) {
  std::lock_guard lock(mu_);
  auto id = next_listener_++;
  listeners_.emplace(id, std::move(fn));
  return id;
}

void Manager::unsubscribe(std::uint64_t id) {
  std::lock_guard lock(mu_);
  listeners_.erase(id);
}

asio::awaitable<void> Manager::watch() {
  while (true) {
    reconcile();
    watch_timer_.expires_after(kWatchInterval);
    auto [ec] = co_await watch_timer_.async_wait(kTuple);
    if (ec) {
      co_return;
    }
  }
}

void Manager::reconcile() {
  auto cfg = snapshot_.get();
  if (cfg == seen_) {
    return;
  }
  seen_ = cfg;
  const auto& settings = cfg->mcp;
  bool changed = false;
  std::map<std::string, std::string> wanted;
  for (const auto& c : settings.clients) {
    wanted.emplace(c.name, fingerprint(c, settings));
  }
  for (auto it = clients_.begin(); it != clients_.end();) {
    auto w = wanted.find(it->first);
    if (w == wanted.end() || w->second != fingerprints_[it->first]) {
      spdlog::info("mcp: client \"{}\" {}", it->first, w == wanted.end() ? "removed" : "changed, reconnecting");
      it->second->stop();
      fingerprints_.erase(it->first);
      it = clients_.erase(it);
      changed = true;
    } else {
      ++it;
    }
  }
  for (const auto& c : settings.clients) {
    if (clients_.contains(c.name)) {
      continue;
    }
    auto up = std::make_shared<Upstream>(ioc_.get_executor(), *pool_, c, settings, [this] { rebuildCatalog(); });
    clients_.emplace(c.name, up);
    fingerprints_[c.name] = wanted[c.name];
    up->start();
    changed = true;
  }
  if (changed) {
    rebuildCatalog();
  }
}

void Manager::rebuildCatalog() {
  auto next = std::make_shared<Catalog>();
  for (const auto& entry : clients_) {
    const std::string& name = entry.first;
    const auto& lists = entry.second->lists();
    auto add = [&](std::vector<CatalogEntry>& out, const std::vector<js::object>& items, std::string_view key) {
      for (const auto& item : items) {
        const auto* n = item.if_contains(key);
        if (n != nullptr && n->is_string()) {
          out.push_back(CatalogEntry{name, std::string(n->get_string()), item});
        }
      }
    };
    add(next->tools, lists.tools, "name");
    add(next->resources, lists.resources, "uri");
    add(next->resource_templates, lists.resource_templates, "uriTemplate");
    add(next->prompts, lists.prompts, "name");
  }
  std::vector<std::function<void(const Catalog&)>> listeners;
  {
    std::lock_guard lock(mu_);
    if (catalog_->generation > 0 && next->tools == catalog_->tools && next->resources == catalog_->resources &&
        next->resource_templates == catalog_->resource_templates && next->prompts == catalog_->prompts) {
      return; // nothing a client could see changed
    }
    next->generation = catalog_->generation + 1;
    catalog_ = next;
    for (const auto& [id, fn] : listeners_) {
      listeners.push_back(fn);
    }
  }
  for (const auto& fn : listeners) {
    fn(*next);
  }
}

asio::awaitable<Outcome> Manager::call(std::string client, std::string method, js::value params,
                                       std::shared_ptr<CancelToken> cancel) {
  auto task = [this, client = std::move(client), method = std::move(method), params = std::move(params),
               cancel = std::move(cancel)]() mutable -> asio::awaitable<Outcome> {
    auto it = clients_.find(client);
    if (it == clients_.end()) {
      Outcome o;
      o.message = fmt::format("MCP client \"{}\" is not configured", client);
      co_return o;
    }
    auto up = it->second;
    auto timeout = seen_ ? seen_->mcp.tool_execution_timeout : std::chrono::milliseconds(30'000);
    co_return co_await up->request(std::move(method), std::move(params), timeout, cancel);
  };
  co_return co_await asio::co_spawn(ioc_, std::move(task), asio::use_awaitable);
}

asio::awaitable<std::vector<UpstreamStatus>> Manager::statuses() {
  auto task = [this]() -> asio::awaitable<std::vector<UpstreamStatus>> {
    std::vector<UpstreamStatus> out;
    for (const auto& [name, up] : clients_) {
      out.push_back(up->status());
    }
    co_return out;
  };
  co_return co_await asio::co_spawn(ioc_, std::move(task), asio::use_awaitable);
}

asio::awaitable<bool> Manager::reconnect(std::string name) {
  auto task = [this, name = std::move(name)]() -> asio::awaitable<bool> {
    auto it = clients_.find(name);
    if (it == clients_.end()) {
      co_return false;
    }
    it->second->reconnect();
    co_return true;
  };
  co_return co_await asio::co_spawn(ioc_, std::move(task), asio::use_awaitable);
}

} // namespace hd::mcp::client
