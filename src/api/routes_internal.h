#pragma once
// Route groups of the management API (each in its own file).

#include "api/api.h"

namespace hd::api {

void registerProviderRoutes(http::Router& router, const Context& ctx);
void registerConfigRoutes(http::Router& router, const Context& ctx);
void registerSessionRoutes(http::Router& router, const Context& ctx);

} // namespace hd::api
