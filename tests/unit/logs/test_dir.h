#pragma once
// A fresh directory per test (named after the running test and the random seed), removed afterwards.

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace hd::logs {

inline std::filesystem::path freshTestDir(const std::string& prefix) {
  const auto* unit = ::testing::UnitTest::GetInstance();
  auto dir = std::filesystem::temp_directory_path() /
             (prefix + std::to_string(unit->random_seed()) + "-" + unit->current_test_info()->name());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

} // namespace hd::logs
