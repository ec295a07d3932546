#pragma once
// Parses what token services answer (untrusted input):
// - Entra ID token endpoint: {"token_type","expires_in","access_token"} (expires_in a number);
// - managed identity (IMDS, App Service): {"access_token","expires_in","expires_on"} (numbers as strings);
// - Azure CLI `az account get-access-token`: {"accessToken","expires_on" (epoch seconds, newer CLIs),
//   "expiresOn" ("YYYY-MM-DD HH:MM:SS[.ffffff]" in local time, older CLIs)}.
// An absolute expiry (expires_on) wins over a relative one (expires_in).

#include <string>
#include <string_view>

#include "auth/access_token.h"
#include "core/error.h"

namespace hd::auth {

Result<AccessToken> parseTokenResponse(std::string_view body, Clock::time_point now);

// A short, log-safe summary of a token service error body: OAuth's `error` and the first line of
// `error_description` (which carries the AADSTS code), or managed identity's message. Bounded length.
std::string describeTokenError(std::string_view body);

} // namespace hd::auth
