#include "pipeline/relay.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/sse.h"
#include "pipeline/retry_policy.h"
#include "providers/anthropic_protocol.h"
#include "providers/azure_auth.h"

namespace hd::pipeline {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;

namespace {

constexpr std::size_t kMaxUpstreamBody = 64 * 1024 * 1024;
constexpr std::size_t kMaxUpstreamErrorBody = 1024 * 1024;
constexpr std::chrono::seconds kKeepAliveInterval{5};
// A stream is held back from the client until its first event with content; at most this much.
constexpr std::size_t kMaxInspectedBytes = 256 * 1024;

} // namespace

std::vector<std::pair<std::string, std::string>> relayedHeaders(const upstream::Exchange& up,
                                                                const routing::Route& route) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& f : up.headers()) {
    if (providers::isRelayedResponseHeader(f.name_string())) {
      out.emplace_back(std::string(f.name_string()), std::string(f.value()));
    }
  }
  out.emplace_back("x-heimdall-provider", route.provider->name);
  out.emplace_back("x-heimdall-deployment", route.deployment.name);
  return out;
}

namespace {

bool looksLikeJson(std::string_view body) {
  auto pos = body.find_first_not_of(" \t\r\n");
  return pos != std::string_view::npos && (body[pos] == '{' || body[pos] == '[');
}

Error withProvider(Error err, const routing::Route& route) {
  err.message = fmt::format("provider \"{}\": {}", route.provider->name, err.message);
  return err;
}

// Writes the adapter's keep-alive every interval of upstream silence; returns when the client is gone.
// The write itself is shielded from cancellation so a keep-alive is never cut in half.
asio::awaitable<void> keepAlive(http::ServerExchange& ex, std::string_view bytes) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (true) {
    timer.expires_after(kKeepAliveInterval);
    auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec) {
      co_return;
    }
    if (!co_await ex.writeChunkUninterruptible(bytes)) {
      co_return;
    }
  }
}

// Relays a committed stream: `held` (the bytes read while inspecting the first events) first, then the
// rest as it arrives. Returns true when the upstream failed after the commit.
asio::awaitable<bool> relayStream(http::ServerExchange& ex, upstream::Exchange& up, const routing::Route& route,
                                  const std::vector<std::pair<std::string, std::string>>& headers, bool begun,
                                  std::string held, StreamAdapter& sa, Outcome& out) {
  out.status = up.status();
  if (!begun && !co_await ex.beginStream(up.status(), headers)) {
    up.abort();
    out.error = "client disconnected";
    co_return false;
  }
  bool upstream_failed = false;
  std::string_view keep_alive = sa.keepAlive();
  std::string buf;
  sa.feed(held, buf);
  held = std::string();
  if (!buf.empty() && !co_await ex.writeChunk(buf)) {
    up.abort();
    out.error = "client disconnected";
    co_return false;
  }
  while (true) {
    Result<std::string_view> piece = std::string_view();
    if (keep_alive.empty()) {
      piece = co_await up.readSome();
    } else {
      auto r = co_await (up.readSome() || keepAlive(ex, keep_alive));
      if (r.index() == 1) {
        out.error = "client disconnected";
        break;
      }
      piece = std::move(std::get<0>(r));
    }
    buf.clear();
    if (!piece) {
      if (ex.isClientGone()) {
        out.error = "client disconnected";
        break;
      }
      upstream_failed = true;
      out.error = piece.error().message;
      sa.fail(withProvider(piece.error(), route), buf);
      co_await ex.writeChunk(buf);
      co_await ex.endStream();
      break;
    }
    if (piece->empty()) {
      sa.finish(buf);
      co_await ex.writeChunk(buf);
      co_await ex.endStream();
      break;
    }
    sa.feed(*piece, buf);
    if (!co_await ex.writeChunk(buf)) {
      up.abort();
      out.error = "client disconnected";
      break;
    }
  }
  out.usage = sa.usage();
  out.stop_reason = sa.stopReason();
  co_return upstream_failed;
}

AttemptResult transportFailure(const Error& err, const routing::Route& route) {
  AttemptResult r;
  r.kind = AttemptResult::Kind::Failed;
  r.retryable = true;
  r.upstream_fault = true;
  r.failure.error = withProvider(err, route);
  r.failure.summary = err.message;
  return r;
}

std::string_view headerValue(const upstream::Exchange& up, std::string_view name) {
  auto it = up.headers().find(name);
  return it == up.headers().end() ? std::string_view() : std::string_view(it->value());
}

// An upstream error answer (non-2xx, an error object in a 2xx body, or an error as a stream's first event).
AttemptResult upstreamFailure(const upstream::Exchange& up, const routing::Route& route, const ResponseAdapter& adapter,
                              unsigned status, std::string_view body, bool retryable_by_body) {
  AttemptResult r;
  r.kind = AttemptResult::Kind::Failed;
  r.retryable = isRetryableStatus(status) || retryable_by_body;
  r.upstream_fault = status >= 500 || status == 408;
  r.retry_after = parseRetryAfter(headerValue(up, "retry-after-ms"), headerValue(up, "retry-after"),
                                  std::chrono::system_clock::now());
  r.failure.has_response = true;
  r.failure.status = status;
  r.failure.body = adapter.mapUpstreamError(status, body, route.provider->name);
  r.failure.headers = relayedHeaders(up, route);
  r.failure.headers.emplace_back("content-type", "application/json");
  r.failure.summary = fmt::format("upstream HTTP {}", status);
  return r;
}

// Reads a stream until its first event with content (or an error) and returns what was read. Nothing is
// sent to the client meanwhile; `verdict` tells whether to commit.
struct Inspection {
  std::string held; // bytes read and not yet given to the stream adapter
  std::optional<Error> transport;
  EventVerdict verdict;
  std::size_t events = 0; // complete events seen
  bool ended = false;     // the upstream body ended
  bool decided = false;   // a decisive event (or the inspection bound) was reached
  bool begun = false;     // the hold lasted too long: headers and held bytes already went to the client
};

// Reads a stream until its first event with content (or an error). Nothing is sent to the client meanwhile
// (unless holdLimit commits early); `verdict` tells whether to commit.
asio::awaitable<void> inspectStream(upstream::Exchange& up, Inspection& ins) {
  sse::Parser parser([&ins](const sse::Event& ev) {
    if (ins.decided) {
      return;
    }
    ++ins.events;
    auto v = classifyStreamEvent(ev.type, ev.data);
    if (v.cls != EventClass::Preamble) {
      ins.verdict = std::move(v);
      ins.decided = true;
    }
  });
  std::size_t inspected = 0;
  while (!ins.decided) {
    auto piece = co_await up.readSome();
    if (!piece) {
      ins.transport = piece.error();
      co_return;
    }
    if (piece->empty()) {
      ins.ended = true;
      co_return;
    }
    ins.held.append(*piece);
    inspected += piece->size();
    if (!parser.feed(*piece) || (!ins.decided && inspected > kMaxInspectedBytes)) {
      // No decisive event within the bound: a stream that sent complete events is relayed; anything else is
      // not a readable stream.
      ins.verdict.cls = ins.events > 0 ? EventClass::Content : EventClass::Malformed;
      ins.verdict.retryable = true;
      ins.decided = true;
    }
  }
}

// Runs beside inspectStream. When the upstream has sent only preamble events (message_start, a role chunk)
// and then stays silent for a keep-alive interval (a reasoning model thinking), the hold ends: headers and
// the held events go to the client, then the adapter's keep-alives, exactly as after a normal commit. Never
// completes on its own (completing would cancel the upstream read); returns when cancelled or the client
// is gone. Its writes cannot be cut in half by the cancellation.
asio::awaitable<void> holdLimit(http::ServerExchange& ex, Inspection& ins, StreamAdapter& sa,
                                const std::vector<std::pair<std::string, std::string>>& headers, unsigned status) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  std::string buf;
  while (true) {
    timer.expires_after(kKeepAliveInterval);
    auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec) {
      co_return;
    }
    if (!ins.begun) {
      if (ins.events == 0) {
        continue; // nothing to show yet; the idle timeout bounds the wait
      }
      if (!co_await ex.beginStream(status, headers, true)) {
        co_return;
      }
      ins.begun = true;
      buf.clear();
      sa.feed(ins.held, buf);
      ins.held.clear();
      if (!co_await ex.writeChunkUninterruptible(buf)) {
        co_return;
      }
    } else if (!sa.keepAlive().empty() && !co_await ex.writeChunkUninterruptible(sa.keepAlive())) {
      co_return;
    }
    if ((co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none) {
      co_return;
    }
  }
}

std::vector<std::pair<std::string, std::string>> streamHeaders(const upstream::Exchange& up,
                                                               const routing::Route& route) {
  auto headers = relayedHeaders(up, route);
  headers.emplace_back("content-type", "text/event-stream");
  headers.emplace_back("cache-control", "no-cache");
  return headers;
}

} // namespace

asio::awaitable<void> sendError(http::ServerExchange& ex, const ResponseAdapter& adapter, const Error& err,
                                Outcome& out) {
  out.status = err.status;
  out.error = err.message;
  co_await ex.sendJson(err.status, adapter.renderError(err));
}

asio::awaitable<void> sendFailure(http::ServerExchange& ex, const ResponseAdapter& adapter, const Failure& failure,
                                  Outcome& out) {
  if (!failure.has_response) {
    co_await sendError(ex, adapter, failure.error, out);
    co_return;
  }
  out.status = failure.status;
  out.error = failure.summary;
  co_await ex.sendJson(failure.status, failure.body, failure.headers);
}

asio::awaitable<AttemptResult> attemptOnce(http::ServerExchange& ex, upstream::Request req, const routing::Route& route,
                                           bool stream, const ResponseAdapter& adapter, Outcome& out) {
  AttemptResult gone;
  gone.kind = AttemptResult::Kind::ClientGone;
  // Azure keys using Entra ID: the bearer token (from the shared cache; fetched if needed).
  if (auto authorized = co_await providers::authorizeUpstream(req, route, *ex.worker().pool); !authorized) {
    if (ex.isClientGone()) {
      co_return gone;
    }
    AttemptResult r;
    r.kind = AttemptResult::Kind::Failed;
    r.retryable = true; // another key or a fallback may authenticate; this key's cache backs off on its own
    r.failure.error = withProvider(authorized.error(), route);
    r.failure.summary = authorized.error().message;
    co_return r;
  }
  upstream::Exchange up(*ex.worker().pool, std::move(req));
  ex.onClientGone([&up] { up.abort(); });
  struct Unhook {
    http::ServerExchange& ex;
    ~Unhook() { ex.onClientGone({}); }
  } unhook{ex};

  auto started = co_await up.start();
  if (ex.isClientGone()) {
    co_return gone;
  }
  if (!started) {
    co_return transportFailure(started.error(), route);
  }
  out.first_byte = std::chrono::steady_clock::now();
  unsigned status = up.status();

  if (status >= 300) {
    auto body = co_await up.readAll(kMaxUpstreamErrorBody);
    if (ex.isClientGone()) {
      co_return gone;
    }
    std::string text = body ? std::move(body.value()) : std::string();
    co_return upstreamFailure(up, route, adapter, status, text, bodySignalsRetry(text));
  }
  if (stream && up.isEventStream()) {
    auto sa = adapter.streamAdapter();
    auto headers = streamHeaders(up, route);
    Inspection ins;
    co_await (inspectStream(up, ins) || holdLimit(ex, ins, *sa, headers, status));
    if (ex.isClientGone()) {
      if (ins.begun) {
        out.status = status;
        out.error = "client disconnected";
        AttemptResult r;
        r.kind = AttemptResult::Kind::Committed;
        co_return r;
      }
      co_return gone;
    }
    if (!ins.begun) {
      if (ins.transport) {
        co_return transportFailure(*ins.transport, route);
      }
      if (ins.ended && !ins.decided) {
        co_return transportFailure(Error::badGateway("the upstream stream ended before any content"), route);
      }
      if (ins.verdict.cls == EventClass::Error) {
        auto r = upstreamFailure(up, route, adapter, ins.verdict.status, ins.verdict.error_body, ins.verdict.retryable);
        r.retryable = ins.verdict.retryable;
        r.failure.summary = fmt::format("upstream stream error event (HTTP {} equivalent)", ins.verdict.status);
        co_return r;
      }
      if (ins.verdict.cls == EventClass::Malformed) {
        co_return transportFailure(Error::badGateway("the upstream sent an unreadable event stream"), route);
      }
    }
    // Committed: from here on the client sees this upstream's answer. A transport failure during the
    // inspection can only get here after an early commit (holdLimit); it ends the stream with an error event.
    AttemptResult r;
    r.kind = AttemptResult::Kind::Committed;
    if (ins.transport) {
      std::string buf;
      sa->feed(ins.held, buf);
      sa->fail(withProvider(*ins.transport, route), buf);
      out.status = status;
      out.error = ins.transport->message;
      co_await ex.writeChunk(buf);
      co_await ex.endStream();
      out.usage = sa->usage();
      out.stop_reason = sa->stopReason();
      r.upstream_fault = true;
      co_return r;
    }
    r.upstream_fault = co_await relayStream(ex, up, route, headers, ins.begun, std::move(ins.held), *sa, out);
    co_return r;
  }
  auto body = co_await up.readAll(kMaxUpstreamBody);
  if (ex.isClientGone()) {
    co_return gone;
  }
  if (!body) {
    co_return transportFailure(body.error(), route);
  }
  if (auto err_status = errorInSuccessBody(*body)) {
    co_return upstreamFailure(up, route, adapter, *err_status, *body, bodySignalsRetry(*body));
  }
  if (!looksLikeJson(*body)) {
    co_return transportFailure(Error::badGateway(fmt::format("the upstream answered HTTP {} with a body that is "
                                                             "not JSON",
                                                             status)),
                               route);
  }
  auto headers = relayedHeaders(up, route);
  auto converted = adapter.convertBody(std::move(body.value()), out);
  if (!converted) {
    co_return transportFailure(converted.error(), route);
  }
  out.status = status;
  headers.emplace_back("content-type", "application/json");
  http::Response res{static_cast<boost::beast::http::status>(status), 11};
  for (const auto& [k, v] : headers) {
    res.set(k, v);
  }
  res.body() = std::move(converted.value());
  co_await ex.send(std::move(res));
  AttemptResult r;
  r.kind = AttemptResult::Kind::Committed;
  co_return r;
}

void logRequest(http::ServerExchange& ex, const routing::Route* route, std::string_view requested_model, bool stream,
                const Outcome& out, std::chrono::steady_clock::time_point started) {
  using namespace std::chrono;
  auto latency = static_cast<double>(duration_cast<microseconds>(steady_clock::now() - started).count()) / 1000.0;
  double ttfb = out.first_byte == steady_clock::time_point{}
                    ? -1
                    : static_cast<double>(duration_cast<microseconds>(out.first_byte - started).count()) / 1000.0;
  auto& served = ex.scope().served;
  served.set = true;
  served.status = out.status;
  served.usage = out.usage;
  if (route != nullptr) {
    served.provider = route->provider->name;
    served.key = route->key->name;
    served.model = route->model;
    served.canonical_model = route->deployment.alias != nullptr && !route->deployment.alias->model_name.empty()
                                 ? route->deployment.alias->model_name
                                 : route->model;
  }
  auto& rec = ex.scope().record;
  rec.model = std::string(requested_model == "-" ? "" : requested_model);
  rec.stream = stream;
  rec.status_code = out.status;
  rec.error = out.error;
  rec.stop_reason = out.stop_reason;
  rec.usage = out.usage;
  rec.ttft_ms = ttfb;
  rec.number_of_retries = std::max(0, out.attempts - 1);
  rec.fallback_index = out.fallback_index;
  if (route != nullptr) {
    rec.provider = route->provider->name;
    rec.deployment = route->deployment.name;
    rec.key_id = route->key->id;
    rec.key_name = route->key->name;
    rec.served_model = served.canonical_model;
  }
  spdlog::info("request id={} path={} model={} provider={} deployment={} key={} vk={} stream={} status={} "
               "latency_ms={:.2f} ttfb_ms={:.2f} input_tokens={} output_tokens={} cache_read_tokens={} "
               "cache_write_tokens={} stop_reason={} attempts={}{}{}{}",
               ex.requestId(), ex.path(), requested_model, route != nullptr ? route->provider->name : "-",
               route != nullptr ? route->deployment.name : "-", route != nullptr ? route->key->name : "-",
               ex.scope().principal.empty() ? "-" : ex.scope().principal, stream, out.status, latency, ttfb,
               out.usage.input_tokens, out.usage.output_tokens, out.usage.cache_read_input_tokens,
               out.usage.cache_creation_input_tokens, out.stop_reason.empty() ? "-" : out.stop_reason, out.attempts,
               out.fallback_index < 0 ? "" : fmt::format(" fallback={}", out.fallback_index),
               out.error.empty() ? "" : " error=", out.error);
}

} // namespace hd::pipeline
