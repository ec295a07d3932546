#include "gate/routes.h"

#include <spdlog/spdlog.h>

#include "http/inference_routes.h"

namespace hd::gate {

bool governInferenceRoutes(http::Router& router, const GateContext& ctx) {
  bool all = true;
  for (const auto& r : http::kInferenceRoutes) {
    Charge charge = r.billable ? Charge::Billable : Charge::AuthOnly;
    if (!router.wrap(r.method, r.pattern,
                     [&ctx, charge](http::Handler h) { return governed(ctx, std::move(h), charge); })) {
      spdlog::error("governance: inference route {} is not registered", r.pattern);
      all = false;
    }
  }
  return all;
}

} // namespace hd::gate
