// Fuzzes the parsers of token-service answers (Entra ID, managed identity, Azure CLI output) and the
// error-body summariser: both read untrusted bytes from the network or a subprocess.
#include <cstdint>
#include <string_view>

#include "auth/token_response.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto now = hd::auth::Clock::time_point(std::chrono::seconds(1'800'000'000));
  auto tok = hd::auth::parseTokenResponse(text, now);
  if (tok.ok() && (tok->token.empty() || tok->expires_on <= now)) {
    __builtin_trap();
  }
  auto summary = hd::auth::describeTokenError(text);
  if (summary.size() > 300 || summary.find('\n') != std::string::npos) {
    __builtin_trap();
  }
  return 0;
}
