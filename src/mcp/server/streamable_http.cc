// POST, GET and DELETE /mcp: the server side of MCP's streamable HTTP transport.
//
// POST carries one JSON-RPC message (or a batch, when the session's protocol version is 2025-03-26). An
// initialize request creates a session (Mcp-Session-Id in the answer); every later request must carry
// it (400 without, 404 when unknown or expired — the client then initialises again). Requests are
// answered as JSON, or as an SSE stream when the client accepts one and a tool is called; a POST of
// notifications or responses only gets 202. GET opens the session's event stream for server
// notifications (list changes), with a keep-alive comment every 15 s. DELETE ends the session.

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/sse.h"
#include "mcp/client/upstream.h"
#include "mcp/server/methods.h"
#include "mcp/server/routes.h"

namespace hd::mcp::server {

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::chrono::seconds kKeepAlive{15};

asio::awaitable<void> sendRpcError(http::ServerExchange& ex, unsigned status, int code, std::string_view message,
                                   const std::vector<std::pair<std::string, std::string>>& headers = {}) {
  co_await ex.sendJson(status, js::serialize(rpc::errorMessage(nullptr, code, message)), headers);
}

asio::awaitable<void> sendIdentifyError(http::ServerExchange& ex, const Error& e) {
  std::vector<std::pair<std::string, std::string>> headers;
  if (e.status == 401) {
    headers.emplace_back("www-authenticate", "Bearer realm=\"heimdall\"");
  }
  co_await sendRpcError(ex, static_cast<unsigned>(e.status), e.status == 401 ? rpc::kUnauthorized : rpc::kForbidden,
                        e.message, headers);
}

bool accepts(const http::ServerExchange& ex, std::string_view type) {
  auto a = ex.header("accept");
  return a.empty() || a.find(type) != std::string_view::npos || a.find("*/*") != std::string_view::npos;
}

// DNS-rebinding protection (the spec's MUST): a browser Origin must be local or the gateway itself.
bool originAllowed(const http::ServerExchange& ex) {
  auto origin = ex.header("origin");
  if (origin.empty() || origin == "null") {
    return origin.empty();
  }
  auto host = origin.substr(origin.find("://") == std::string_view::npos ? 0 : origin.find("://") + 3);
  auto own = ex.header("host");
  if (host == own) {
    return true;
  }
  auto name =
      host.substr(0, host.rfind(':') == std::string_view::npos || host.back() == ']' ? host.size() : host.rfind(':'));
  return name == "localhost" || name == "127.0.0.1" || name == "[::1]";
}

std::chrono::milliseconds idleTimeout(const Caller& caller) {
  return caller.cfg->mcp.session_idle_timeout;
}

std::string vkId(const Caller& caller) {
  return caller.access.vk != nullptr ? caller.access.vk->id : "";
}

// The caller's session from Mcp-Session-Id; answers 400 / 404 itself when there is none.
asio::awaitable<std::optional<SessionInfo>> requireSession(const Context& ctx, const Caller& caller,
                                                           http::ServerExchange& ex) {
  auto id = ex.header("mcp-session-id");
  if (id.empty()) {
    co_await sendRpcError(ex, 400, rpc::kInvalidRequest,
                          "Bad Request: the Mcp-Session-Id header is required "
                          "(send initialize first)");
    co_return std::nullopt;
  }
  auto s = ctx.sessions->find(std::string(id), idleTimeout(caller));
  if (!s || s->vk_id != vkId(caller)) {
    co_await sendRpcError(ex, 404, rpc::kInvalidRequest, "Session not found: it ended or expired; initialize again");
    co_return std::nullopt;
  }
  co_return s;
}

asio::awaitable<bool> checkCommon(const Context& ctx, http::ServerExchange& ex, Caller& caller) {
  if (!originAllowed(ex)) {
    co_await sendRpcError(ex, 403, rpc::kForbidden, "Forbidden: the Origin header names another site");
    co_return false;
  }
  auto who = identify(ctx, ex);
  if (!who) {
    co_await sendIdentifyError(ex, who.error());
    co_return false;
  }
  caller = std::move(*who);
  if (auto v = ex.header("mcp-protocol-version"); !v.empty()) {
    const auto& supported = client::supportedProtocolVersions();
    if (std::find(supported.begin(), supported.end(), v) == supported.end()) {
      co_await sendRpcError(ex, 400, rpc::kInvalidRequest,
                            fmt::format("Bad Request: unsupported MCP-Protocol-Version \"{}\" (supported: {})", v,
                                        fmt::join(supported, ", ")));
      co_return false;
    }
  }
  co_return true;
}

} // namespace

asio::awaitable<void> handlePost(const Context& ctx, http::ServerExchange& ex) {
  Caller caller;
  if (!co_await checkCommon(ctx, ex, caller)) {
    co_return;
  }
  auto parsed = rpc::parse(ex.request().body());
  if (!parsed) {
    bool syntax = parsed.error().message.find("JSON") != std::string::npos ||
                  parsed.error().message.find("json") != std::string::npos;
    co_await sendRpcError(ex, 400, syntax ? rpc::kParseError : rpc::kInvalidRequest, parsed.error().message);
    co_return;
  }
  auto& msgs = parsed->messages;
  bool has_init = false;
  for (const auto& m : msgs) {
    has_init = has_init || (m.isRequest() && m.method == "initialize");
  }
  if (has_init) {
    if (parsed->batch) {
      co_await sendRpcError(ex, 400, rpc::kInvalidRequest, "initialize must not be part of a batch");
      co_return;
    }
    const auto& m = msgs.front();
    std::string version = negotiateVersion(m.params);
    auto s = ctx.sessions->create(version, vkId(caller), idleTimeout(caller));
    spdlog::info("mcp: session {} started (protocol {}, vk {})", s.id, version,
                 caller.access.vk != nullptr ? caller.access.vk->name : "-");
    std::vector<std::pair<std::string, std::string>> headers;
    headers.emplace_back("mcp-session-id", s.id);
    co_await ex.sendJson(200, js::serialize(rpc::resultMessage(m.id, initializeResult(version, ctx.version))), headers);
    co_return;
  }
  auto session = co_await requireSession(ctx, caller, ex);
  if (!session) {
    co_return;
  }
  caller.session_id = session->id;
  if (parsed->batch && session->protocol_version != "2025-03-26") {
    co_await sendRpcError(
        ex, 400, rpc::kInvalidRequest,
        fmt::format("JSON-RPC batches are not part of MCP protocol version {}", session->protocol_version));
    co_return;
  }
  bool any_request = false;
  bool calls_tool = false;
  for (const auto& m : msgs) {
    any_request = any_request || m.isRequest();
    calls_tool = calls_tool || (m.isRequest() && m.method == "tools/call");
    if (m.kind == rpc::Kind::Notification && m.method == "notifications/cancelled" && m.params.is_object()) {
      if (const auto* rid = m.params.get_object().if_contains("requestId")) {
        if (ctx.sessions->cancelCall(session->id, rpc::idKey(*rid))) {
          spdlog::info("mcp: session {}: request {} cancelled by the client", session->id, js::serialize(*rid));
        }
      }
    }
  }
  // The requests of this POST end early when the client disconnects or cancels them.
  caller.cancel = std::make_shared<client::CancelToken>();
  struct Tracking {
    const Context& ctx;
    std::string session;
    std::vector<std::string> keys;
    http::ServerExchange& ex;
    ~Tracking() {
      ex.onClientGone(nullptr);
      for (const auto& k : keys) {
        ctx.sessions->untrackCall(session, k);
      }
    }
  } tracking{ctx, session->id, {}, ex};
  for (const auto& m : msgs) {
    if (m.isRequest()) {
      tracking.keys.push_back(rpc::idKey(m.id));
      ctx.sessions->trackCall(session->id, tracking.keys.back(), [token = caller.cancel] { token->cancel(); });
    }
  }
  ex.onClientGone([token = caller.cancel] { token->cancel(); });
  if (!any_request) {
    http::Response res{bhttp::status::accepted, 11};
    co_await ex.send(std::move(res));
    co_return;
  }
  std::vector<std::pair<std::string, std::string>> headers;
  headers.emplace_back("mcp-session-id", session->id);
  auto accept = ex.header("accept");
  bool sse = calls_tool && accept.find("text/event-stream") != std::string_view::npos;
  if (!sse && !accepts(ex, "application/json")) {
    sse = accept.find("text/event-stream") != std::string_view::npos;
  }
  if (sse) {
    // Answers as events; the stream opens before the (possibly slow) tool runs.
    headers.emplace_back("content-type", "text/event-stream");
    headers.emplace_back("cache-control", "no-cache");
    if (!co_await ex.beginStream(200, headers)) {
      co_return;
    }
    for (const auto& m : msgs) {
      if (!m.isRequest()) {
        continue;
      }
      auto reply = co_await answer(ctx, caller, m);
      if (!co_await ex.writeChunk(sse::format("message", js::serialize(reply)))) {
        co_return;
      }
    }
    co_await ex.endStream();
    co_return;
  }
  js::array replies;
  for (const auto& m : msgs) {
    if (m.isRequest()) {
      replies.push_back(co_await answer(ctx, caller, m));
    }
  }
  std::string body = parsed->batch ? js::serialize(replies) : js::serialize(replies.front());
  co_await ex.sendJson(200, std::move(body), headers);
}

asio::awaitable<void> handleGet(const Context& ctx, http::ServerExchange& ex) {
  Caller caller;
  if (!co_await checkCommon(ctx, ex, caller)) {
    co_return;
  }
  if (ex.header("accept").find("text/event-stream") == std::string_view::npos) {
    co_await sendRpcError(ex, 406, rpc::kInvalidRequest, "Not Acceptable: GET /mcp needs Accept: text/event-stream");
    co_return;
  }
  auto session = co_await requireSession(ctx, caller, ex);
  if (!session) {
    co_return;
  }
  auto timer = std::make_shared<asio::steady_timer>(co_await asio::this_coro::executor);
  std::weak_ptr<asio::steady_timer> weak = timer;
  auto exec = timer->get_executor();
  auto waker = [exec, weak] {
    asio::post(exec, [weak] {
      if (auto t = weak.lock()) {
        t->cancel();
      }
    });
  };
  auto gen = ctx.sessions->attachStream(session->id, waker);
  if (!gen) {
    co_await sendRpcError(ex, 404, rpc::kInvalidRequest, "Session not found");
    co_return;
  }
  ex.onClientGone(waker);
  std::vector<std::pair<std::string, std::string>> headers{
      {"content-type", "text/event-stream"}, {"cache-control", "no-cache"}, {"mcp-session-id", session->id}};
  if (co_await ex.beginStream(200, headers) && co_await ex.writeChunk(": stream open\n\n")) {
    while (!ex.isClientGone()) {
      bool alive = false;
      auto msgs = ctx.sessions->drain(session->id, *gen, alive);
      if (!alive) {
        break;
      }
      bool ok = true;
      for (const auto& m : msgs) {
        ok = ok && co_await ex.writeChunk(sse::format("message", m));
      }
      if (!ok) {
        break;
      }
      if (!msgs.empty()) {
        continue; // look again before sleeping: more may have arrived while writing
      }
      timer->expires_after(kKeepAlive);
      auto [ec] = co_await timer->async_wait(kTuple);
      if (!ec && !co_await ex.writeChunk(": keep-alive\n\n")) {
        break;
      }
    }
    co_await ex.endStream();
  }
  ex.onClientGone(nullptr);
  ctx.sessions->detachStream(session->id, *gen);
}

asio::awaitable<void> handleDelete(const Context& ctx, http::ServerExchange& ex) {
  Caller caller;
  if (!co_await checkCommon(ctx, ex, caller)) {
    co_return;
  }
  auto session = co_await requireSession(ctx, caller, ex);
  if (!session) {
    co_return;
  }
  ctx.sessions->remove(session->id);
  spdlog::info("mcp: session {} ended by the client", session->id);
  http::Response res{bhttp::status::ok, 11};
  co_await ex.send(std::move(res));
}

} // namespace hd::mcp::server
