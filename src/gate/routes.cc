#include "gate/routes.h"

#include <spdlog/spdlog.h>

#include <array>

namespace hd::gate {

namespace {

using verb = boost::beast::http::verb;

struct InferenceRoute {
  verb method;
  const char* pattern;
  Charge charge;
};

constexpr std::array<InferenceRoute, 11> kRoutes = {{
    {verb::post, "/anthropic/v1/messages", Charge::Billable},
    {verb::post, "/anthropic/v1/messages/count_tokens", Charge::AuthOnly},
    {verb::get, "/anthropic/v1/models", Charge::AuthOnly},
    {verb::get, "/v1/models", Charge::AuthOnly},
    {verb::post, "/v1/chat/completions", Charge::Billable},
    {verb::post, "/openai/v1/chat/completions", Charge::Billable},
    {verb::post, "/openai/chat/completions", Charge::Billable},
    {verb::post, "/openai/deployments/{deployment}/chat/completions", Charge::Billable},
    {verb::post, "/openai/openai/deployments/{deployment}/chat/completions", Charge::Billable},
    {verb::get, "/openai/v1/models", Charge::AuthOnly},
    {verb::get, "/openai/models", Charge::AuthOnly},
}};

} // namespace

bool governInferenceRoutes(http::Router& router, const GateContext& ctx) {
  bool all = true;
  for (const auto& r : kRoutes) {
    Charge charge = r.charge;
    if (!router.wrap(r.method, r.pattern,
                     [&ctx, charge](http::Handler h) { return governed(ctx, std::move(h), charge); })) {
      spdlog::error("governance: inference route {} is not registered", r.pattern);
      all = false;
    }
  }
  return all;
}

} // namespace hd::gate
