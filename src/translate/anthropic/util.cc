#include "translate/anthropic/util.h"

#include <random>

namespace hd::translate::anthropic::detail {

namespace js = boost::json;

const js::value* member(const js::object& o, std::string_view key) {
  const js::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) {
    return nullptr;
  }
  return v;
}

std::string child(std::string_view path, std::string_view key) {
  std::string out;
  out.reserve(path.size() + key.size() + 1);
  if (!path.empty()) {
    out.append(path).push_back('.');
  }
  out.append(key);
  return out;
}

std::string element(std::string_view path, std::size_t i) {
  std::string out(path);
  out.push_back('[');
  out.append(std::to_string(i));
  out.push_back(']');
  return out;
}

namespace {

std::int64_t count(const js::object& usage, std::string_view key) {
  const js::value* v = member(usage, key);
  if (v == nullptr) {
    return 0;
  }
  return asInt(*v).value_or(0);
}

} // namespace

Usage usageFromJson(const js::object& usage) {
  Usage u;
  u.input_tokens = count(usage, "input_tokens");
  u.output_tokens = count(usage, "output_tokens");
  u.cache_creation_input_tokens = count(usage, "cache_creation_input_tokens");
  u.cache_read_input_tokens = count(usage, "cache_read_input_tokens");
  u.reported = true;
  return u;
}

js::object usageToJson(const Usage& usage) {
  js::object o;
  o["input_tokens"] = usage.input_tokens;
  o["cache_creation_input_tokens"] = usage.cache_creation_input_tokens;
  o["cache_read_input_tokens"] = usage.cache_read_input_tokens;
  o["output_tokens"] = usage.output_tokens;
  return o;
}

std::string randomId(std::string_view prefix) {
  static constexpr std::string_view kAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_int_distribution<std::size_t> pick(0, kAlphabet.size() - 1);
  std::string out(prefix);
  for (int i = 0; i < 24; ++i) {
    out.push_back(kAlphabet[pick(rng)]);
  }
  return out;
}

bool Reader::fail(std::string_view path, std::string_view what) {
  if (!error_) {
    std::string msg;
    if (upstream_) {
      msg = "anthropic response: ";
    }
    msg.append(path).append(": ").append(what);
    error_ = upstream_ ? Error::badGateway(std::move(msg)) : Error::invalidRequest(std::move(msg));
  }
  return false;
}

Error Reader::error() const {
  return error_ ? *error_ : Error::internal("no error recorded");
}

const js::object* Reader::object(const js::value& v, std::string_view path) {
  if (!v.is_object()) {
    fail(path, "expected an object");
    return nullptr;
  }
  return &v.get_object();
}

const js::array* Reader::array(const js::value& v, std::string_view path) {
  if (!v.is_array()) {
    fail(path, "expected an array");
    return nullptr;
  }
  return &v.get_array();
}

bool Reader::string(const js::object& o, std::string_view key, std::string_view path, std::string& out, bool required) {
  const js::value* v = member(o, key);
  if (v == nullptr) {
    return required ? fail(child(path, key), "field required") : true;
  }
  if (!v->is_string()) {
    return fail(child(path, key), "expected a string");
  }
  out.assign(v->get_string().data(), v->get_string().size());
  return true;
}

bool Reader::boolean(const js::object& o, std::string_view key, std::string_view path, bool& out) {
  std::optional<bool> b;
  if (!boolean(o, key, path, b)) {
    return false;
  }
  if (b) {
    out = *b;
  }
  return true;
}

bool Reader::boolean(const js::object& o, std::string_view key, std::string_view path, std::optional<bool>& out) {
  const js::value* v = member(o, key);
  if (v == nullptr) {
    return true;
  }
  if (!v->is_bool()) {
    return fail(child(path, key), "expected a boolean");
  }
  out = v->get_bool();
  return true;
}

bool Reader::integer(const js::object& o, std::string_view key, std::string_view path, std::optional<std::int64_t>& out,
                     std::int64_t min) {
  const js::value* v = member(o, key);
  if (v == nullptr) {
    return true;
  }
  auto i = asInt(*v);
  if (!i || *i < min) {
    if (min == 1) {
      return fail(child(path, key), "expected a positive integer");
    }
    if (min == 0) {
      return fail(child(path, key), "expected a non-negative integer");
    }
    return fail(child(path, key), "expected an integer");
  }
  out = *i;
  return true;
}

bool Reader::number(const js::object& o, std::string_view key, std::string_view path, std::optional<double>& out) {
  const js::value* v = member(o, key);
  if (v == nullptr) {
    return true;
  }
  auto d = asDouble(*v);
  if (!d) {
    return fail(child(path, key), "expected a number");
  }
  out = *d;
  return true;
}

bool Reader::objectMember(const js::object& o, std::string_view key, std::string_view path,
                          std::optional<js::object>& out) {
  const js::value* v = member(o, key);
  if (v == nullptr) {
    return true;
  }
  if (!v->is_object()) {
    return fail(child(path, key), "expected an object");
  }
  out = v->get_object();
  return true;
}

} // namespace hd::translate::anthropic::detail
