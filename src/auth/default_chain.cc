// The default credential chain (DefaultAzureCredential): environment, workload identity, managed
// identity, Azure CLI. Steps that cannot apply are skipped without I/O; the first step that returns a
// token is remembered and used from then on. When all fail, the error lists every step and why.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <fstream>
#include <sstream>

#include "auth/credentials.h"
#include "auth/subprocess.h"

namespace hd::auth {

namespace {

constexpr std::size_t kNone = static_cast<std::size_t>(-1);

struct Step {
  std::string name;
  CredentialPtr cred;      // null when the step does not apply
  std::string skip_reason; // why it does not apply
};

std::string firstNonEmpty(const std::string& a, const std::string& b) {
  return a.empty() ? b : a;
}

Step environmentStep(const AzureEnvironment& env, const ChainOptions& opts) {
  Step s{"environment", nullptr, ""};
  if (env.client_id.empty() || env.tenant_id.empty() ||
      (env.client_secret.empty() && env.client_certificate_path.empty())) {
    s.skip_reason = "AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or AZURE_CLIENT_CERTIFICATE_PATH) "
                    "are not all set";
    return s;
  }
  if (!env.client_secret.empty()) {
    s.cred = makeClientSecretCredential(opts.authority_host, env.tenant_id, env.client_id, env.client_secret);
    return s;
  }
  std::ifstream in(env.client_certificate_path, std::ios::binary);
  if (!in) {
    s.skip_reason = fmt::format("cannot read AZURE_CLIENT_CERTIFICATE_PATH {}", env.client_certificate_path);
    return s;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  s.cred = makeClientCertificateCredential(opts.authority_host, env.tenant_id, env.client_id, ss.str(),
                                           env.client_certificate_password);
  return s;
}

Step workloadStep(const AzureEnvironment& env, const ChainOptions& opts) {
  Step s{"workload identity", nullptr, ""};
  std::string client = firstNonEmpty(opts.client_id, env.client_id);
  std::string tenant = firstNonEmpty(opts.tenant_id, env.tenant_id);
  if (env.federated_token_file.empty()) {
    s.skip_reason = "AZURE_FEDERATED_TOKEN_FILE is not set";
  } else if (client.empty() || tenant.empty()) {
    s.skip_reason = "AZURE_FEDERATED_TOKEN_FILE is set but AZURE_CLIENT_ID or AZURE_TENANT_ID is not";
  } else {
    s.cred = makeWorkloadIdentityCredential(opts.authority_host, tenant, client, env.federated_token_file);
  }
  return s;
}

class DefaultCredentialChain final : public Credential {
public:
  explicit DefaultCredentialChain(std::vector<Step> steps) : steps_(std::move(steps)) {}

  std::string source() const override {
    std::size_t c = chosen_.load();
    return c == kNone ? "DefaultAzureCredential" : "DefaultAzureCredential via " + steps_[c].cred->source();
  }

  boost::asio::awaitable<Result<AccessToken>> fetch(upstream::Pool& pool,
                                                    const std::vector<std::string>& scopes) override {
    if (std::size_t c = chosen_.load(); c != kNone) {
      co_return co_await steps_[c].cred->fetch(pool, scopes);
    }
    std::string tried;
    for (std::size_t i = 0; i < steps_.size(); ++i) {
      const auto& step = steps_[i];
      tried += tried.empty() ? "" : "; ";
      if (!step.cred) {
        tried += fmt::format("{}: skipped ({})", step.name, step.skip_reason);
        continue;
      }
      auto r = co_await step.cred->fetch(pool, scopes);
      if (r) {
        chosen_.store(i);
        spdlog::info("DefaultAzureCredential: using {}", step.cred->source());
        co_return r;
      }
      const std::string& msg = r.error().message;
      // Most errors already start with the credential's own name ("managed identity (IMDS ...): ...").
      tried += msg.rfind(step.name, 0) == 0 ? msg : fmt::format("{}: {}", step.name, msg);
    }
    co_return Error::authentication(
        fmt::format("DefaultAzureCredential found no usable Azure credential. Tried: {}", tried));
  }

private:
  std::vector<Step> steps_;
  std::atomic<std::size_t> chosen_{kNone};
};

} // namespace

CredentialPtr makeDefaultCredentialChain(const AzureEnvironment& env, const ChainOptions& opts) {
  std::vector<Step> steps;
  steps.push_back(environmentStep(env, opts));
  steps.push_back(workloadStep(env, opts));
  steps.push_back(
      Step{"managed identity",
           makeManagedIdentityCredential(env, firstNonEmpty(opts.client_id, env.client_id), opts.imds_endpoint), ""});
  if (auto az = findOnPath("az", env.path)) {
    steps.push_back(Step{"Azure CLI", makeAzureCliCredential(*az, opts.tenant_id), ""});
  } else {
    steps.push_back(Step{"Azure CLI", nullptr, "az not found on PATH"});
  }
  return std::make_shared<DefaultCredentialChain>(std::move(steps));
}

} // namespace hd::auth
