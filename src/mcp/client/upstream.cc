#include "mcp/client/upstream.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <utility>

namespace hd::mcp::client {

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr int kSessionGone = -404; // internal marker: the HTTP server ended our session
constexpr std::size_t kMaxPages = 100;

Outcome failure(Outcome::Status s, std::string message, int code = 0) {
  Outcome o;
  o.status = s;
  o.message = std::move(message);
  o.code = code;
  return o;
}

bool hasCapability(const js::object& caps, std::string_view name) {
  const auto* c = caps.if_contains(name);
  return c != nullptr && c->is_object();
}

} // namespace

const std::vector<std::string>& supportedProtocolVersions() {
  static const std::vector<std::string> v{"2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"};
  return v;
}

Upstream::Upstream(asio::any_io_executor ex, upstream::Pool& pool, config::McpClientConfig cfg,
                   const config::McpSettings& s, OnChange on_change)
    : ex_(std::move(ex)), pool_(pool), cfg_(std::move(cfg)), timeout_(s.tool_execution_timeout),
      sync_interval_(cfg_.tool_sync_interval.count() > 0 ? cfg_.tool_sync_interval : s.tool_sync_interval),
      on_change_(std::move(on_change)), wake_(ex_) {}

Upstream::~Upstream() {
  if (transport_) {
    transport_->close();
  }
}

void Upstream::start() {
  asio::co_spawn(ex_, run(shared_from_this()), asio::detached);
}

void Upstream::stop() {
  stopped_ = true;
  connected_ = false;
  if (transport_) {
    transport_->close();
  }
  failPending(fmt::format("MCP client \"{}\" was removed", cfg_.name));
  wake();
}

void Upstream::reconnect() {
  reconnect_now_ = true;
  wake();
}

void Upstream::wake() {
  wake_.cancel();
}

UpstreamStatus Upstream::status() const {
  UpstreamStatus s;
  s.name = cfg_.name;
  s.state = state_;
  s.error = error_;
  s.protocol_version = protocol_version_;
  s.server_info = server_info_;
  s.tools = lists_.tools.size();
  s.pid = transport_ ? transport_->pid() : 0;
  s.restarts = restarts_;
  return s;
}

asio::awaitable<void> Upstream::run(std::shared_ptr<Upstream> self) {
  std::chrono::milliseconds backoff{250};
  while (!stopped_) {
    state_ = "connecting";
    auto r = co_await connect();
    if (r && !stopped_) {
      backoff = std::chrono::milliseconds(250);
      state_ = "connected";
      error_.clear();
      spdlog::info("mcp: client \"{}\" connected (protocol {}, {} tools)", cfg_.name, protocol_version_,
                   lists_.tools.size());
      auto next_sync = std::chrono::steady_clock::now() + sync_interval_;
      while (!stopped_ && connected_ && !reconnect_now_) {
        if (dirty_tools_ || dirty_resources_ || dirty_prompts_) {
          co_await sync(std::exchange(dirty_tools_, false), std::exchange(dirty_resources_, false),
                        std::exchange(dirty_prompts_, false));
          continue;
        }
        if (std::chrono::steady_clock::now() >= next_sync) {
          co_await sync(true, true, true);
          next_sync = std::chrono::steady_clock::now() + sync_interval_;
          continue;
        }
        wake_.expires_at(next_sync);
        co_await wake_.async_wait(kTuple);
      }
    } else if (!r) {
      error_ = r.error().message;
      spdlog::warn("mcp: client \"{}\": {}", cfg_.name, error_);
    }
    connected_ = false;
    if (transport_) {
      transport_->close();
      transport_.reset();
    }
    failPending(error_.empty() ? fmt::format("MCP server \"{}\" disconnected", cfg_.name) : error_);
    if (stopped_) {
      break;
    }
    if (std::exchange(reconnect_now_, false)) {
      continue;
    }
    state_ = "error";
    ++restarts_;
    spdlog::info("mcp: client \"{}\": reconnecting in {} ms", cfg_.name, backoff.count());
    wake_.expires_after(backoff);
    co_await wake_.async_wait(kTuple);
    backoff = std::min(backoff * 2, std::chrono::milliseconds(30'000));
  }
  (void)self;
}

asio::awaitable<Result<Ok>> Upstream::connect() {
  switch (cfg_.connection_type) {
  case config::McpConnection::Stdio:
    transport_ = makeStdioTransport(ex_, cfg_);
    break;
  case config::McpConnection::Http:
    transport_ = makeHttpTransport(pool_, cfg_);
    break;
  case config::McpConnection::Sse:
    transport_ = makeSseTransport(pool_, cfg_);
    break;
  }
  std::weak_ptr<Upstream> weak = shared_from_this();
  transport_->setHandlers(
      [weak](rpc::Message m) {
        if (auto s = weak.lock()) {
          s->onMessage(std::move(m));
        }
      },
      [weak](const std::string& reason) {
        if (auto s = weak.lock()) {
          s->onClosed(reason);
        }
      });
  auto tr = transport_;
  auto opened = co_await tr->open(timeout_);
  if (!opened) {
    co_return opened.error();
  }
  connected_ = true;
  auto init = co_await initialize();
  if (!init) {
    co_return init.error();
  }
  co_await sync(true, true, true);
  if (!connected_) {
    co_return Error::badGateway(error_.empty() ? "disconnected during the first listing" : error_);
  }
  co_return Ok{};
}

asio::awaitable<Result<Ok>> Upstream::initialize() {
  js::object params;
  params["protocolVersion"] = supportedProtocolVersions().front();
  params["capabilities"] = js::object();
  params["clientInfo"] = {{"name", "heimdall"}, {"version", "1"}};
  auto o = co_await roundTrip("initialize", std::move(params), timeout_);
  if (!o.ok()) {
    co_return Error::badGateway(fmt::format("initialize failed: {}", o.message));
  }
  if (!o.result.is_object()) {
    co_return Error::badGateway("initialize answered without a result object");
  }
  const auto& res = o.result.get_object();
  std::string version;
  if (const auto* v = res.if_contains("protocolVersion"); v != nullptr && v->is_string()) {
    version = std::string(v->get_string());
  }
  const auto& supported = supportedProtocolVersions();
  if (std::find(supported.begin(), supported.end(), version) == supported.end()) {
    co_return Error::badGateway(fmt::format("the server speaks MCP protocol version \"{}\", which the gateway does "
                                            "not support",
                                            version));
  }
  protocol_version_ = version;
  capabilities_ = js::object();
  if (const auto* c = res.if_contains("capabilities"); c != nullptr && c->is_object()) {
    capabilities_ = c->get_object();
  }
  server_info_ = res.contains("serverInfo") ? res.at("serverInfo") : js::value();
  auto tr = transport_;
  tr->initialized(version);
  auto sent = co_await tr->send(rpc::notificationMessage("notifications/initialized", nullptr), timeout_);
  if (!sent) {
    co_return sent.error();
  }
  co_return Ok{};
}

asio::awaitable<Result<std::vector<js::object>>> Upstream::listAll(const std::string& method, const std::string& key) {
  std::vector<js::object> out;
  std::string cursor;
  for (std::size_t page = 0; page < kMaxPages; ++page) {
    js::object params;
    if (!cursor.empty()) {
      params["cursor"] = cursor;
    }
    auto o = co_await request(method, std::move(params), timeout_);
    if (!o.ok()) {
      co_return Error::badGateway(fmt::format("{} failed: {}", method, o.message));
    }
    if (!o.result.is_object()) {
      co_return Error::badGateway(fmt::format("{} answered without a result object", method));
    }
    const auto& res = o.result.get_object();
    if (const auto* items = res.if_contains(key); items != nullptr && items->is_array()) {
      for (const auto& item : items->get_array()) {
        if (item.is_object()) {
          out.push_back(item.get_object());
        }
      }
    }
    const auto* next = res.if_contains("nextCursor");
    if (next == nullptr || !next->is_string() || next->get_string().empty()) {
      co_return out;
    }
    cursor = std::string(next->get_string());
  }
  co_return out;
}

asio::awaitable<void> Upstream::sync(bool tools, bool resources, bool prompts) {
  bool changed = false;
  if (tools) {
    auto r = co_await listAll("tools/list", "tools");
    if (r) {
      std::vector<js::object> usable;
      for (auto& t : *r) {
        const auto* n = t.if_contains("name");
        if (n != nullptr && n->is_string() && !n->get_string().empty() &&
            n->get_string().find('/') == js::string::npos) {
          usable.push_back(std::move(t));
        }
      }
      if (usable != lists_.tools) {
        lists_.tools = std::move(usable);
        changed = true;
      }
    } else {
      spdlog::warn("mcp: client \"{}\": {}", cfg_.name, r.error().message);
      if (cfg_.connection_type != config::McpConnection::Stdio && connected_) {
        error_ = r.error().message;
        connected_ = false; // an HTTP server that stopped answering: connect again (with backoff)
        wake();
      }
    }
  }
  if (resources && hasCapability(capabilities_, "resources")) {
    auto r = co_await listAll("resources/list", "resources");
    if (r && *r != lists_.resources) {
      lists_.resources = std::move(*r);
      changed = true;
    }
    auto t = co_await listAll("resources/templates/list", "resourceTemplates");
    if (t && *t != lists_.resource_templates) {
      lists_.resource_templates = std::move(*t);
      changed = true;
    }
  }
  if (prompts && hasCapability(capabilities_, "prompts")) {
    auto r = co_await listAll("prompts/list", "prompts");
    if (r && *r != lists_.prompts) {
      lists_.prompts = std::move(*r);
      changed = true;
    }
  }
  if (changed && on_change_) {
    on_change_();
  }
}

asio::awaitable<Outcome> Upstream::request(std::string method, js::value params, std::chrono::milliseconds timeout,
                                           std::shared_ptr<CancelToken> cancel) {
  if (!connected_ || !transport_) {
    co_return failure(Outcome::Status::Unavailable, fmt::format("MCP server \"{}\" is not connected{}", cfg_.name,
                                                                error_.empty() ? "" : " (" + error_ + ")"));
  }
  auto o = co_await roundTrip(method, params, timeout, cancel);
  if (o.status == Outcome::Status::Unavailable && o.code == kSessionGone && transport_) {
    spdlog::info("mcp: client \"{}\": the server ended the session, initialising again", cfg_.name);
    transport_->resetSession();
    auto init = co_await initialize();
    if (!init) {
      co_return failure(Outcome::Status::Unavailable, init.error().message);
    }
    o = co_await roundTrip(method, std::move(params), timeout, cancel);
  }
  if (o.code == kSessionGone) {
    o.code = 0;
  }
  co_return o;
}

asio::awaitable<Outcome> Upstream::roundTrip(const std::string& method, js::value params,
                                             std::chrono::milliseconds timeout,
                                             const std::shared_ptr<CancelToken>& cancel) {
  auto tr = transport_;
  if (!tr) {
    co_return failure(Outcome::Status::Unavailable, fmt::format("MCP server \"{}\" is not connected", cfg_.name));
  }
  std::int64_t id = next_id_++;
  Pending p(ex_);
  pending_[id] = &p;
  if (cancel) {
    std::weak_ptr<Upstream> weak = shared_from_this();
    cancel->setHook([ex = ex_, weak, id] {
      asio::post(ex, [weak, id] {
        if (auto s = weak.lock()) {
          s->cancelPending(id);
        }
      });
    });
  }
  struct Unhook {
    const std::shared_ptr<CancelToken>& token;
    ~Unhook() {
      if (token) {
        token->setHook(nullptr);
      }
    }
  } unhook{cancel};
  auto sent = co_await tr->send(rpc::requestMessage(id, method, std::move(params)), timeout);
  if (!sent && !p.done) {
    pending_.erase(id);
    const auto& e = sent.error();
    if (e.kind == ErrorKind::NotFound) {
      co_return failure(Outcome::Status::Unavailable, e.message, kSessionGone);
    }
    co_return failure(e.kind == ErrorKind::Timeout ? Outcome::Status::Timeout : Outcome::Status::Unavailable,
                      fmt::format("MCP server \"{}\": {}", cfg_.name, e.message));
  }
  if (!p.done && !p.cancelled) {
    p.timer.expires_after(timeout);
    co_await p.timer.async_wait(kTuple);
  }
  pending_.erase(id);
  if (!p.done) {
    js::object notice;
    notice["requestId"] = id;
    notice["reason"] = p.cancelled ? "cancelled by the client" : "timed out in the gateway";
    asio::co_spawn(
        ex_,
        [tr, msg = rpc::notificationMessage("notifications/cancelled", std::move(notice))]() -> asio::awaitable<void> {
          (void)co_await tr->send(msg, std::chrono::milliseconds(5000));
        },
        asio::detached);
    if (p.cancelled) {
      co_return failure(Outcome::Status::Cancelled, fmt::format("{} cancelled by the client", method));
    }
    co_return failure(Outcome::Status::Timeout, fmt::format("MCP server \"{}\" did not answer {} within {} ms",
                                                            cfg_.name, method, timeout.count()));
  }
  co_return std::move(p.outcome);
}

void Upstream::onMessage(rpc::Message m) {
  if (m.isResponse()) {
    std::int64_t id = m.id.is_int64() ? m.id.get_int64() : -1;
    auto it = pending_.find(id);
    if (it == pending_.end()) {
      return; // late answer to a request that timed out
    }
    Pending* p = it->second;
    pending_.erase(it);
    p->done = true;
    if (m.kind == rpc::Kind::Result) {
      p->outcome.status = Outcome::Status::Ok;
      p->outcome.result = std::move(m.result);
    } else {
      p->outcome.status = Outcome::Status::RpcError;
      p->outcome.code = m.error_code;
      p->outcome.message = std::move(m.error_message);
      p->outcome.data = std::move(m.error_data);
    }
    p->timer.cancel();
    return;
  }
  if (m.isRequest()) {
    // Requests from the server: ping is answered; the gateway offers no sampling, roots or elicitation.
    js::object reply = m.method == "ping" ? rpc::resultMessage(m.id, js::object())
                                          : rpc::errorMessage(m.id, rpc::kMethodNotFound,
                                                              fmt::format("the gateway does not support {}", m.method));
    if (auto tr = transport_) {
      asio::co_spawn(
          ex_,
          [tr, reply = std::move(reply)]() -> asio::awaitable<void> {
            (void)co_await tr->send(reply, std::chrono::milliseconds(5000));
          },
          asio::detached);
    }
    return;
  }
  if (m.method == "notifications/tools/list_changed") {
    dirty_tools_ = true;
    wake();
  } else if (m.method == "notifications/resources/list_changed") {
    dirty_resources_ = true;
    wake();
  } else if (m.method == "notifications/prompts/list_changed") {
    dirty_prompts_ = true;
    wake();
  }
}

void Upstream::cancelPending(std::int64_t id) {
  auto it = pending_.find(id);
  if (it != pending_.end() && !it->second->done) {
    it->second->cancelled = true;
    it->second->timer.cancel();
  }
}

void Upstream::onClosed(const std::string& reason) {
  spdlog::warn("mcp: client \"{}\": {}", cfg_.name, reason);
  connected_ = false;
  error_ = reason;
  failPending(fmt::format("MCP server \"{}\": {}", cfg_.name, reason));
  wake();
}

void Upstream::failPending(const std::string& reason) {
  auto pending = std::move(pending_);
  pending_.clear();
  for (auto& [id, p] : pending) {
    p->done = true;
    p->outcome = failure(Outcome::Status::Unavailable, reason);
    p->timer.cancel();
  }
}

} // namespace hd::mcp::client
