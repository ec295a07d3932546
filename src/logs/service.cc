#include "logs/service.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

namespace hd::logs {

namespace {

std::size_t envSize(const char* name, std::size_t fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') {
    return fallback;
  }
  char* end = nullptr;
  long long n = std::strtoll(v, &end, 10);
  return (end != nullptr && *end == '\0' && n > 0) ? static_cast<std::size_t>(n) : fallback;
}

Result<std::unique_ptr<Db>> openDb(const config::StoreSettings& s, const std::string& path) {
  if (s.type == "postgres") {
    store::PostgresSettings pg;
    pg.host = s.pg_host;
    pg.port = s.pg_port;
    pg.user = s.pg_user;
    pg.password = s.pg_password;
    pg.db_name = s.pg_db_name;
    pg.ssl_mode = s.pg_ssl_mode;
    return openPostgresDb(pg);
  }
  return openSqliteDb(path);
}

} // namespace

Result<std::unique_ptr<LogService>> LogService::open(const config::StoreSettings& settings, const std::string& app_dir,
                                                     const config::Snapshot& snapshot) {
  if (!settings.enabled) {
    return std::unique_ptr<LogService>();
  }
  std::string path =
      settings.sqlite_path.empty() ? (std::filesystem::path(app_dir) / "logs.db").string() : settings.sqlite_path;
  // Two connections: the writer's and the API's (SQLite's WAL lets them work side by side).
  auto write_db = openDb(settings, path);
  if (!write_db) {
    return write_db.error();
  }
  auto write_store = LogStore::open(std::move(write_db.value()));
  if (!write_store) {
    return write_store.error();
  }
  auto read_db = openDb(settings, path);
  if (!read_db) {
    return read_db.error();
  }
  auto read_store = LogStore::open(std::move(read_db.value()));
  if (!read_store) {
    return read_store.error();
  }
  std::unique_ptr<LogService> svc(new LogService());
  svc->describe_ = (*write_store)->describe();
  svc->reader_ = std::move(read_store.value());
  const config::Snapshot* snap = &snapshot;
  WriterOptions opts;
  opts.queue_size = envSize("HEIMDALL_LOGS_QUEUE_SIZE", opts.queue_size);
  opts.batch_size = std::max<std::size_t>(1, envSize("HEIMDALL_LOGS_BATCH_SIZE", opts.batch_size));
  opts.flush_interval = std::chrono::milliseconds(
      envSize("HEIMDALL_LOGS_FLUSH_MS", static_cast<std::size_t>(opts.flush_interval.count())));
  opts.retention_interval = std::chrono::milliseconds(
      envSize("HEIMDALL_LOGS_RETENTION_INTERVAL_MS", static_cast<std::size_t>(opts.retention_interval.count())));
  opts.enabled = [snap] { return snap->get()->client.enable_logging; };
  opts.retention_days = [snap] { return snap->get()->client.log_retention_days; };
  svc->writer_ = std::make_shared<LogWriter>(std::move(write_store.value()), std::move(opts));
  svc->feed_ = std::make_shared<LiveFeed>([snap] { return snap->get()->client.enable_logging; });
  svc->ping_ = std::chrono::milliseconds(envSize("HEIMDALL_WS_PING_MS", 20000));
  return svc;
}

LogService::~LogService() {
  stop();
}

void LogService::stop() {
  if (writer_) {
    writer_->stop();
  }
}

} // namespace hd::logs
