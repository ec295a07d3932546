#include "server/app.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/json.hpp>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "api/api.h"
#include "config/loader.h"
#include "config/snapshot.h"
#include "control/admin_auth.h"
#include "control/config_service.h"
#include "gate/gate.h"
#include "gate/routes.h"
#include "gate/usage_persistence.h"
#include "governance/counters.h"
#include "governance/pricing.h"
#include "http/router.h"
#include "http/server.h"
#include "inbound/anthropic/errors.h"
#include "inbound/anthropic/handlers.h"
#include "inbound/openai/chat.h"
#include "logs/routes.h"
#include "logs/service.h"
#include "mcp/server/gateway.h"
#include "obs/metrics.h"
#include "obs/observe.h"
#include "obs/trace_exporter.h"
#include "translate/openai/errors.h"
#include "web/routes.h"

namespace hd::server {

namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace {

int fail(const std::string& msg) {
  fmt::print(stderr, "heimdall: error: {}\n", msg);
  return 1;
}

std::string defaultAppDir() {
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  if (xdg != nullptr && *xdg != '\0') {
    return (fs::path(xdg) / "heimdall").string();
  }
  const char* home = std::getenv("HOME");
  return (fs::path(home != nullptr ? home : ".") / ".config" / "heimdall").string();
}

// Which config file to read: --config wins; else <app-dir>/config.json if present; else none (defaults).
std::optional<std::string> configPath(const ServeOptions& opts, const std::string& app_dir) {
  if (!opts.config_file.empty()) {
    return opts.config_file;
  }
  auto p = fs::path(app_dir) / "config.json";
  std::error_code ec;
  if (fs::exists(p, ec)) {
    return p.string();
  }
  return std::nullopt;
}

void addRoutes(http::Router& router, const config::Snapshot& snapshot, const api::Context& api_ctx) {
  router.add(boost::beast::http::verb::get, "/health", [](http::ServerExchange& ex) -> asio::awaitable<void> {
    co_await ex.sendJson(200, R"({"status":"ok"})");
  });
  inbound::anthropic::registerRoutes(router, inbound::anthropic::Context{&snapshot});
  inbound::openai::registerRoutes(router, inbound::openai::Context{&snapshot});
  api::registerRoutes(router, api_ctx);
  web::registerRoutes(router);
  router.setErrorRenderer([](std::string_view path, const Error& err) {
    if (path.substr(0, 11) == "/anthropic/" || path == "/anthropic") {
      return inbound::anthropic::errorBody(err);
    }
    if (path.substr(0, 8) == "/openai/" || path.substr(0, 4) == "/v1/") {
      return translate::openai::openAIErrorBody(err);
    }
    if (path.substr(0, 5) == "/api/") {
      return api::errorBody(err);
    }
    return http::genericErrorBody(err);
  });
}

// How often to look for configuration changes made by other replicas sharing the store.
std::chrono::milliseconds storePollInterval() {
  if (const char* v = std::getenv("HEIMDALL_CONFIG_POLL_MS"); v != nullptr && std::atoi(v) > 0) {
    return std::chrono::milliseconds(std::atoi(v));
  }
  return std::chrono::seconds(2);
}

} // namespace

int serve(const ServeOptions& opts) {
  // A peer that closed its socket must be an error on that write (EPIPE), not the end of the process:
  // libraries writing with plain write(2) (hiredis, libpq) would otherwise raise SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);
  if (auto r = setupLogging(opts.log_level, opts.log_format); !r) {
    return fail(r.error().message);
  }
  std::string app_dir = opts.app_dir.empty() ? defaultAppDir() : opts.app_dir;
  std::error_code ec;
  fs::create_directories(app_dir, ec);
  if (ec) {
    return fail(fmt::format("cannot create app directory {}: {}", app_dir, ec.message()));
  }
  auto path = configPath(opts, app_dir);
  // Declared before everything that puts timers on it (config polling, usage persistence), so it
  // outlives them.
  asio::io_context main_ioc;
  auto svc = control::ConfigService::open(control::ServiceOptions{app_dir, path, config::processEnv()});
  if (!svc) {
    return fail(svc.error().message);
  }
  auto auth = control::AdminAuth::create((*svc)->bootstrap().auth, **svc);
  if (!auth) {
    return fail(auth.error().message);
  }
  config::Snapshot& snapshot = (*svc)->snapshot();
  std::size_t provider_count = snapshot.get()->providers.size();
  api::Context api_ctx{svc->get(), auth->get(), opts.version};

  // Governance counters: in-process (persisted in the config store) or Redis (shared by replicas).
  const auto& gov_store = snapshot.get()->governance.store;
  std::unique_ptr<governance::Counters> counters;
  std::unique_ptr<gate::UsagePersistence> usage_persistence;
  if (gov_store.type == "redis") {
    auto redis = governance::makeRedisCounters(gov_store.url);
    if (!redis) {
      return fail(redis.error().message);
    }
    counters = std::move(redis.value());
  } else {
    auto memory = governance::makeMemoryCounters();
    usage_persistence = std::make_unique<gate::UsagePersistence>(*memory, **svc);
    usage_persistence->restore();
    counters = std::move(memory);
  }
  api_ctx.counters = counters.get();

  // Finished requests go to the hub's sinks (request log, metrics, traces, live feed).
  obs::Hub hub;
  auto metrics = std::make_shared<obs::Metrics>(snapshot, snapshot.get()->telemetry.max_label_sets);
  hub.add(metrics);
  auto traces = std::make_shared<obs::TraceExporter>(snapshot, opts.version);
  traces->registerMetrics(*metrics);
  hub.add(traces);
  traces->start();
  auto log_service = logs::LogService::open((*svc)->bootstrap().logs_store, app_dir, snapshot);
  if (!log_service) {
    return fail(log_service.error().message);
  }
  if (*log_service) {
    hub.add((*log_service)->writer());
    hub.add((*log_service)->feed());
    metrics->addCallbackCounter("heimdall_log_dropped_records_total",
                                "Request log records dropped because the writer's queue was full",
                                [writer = (*log_service)->writer()] { return static_cast<double>(writer->dropped()); });
  }

  http::Router router;
  addRoutes(router, snapshot, api_ctx);
  obs::registerMetricsRoute(router, *metrics);
  logs::registerRoutes(router, api_ctx, log_service->get());
  // The MCP gateway (/mcp, /v1/mcp/tool/execute); its clients run on their own thread.
  mcp::server::Gateway mcp_gateway(snapshot, hub, router, opts.version);
  mcp_gateway.registerRoutes(router);
  mcp_gateway.registerManagementRoutes(router, api_ctx);
  gate::GateContext gate_ctx{&snapshot, counters.get(), &governance::Pricing::builtin(), &router};
  gate::governInferenceRoutes(router, gate_ctx);
  obs::ObserveContext obs_ctx{&snapshot, &governance::Pricing::builtin(), &hub};
  obs::observeInferenceRoutes(router, obs_ctx);
  unsigned workers = opts.workers != 0 ? opts.workers : std::max(1u, std::thread::hardware_concurrency());
  http::Server server(
      router,
      [&snapshot] {
        auto c = snapshot.get();
        http::Limits l;
        l.max_body_bytes = c->client.max_request_body_bytes;
        l.header_read_timeout = c->client.header_read_timeout;
        l.idle_timeout = c->client.idle_timeout;
        return l;
      },
      workers);
  server.setAccessLog([&metrics](const http::AccessRecord& r) {
    metrics->onHttp(r);
    spdlog::debug("http {} {} status={} duration_us={} id={}", r.method, r.path, r.status, r.duration.count(),
                  r.request_id);
  });
  auto port = server.listen(opts.host, opts.port);
  if (!port) {
    return fail(port.error().message);
  }

  asio::signal_set stop_signals(main_ioc, SIGINT, SIGTERM);
  asio::signal_set reload_signal(main_ioc, SIGHUP);
  server.start();
  mcp_gateway.start();
  (*svc)->logStartup();
  if (*log_service) {
    spdlog::info("request log: {}", (*log_service)->describe());
  }
  std::string host = opts.host.find(':') != std::string::npos ? "[" + opts.host + "]" : opts.host;
  std::string listening =
      fmt::format("heimdall listening on http://{}:{} (workers: {}, config: {}, providers: {})", host, *port, workers,
                  path ? *path : std::string("built-in defaults"), provider_count);
  if (spdlog::should_log(spdlog::level::info)) {
    spdlog::info("{}", listening);
  } else {
    fmt::print(stderr, "{}\n", listening); // always shown: it carries the bound port (--port 0)
  }

  std::function<void()> wait_reload = [&] {
    reload_signal.async_wait([&](const boost::system::error_code& sec, int) {
      if (sec) {
        return;
      }
      if (auto r = (*svc)->reloadFile(); !r) {
        spdlog::error("SIGHUP: reload rejected, keeping the running configuration: {}", r.error().message);
      } else {
        spdlog::info("SIGHUP: {} (providers: {})", r.value(), snapshot.get()->providers.size());
      }
      wait_reload();
    });
  };
  wait_reload();
  (*svc)->watchStore(main_ioc, storePollInterval());
  if (usage_persistence) {
    usage_persistence->start(main_ioc, std::chrono::seconds(5));
  }
  stop_signals.async_wait([&](const boost::system::error_code&, int sig) {
    spdlog::info("received {}, draining (up to {} s)", sig == SIGINT ? "SIGINT" : "SIGTERM",
                 opts.drain_timeout_seconds);
    reload_signal.cancel();
    (*svc)->stopWatching();
    if (usage_persistence) {
      usage_persistence->stop();
    }
  });
  main_ioc.run();

  mcp_gateway.closeSessions();
  std::size_t left = server.stop(std::chrono::seconds(opts.drain_timeout_seconds));
  if (left > 0) {
    spdlog::warn("drain timeout: {} connection(s) were still busy and have been closed", left);
  }
  traces->stop(); // flushes the spans still queued
  if (*log_service) {
    (*log_service)->stop(); // writes what is still queued
  }
  spdlog::info("heimdall stopped");
  return 0;
}

} // namespace hd::server
