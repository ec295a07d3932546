// Managed identity, two transports:
// - App Service / Functions: GET {IDENTITY_ENDPOINT}?api-version=2019-08-01&resource=...[&client_id=...]
//   with the X-IDENTITY-HEADER secret from IDENTITY_HEADER;
// - VMs, scale sets and AKS node identities: the instance metadata service,
//   GET {imds}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=...[&client_id=...] with
//   `Metadata: true`. The connect timeout is short so the default chain moves on quickly off Azure.
#include <fmt/format.h>

#include "auth/credentials.h"
#include "auth/token_request.h"

namespace hd::auth {

namespace {

constexpr std::chrono::milliseconds kImdsConnectTimeout{1'000};
constexpr std::chrono::milliseconds kAppServiceConnectTimeout{5'000};

class ManagedIdentityCredential final : public Credential {
public:
  ManagedIdentityCredential(const AzureEnvironment& env, std::string client_id, std::string imds)
      : app_service_(!env.identity_endpoint.empty() && !env.identity_header.empty()),
        endpoint_(app_service_ ? env.identity_endpoint : std::move(imds)), header_(env.identity_header),
        client_id_(std::move(client_id)) {}

  std::string source() const override {
    std::string who = client_id_.empty() ? "system-assigned" : "client " + abbreviate(client_id_);
    return app_service_ ? fmt::format("managed identity (App Service, {})", who)
                        : fmt::format("managed identity (IMDS {}, {})", endpoint_, who);
  }

  boost::asio::awaitable<Result<AccessToken>> fetch(upstream::Pool& pool,
                                                    const std::vector<std::string>& scopes) override {
    FormFields query;
    query.emplace_back("api-version", app_service_ ? "2019-08-01" : "2018-02-01");
    query.emplace_back("resource", resourceForScopes(scopes));
    if (!client_id_.empty()) {
      query.emplace_back("client_id", client_id_);
    }
    std::string url = app_service_ ? endpoint_ : endpoint_ + "/metadata/identity/oauth2/token";
    url += (url.find('?') == std::string::npos ? "?" : "&") + formEncode(query);
    auto req = tokenRequest(boost::beast::http::verb::get, url, "",
                            app_service_ ? kAppServiceConnectTimeout : kImdsConnectTimeout);
    if (!req) {
      co_return Error::internal(fmt::format("{}: {}", source(), req.error().message));
    }
    if (app_service_) {
      req->headers.emplace_back("x-identity-header", header_);
    } else {
      req->headers.emplace_back("metadata", "true");
    }
    co_return co_await fetchToken(pool, std::move(req.value()), source());
  }

private:
  bool app_service_;
  std::string endpoint_;
  std::string header_; // secret
  std::string client_id_;
};

} // namespace

CredentialPtr makeManagedIdentityCredential(const AzureEnvironment& env, std::string client_id,
                                            std::string imds_endpoint) {
  return std::make_shared<ManagedIdentityCredential>(env, std::move(client_id), std::move(imds_endpoint));
}

} // namespace hd::auth
