#include "inbound/openai/chat.h"

#include <fmt/format.h>

#include <boost/json.hpp>

#include "config/loader.h"
#include "core/json_util.h"
#include "core/raw_json.h"
#include "inbound/anthropic/models.h"
#include "inbound/openai/adapters.h"
#include "pipeline/attempts.h"
#include "providers/anthropic_protocol.h"
#include "providers/openai_protocol.h"
#include "translate/anthropic/request.h"
#include "translate/openai/request_from_openai.h"

namespace hd::inbound::openai {

namespace asio = boost::asio;
namespace js = boost::json;

namespace {

const ChatPassthroughAdapter kChatPassthrough;

enum class ModelSource { Body, BodyWithProvider, Deployment };

asio::awaitable<void> fail(http::ServerExchange& ex, const Error& err, pipeline::Outcome& out) {
  co_await pipeline::sendError(ex, kChatPassthrough, err, out);
}

// The model to route: from the body, or (Azure-SDK form) from the deployment in the path, where
// "provider/name" picks a provider and a bare name means azure.
Result<std::string> requestedModel(http::ServerExchange& ex, const js::object& body, ModelSource source,
                                   const config::Config& cfg) {
  if (source == ModelSource::Deployment) {
    const std::string& dep = ex.params()["deployment"];
    auto ref = routing::parseModel(dep, cfg);
    return ref.provider.empty() ? "azure/" + dep : dep;
  }
  const auto* m = body.if_contains("model");
  if (m == nullptr) {
    return Error::invalidRequest("model: field required");
  }
  if (!m->is_string() || m->get_string().empty()) {
    return Error::invalidRequest("model: expected a non-empty string");
  }
  std::string model(m->get_string());
  if (source == ModelSource::BodyWithProvider && routing::parseModel(model, cfg).provider.empty()) {
    return Error::invalidRequest(
        fmt::format("model: \"{}\" names no provider; use \"provider/model\" (e.g. \"azure/{}\")", model, model));
  }
  return model;
}

asio::awaitable<void> handleChat(const Context& ctx, http::ServerExchange& ex, ModelSource source,
                                 std::string_view default_provider) {
  auto started = std::chrono::steady_clock::now();
  auto cfg = ctx.config->get();
  pipeline::Outcome out;
  std::string_view raw = ex.request().body();
  auto doc = json::parse(raw, cfg->client.max_json_depth);
  if (!doc) {
    co_await fail(ex, doc.error(), out);
    pipeline::logRequest(ex, nullptr, "-", false, out, started);
    co_return;
  }
  if (!doc->is_object()) {
    Error failure = Error::invalidRequest("request body must be a JSON object");
    co_await fail(ex, failure, out);
    co_return;
  }
  const auto& body = doc->get_object();
  auto model = requestedModel(ex, body, source, *cfg);
  if (!model) {
    co_await fail(ex, model.error(), out);
    co_return;
  }
  auto ir = translate::openai::requestFromOpenAI(body);
  if (!ir) {
    co_await fail(ex, ir.error(), out);
    pipeline::logRequest(ex, nullptr, *model, false, out, started);
    co_return;
  }
  auto fallbacks = pipeline::parseFallbacksField(body);
  if (!fallbacks) {
    co_await fail(ex, fallbacks.error(), out);
    pipeline::logRequest(ex, nullptr, *model, ir->stream, out, started);
    co_return;
  }
  pipeline::Plan plan;
  plan.default_provider =
      ex.scope().default_provider.empty() ? std::string(default_provider) : ex.scope().default_provider;
  plan.targets.push_back({*model, std::string(json::getString(body, "deployment").value_or(""))});
  for (auto& t : pipeline::fallbackTargets(*cfg, *model, plan.default_provider,
                                           fallbacks.value() ? fallbacks.value() : ex.scope().default_fallbacks)) {
    plan.targets.push_back(std::move(t));
  }
  plan.before_attempt = pipeline::scopeGuard(ex);
  plan.stream = ir->stream;
  plan.errors = &kChatPassthrough;
  bool include_usage = translate::openai::streamIncludeUsage(body);
  std::string client_model = *model;
  plan.prepare = [&](const routing::Route& route) -> Result<pipeline::Prepared> {
    pipeline::Prepared p;
    if (providers::speaksAnthropic(route)) {
      // OpenAI in, Claude out: render the canonical request as an Anthropic Messages body.
      ir->model = route.deployment.name;
      js::object anthropic_body = translate::anthropic::requestFromIr(*ir);
      anthropic_body["model"] = route.deployment.name;
      auto upreq = providers::buildAnthropicRequest(route, providers::Operation::Messages, {},
                                                    js::serialize(anthropic_body), ir->stream);
      if (!upreq) {
        return upreq.error();
      }
      p.request = std::move(upreq.value());
      p.owned = std::make_unique<AnthropicUpstreamAdapter>(client_model, include_usage);
      return p;
    }
    // OpenAI in, OpenAI out: the client's bytes with only `model` set and gateway-only fields removed.
    auto layout = rawjson::scanObject(raw);
    if (!layout) {
      return layout.error();
    }
    std::string upstream_body = rawjson::applyEdits(
        raw, *layout,
        {{"model", json::quote(providers::openAIUpstreamModel(route))}, {"fallbacks", ""}, {"deployment", ""}});
    auto upreq = providers::buildOpenAIChatRequest(route, std::move(upstream_body), ir->stream);
    if (!upreq) {
      return upreq.error();
    }
    p.request = std::move(upreq.value());
    p.adapter = &kChatPassthrough;
    return p;
  };
  auto route = co_await pipeline::execute(ex, *cfg, plan, out);
  pipeline::logRequest(ex, route ? &route.value() : nullptr, *model, ir->stream, out, started);
}

} // namespace

void registerRoutes(http::Router& router, const Context& ctx) {
  using boost::beast::http::verb;
  auto chat = [ctx](ModelSource source, std::string default_provider) {
    return [ctx, source, default_provider](http::ServerExchange& ex) {
      return handleChat(ctx, ex, source, default_provider);
    };
  };
  router.add(verb::post, "/v1/chat/completions", chat(ModelSource::BodyWithProvider, ""));
  router.add(verb::post, "/openai/v1/chat/completions", chat(ModelSource::Body, "openai"));
  router.add(verb::post, "/openai/chat/completions", chat(ModelSource::Body, "openai"));
  // The AzureOpenAI SDK form; with endpoint http://host:8080/openai it calls /openai/openai/deployments/...
  router.add(verb::post, "/openai/deployments/{deployment}/chat/completions", chat(ModelSource::Deployment, "azure"));
  router.add(verb::post, "/openai/openai/deployments/{deployment}/chat/completions",
             chat(ModelSource::Deployment, "azure"));
  // The handlers are coroutines taking their context by reference: it must live in the router (here, in the
  // lambda's capture), never be a temporary.
  auto models = [models_ctx = anthropic::Context{ctx.config}](http::ServerExchange& ex) {
    return anthropic::handleOpenAIModels(models_ctx, ex);
  };
  router.add(verb::get, "/openai/v1/models", models);
  router.add(verb::get, "/openai/models", models);
}

} // namespace hd::inbound::openai
