#include "core/error.h"

namespace hd {

std::string_view errorTypeForStatus(unsigned status) {
  switch (status) {
  case 400:
  case 422:
    return "invalid_request_error";
  case 401:
    return "authentication_error";
  case 402:
    return "billing_error";
  case 403:
    return "permission_error";
  case 404:
    return "not_found_error";
  case 408:
  case 504:
    return "timeout_error";
  case 413:
    return "request_too_large";
  case 429:
    return "rate_limit_error";
  case 503:
  case 529:
    return "overloaded_error";
  default:
    return status >= 500 || status < 400 ? "api_error" : "invalid_request_error";
  }
}

Error errorFromAnthropicType(std::string_view type, std::string message, ErrorKind fallback) {
  if (type == "invalid_request_error") {
    return Error::invalidRequest(std::move(message));
  }
  if (type == "authentication_error") {
    return Error::authentication(std::move(message));
  }
  if (type == "permission_error" || type == "billing_error") {
    return Error::permission(std::move(message));
  }
  if (type == "not_found_error") {
    return Error::notFound(std::move(message));
  }
  if (type == "request_too_large") {
    return Error::tooLarge(std::move(message));
  }
  if (type == "rate_limit_error") {
    return Error::rateLimit(std::move(message));
  }
  if (type == "timeout_error") {
    return Error::timeout(std::move(message));
  }
  if (type == "overloaded_error") {
    return Error::overloaded(std::move(message));
  }
  return fallback == ErrorKind::BadGateway ? Error::badGateway(std::move(message))
                                           : Error::internal(std::move(message));
}

} // namespace hd
