#pragma once
// JSON-RPC 2.0 messages as MCP uses them: parsing untrusted input (a single message or a batch) into
// requests, notifications and responses, and building answers. Used on both sides of the gateway: the
// /mcp server (messages from MCP clients) and the upstream clients (messages from MCP servers).
//
// Written by hand: the envelope is a few fields on top of Boost.JSON, which does the actual parsing.

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace hd::mcp::rpc {

namespace js = boost::json;

// Standard JSON-RPC error codes (and MCP's use of them).
inline constexpr int kParseError = -32700;
inline constexpr int kInvalidRequest = -32600;
inline constexpr int kMethodNotFound = -32601;
inline constexpr int kInvalidParams = -32602;
inline constexpr int kInternalError = -32603;
// Gateway-defined (JSON-RPC reserves -32000..-32099 for implementations).
inline constexpr int kUpstreamUnavailable = -32001;
inline constexpr int kUpstreamTimeout = -32002;
inline constexpr int kForbidden = -32003;
inline constexpr int kUnauthorized = -32004;
inline constexpr int kRequestCancelled = -32800; // as in LSP; only a client that did not cancel would see it

enum class Kind { Request, Notification, Result, Error };

struct Message {
  Kind kind = Kind::Notification;
  js::value id; // string or integer; null for notifications (and error responses without an id)
  std::string method;
  js::value params;   // object, array or null
  js::value result;   // Kind::Result
  int error_code = 0; // Kind::Error
  std::string error_message;
  js::value error_data;

  bool isRequest() const { return kind == Kind::Request; }
  bool isResponse() const { return kind == Kind::Result || kind == Kind::Error; }
};

struct Parsed {
  bool batch = false;
  std::vector<Message> messages;
};

// One message from an object. Fails with a message naming what is wrong (for an InvalidRequest answer).
Result<Message> fromValue(const js::value& v);

// A whole body: one message or a non-empty array of messages.
Result<Parsed> parse(std::string_view text);

// Answers.
js::object resultMessage(const js::value& id, js::value result);
js::object errorMessage(const js::value& id, int code, std::string_view message, const js::value& data = nullptr);
js::object requestMessage(const js::value& id, std::string_view method, js::value params);
js::object notificationMessage(std::string_view method, js::value params);

// Canonical text form of an id, for correlating responses ("s:abc", "n:12").
std::string idKey(const js::value& id);

} // namespace hd::mcp::rpc
