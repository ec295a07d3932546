#include "core/sse.h"

namespace hd::sse {

bool Parser::feed(std::string_view bytes) {
  std::size_t start = 0;
  while (start < bytes.size()) {
    std::size_t nl = bytes.find('\n', start);
    if (nl == std::string_view::npos) {
      partial_.append(bytes.substr(start));
      if (partial_.size() + data_.size() > kMaxEventBytes) {
        partial_.clear();
        data_.clear();
        type_.clear();
        has_data_ = false;
        return false;
      }
      return true;
    }
    std::string_view l = bytes.substr(start, nl - start);
    if (!partial_.empty()) {
      partial_.append(l);
      std::string joined = std::move(partial_);
      partial_.clear();
      std::string_view jl = joined;
      if (!jl.empty() && jl.back() == '\r') {
        jl.remove_suffix(1);
      }
      line(jl);
    } else {
      if (!l.empty() && l.back() == '\r') {
        l.remove_suffix(1);
      }
      line(l);
    }
    start = nl + 1;
  }
  return true;
}

void Parser::line(std::string_view l) {
  if (l.empty()) {
    dispatch();
    return;
  }
  if (l.front() == ':') {
    return; // comment / keep-alive
  }
  std::string_view field = l;
  std::string_view value;
  if (auto colon = l.find(':'); colon != std::string_view::npos) {
    field = l.substr(0, colon);
    value = l.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') {
      value.remove_prefix(1);
    }
  }
  if (field == "event") {
    type_.assign(value);
  } else if (field == "data") {
    if (has_data_) {
      data_.push_back('\n');
    }
    data_.append(value);
    has_data_ = true;
  }
  // id and retry are not needed by the gateway.
}

void Parser::dispatch() {
  if (has_data_) {
    ++events_;
    Event ev{type_.empty() ? std::string_view("message") : std::string_view(type_), data_};
    cb_(ev);
  }
  type_.clear();
  data_.clear();
  has_data_ = false;
}

std::string format(std::string_view type, std::string_view data) {
  std::string out;
  out.reserve(type.size() + data.size() + 16);
  out.append("event: ").append(type).append("\ndata: ").append(data).append("\n\n");
  return out;
}

} // namespace hd::sse
