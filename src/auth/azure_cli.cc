// The Azure CLI: `az account get-access-token --output json --scope <scope> [--tenant <t>]` as a
// subprocess (a developer's `az login` session); `--scope` takes each configured scope as its own argument. The JSON it
// prints is parsed like any token response.
#include <fmt/format.h>

#include "auth/credentials.h"
#include "auth/subprocess.h"
#include "auth/token_request.h"
#include "auth/token_response.h"

namespace hd::auth {

namespace {

constexpr std::chrono::milliseconds kCliTimeout{20'000};

std::string firstLine(std::string_view s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) {
    return "no output";
  }
  s.remove_prefix(b);
  if (s.substr(0, 7) == "ERROR: ") {
    s.remove_prefix(7);
  }
  return std::string(s.substr(0, std::min(s.find_first_of("\r\n"), std::size_t{300})));
}

class AzureCliCredential final : public Credential {
public:
  AzureCliCredential(std::string az, std::string tenant) : az_(std::move(az)), tenant_(std::move(tenant)) {}

  std::string source() const override { return fmt::format("Azure CLI ({})", az_); }

  boost::asio::awaitable<Result<AccessToken>> fetch(upstream::Pool& /*pool*/,
                                                    const std::vector<std::string>& scopes) override {
    std::vector<std::string> args = {"account", "get-access-token", "--output", "json", "--scope"};
    bool any = false;
    for (const auto& s : scopes) {
      if (!s.empty()) {
        args.push_back(s);
        any = true;
      }
    }
    if (!any) {
      args.emplace_back(kDefaultScope);
    }
    if (!tenant_.empty()) {
      args.emplace_back("--tenant");
      args.push_back(tenant_);
    }
    auto run = co_await runProcess(az_, args, kCliTimeout);
    if (!run) {
      co_return Error::badGateway(fmt::format("{}: {}", source(), run.error().message));
    }
    if (run->exit_code != 0) {
      co_return Error::authentication(
          fmt::format("{}: exited with status {}: {}", source(), run->exit_code, firstLine(run->err)));
    }
    auto tok = parseTokenResponse(run->out, Clock::now());
    if (!tok) {
      co_return Error::badGateway(fmt::format("{}: {}", source(), tok.error().message));
    }
    co_return std::move(tok.value());
  }

private:
  std::string az_;
  std::string tenant_;
};

} // namespace

CredentialPtr makeAzureCliCredential(std::string az_path, std::string tenant) {
  return std::make_shared<AzureCliCredential>(std::move(az_path), std::move(tenant));
}

} // namespace hd::auth
