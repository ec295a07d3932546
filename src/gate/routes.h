#pragma once
// Puts the gate in front of every inference route.

#include "gate/gate.h"

namespace hd::gate {

// Wraps the inference routes already registered on `router` (messages, chat completions: billable;
// count_tokens, model lists: key check only). Returns false if one of them is missing.
bool governInferenceRoutes(http::Router& router, const GateContext& ctx);

} // namespace hd::gate
