#include "inbound/anthropic/messages.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <unordered_set>

#include "core/json_util.h"
#include "core/raw_json.h"
#include "inbound/anthropic/errors.h"
#include "inbound/anthropic/openai_token_count.h"
#include "inbound/anthropic/openai_upstream_adapter.h"
#include "inbound/anthropic/passthrough_adapter.h"
#include "inbound/anthropic/token_estimate.h"
#include "inbound/anthropic/usage_tracker.h"
#include "pipeline/attempts.h"
#include "pipeline/relay.h"
#include "providers/azure_auth.h"
#include "providers/openai_protocol.h"
#include "routing/route.h"
#include "translate/anthropic/request.h"
#include "translate/openai/model_traits.h"
#include "translate/openai/request_to_openai.h"
#include "upstream/client.h"

namespace hd::inbound::anthropic {

namespace asio = boost::asio;
namespace js = boost::json;

namespace {

constexpr std::size_t kMaxUpstreamErrorBody = 1024 * 1024;

struct ParsedRequest {
  js::value doc;
  std::string model;
  std::string deployment;
  bool stream = false;
  std::optional<std::vector<std::string>> fallbacks;
};

Result<ParsedRequest> parseRequest(std::string_view body, std::size_t max_depth) {
  auto doc = json::parse(body, max_depth);
  if (!doc) {
    return doc.error();
  }
  if (!doc->is_object()) {
    return Error::invalidRequest("request body must be a JSON object");
  }
  ParsedRequest p;
  const auto& o = doc->get_object();
  const auto* model = o.if_contains("model");
  if (model == nullptr) {
    return Error::invalidRequest("model: field required");
  }
  if (!model->is_string() || model->get_string().empty()) {
    return Error::invalidRequest("model: expected a non-empty string");
  }
  p.model = std::string(model->get_string());
  const auto* messages = o.if_contains("messages");
  if (messages == nullptr) {
    return Error::invalidRequest("messages: field required");
  }
  if (!messages->is_array()) {
    return Error::invalidRequest("messages: expected an array of messages");
  }
  if (const auto* s = o.if_contains("stream"); s != nullptr && !s->is_null()) {
    if (!s->is_bool()) {
      return Error::invalidRequest("stream: expected a boolean");
    }
    p.stream = s->get_bool();
  }
  if (const auto* d = o.if_contains("deployment"); d != nullptr && !d->is_null()) {
    if (!d->is_string()) {
      return Error::invalidRequest("deployment: expected a string");
    }
    p.deployment = std::string(d->get_string());
  }
  auto fallbacks = pipeline::parseFallbacksField(o);
  if (!fallbacks) {
    return fallbacks.error();
  }
  p.fallbacks = std::move(fallbacks.value());
  p.doc = std::move(doc.value());
  return p;
}

// The client's body with only `model` replaced and gateway-only fields removed; every other byte is kept.
Result<std::string> passthroughBody(std::string_view body, std::string_view upstream_model) {
  auto layout = rawjson::scanObject(body);
  if (!layout) {
    return layout.error();
  }
  std::vector<rawjson::Edit> edits;
  edits.push_back({"model", json::quote(upstream_model)});
  edits.push_back({"fallbacks", ""});
  edits.push_back({"deployment", ""});
  return rawjson::applyEdits(body, *layout, edits);
}

Result<routing::Route> routeFor(const config::Config& cfg, const ParsedRequest& req, http::ServerExchange& ex) {
  auto route = routing::resolve(cfg, req.model, "anthropic", req.deployment, *ex.worker().rng);
  return route;
}

// An Anthropic request for an OpenAI Chat upstream, translated through the canonical model.
Result<upstream::Request> translatedRequest(const routing::Route& route, const ParsedRequest& req) {
  auto ir = translate::anthropic::requestToIr(req.doc.get_object());
  if (!ir) {
    return ir.error();
  }
  translate::openai::TargetOptions opt;
  opt.model = providers::openAIUpstreamModel(route);
  opt.accepts_file_parts = route.provider->type == config::ProviderType::OpenAI;
  opt.reasoning_model =
      translate::openai::isReasoningModel(route.deployment.name) || translate::openai::isReasoningModel(route.model);
  // Deployment names are arbitrary; the requested model name often tells the output limit.
  if (translate::openai::defaultMaxOutputTokens(route.deployment.name) == 0) {
    if (auto cap = translate::openai::defaultMaxOutputTokens(route.model); cap > 0) {
      opt.max_output_tokens = cap;
    }
  }
  auto body = translate::openai::requestToOpenAI(*ir, opt);
  if (!body) {
    return body.error();
  }
  return providers::buildOpenAIChatRequest(route, boost::json::serialize(*body), req.stream);
}

providers::ClientHeaders clientHeaders(const http::ServerExchange& ex) {
  return {ex.header("anthropic-version"), ex.header("anthropic-beta")};
}

using pipeline::logRequest;
using pipeline::Outcome;

const PassthroughAdapter kPassthrough;

asio::awaitable<void> sendError(http::ServerExchange& ex, const Error& err, Outcome& out) {
  co_await pipeline::sendError(ex, kPassthrough, err, out);
}

// Key ids whose upstream answered that it cannot count tokens (per worker thread, so no locking).
thread_local std::unordered_set<std::string> t_no_count_tokens;

} // namespace

asio::awaitable<void> handleMessages(const Context& ctx, http::ServerExchange& ex) {
  auto started = std::chrono::steady_clock::now();
  auto cfg = ctx.config->get();
  Outcome out;
  auto req = parseRequest(ex.request().body(), cfg->client.max_json_depth);
  if (!req) {
    co_await sendError(ex, req.error(), out);
    logRequest(ex, nullptr, "-", false, out, started);
    co_return;
  }
  pipeline::Plan plan;
  plan.default_provider = ex.scope().default_provider.empty() ? "anthropic" : ex.scope().default_provider;
  plan.targets.push_back({req->model, req->deployment});
  for (auto& t : pipeline::fallbackTargets(*cfg, req->model, plan.default_provider,
                                           req->fallbacks ? req->fallbacks : ex.scope().default_fallbacks)) {
    plan.targets.push_back(std::move(t));
  }
  plan.before_attempt = pipeline::scopeGuard(ex);
  plan.stream = req->stream;
  plan.errors = &kPassthrough;
  std::string_view raw = ex.request().body();
  auto client_headers = clientHeaders(ex);
  const ParsedRequest& parsed = *req;
  plan.prepare = [&](const routing::Route& route) -> Result<pipeline::Prepared> {
    pipeline::Prepared p;
    if (!providers::speaksAnthropic(route)) {
      auto upreq = translatedRequest(route, parsed);
      if (!upreq) {
        return upreq.error();
      }
      p.request = std::move(upreq.value());
      p.owned = std::make_unique<OpenAIUpstreamAdapter>(route.deployment.name);
      return p;
    }
    auto body = passthroughBody(raw, route.deployment.name);
    if (!body) {
      return body.error();
    }
    auto upreq = providers::buildAnthropicRequest(route, providers::Operation::Messages, client_headers,
                                                  std::move(body.value()), parsed.stream);
    if (!upreq) {
      return upreq.error();
    }
    p.request = std::move(upreq.value());
    p.adapter = &kPassthrough;
    return p;
  };
  auto route = co_await pipeline::execute(ex, *cfg, plan, out);
  logRequest(ex, route ? &route.value() : nullptr, req->model, req->stream, out, started);
}

asio::awaitable<void> handleCountTokens(const Context& ctx, http::ServerExchange& ex) {
  auto started = std::chrono::steady_clock::now();
  auto cfg = ctx.config->get();
  Outcome out;
  auto req = parseRequest(ex.request().body(), cfg->client.max_json_depth);
  if (!req) {
    co_await sendError(ex, req.error(), out);
    co_return;
  }
  auto route = routeFor(*cfg, *req, ex);
  if (!route) {
    co_await sendError(ex, route.error(), out);
    co_return;
  }
  auto estimate = [&]() -> asio::awaitable<void> {
    js::object res;
    res["input_tokens"] = estimateInputTokens(req->doc.get_object());
    out.status = 200;
    // (Built before co_await: g++ 12 miscompiles braced pair lists inside co_await expressions.)
    std::vector<std::pair<std::string, std::string>> headers;
    headers.emplace_back("x-heimdall-token-count", "estimated");
    headers.emplace_back("x-heimdall-provider", route->provider->name);
    headers.emplace_back("x-heimdall-deployment", route->deployment.name);
    co_await ex.sendJson(200, js::serialize(res), headers);
  };
  if (!providers::speaksAnthropic(*route)) {
    auto exact = countOpenAIInputTokens(*route, req->doc.get_object());
    if (!exact) {
      co_await sendError(ex, exact.error(), out);
      co_return;
    }
    if (!exact->has_value()) {
      co_await estimate();
      co_return;
    }
    js::object res;
    res["input_tokens"] = (*exact)->input_tokens;
    std::vector<std::pair<std::string, std::string>> headers;
    headers.emplace_back("x-heimdall-token-count", (*exact)->encoding);
    headers.emplace_back("x-heimdall-provider", route->provider->name);
    headers.emplace_back("x-heimdall-deployment", route->deployment.name);
    co_await ex.sendJson(200, js::serialize(res), headers);
    co_return;
  }
  if (t_no_count_tokens.count(route->key->id) != 0) {
    co_await estimate();
    co_return;
  }
  auto body = passthroughBody(ex.request().body(), route->deployment.name);
  if (!body) {
    co_await sendError(ex, body.error(), out);
    co_return;
  }
  auto upreq = providers::buildAnthropicRequest(*route, providers::Operation::CountTokens, clientHeaders(ex),
                                                std::move(body.value()), false);
  if (!upreq) {
    co_await sendError(ex, upreq.error(), out);
    co_return;
  }
  if (auto authorized = co_await providers::authorizeUpstream(*upreq, *route, *ex.worker().pool); !authorized) {
    Error err = authorized.error();
    err.message = fmt::format("provider \"{}\": {}", route->provider->name, err.message);
    co_await sendError(ex, err, out);
    logRequest(ex, &route.value(), req->model, false, out, started);
    co_return;
  }
  upstream::Exchange up(*ex.worker().pool, std::move(upreq.value()));
  ex.onClientGone([&up] { up.abort(); });
  auto st = co_await up.start();
  if (st && (up.status() == 404 || up.status() == 405 || up.status() == 501)) {
    // The upstream has no count_tokens (Azure's Claude endpoint): remember, and estimate locally.
    co_await up.readAll(kMaxUpstreamErrorBody);
    t_no_count_tokens.insert(route->key->id);
    spdlog::info("provider \"{}\" key \"{}\" cannot count tokens (HTTP {}); estimating locally from now on",
                 route->provider->name, route->key->name, up.status());
    ex.onClientGone({});
    co_await estimate();
    logRequest(ex, &route.value(), req->model, false, out, started);
    co_return;
  }
  if (!st) {
    Error err = st.error();
    err.message = fmt::format("provider \"{}\": {}", route->provider->name, err.message);
    co_await sendError(ex, err, out);
  } else {
    auto headers = pipeline::relayedHeaders(up, *route);
    auto text = co_await up.readAll(kMaxUpstreamErrorBody);
    if (!text) {
      co_await sendError(ex, text.error(), out);
    } else if (up.status() >= 300) {
      out.status = up.status();
      co_await ex.sendJson(up.status(), mapUpstreamError(up.status(), *text, route->provider->name), headers);
    } else {
      out.status = up.status();
      co_await ex.sendJson(up.status(), std::move(text.value()), headers);
    }
  }
  ex.onClientGone({});
  logRequest(ex, &route.value(), req->model, false, out, started);
}

} // namespace hd::inbound::anthropic
