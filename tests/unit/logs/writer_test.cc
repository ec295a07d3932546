#include "logs/writer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>

#include "obs/ids.h"
#include "test_dir.h"

namespace hd::logs {
namespace {

// SQLite underneath, with commits that fail on demand (a full disk, a lost PostgreSQL connection).
class FlakyDb final : public Db {
public:
  FlakyDb(std::unique_ptr<Db> inner, std::shared_ptr<std::atomic<int>> failing_commits)
      : inner_(std::move(inner)), failing_commits_(std::move(failing_commits)) {}
  Dialect dialect() const override { return inner_->dialect(); }
  std::string describe() const override { return inner_->describe(); }
  Result<std::vector<Row>> query(const std::string& sql, const std::vector<SqlValue>& params) override {
    return inner_->query(sql, params);
  }
  Result<std::int64_t> execute(const std::string& sql, const std::vector<SqlValue>& params) override {
    return inner_->execute(sql, params);
  }
  Result<Ok> script(const std::string& sql) override { return inner_->script(sql); }
  Result<Ok> begin() override { return inner_->begin(); }
  Result<Ok> commit() override {
    if (failing_commits_->load() > 0) {
      failing_commits_->fetch_sub(1);
      return Error::internal("disk I/O error (test)");
    }
    return inner_->commit();
  }
  void rollback() override { inner_->rollback(); }

private:
  std::unique_ptr<Db> inner_;
  std::shared_ptr<std::atomic<int>> failing_commits_;
};

class LogWriterTest : public ::testing::Test {
protected:
  void SetUp() override { dir_ = freshTestDir("heimdall-logwriter-"); }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<LogStore> openStore(std::shared_ptr<std::atomic<int>> failing = nullptr) {
    auto db = openSqliteDb((dir_ / "logs.db").string());
    EXPECT_TRUE(db) << db.error().message;
    std::unique_ptr<Db> d = std::move(db.value());
    if (failing) {
      d = std::make_unique<FlakyDb>(std::move(d), std::move(failing));
    }
    auto s = LogStore::open(std::move(d));
    EXPECT_TRUE(s) << s.error().message;
    return std::move(s.value());
  }

  static std::shared_ptr<const obs::RequestRecord> record(int i) {
    auto r = std::make_shared<obs::RequestRecord>();
    r->start_unix_ns = 1796608342699000000 + static_cast<std::int64_t>(i) * 1000000;
    r->id = obs::formatRequestId(r->start_unix_ns, static_cast<std::uint64_t>(i));
    r->end_unix_ns = r->start_unix_ns + 2000000;
    r->inbound = "anthropic.messages";
    r->provider = "azure";
    r->model = "claude-sonnet-4-6";
    r->status_code = 200;
    r->capture_content = true;
    r->request_content =
        R"({"model":"claude-sonnet-4-6","messages":[{"role":"user","content":"record )" + std::to_string(i) + R"("}]})";
    r->response_content =
        R"({"type":"message","content":[{"type":"text","text":"answer )" + std::to_string(i) + R"("}]})";
    return r;
  }

  std::filesystem::path dir_;
};

// A burst of more than two batches (500): several transactions, each of whole 32-row statements and
// single rows for the rest.
TEST_F(LogWriterTest, StoresEveryRecordOfABurstWithItsContent) {
  constexpr int kRecords = 1100;
  WriterOptions opts;
  opts.queue_size = kRecords;
  LogWriter writer(openStore(), opts);
  for (int i = 0; i < kRecords; ++i) {
    writer.onRequest(record(i));
  }
  writer.stop();
  EXPECT_EQ(writer.dropped(), 0);
  auto store = openStore();
  LogQuery q;
  q.limit = 1;
  auto page = store->list(q);
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(page->total, kRecords);
  for (int i : {0, 31, 32, 499, 500, 1099}) {
    auto r = record(i);
    auto got = store->get(r->id);
    ASSERT_TRUE(got) << got.error().message;
    ASSERT_TRUE(got->has_value()) << "record " << i;
    EXPECT_EQ((*got)->input, r->request_content);
    EXPECT_EQ((*got)->output, r->response_content);
  }
}

TEST_F(LogWriterTest, AFailedCommitIsWrittenAgainAndNothingIsLost) {
  auto failing = std::make_shared<std::atomic<int>>(0);
  WriterOptions opts;
  LogWriter writer(openStore(failing), opts);
  failing->store(2); // the first two commits fail; the batch is written again, whole
  for (int i = 0; i < 100; ++i) {
    writer.onRequest(record(i));
  }
  writer.stop();
  EXPECT_EQ(failing->load(), 0);
  EXPECT_EQ(writer.dropped(), 0);
  LogQuery q;
  q.limit = 1;
  auto page = openStore()->list(q);
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(page->total, 100) << "no row twice, none missing";
}

TEST_F(LogWriterTest, ABatchThatKeepsFailingIsDroppedAndCounted) {
  auto failing = std::make_shared<std::atomic<int>>(0);
  WriterOptions opts;
  LogWriter writer(openStore(failing), opts);
  failing->store(1000);
  for (int i = 0; i < 40; ++i) {
    writer.onRequest(record(i));
  }
  writer.stop();
  EXPECT_EQ(writer.dropped(), 40);
  failing->store(0);
  LogQuery q;
  q.limit = 1;
  auto page = openStore()->list(q);
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(page->total, 0);
}

} // namespace
} // namespace hd::logs
