// Service principal with a certificate: the client-credentials grant with
// client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer and a JWT signed with the
// certificate's key (auth/jwt_assertion.h), addressed to the token endpoint.
#include <fmt/format.h>

#include "auth/credentials.h"
#include "auth/jwt_assertion.h"
#include "auth/token_request.h"

namespace hd::auth {

namespace {

class ClientCertificateCredential final : public Credential {
public:
  ClientCertificateCredential(std::string authority, std::string tenant, std::string client_id,
                              Result<std::shared_ptr<const CertificateSigner>> signer)
      : authority_(std::move(authority)), tenant_(std::move(tenant)), client_id_(std::move(client_id)),
        signer_(std::move(signer)) {}

  std::string source() const override {
    return fmt::format("certificate credential (tenant {}, client {})", tenant_, abbreviate(client_id_));
  }

  boost::asio::awaitable<Result<AccessToken>> fetch(upstream::Pool& pool,
                                                    const std::vector<std::string>& scopes) override {
    if (!signer_) {
      co_return Error::authentication(fmt::format("{}: {}", source(), signer_.error().message));
    }
    auto jwt = (*signer_)->assertion(client_id_, tokenEndpoint(authority_, tenant_), Clock::now());
    if (!jwt) {
      co_return Error::internal(fmt::format("{}: {}", source(), jwt.error().message));
    }
    FormFields cred;
    cred.emplace_back("client_assertion_type", std::string(kClientAssertionType));
    cred.emplace_back("client_assertion", std::move(jwt.value()));
    co_return co_await clientCredentialsGrant(pool, authority_, tenant_, client_id_, scopes, std::move(cred), source());
  }

private:
  std::string authority_;
  std::string tenant_;
  std::string client_id_;
  Result<std::shared_ptr<const CertificateSigner>> signer_;
};

} // namespace

CredentialPtr makeClientCertificateCredential(std::string authority, std::string tenant, std::string client_id,
                                              const std::string& pem, const std::string& password) {
  return std::make_shared<ClientCertificateCredential>(std::move(authority), std::move(tenant), std::move(client_id),
                                                       CertificateSigner::load(pem, password));
}

} // namespace hd::auth
