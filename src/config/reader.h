#pragma once
// The loader's building blocks, shared by the parsers of each config.json section: typed reads that
// name the JSON path of any error, `env.VAR` resolution, allow-lists, and unknown-field checks.
// Load-time code throws LoadError; fromJson converts it to a Result at the boundary.

#include <fmt/format.h>

#include <boost/json.hpp>
#include <cmath>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "config/config.h"
#include "config/loader.h"

namespace hd::config::detail {

namespace js = boost::json;

// Load-time failure; converted to Result at the boundary (loading is not on the request path).
struct LoadError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

[[noreturn]] inline void fail(const std::string& path, const std::string& what) {
  throw LoadError(fmt::format("{}: {}", path, what));
}

inline std::string_view kindName(const js::value& v) {
  switch (v.kind()) {
  case js::kind::null:
    return "null";
  case js::kind::bool_:
    return "a boolean";
  case js::kind::int64:
  case js::kind::uint64:
  case js::kind::double_:
    return "a number";
  case js::kind::string:
    return "a string";
  case js::kind::array:
    return "an array";
  case js::kind::object:
    return "an object";
  }
  return "unknown";
}

class Reader {
public:
  explicit Reader(const EnvLookup& env) : env_(env) {}

  const js::object& object(const js::value& v, const std::string& path) {
    if (!v.is_object()) {
      fail(path, fmt::format("expected an object, got {}", kindName(v)));
    }
    return v.get_object();
  }

  std::string string(const js::value& v, const std::string& path) {
    if (!v.is_string()) {
      fail(path, fmt::format("expected a string, got {}", kindName(v)));
    }
    return std::string(v.get_string());
  }

  // A string that may be an `env.VAR` reference, resolved from the environment.
  std::string secret(const js::value& v, const std::string& path) {
    std::string s = string(v, path);
    if (s.rfind("env.", 0) == 0) {
      std::string var = s.substr(4);
      if (var.empty()) {
        fail(path, "\"env.\" reference names no environment variable");
      }
      auto val = env_(var);
      if (!val) {
        fail(path, fmt::format("environment variable {} is not set", var));
      }
      return *val;
    }
    return s;
  }

  bool boolean(const js::value& v, const std::string& path) {
    if (!v.is_bool()) {
      fail(path, fmt::format("expected true or false, got {}", kindName(v)));
    }
    return v.get_bool();
  }

  double number(const js::value& v, const std::string& path) {
    if (v.is_int64()) {
      return static_cast<double>(v.get_int64());
    }
    if (v.is_uint64()) {
      return static_cast<double>(v.get_uint64());
    }
    if (v.is_double()) {
      return v.get_double();
    }
    fail(path, fmt::format("expected a number, got {}", kindName(v)));
  }

  std::int64_t nonNegativeInt(const js::value& v, const std::string& path) {
    double d = number(v, path);
    if (d < 0 || std::floor(d) != d || d > 1e12) {
      fail(path, "expected a non-negative whole number");
    }
    return static_cast<std::int64_t>(d);
  }

  std::vector<std::string> stringArray(const js::value& v, const std::string& path) {
    if (!v.is_array()) {
      fail(path, fmt::format("expected an array of strings, got {}", kindName(v)));
    }
    std::vector<std::string> out;
    std::size_t i = 0;
    for (const auto& e : v.get_array()) {
      out.push_back(string(e, fmt::format("{}[{}]", path, i++)));
    }
    return out;
  }

  ModelList modelList(const js::value& v, const std::string& path) {
    ModelList list;
    std::set<std::string> seen;
    for (auto& name : stringArray(v, path)) {
      std::string lower = toLower(name);
      if (lower == "*") {
        list.all = true;
      } else if (lower.empty()) {
        fail(path, "model names must not be empty");
      }
      if (!seen.insert(lower).second) {
        fail(path, fmt::format("duplicate entry \"{}\"", name));
      }
      if (lower != "*") {
        list.names.push_back(lower);
      }
    }
    if (list.all && !list.names.empty()) {
      fail(path, "\"*\" cannot be combined with other model names");
    }
    return list;
  }

private:
  const EnvLookup& env_;
};

inline void checkKnownFields(const js::object& obj, const std::string& path,
                             std::initializer_list<std::string_view> known) {
  for (const auto& kv : obj) {
    bool ok = false;
    for (auto k : known) {
      if (kv.key() == k) {
        ok = true;
        break;
      }
    }
    if (!ok) {
      std::string list;
      for (auto k : known) {
        list += list.empty() ? "" : ", ";
        list += k;
      }
      fail(fmt::format("{}.{}", path, std::string_view(kv.key())),
           fmt::format("unknown field (expected one of: {})", list));
    }
  }
}

} // namespace hd::config::detail
