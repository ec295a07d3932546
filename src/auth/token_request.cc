#include "auth/token_request.h"

#include <fmt/format.h>

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "auth/token_response.h"

namespace hd::auth {

namespace {

constexpr std::size_t kMaxTokenBody = 256 * 1024;
constexpr std::chrono::milliseconds kTokenTotalTimeout{30'000};

} // namespace

std::string formEncode(const FormFields& fields) {
  std::string out;
  for (const auto& [k, v] : fields) {
    if (!out.empty()) {
      out += '&';
    }
    out += boost::urls::encode(k, boost::urls::unreserved_chars);
    out += '=';
    out += boost::urls::encode(v, boost::urls::unreserved_chars);
  }
  return out;
}

std::string tokenEndpoint(std::string_view authority_host, std::string_view tenant) {
  return fmt::format("{}/{}/oauth2/v2.0/token", authority_host,
                     boost::urls::encode(tenant, boost::urls::unreserved_chars));
}

std::string joinScopes(const std::vector<std::string>& scopes) {
  std::string out;
  for (const auto& s : scopes) {
    if (s.empty()) {
      continue;
    }
    out += out.empty() ? "" : " ";
    out += s;
  }
  return out.empty() ? std::string(kDefaultScope) : out;
}

std::string resourceForScopes(const std::vector<std::string>& scopes) {
  std::string s = joinScopes(scopes);
  if (auto sp = s.find(' '); sp != std::string::npos) {
    s.resize(sp); // a managed identity token has one audience: the first scope's
  }
  constexpr std::string_view kSuffix = "/.default";
  if (s.size() > kSuffix.size() && s.compare(s.size() - kSuffix.size(), kSuffix.size(), kSuffix) == 0) {
    s.resize(s.size() - kSuffix.size());
  }
  return s;
}

Result<upstream::Request> tokenRequest(boost::beast::http::verb method, std::string_view url, std::string body,
                                       std::chrono::milliseconds connect_timeout) {
  auto q = url.find('?');
  auto origin = upstream::parseOrigin(url.substr(0, q));
  if (!origin) {
    return origin.error();
  }
  upstream::Request req;
  req.method = method;
  req.origin = std::move(origin.value());
  req.target = req.origin.base_path.empty() ? "/" : req.origin.base_path;
  if (q != std::string_view::npos) {
    req.target += url.substr(q);
  }
  req.headers.emplace_back("accept", "application/json");
  if (method == boost::beast::http::verb::post) {
    req.headers.emplace_back("content-type", "application/x-www-form-urlencoded");
  }
  req.body = std::move(body);
  req.timeouts.connect = connect_timeout;
  req.timeouts.first_byte = kTokenTotalTimeout;
  req.timeouts.idle = kTokenTotalTimeout;
  req.timeouts.total = kTokenTotalTimeout;
  return req;
}

boost::asio::awaitable<Result<AccessToken>> fetchToken(upstream::Pool& pool, upstream::Request req,
                                                       std::string_view source) {
  std::string where = fmt::format("{}://{}:{}", req.origin.tls ? "https" : "http", req.origin.host, req.origin.port);
  upstream::Exchange ex(pool, std::move(req));
  auto started = co_await ex.start();
  if (!started) {
    co_return Error::badGateway(
        fmt::format("{}: token request to {} failed: {}", source, where, started.error().message));
  }
  auto body = co_await ex.readAll(kMaxTokenBody);
  if (!body) {
    co_return Error::badGateway(
        fmt::format("{}: reading the token response from {} failed: {}", source, where, body.error().message));
  }
  unsigned status = ex.status();
  if (status == 400 || status == 401 || status == 403) {
    co_return Error::authentication(fmt::format("{}: token service {} rejected the request (HTTP {}): {}", source,
                                                where, status, describeTokenError(*body)));
  }
  if (status < 200 || status >= 300) {
    co_return Error::badGateway(
        fmt::format("{}: token service {} answered HTTP {}: {}", source, where, status, describeTokenError(*body)));
  }
  auto tok = parseTokenResponse(*body, Clock::now());
  if (!tok) {
    co_return Error::badGateway(fmt::format("{}: {} (from {})", source, tok.error().message, where));
  }
  co_return std::move(tok.value());
}

boost::asio::awaitable<Result<AccessToken>> clientCredentialsGrant(upstream::Pool& pool, std::string_view authority,
                                                                   std::string_view tenant, std::string_view client_id,
                                                                   const std::vector<std::string>& scopes,
                                                                   FormFields credential, std::string_view source) {
  FormFields form;
  form.emplace_back("grant_type", "client_credentials");
  form.emplace_back("client_id", std::string(client_id));
  form.emplace_back("scope", joinScopes(scopes));
  for (auto& f : credential) {
    form.push_back(std::move(f));
  }
  auto req = tokenRequest(boost::beast::http::verb::post, tokenEndpoint(authority, tenant), formEncode(form),
                          std::chrono::milliseconds(10'000));
  if (!req) {
    co_return Error::internal(fmt::format("{}: {}", source, req.error().message));
  }
  co_return co_await fetchToken(pool, std::move(req.value()), source);
}

} // namespace hd::auth
