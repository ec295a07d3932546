#pragma once
// Local token-count estimate for count_tokens when the upstream cannot count (Azure's Claude endpoint
// does not offer count_tokens). An estimate, labelled as such in a response header.

#include <boost/json/object.hpp>
#include <cstdint>

namespace hd::inbound::anthropic {

// Estimates input tokens of a Messages request body (system, messages, tools).
std::int64_t estimateInputTokens(const boost::json::object& request);

} // namespace hd::inbound::anthropic
