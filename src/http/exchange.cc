#include "http/exchange.h"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/url/parse.hpp>

namespace hd::http {

namespace {
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
}

ServerExchange::ServerExchange(Request& req, beast::tcp_stream& stream, WorkerContext worker, std::string request_id,
                               std::int64_t started_unix_ns, bool draining)
    : req_(req), stream_(stream), worker_(worker), request_id_(std::move(request_id)),
      started_unix_ns_(started_unix_ns), keep_alive_(req.keep_alive() && !draining) {
  std::string_view target = req_.target();
  auto q = target.find('?');
  path_ = target.substr(0, q);
  query_ = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
}

std::map<std::string, std::string> ServerExchange::queryParams() const {
  std::map<std::string, std::string> out;
  auto parsed = boost::urls::parse_origin_form(req_.target());
  if (parsed) {
    for (auto p : parsed->params()) {
      out[p.key] = p.value;
    }
  }
  return out;
}

std::string ServerExchange::clientAddress() const {
  boost::system::error_code ec;
  auto ep = stream_.socket().remote_endpoint(ec);
  return ec ? std::string() : ep.address().to_string();
}

std::string_view ServerExchange::header(std::string_view name) const {
  auto it = req_.find(name);
  return it == req_.end() ? std::string_view() : std::string_view(it->value());
}

void ServerExchange::common(bhttp::fields& f) {
  f.set(bhttp::field::server, "heimdall");
  f.set("x-request-id", request_id_);
}

void ServerExchange::clientGone() {
  if (client_gone_) {
    return;
  }
  client_gone_ = true;
  keep_alive_ = false;
  if (on_gone_) {
    auto fn = std::move(on_gone_);
    fn();
  }
}

namespace {
constexpr std::size_t kMaxCapturedContent = 1024 * 1024;
}

void ServerExchange::observeBody(std::string_view data, bool copy_content) {
  constexpr std::size_t kMaxChunkGaps = 4096;
  bytes_sent_ += data.size();
  auto& rec = scope_.record;
  if (rec.capture_content && copy_content) {
    if (!rec.response_content) {
      rec.response_content.emplace();
      // A stream arrives in many pieces: room for a typical answer up front instead of a copy per doubling.
      rec.response_content->reserve(streaming_ ? std::max<std::size_t>(data.size(), 4096) : data.size());
    }
    auto room = kMaxCapturedContent - std::min(kMaxCapturedContent, rec.response_content->size());
    rec.response_content->append(data.substr(0, room));
  }
  if (streaming_) {
    auto now = std::chrono::steady_clock::now();
    if (last_chunk_ != std::chrono::steady_clock::time_point{} && rec.chunk_gaps_ms.size() < kMaxChunkGaps) {
      rec.chunk_gaps_ms.push_back(
          static_cast<float>(std::chrono::duration_cast<std::chrono::microseconds>(now - last_chunk_).count()) /
          1000.0F);
    }
    last_chunk_ = now;
  }
}

void ServerExchange::captureBody(std::string&& body) {
  auto& rec = scope_.record;
  if (!rec.capture_content || rec.response_content) {
    return;
  }
  if (body.size() > kMaxCapturedContent) {
    body.resize(kMaxCapturedContent);
    body.shrink_to_fit();
  }
  rec.response_content = std::move(body);
}

asio::awaitable<void> ServerExchange::send(Response res) {
  if (responded_ || client_gone_) {
    co_return;
  }
  responded_ = true;
  status_ = res.result_int();
  common(res);
  res.version(11);
  res.keep_alive(keep_alive_);
  res.prepare_payload();
  observeBody(res.body(), false);
  auto [ec, n] = co_await bhttp::async_write(stream_, res, kTuple);
  if (ec) {
    keep_alive_ = false;
  }
  captureBody(std::move(res.body()));
}

asio::awaitable<void> ServerExchange::sendJson(unsigned status, std::string body,
                                               const std::vector<std::pair<std::string, std::string>>& headers) {
  Response res{static_cast<bhttp::status>(status), 11};
  res.set(bhttp::field::content_type, "application/json");
  for (const auto& [k, v] : headers) {
    res.set(k, v);
  }
  res.body() = std::move(body);
  co_await send(std::move(res));
}

asio::awaitable<bool> ServerExchange::beginStream(unsigned status,
                                                  const std::vector<std::pair<std::string, std::string>>& headers,
                                                  bool uninterruptible) {
  if (responded_ || client_gone_) {
    co_return false;
  }
  responded_ = true;
  streaming_ = true;
  status_ = status;
  bhttp::response<bhttp::empty_body> res{static_cast<bhttp::status>(status), 11};
  common(res);
  for (const auto& [k, v] : headers) {
    res.set(k, v);
  }
  res.keep_alive(keep_alive_);
  res.chunked(true);
  bhttp::response_serializer<bhttp::empty_body> sr{res};
  auto [ec, n] = uninterruptible ? co_await bhttp::async_write_header(
                                       stream_, sr, asio::bind_cancellation_slot(asio::cancellation_slot(), kTuple))
                                 : co_await bhttp::async_write_header(stream_, sr, kTuple);
  if (ec) {
    clientGone();
    co_return false;
  }
  co_return true;
}

asio::awaitable<bool> ServerExchange::writeChunk(std::string_view data) {
  if (client_gone_) {
    co_return false;
  }
  if (data.empty()) {
    co_return true;
  }
  observeBody(data);
  auto [ec, n] = co_await asio::async_write(stream_, bhttp::make_chunk(asio::buffer(data.data(), data.size())), kTuple);
  if (ec) {
    clientGone();
    co_return false;
  }
  co_return true;
}

asio::awaitable<bool> ServerExchange::writeChunkUninterruptible(std::string_view data) {
  if (client_gone_ || data.empty()) {
    co_return !client_gone_;
  }
  observeBody(data);
  auto [ec, n] = co_await asio::async_write(stream_, bhttp::make_chunk(asio::buffer(data.data(), data.size())),
                                            asio::bind_cancellation_slot(asio::cancellation_slot(), kTuple));
  if (ec) {
    clientGone();
    co_return false;
  }
  co_return true;
}

asio::awaitable<bool> ServerExchange::endStream() {
  if (client_gone_) {
    co_return false;
  }
  auto [ec, n] = co_await asio::async_write(stream_, bhttp::make_chunk_last(), kTuple);
  if (ec) {
    clientGone();
    co_return false;
  }
  co_return true;
}

} // namespace hd::http
