#include "api/api.h"
#include "api/routes_internal.h"

namespace hd::api {

void registerRoutes(http::Router& router, const Context& ctx) {
  registerProviderRoutes(router, ctx);
  registerConfigRoutes(router, ctx);
  registerSessionRoutes(router, ctx);
}

} // namespace hd::api
