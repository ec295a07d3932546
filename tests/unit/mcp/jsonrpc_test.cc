#include "mcp/jsonrpc.h"

#include <gtest/gtest.h>

namespace hd::mcp::rpc {
namespace {

TEST(JsonRpc, ParsesRequestNotificationAndResponses) {
  auto p = parse(R"({"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"a-b"}})");
  ASSERT_TRUE(p);
  ASSERT_EQ(p->messages.size(), 1u);
  EXPECT_FALSE(p->batch);
  EXPECT_TRUE(p->messages[0].isRequest());
  EXPECT_EQ(p->messages[0].method, "tools/call");
  EXPECT_EQ(idKey(p->messages[0].id), "n:7");

  auto n = parse(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->messages[0].kind, Kind::Notification);

  auto r = parse(
      R"([{"jsonrpc":"2.0","id":"x","result":{}},{"jsonrpc":"2.0","id":1,"error":{"code":-32601,"message":"no"}}])");
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->batch);
  EXPECT_EQ(r->messages[0].kind, Kind::Result);
  EXPECT_EQ(idKey(r->messages[0].id), "s:x");
  EXPECT_EQ(r->messages[1].kind, Kind::Error);
  EXPECT_EQ(r->messages[1].error_code, -32601);
  EXPECT_EQ(r->messages[1].error_message, "no");
}

TEST(JsonRpc, RejectsMalformedMessagesWithAReason) {
  EXPECT_FALSE(parse("{"));
  EXPECT_FALSE(parse("[]"));
  EXPECT_FALSE(parse("42"));
  auto v = parse(R"({"jsonrpc":"1.0","id":1,"method":"x"})");
  ASSERT_FALSE(v);
  EXPECT_NE(v.error().message.find("jsonrpc"), std::string::npos);
  EXPECT_FALSE(parse(R"({"jsonrpc":"2.0","id":{},"method":"x"})"));
  EXPECT_FALSE(parse(R"({"jsonrpc":"2.0","id":1,"method":""})"));
  EXPECT_FALSE(parse(R"({"jsonrpc":"2.0","id":1,"method":"x","params":3})"));
  EXPECT_FALSE(parse(R"({"jsonrpc":"2.0","id":1,"result":1,"error":{"code":1}})"));
  EXPECT_FALSE(parse(R"({"jsonrpc":"2.0","id":1,"error":{"code":"x"}})"));
  EXPECT_FALSE(parse(R"({"jsonrpc":"2.0","result":1})"));
  auto b = parse(R"([{"jsonrpc":"2.0","method":"a"},{"jsonrpc":"2.0"}])");
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().message.find("batch item 1"), std::string::npos);
}

TEST(JsonRpc, BuildsAnswers) {
  EXPECT_EQ(boost::json::serialize(resultMessage(3, boost::json::object())), R"({"jsonrpc":"2.0","id":3,"result":{}})");
  EXPECT_EQ(boost::json::serialize(errorMessage("a", kMethodNotFound, "nope")),
            R"({"jsonrpc":"2.0","id":"a","error":{"code":-32601,"message":"nope"}})");
  EXPECT_EQ(boost::json::serialize(notificationMessage("notifications/tools/list_changed", nullptr)),
            R"({"jsonrpc":"2.0","method":"notifications/tools/list_changed"})");
}

} // namespace
} // namespace hd::mcp::rpc
