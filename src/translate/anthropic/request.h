#pragma once
// Anthropic Messages API request body <-> IR request.
//
// requestToIr is the inbound direction (Anthropic clients such as Claude Code reaching any deployment);
// requestFromIr the provider direction (OpenAI-API clients reaching a Claude deployment).
//
// Mapping notes:
// - `system` (string or text blocks) -> Request::system; `role: "system"` messages inside `messages` (Claude
//   Code sends these to non-Claude models) -> Message{Role::System}. requestFromIr folds those into the
//   `system` list after the top-level blocks, in order, since Anthropic has no system role in messages;
//   consecutive same-role messages are then merged.
// - Custom tools keep the whole wire object in Tool::raw so fields the IR does not model (input_examples,
//   allowed_callers, eager_input_streaming, ...) survive a round trip; requestFromIr starts from raw and
//   overwrites only the structured fields that differ. Server tools (any `type` but "custom") set
//   Tool::server_type and are rendered from raw unchanged.
// - output_config.effort <-> reasoning_effort (rendering maps OpenAI's "minimal" to "low" and omits "none");
// output_config.format / the older top-level output_format
//   {type:"json_schema", schema} -> json_schema {"schema": ...} (rendered back as output_config.format).
// - metadata.user_id -> user.
// - Fields the IR does not model (context_management, container, mcp_servers, service_tier, inference_geo,
//   speed, top-level cache_control, unknown fields; members of metadata / output_config / thinking other
//   than the modelled ones; thinking types other than enabled/disabled/adaptive) are kept in `extensions`
//   under their top-level key. requestFromIr emits them again; structured fields win on conflict.
// - Gateway-only fields `fallbacks` and `deployment` are ignored.
// - Not representable, dropped: document `context`, tool_use `caller`, tool_result `toolset_name`, image
//   `transformations`, thinking `display`; IR json_object and seed (no Anthropic equivalent).

#include <boost/json/object.hpp>

#include "core/error.h"
#include "core/ir.h"

namespace hd::translate::anthropic {

// Parses and validates an Anthropic Messages request. Errors are 400s naming the JSON path and what was
// expected, e.g. `messages[2].content[0].source.type: expected "base64", "url" or "text"`. `max_tokens` is
// optional here (count_tokens bodies omit it) but validated when present.
Result<ir::Request> requestToIr(const boost::json::object& body);

// Renders an IR request as an Anthropic Messages request body. max_tokens defaults to 4096. Thinking blocks
// without a signature (reasoning from other providers, which Anthropic rejects) are dropped; tool inputs
// that are not objects become {} (or the object a JSON string parses to); parallel_tool_calls == false
// becomes tool_choice.disable_parallel_tool_use. requestToIr(requestFromIr(x)) == x for any x produced by
// requestToIr, except where the body had system-role messages, consecutive same-role messages, thinking
// blocks with an empty signature, or effort "minimal"/"none" (all normalised as above). Rendering is
// idempotent: requestFromIr(requestToIr(requestFromIr(x))) == requestFromIr(x).
boost::json::object requestFromIr(const ir::Request& req);

} // namespace hd::translate::anthropic
