#pragma once
// A source of Entra ID tokens. Implementations only fetch: caching, refresh timing and single-flight
// live in TokenCache. fetch() may run on any worker thread, but never twice at once for the same scopes.

#include <boost/asio/awaitable.hpp>
#include <memory>
#include <string>
#include <vector>

#include "auth/access_token.h"
#include "core/error.h"
#include "upstream/client.h"

namespace hd::auth {

class Credential {
public:
  virtual ~Credential() = default;
  // What this credential is, safe to log and to show clients: no secret, e.g.
  // "service principal (tenant contoso.onmicrosoft.com, client 1234...)".
  virtual std::string source() const = 0;
  // Asks the token service for a new token. `pool` is the calling worker's upstream pool.
  virtual boost::asio::awaitable<Result<AccessToken>> fetch(upstream::Pool& pool,
                                                            const std::vector<std::string>& scopes) = 0;
};

using CredentialPtr = std::shared_ptr<Credential>;

} // namespace hd::auth
