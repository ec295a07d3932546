#include "logs/row.h"

#include <boost/json.hpp>

#include <fmt/format.h>

#include <iterator>

#include "core/json_write.h"
#include "logs/stream_output.h"

namespace hd::logs {

namespace js = boost::json;

namespace {

std::int64_t toMs(std::int64_t ns) {
  return ns / 1000000;
}

std::optional<std::string> nonEmpty(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

bool looksLikeSse(std::string_view body) {
  auto start = body.find_first_not_of(" \r\n");
  if (start == std::string_view::npos) {
    return false;
  }
  body = body.substr(start);
  return body.starts_with("event:") || body.starts_with("data:") || body.starts_with(":");
}

// The attempts as a JSON array, written directly (one per record, on the writer thread). A field equal to
// the record's own (the usual single attempt: same target, status, start, no error) is left out and the
// reader fills it in (render.cc, attemptJson): it made up almost half of a stored row.
std::string attemptsJson(const obs::RequestRecord& rec) {
  std::string out;
  out.reserve(32 + rec.attempts.size() * 48);
  out.push_back('[');
  const auto rec_start_ms = toMs(rec.start_unix_ns);
  for (const auto& a : rec.attempts) {
    if (out.size() > 1) {
      out.push_back(',');
    }
    out.push_back('{');
    auto name = [&out](std::string_view n) {
      if (out.back() != '{') {
        out.push_back(',');
      }
      out.push_back('"');
      out += n;
      out += "\":";
    };
    auto text = [&](std::string_view n, std::string_view value, std::string_view row_value) {
      if (value != row_value) {
        name(n);
        json::appendQuoted(out, value);
      }
    };
    auto number = [&](std::string_view n, std::int64_t value, std::int64_t row_value) {
      if (value != row_value) {
        name(n);
        fmt::format_to(std::back_inserter(out), "{}", value);
      }
    };
    text("provider", a.provider, rec.provider);
    text("model", a.model, rec.served_model);
    text("deployment", a.deployment, rec.deployment);
    text("key_id", a.key_id, rec.key_id);
    text("key_name", a.key_name, rec.key_name);
    number("retry", a.retry, 0);
    number("fallback_index", a.fallback_index, rec.fallback_index);
    number("status", a.status, rec.status_code);
    if (!a.error.empty()) {
      name("error");
      json::appendQuoted(out, a.error);
    }
    number("started_at", toMs(a.start_unix_ns), rec_start_ms);
    double latency = a.end_unix_ns >= a.start_unix_ns && a.start_unix_ns != 0
                         ? static_cast<double>(a.end_unix_ns - a.start_unix_ns) / 1e6
                         : 0.0;
    name("latency");
    fmt::format_to(std::back_inserter(out), "{}}}", latency);
  }
  out.push_back(']');
  return out;
}

std::string labelsJson(const obs::RequestRecord& rec) {
  std::string out = "{";
  const auto& labels = rec.labels;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const auto& [k, v] = labels[i];
    bool repeated = false; // a header sent twice: the last value wins
    for (std::size_t j = i + 1; j < labels.size() && !repeated; ++j) {
      repeated = labels[j].first == k;
    }
    if (repeated) {
      continue;
    }
    if (out.size() > 1) {
      out.push_back(',');
    }
    json::appendQuoted(out, k);
    out.push_back(':');
    json::appendQuoted(out, v);
  }
  out.push_back('}');
  return out;
}

// The "model" of a JSON request body ("" when there is none): for requests refused before routing.
std::string modelOf(const std::optional<std::string>& body) {
  if (!body || body->empty()) {
    return {};
  }
  boost::system::error_code ec;
  auto v = js::parse(*body, ec);
  if (ec || !v.is_object()) {
    return {};
  }
  const auto* m = v.get_object().if_contains("model");
  return m != nullptr && m->is_string() ? std::string(m->get_string()) : std::string();
}

enum class Made { Model, Output, Attempts, Labels };

// Fills `r` from `rec`; `keep` keeps a string made for the row (the model read from the body, a rebuilt
// stream, attempts, labels) and returns what the row holds of it. The owning row and the writer's view
// differ only in that.
template <class Text, class Keep>
void fillRow(const obs::RequestRecord& rec, bool content, BasicLogRow<Text>& r, Keep&& keep) {
  auto opt = [](const std::optional<std::string>& v) -> std::optional<Text> {
    return v ? std::optional<Text>(Text(*v)) : std::nullopt;
  };
  r.id = rec.id;
  r.ts_ms = toMs(rec.start_unix_ns);
  r.object = rec.inbound;
  r.provider = rec.provider;
  r.model = rec.model.empty() ? keep(Made::Model, modelOf(rec.request_content)) : Text(rec.model);
  r.served_model = rec.served_model;
  r.deployment = rec.deployment;
  r.key_id = rec.key_id;
  r.key_name = rec.key_name;
  r.vk_id = rec.virtual_key_id;
  r.vk_name = rec.virtual_key_name;
  r.team_id = rec.team_id;
  r.team_name = rec.team_name;
  r.customer_id = rec.customer_id;
  r.customer_name = rec.customer_name;
  r.retries = rec.number_of_retries;
  r.fallback_index = rec.fallback_index;
  r.status = rec.success() ? "success" : "error";
  r.status_code = static_cast<int>(rec.status_code);
  if (!rec.error.empty()) {
    r.error = Text(rec.error);
  }
  r.latency_ms = rec.latency_ms;
  if (rec.ttft_ms >= 0) {
    r.ttft_ms = rec.ttft_ms;
  }
  r.stream = rec.stream;
  r.stop_reason = rec.stop_reason;
  r.prompt_tokens = rec.usage.input_tokens;
  r.completion_tokens = rec.usage.output_tokens;
  r.cache_read_tokens = rec.usage.cache_read_input_tokens;
  r.cache_write_tokens = rec.usage.cache_creation_input_tokens;
  r.total_tokens = r.prompt_tokens + r.completion_tokens + r.cache_read_tokens + r.cache_write_tokens;
  if (rec.priced) {
    r.cost = rec.cost_usd;
  }
  r.trace_id = rec.trace.trace_id;
  if (content && rec.capture_content) {
    r.input = opt(rec.request_content);
    if (rec.response_content) {
      if (looksLikeSse(*rec.response_content)) {
        // A stream is kept as its final message. The events themselves (several times its size: each
        // delta has its own envelope) are kept only where they tell more: a failed stream, or one that
        // could not be rebuilt.
        if (auto rebuilt = reconstructStream(*rec.response_content)) {
          r.output = keep(Made::Output, std::move(*rebuilt));
        }
        if (!r.output || !rec.success()) {
          r.output_raw = opt(rec.response_content);
        }
      } else {
        r.output = opt(rec.response_content);
      }
    }
  }
  r.attempts = keep(Made::Attempts, attemptsJson(rec));
  r.labels = keep(Made::Labels, labelsJson(rec));
}

} // namespace

LogRow toRow(const obs::RequestRecord& rec, bool content) {
  LogRow r;
  fillRow(rec, content, r, [](Made, std::string s) { return s; });
  return r;
}

LogRowView::LogRowView(const obs::RequestRecord& rec) {
  fillRow(rec, true, row_, [this](Made what, std::string s) -> std::string_view {
    switch (what) {
    case Made::Model:
      return model_ = std::move(s);
    case Made::Output:
      return *(output_ = std::move(s));
    case Made::Attempts:
      return attempts_ = std::move(s);
    case Made::Labels:
      break;
    }
    return labels_ = std::move(s);
  });
  if (row_.input && row_.input->size() >= parts::kMinBody) {
    split_ = parts::split(*row_.input);
    if (split_) {
      row_.input = split_->skeleton;
    }
  }
}

void LogRowView::setPartKeys(const std::vector<std::int64_t>& keys) {
  refs_ = parts::formatRefs(keys);
  row_.input_parts = refs_;
}

const std::vector<parts::Part>& LogRowView::parts() const {
  static const std::vector<parts::Part> kNone;
  return split_ ? split_->parts : kNone;
}

McpRow toRow(const obs::McpCallRecord& rec) {
  McpRow r;
  r.id = rec.id;
  r.ts_ms = toMs(rec.start_unix_ns);
  r.client = rec.client;
  r.tool = rec.tool;
  r.session_id = rec.session_id;
  r.vk_id = rec.virtual_key_id;
  r.vk_name = rec.virtual_key_name;
  r.status = rec.status;
  r.error = nonEmpty(rec.error);
  r.latency_ms = rec.latency_ms;
  r.arguments = rec.arguments;
  r.result = rec.result;
  r.trace_id = rec.trace.trace_id;
  return r;
}

} // namespace hd::logs
