#pragma once
// The gateway's error type and Result<T>: fallible functions on the request path return values,
// never throw. Each inbound API renders an Error in its own wire shape.

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace hd {

enum class ErrorKind {
  InvalidRequest,  // 400
  Authentication,  // 401
  Permission,      // 403
  NotFound,        // 404
  RequestTooLarge, // 413
  RateLimit,       // 429
  Api,             // 500
  BadGateway,      // 502 (upstream unreachable or broken)
  Timeout,         // 504
  Overloaded,      // 529
};

struct Error {
  ErrorKind kind = ErrorKind::Api;
  int status = 500;
  std::string message;

  static Error invalidRequest(std::string msg) { return {ErrorKind::InvalidRequest, 400, std::move(msg)}; }
  static Error authentication(std::string msg) { return {ErrorKind::Authentication, 401, std::move(msg)}; }
  static Error permission(std::string msg) { return {ErrorKind::Permission, 403, std::move(msg)}; }
  static Error notFound(std::string msg) { return {ErrorKind::NotFound, 404, std::move(msg)}; }
  static Error tooLarge(std::string msg) { return {ErrorKind::RequestTooLarge, 413, std::move(msg)}; }
  static Error rateLimit(std::string msg) { return {ErrorKind::RateLimit, 429, std::move(msg)}; }
  static Error internal(std::string msg) { return {ErrorKind::Api, 500, std::move(msg)}; }
  static Error badGateway(std::string msg) { return {ErrorKind::BadGateway, 502, std::move(msg)}; }
  static Error timeout(std::string msg) { return {ErrorKind::Timeout, 504, std::move(msg)}; }
  static Error overloaded(std::string msg) { return {ErrorKind::Overloaded, 529, std::move(msg)}; }
};

// Anthropic's error-type vocabulary (the gateway's canonical one): status -> type name, and back.
std::string_view errorTypeForStatus(unsigned status);
Error errorFromAnthropicType(std::string_view type, std::string message, ErrorKind fallback);

// The value of a Result that carries no value.
struct Ok {};

// A value or an Error. Small on purpose: std::expected is C++23.
template <class T> class Result {
public:
  Result(T value) : v_(std::move(value)) {}     // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {} // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() { return value(); }
  const Error& error() const { return std::get<1>(v_); }

private:
  std::variant<T, Error> v_;
};

} // namespace hd
