#include "logs/routes.h"

#include <boost/json.hpp>

#include "api/util.h"
#include "control/admin_auth.h"
#include "logs/render.h"
#include "logs/service.h"
#include "logs/ws_session.h"

namespace hd::logs {

namespace js = boost::json;
namespace asio = boost::asio;
using verb = boost::beast::http::verb;

namespace {

Error disabled() {
  return Error{ErrorKind::Api, 503, "the request log is disabled (logs_store.enabled is false)"};
}

// The ids of DELETE's optional body {"ids": [...]}; empty = all.
Result<std::vector<std::string>> deleteIds(const http::ServerExchange& ex) {
  std::vector<std::string> ids;
  if (ex.request().body().find_first_not_of(" \t\r\n") == std::string::npos) {
    return ids;
  }
  auto body = api::bodyObject(ex);
  if (!body) {
    return body.error();
  }
  const auto* v = body->if_contains("ids");
  if (v == nullptr || v->is_null()) {
    return ids;
  }
  if (!v->is_array()) {
    return Error::invalidRequest("ids: expected an array of record ids");
  }
  for (const auto& id : v->get_array()) {
    if (!id.is_string()) {
      return Error::invalidRequest("ids: expected an array of record ids");
    }
    ids.emplace_back(id.get_string());
  }
  if (ids.empty()) {
    return Error::invalidRequest("ids: empty (leave the body out to delete every record)");
  }
  return ids;
}

js::object pagination(int limit, int offset, const std::string& sort_by, bool descending, std::int64_t total) {
  return js::object{{"limit", limit},
                    {"offset", offset},
                    {"sort_by", sort_by},
                    {"order", descending ? "desc" : "asc"},
                    {"total_count", total}};
}

using Fn = std::function<asio::awaitable<void>(LogService&, http::ServerExchange&)>;

// Runs `run` (LogStore& -> Result<T>) on the query thread and answers 200 with `render(T)`, or the error.
template <class Run, class Render>
asio::awaitable<void> answer(LogService& svc, http::ServerExchange& ex, Run run, Render render) {
  auto r = co_await svc.query(std::move(run));
  if (!r) {
    co_await api::sendError(ex, r.error());
    co_return;
  }
  js::value out = render(std::move(*r));
  co_await api::sendValue(ex, 200, out);
}

// A handler for queries with URL parameters: `parse` (Params -> Result<Q>), then answer(run(Q), render(Q, T)).
template <class Parse, class Run, class Render> Fn withQuery(Parse parse, Run run, Render render) {
  return [parse, run, render](LogService& svc, http::ServerExchange& ex) -> asio::awaitable<void> {
    auto q = parse(ex.queryParams());
    if (!q) {
      co_await api::sendError(ex, q.error());
      co_return;
    }
    auto query = [q = *q, run](LogStore& s) { return run(s, q); };
    auto rendered = [q = *q, render](auto&& result) { return render(q, std::forward<decltype(result)>(result)); };
    co_await answer(svc, ex, std::move(query), std::move(rendered));
  };
}

// DELETE with the optional {"ids": [...]} body: `remove(store, ids)` -> {"deleted": n}.
template <class Remove> Fn deletion(Remove remove) {
  return [remove](LogService& svc, http::ServerExchange& ex) -> asio::awaitable<void> {
    auto ids = deleteIds(ex);
    if (!ids) {
      co_await api::sendError(ex, ids.error());
      co_return;
    }
    auto run = [ids = *ids, remove](LogStore& s) { return remove(s, ids); };
    auto render = [](std::int64_t n) { return js::object{{"deleted", n}}; };
    co_await answer(svc, ex, std::move(run), render);
  };
}

template <class Page, class Query, class Entry> js::object pageJson(const Page& page, const Query& q, Entry entry) {
  js::array logs;
  for (const auto& r : page.rows) {
    logs.push_back(entry(r));
  }
  return js::object{{"logs", std::move(logs)},
                    {"pagination", pagination(q.limit, q.offset, q.sort_by, q.descending, page.total)}};
}

const Fn listLogs = withQuery(
    parseLogQuery, [](LogStore& s, const LogQuery& q) { return s.list(q); },
    [](const LogQuery& q, const LogPage& page) { return pageJson(page, q, entryJson); });

const Fn stats = withQuery(
    parseLogQuery, [](LogStore& s, const LogQuery& q) { return s.stats(q); },
    [](const LogQuery&, const LogStats& st) { return statsJson(st); });

const Fn histogram = withQuery(
    parseLogQuery,
    [](LogStore& s, const LogQuery& q) -> Result<js::object> {
      auto points = s.points(q);
      if (!points) {
        return points.error();
      }
      return histogramJson(*points, q); // buckets are made on the query thread too
    },
    [](const LogQuery&, js::object h) { return h; });

const Fn listMcp = withQuery(
    parseMcpQuery, [](LogStore& s, const McpQuery& q) { return s.listMcp(q); },
    [](const McpQuery& q, const McpPage& page) { return pageJson(page, q, mcpEntryJson); });

const Fn mcpStats = withQuery(
    parseMcpQuery, [](LogStore& s, const McpQuery& q) { return s.mcpStats(q); },
    [](const McpQuery&, const LogStats& st) { return mcpStatsJson(st); });

const Fn deleteLogs = deletion([](LogStore& s, const std::vector<std::string>& ids) { return s.remove(ids); });
const Fn deleteMcp = deletion([](LogStore& s, const std::vector<std::string>& ids) { return s.removeMcp(ids); });

asio::awaitable<void> getLog(LogService& svc, http::ServerExchange& ex) {
  auto id = ex.params()["id"];
  auto row_fn = [id](LogStore& s) { return s.get(id); };
  auto row = co_await svc.query(std::move(row_fn));
  if (!row) {
    co_await api::sendError(ex, row.error());
    co_return;
  }
  if (!*row) {
    Error nf = Error::notFound("log record \"" + id + "\" not found");
    co_await api::sendError(ex, nf);
    co_return;
  }
  co_await api::sendValue(ex, 200, detailJson(**row));
}

asio::awaitable<void> filterData(LogService& svc, http::ServerExchange& ex) {
  auto run = [](LogStore& st) { return st.filterData(); };
  co_await answer(svc, ex, std::move(run), filterDataJson);
}

asio::awaitable<void> dropped(LogService& svc, http::ServerExchange& ex) {
  js::object out;
  out["dropped_requests"] = svc.writer()->dropped();
  co_await api::sendValue(ex, 200, out);
}

asio::awaitable<void> wsTicket(LogService& svc, http::ServerExchange& ex) {
  js::object out;
  out["ticket"] = svc.tickets().issue();
  co_await api::sendValue(ex, 200, out);
}

} // namespace

void registerRoutes(http::Router& router, const api::Context& ctx, LogService* svc) {
  auto route = [&](verb method, const char* pattern, Fn fn) {
    router.add(
        method, pattern,
        api::guarded(ctx,
                     [svc, fn = std::move(fn)](const api::Context&, http::ServerExchange& ex) -> asio::awaitable<void> {
                       if (svc == nullptr) {
                         co_await api::sendError(ex, disabled());
                         co_return;
                       }
                       co_await fn(*svc, ex);
                     }));
  };
  route(verb::get, "/api/logs", listLogs);
  route(verb::get, "/api/logs/stats", stats);
  route(verb::get, "/api/logs/histogram", histogram);
  route(verb::get, "/api/logs/filterdata", filterData);
  route(verb::get, "/api/logs/dropped", dropped);
  route(verb::get, "/api/logs/{id}", getLog);
  route(verb::delete_, "/api/logs", deleteLogs);
  route(verb::get, "/api/mcp-logs", listMcp);
  route(verb::get, "/api/mcp-logs/stats", mcpStats);
  route(verb::delete_, "/api/mcp-logs", deleteMcp);
  route(verb::post, "/api/session/ws-ticket", wsTicket);

  // The live feed: a ticket (browsers) or the usual admin credentials (other clients) when admin auth
  // is on; open otherwise, like the rest of /api.
  router.add(verb::get, "/ws", [&ctx, svc](http::ServerExchange& ex) -> asio::awaitable<void> {
    if (svc == nullptr) {
      co_await api::sendError(ex, disabled());
      co_return;
    }
    if (!isWebSocketUpgrade(ex.request())) {
      Error e{ErrorKind::InvalidRequest, 426, "GET /ws expects a WebSocket upgrade"};
      co_await api::sendError(ex, e);
      co_return;
    }
    if (ctx.auth != nullptr && ctx.auth->enabled()) {
      auto params = ex.queryParams();
      auto t = params.find("ticket");
      bool ok = t != params.end() && svc->tickets().redeem(t->second);
      if (!ok && !ex.header("authorization").empty()) {
        ok = static_cast<bool>(co_await ctx.auth->check(std::string(ex.header("authorization")), ex.clientAddress()));
      }
      if (!ok) {
        Error e = Error::authentication(t != params.end() ? "ticket: invalid, expired or already used"
                                                          : "authentication required: pass ?ticket= from POST "
                                                            "/api/session/ws-ticket");
        co_await api::sendError(ex, e);
        co_return;
      }
    }
    LiveFeed* feed = svc->feed().get();
    auto ping = svc->pingInterval();
    ex.takeOver([feed, ping](boost::beast::tcp_stream& tcp, const http::Request& req) -> asio::awaitable<void> {
      co_await runWebSocket(tcp, req, *feed, ping);
    });
  });
}

} // namespace hd::logs
