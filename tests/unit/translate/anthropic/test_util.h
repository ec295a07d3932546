#pragma once
// Test helpers: parsing inline JSON fixtures and reading files under fixtures/.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "core/json_util.h"

namespace hd::translate::anthropic::testing {

inline boost::json::object obj(std::string_view text) {
  auto v = json::parse(text);
  EXPECT_TRUE(v.ok()) << (v.ok() ? "" : v.error().message) << "\n" << text;
  if (!v || !v->is_object()) {
    ADD_FAILURE() << "fixture is not a JSON object";
    return {};
  }
  return v->get_object();
}

inline std::string fixture(const std::string& name) {
  // From the build (not __FILE__, which a compiler cache may make relative).
  auto path = std::filesystem::path(HEIMDALL_UNIT_TEST_DIR) / "translate" / "anthropic" / "fixtures" / name;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

} // namespace hd::translate::anthropic::testing
