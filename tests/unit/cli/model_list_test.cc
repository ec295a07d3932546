#include "cli/model_list.h"

#include <gtest/gtest.h>

#include "cli/mcp.h"
#include "cli/process.h"

namespace hd::cli {
namespace {

TEST(ModelList, ReadsOpenAIAndAnthropicShapes) {
  auto a = parseModelList(R"({"object":"list","data":[{"id":"azure/gpt-4o","object":"model"},{"id":"anthropic/x"}]})");
  ASSERT_TRUE(a);
  EXPECT_EQ(a.value(), (std::vector<std::string>{"azure/gpt-4o", "anthropic/x"}));
  auto b = parseModelList(R"({"data":[{"type":"model","id":"azure/claude-sonnet-4-6"}],"has_more":false})");
  ASSERT_TRUE(b);
  EXPECT_EQ(b.value(), (std::vector<std::string>{"azure/claude-sonnet-4-6"}));
}

TEST(ModelList, SkipsOddEntriesAndDuplicates) {
  auto r = parseModelList(R"({"data":[1,{"id":""},{"id":5},{"name":"x"},{"id":"a"},{"id":"a"},{"id":"b"}]})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r.value(), (std::vector<std::string>{"a", "b"}));
  auto empty = parseModelList(R"({"object":"list","data":[]})");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
}

TEST(ModelList, RejectsBodiesThatAreNotAList) {
  EXPECT_FALSE(parseModelList("<html>"));
  EXPECT_FALSE(parseModelList("[]"));
  EXPECT_FALSE(parseModelList(R"({"data":{}})"));
  EXPECT_FALSE(parseModelList(R"({"error":{"message":"x"}})"));
}

TEST(ModelFilter, EveryWordMatchesIgnoringCase) {
  EXPECT_TRUE(filterMatches("azure/claude-sonnet-4-6", ""));
  EXPECT_TRUE(filterMatches("azure/claude-sonnet-4-6", "SONNET"));
  EXPECT_TRUE(filterMatches("azure/claude-sonnet-4-6", "azure  4-6"));
  EXPECT_TRUE(filterMatches("azure/claude-sonnet-4-6", " sonnet azure "));
  EXPECT_FALSE(filterMatches("azure/claude-sonnet-4-6", "sonnet haiku"));
  EXPECT_FALSE(filterMatches("a", "ab"));
  std::vector<std::string> all = {"azure/claude-haiku-4-5", "azure/claude-sonnet-4-6", "azure/gpt-4o",
                                  "anthropic/claude-sonnet-4-6"};
  EXPECT_EQ(filterModels(all, "sonnet"),
            (std::vector<std::string>{"azure/claude-sonnet-4-6", "anthropic/claude-sonnet-4-6"}));
  EXPECT_EQ(filterModels(all, "azure 4"),
            (std::vector<std::string>{"azure/claude-haiku-4-5", "azure/claude-sonnet-4-6", "azure/gpt-4o"}));
  EXPECT_TRUE(filterModels(all, "zzz").empty());
}

TEST(Mcp, RecognisesAnIdenticalServer) {
  std::string got = "heimdall:\n  Scope: User config (available in all your projects)\n  Status: ✘ Failed to connect\n"
                    "  Type: http\n  URL: http://gw:8080/mcp\n  Headers:\n    Authorization: Bearer bf-1\n\n"
                    "To remove this server, run: claude mcp remove heimdall -s user\n";
  EXPECT_TRUE(mcpConfigMatches(got, "http://gw:8080/mcp", "bf-1"));
  EXPECT_FALSE(mcpConfigMatches(got, "http://gw:8080/mcp", "bf-2"));
  EXPECT_FALSE(mcpConfigMatches(got, "http://gw:9090/mcp", "bf-1"));
  EXPECT_FALSE(mcpConfigMatches(got, "http://gw:8080/mcp", "")) << "a header that should no longer be sent";
  std::string no_header = "heimdall:\n  Type: http\n  URL: http://gw:8080/mcp\n";
  EXPECT_TRUE(mcpConfigMatches(no_header, "http://gw:8080/mcp", ""));
  EXPECT_FALSE(mcpConfigMatches(no_header, "http://gw:8080/mcp", "bf-1"));
}

TEST(Process, ExtractsVersions) {
  EXPECT_EQ(extractVersion("2.1.331 (Claude Code)\n"), "2.1.331");
  EXPECT_EQ(extractVersion("codex-cli 0.46.0\n"), "0.46.0");
  EXPECT_EQ(extractVersion("v1.2.3-beta.1"), "1.2.3-beta.1");
  EXPECT_EQ(extractVersion("no version here\nsecond"), "no version here");
  EXPECT_EQ(extractVersion(""), "");
}

TEST(Process, ChildEnvironmentOverridesAndAdds) {
  ::setenv("HD_UNIT_ENV_A", "old", 1);
  auto env = childEnvironment({{"HD_UNIT_ENV_A", "new"}, {"HD_UNIT_ENV_B", "b"}});
  int a = 0;
  for (const auto& e : env) {
    if (e.rfind("HD_UNIT_ENV_A=", 0) == 0) {
      ++a;
      EXPECT_EQ(e, "HD_UNIT_ENV_A=new");
    }
  }
  EXPECT_EQ(a, 1);
  EXPECT_NE(std::find(env.begin(), env.end(), "HD_UNIT_ENV_B=b"), env.end());
  ::unsetenv("HD_UNIT_ENV_A");
}

TEST(Process, RunCaptureReportsOutputExitCodeAndTimeout) {
  auto ok = runCapture({"sh", "-c", "echo out; echo err >&2; exit 3"}, {}, std::chrono::seconds(10));
  EXPECT_EQ(ok.exit_code, 3);
  EXPECT_NE(ok.output.find("out"), std::string::npos);
  EXPECT_NE(ok.output.find("err"), std::string::npos);
  auto slow = runCapture({"sh", "-c", "sleep 30"}, {}, std::chrono::milliseconds(200));
  EXPECT_TRUE(slow.timed_out);
  auto missing = runCapture({"heimdall-no-such-program"}, {}, std::chrono::seconds(1));
  EXPECT_EQ(missing.exit_code, -1);
  EXPECT_FALSE(findOnPath("heimdall-no-such-program"));
  EXPECT_TRUE(findOnPath("sh"));
}

} // namespace
} // namespace hd::cli
