// Service principal with a client secret: the OAuth 2.0 client-credentials grant against
// {authority}/{tenant}/oauth2/v2.0/token with grant_type, client_id, client_secret and scope.
#include <fmt/format.h>

#include "auth/credentials.h"
#include "auth/token_request.h"

namespace hd::auth {

namespace {

class ClientSecretCredential final : public Credential {
public:
  ClientSecretCredential(std::string authority, std::string tenant, std::string client_id, std::string secret)
      : authority_(std::move(authority)), tenant_(std::move(tenant)), client_id_(std::move(client_id)),
        secret_(std::move(secret)) {}

  std::string source() const override {
    return fmt::format("service principal (tenant {}, client {})", tenant_, abbreviate(client_id_));
  }

  boost::asio::awaitable<Result<AccessToken>> fetch(upstream::Pool& pool,
                                                    const std::vector<std::string>& scopes) override {
    FormFields cred;
    cred.emplace_back("client_secret", secret_);
    co_return co_await clientCredentialsGrant(pool, authority_, tenant_, client_id_, scopes, std::move(cred), source());
  }

private:
  std::string authority_;
  std::string tenant_;
  std::string client_id_;
  std::string secret_;
};

} // namespace

std::string abbreviate(std::string_view id) {
  return id.size() <= 8 ? std::string(id) : std::string(id.substr(0, 8)) + "...";
}

CredentialPtr makeClientSecretCredential(std::string authority, std::string tenant, std::string client_id,
                                         std::string secret) {
  return std::make_shared<ClientSecretCredential>(std::move(authority), std::move(tenant), std::move(client_id),
                                                  std::move(secret));
}

} // namespace hd::auth
