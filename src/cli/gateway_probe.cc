#include "cli/gateway_probe.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <fmt/format.h>

#include "cli/model_list.h"
#include "upstream/client.h"

namespace hd::cli {

namespace asio = boost::asio;

namespace {

struct Reply {
  unsigned status = 0;
  std::string body;
};

constexpr std::size_t kMaxBody = 8 * 1024 * 1024;

Result<Reply> get(const std::string& url, std::vector<std::pair<std::string, std::string>> headers,
                  std::chrono::milliseconds timeout) {
  auto origin = upstream::parseOrigin(url);
  if (!origin) {
    return origin.error();
  }
  upstream::Request req;
  req.method = upstream::http::verb::get;
  auto full = boost::urls::parse_absolute_uri(url);
  req.target = full && !full->encoded_path().empty() ? std::string(full->encoded_path()) : "/";
  req.origin = std::move(origin.value());
  req.headers = std::move(headers);
  req.headers.emplace_back("accept", "application/json");
  req.timeouts.connect = timeout;
  req.timeouts.first_byte = timeout;
  req.timeouts.idle = timeout;
  req.timeouts.total = timeout;

  asio::io_context io;
  upstream::Pool pool(io.get_executor());
  std::optional<Result<Reply>> out;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        upstream::Exchange ex(pool, req);
        auto started = co_await ex.start();
        if (!started) {
          out.emplace(started.error());
          co_return;
        }
        auto body = co_await ex.readAll(kMaxBody);
        if (!body) {
          out.emplace(body.error());
          co_return;
        }
        out.emplace(Reply{ex.status(), std::move(body.value())});
      },
      asio::detached);
  io.run();
  if (!out) {
    return Error::internal("the request did not complete");
  }
  return std::move(*out);
}

} // namespace

ProbeResult checkHealth(const std::string& base_url, std::chrono::milliseconds timeout) {
  auto r = get(base_url + "/health", {}, timeout);
  if (!r) {
    return {false, fmt::format("Cannot reach the gateway at {}: {}. Is `heimdall serve` running there?", base_url,
                               r.error().message)};
  }
  if (r->status != 200) {
    return {false, fmt::format("{}/health answered HTTP {}: is this a Heimdall gateway?", base_url, r->status)};
  }
  return {true, ""};
}

ModelsResult fetchModels(const std::string& base_url, const std::string& key, std::chrono::milliseconds timeout) {
  std::vector<std::pair<std::string, std::string>> headers;
  if (!key.empty()) {
    headers.emplace_back("authorization", "Bearer " + key);
    headers.emplace_back("x-bf-vk", key);
  }
  auto r = get(base_url + "/v1/models", std::move(headers), timeout);
  ModelsResult out;
  if (!r) {
    out.kind = ModelsResult::Kind::Unreachable;
    out.message = fmt::format("Cannot reach the gateway at {}: {}", base_url, r.error().message);
    return out;
  }
  if (r->status == 401 || r->status == 403) {
    out.kind = ModelsResult::Kind::KeyRejected;
    out.message = key.empty() ? fmt::format("The gateway requires a virtual key (HTTP {}).", r->status)
                              : fmt::format("The gateway rejected the virtual key (HTTP {}).", r->status);
    return out;
  }
  if (r->status != 200) {
    out.kind = ModelsResult::Kind::Failed;
    out.message = fmt::format("GET {}/v1/models answered HTTP {}.", base_url, r->status);
    return out;
  }
  auto models = parseModelList(r->body);
  if (!models) {
    out.kind = ModelsResult::Kind::Failed;
    out.message = fmt::format("GET {}/v1/models: {}.", base_url, models.error().message);
    return out;
  }
  out.kind = ModelsResult::Kind::Ok;
  out.models = std::move(models.value());
  return out;
}

} // namespace hd::cli
