// Workload identity (AKS): the client-credentials grant with the Kubernetes-projected service account
// token from AZURE_FEDERATED_TOKEN_FILE as the client assertion. The file is re-read for every token
// request, so a rotated token is picked up at the next refresh.
#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "auth/credentials.h"
#include "auth/token_request.h"

namespace hd::auth {

namespace {

constexpr std::size_t kMaxAssertionFile = 64 * 1024;

class WorkloadIdentityCredential final : public Credential {
public:
  WorkloadIdentityCredential(std::string authority, std::string tenant, std::string client_id, std::string file)
      : authority_(std::move(authority)), tenant_(std::move(tenant)), client_id_(std::move(client_id)),
        file_(std::move(file)) {}

  std::string source() const override {
    return fmt::format("workload identity (tenant {}, client {})", tenant_, abbreviate(client_id_));
  }

  boost::asio::awaitable<Result<AccessToken>> fetch(upstream::Pool& pool,
                                                    const std::vector<std::string>& scopes) override {
    auto assertion = readAssertion();
    if (!assertion) {
      co_return Error::authentication(fmt::format("{}: {}", source(), assertion.error().message));
    }
    FormFields cred;
    cred.emplace_back("client_assertion_type", std::string(kClientAssertionType));
    cred.emplace_back("client_assertion", std::move(assertion.value()));
    co_return co_await clientCredentialsGrant(pool, authority_, tenant_, client_id_, scopes, std::move(cred), source());
  }

private:
  Result<std::string> readAssertion() const {
    std::ifstream in(file_, std::ios::binary);
    if (!in) {
      return Error::authentication(
          fmt::format("cannot read AZURE_FEDERATED_TOKEN_FILE {}: {}", file_, std::strerror(errno)));
    }
    std::string text(kMaxAssertionFile + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxAssertionFile) {
      return Error::authentication(fmt::format("federated token file {} is larger than 64 KiB", file_));
    }
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
      text.pop_back();
    }
    if (text.empty()) {
      return Error::authentication(fmt::format("federated token file {} is empty", file_));
    }
    return text;
  }

  std::string authority_;
  std::string tenant_;
  std::string client_id_;
  std::string file_;
};

} // namespace

CredentialPtr makeWorkloadIdentityCredential(std::string authority, std::string tenant, std::string client_id,
                                             std::string token_file) {
  return std::make_shared<WorkloadIdentityCredential>(std::move(authority), std::move(tenant), std::move(client_id),
                                                      std::move(token_file));
}

} // namespace hd::auth
