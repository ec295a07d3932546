#include "control/config_service.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/json.hpp>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "control/entities.h"
#include "control/secret_fields.h"
#include "core/json_util.h"

namespace hd::control {

namespace js = boost::json;
namespace asio = boost::asio;

namespace {

constexpr std::string_view kCheckPlaintext = "heimdall-encryption-check";

void emit(const std::vector<LogLine>& lines) {
  for (const auto& l : lines) {
    if (l.warning) {
      spdlog::warn("{}", l.text);
    } else {
      spdlog::info("{}", l.text);
    }
  }
}

// "providers.azure.keys[0].weight: expected a number" with focus "providers.azure.keys[0]" ->
// "weight: expected a number": API callers see the field of what they sent.
std::string relativeTo(std::string msg, const std::string& focus) {
  if (!focus.empty() && msg.rfind(focus + ".", 0) == 0) {
    return msg.substr(focus.size() + 1);
  }
  if (!focus.empty() && msg.rfind(focus + ":", 0) == 0) {
    return msg.substr(focus.size() + 2);
  }
  return msg;
}

// The stored entities as they will be once `plan` is committed.
std::vector<store::Entity> applyPlan(std::vector<store::Entity> stored, const Plan& plan) {
  std::erase_if(stored, [&](const store::Entity& e) {
    for (const auto& d : plan.deletes) {
      if (d.kind == e.kind && d.id == e.id) {
        return true;
      }
    }
    for (const auto& u : plan.upserts) {
      if (u.kind == e.kind && u.id == e.id) {
        return true;
      }
    }
    return false;
  });
  stored.insert(stored.end(), plan.upserts.begin(), plan.upserts.end());
  return stored;
}

} // namespace

ConfigService::~ConfigService() {
  stopWatching();
}

void ConfigService::logStartup() {
  emit(startup_log_);
  startup_log_.clear();
}

Result<std::unique_ptr<ConfigService>> ConfigService::open(ServiceOptions opts) {
  std::unique_ptr<ConfigService> svc(new ConfigService(std::move(opts)));
  auto r = svc->runner_.runSync([&] { return svc->start(); });
  if (!r) {
    return r.error();
  }
  return svc;
}

Result<js::object> ConfigService::readFile() const {
  if (!opts_.file) {
    return js::object();
  }
  std::ifstream in(*opts_.file, std::ios::binary);
  if (!in) {
    return Error::invalidRequest(fmt::format("cannot read config file {}: {}", *opts_.file, std::strerror(errno)));
  }
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  auto parsed = json::parse(text);
  if (!parsed) {
    std::string msg = parsed.error().message;
    if (auto pos = msg.find("request body"); pos != std::string::npos) {
      msg.replace(pos, 12, "file");
    }
    return Error::invalidRequest(fmt::format("invalid config file {}: {}", *opts_.file, msg));
  }
  if (!parsed->is_object()) {
    return Error::invalidRequest(fmt::format("invalid config file {}: config: expected an object", *opts_.file));
  }
  // The whole file must be valid on its own, before anything from it reaches the store.
  if (auto cfg = config::fromJson(*parsed, opts_.env); !cfg) {
    return Error::invalidRequest(fmt::format("invalid config file {}: {}", *opts_.file, cfg.error().message));
  }
  return std::move(parsed->get_object());
}

Result<Ok> ConfigService::start() {
  auto root = readFile();
  if (!root) {
    return root.error();
  }
  js::value root_value = root.value();
  auto boot = config::parseBootstrap(opts_.file ? &root_value : nullptr, opts_.env);
  if (!boot) {
    return Error::invalidRequest(
        fmt::format("invalid config file {}: {}", opts_.file.value_or("(none)"), boot.error().message));
  }
  bootstrap_ = std::move(boot.value());
  config::Document file_doc = config::splitRoot(root.value());
  file_base_ = file_doc.base;

  if (!bootstrap_.config_store.enabled) {
    startup_log_.push_back({false, fmt::format("config store disabled: running from {} alone; the management API "
                                               "is read-only",
                                               opts_.file.value_or("built-in defaults"))});
    return publish(std::move(file_doc));
  }
  if (auto r = openStore(); !r) {
    return r;
  }
  if (auto r = setUpEncryption(); !r) {
    return r;
  }
  if (auto r = loadFromStore(); !r) {
    return r;
  }
  if (opts_.file) {
    auto current = document();
    // Stored entities in plain text, with their origin, for reconciliation.
    std::vector<store::Entity> stored;
    for (auto& e : toEntities(*current)) {
      auto it = origin_.find({e.kind, e.id});
      e.file_hash = it != origin_.end() ? it->second.first : "";
      e.api_edited = it != origin_.end() && it->second.second;
      stored.push_back(std::move(e));
    }
    Plan plan = reconcile(file_doc, stored);
    startup_log_.insert(startup_log_.end(), plan.log.begin(), plan.log.end());
    if (!plan.empty()) {
      if (auto v = validate(fromEntities(applyPlan(stored, plan), file_base_), ""); !v) {
        return Error::invalidRequest(fmt::format(
            "config.json and the config store do not combine into a valid configuration: {}", v.error().message));
      }
      if (auto r = commit(std::move(plan.upserts), plan.deletes); !r) {
        return r;
      }
      if (auto r = loadFromStore(); !r) {
        return r;
      }
    }
  }
  return Ok{};
}

Result<Ok> ConfigService::openStore() {
  const auto& s = bootstrap_.config_store;
  Result<std::unique_ptr<store::ConfigStore>> st = Error::internal("no store");
  if (s.type == "postgres") {
    store::PostgresSettings pg{s.pg_host, s.pg_port, s.pg_user, s.pg_password, s.pg_db_name, s.pg_ssl_mode};
    st = store::openPostgres(pg);
  } else {
    std::string path =
        s.sqlite_path.empty() ? (std::filesystem::path(opts_.app_dir) / "config.db").string() : s.sqlite_path;
    st = store::openSqlite(path);
  }
  if (!st) {
    return st.error();
  }
  store_ = std::move(st.value());
  startup_log_.push_back({false, fmt::format("config store: {}", store_->describe())});
  return Ok{};
}

Result<Ok> ConfigService::setUpEncryption() {
  auto check = store_->getMeta("encryption_check");
  if (!check) {
    return check.error();
  }
  if (bootstrap_.encryption_key.empty()) {
    if (check.value()) {
      return Error::invalidRequest("the config store holds encrypted secrets: set encryption_key in config.json or "
                                   "the HEIMDALL_ENCRYPTION_KEY environment variable");
    }
    startup_log_.push_back({true, "no encryption_key: secrets in the config store are stored in plain text (set "
                                  "encryption_key or HEIMDALL_ENCRYPTION_KEY to encrypt them)"});
    return Ok{};
  }
  auto salt = store_->getMeta("kdf_salt");
  if (!salt) {
    return salt.error();
  }
  std::string salt_bytes;
  if (salt.value()) {
    auto raw = secrets::unbase64(*salt.value());
    if (!raw) {
      return Error::internal("the config store's key-derivation salt is damaged");
    }
    salt_bytes = std::move(raw.value());
  } else {
    salt_bytes = secrets::randomBytes(16);
    if (auto r = store_->setMeta("kdf_salt", secrets::base64(salt_bytes)); !r) {
      return r.error();
    }
  }
  auto cipher = secrets::Cipher::derive(bootstrap_.encryption_key, salt_bytes);
  if (!cipher) {
    return cipher.error();
  }
  if (check.value()) {
    auto opened = cipher->open(*check.value());
    if (!opened || *opened != kCheckPlaintext) {
      return Error::invalidRequest("encryption_key does not match the key the config store was encrypted with");
    }
    cipher_ = std::move(cipher.value());
    return Ok{};
  }
  cipher_ = std::move(cipher.value());
  // First run with a key: seal what is stored in plain text, then record the check value.
  auto rows = store_->loadAll();
  if (!rows) {
    return rows.error();
  }
  std::vector<store::Entity> resealed;
  for (auto& e : rows.value()) {
    resealed.push_back(seal(std::move(e)));
  }
  if (!resealed.empty()) {
    if (auto r = store_->commit(resealed, {}); !r) {
      return r.error();
    }
    startup_log_.push_back({false, "config store: secrets encrypted with the configured encryption_key"});
  }
  if (auto r = store_->setMeta("encryption_check", cipher_->seal(kCheckPlaintext)); !r) {
    return r.error();
  }
  return Ok{};
}

store::Entity ConfigService::seal(store::Entity e) const {
  if (!cipher_) {
    return e;
  }
  js::value v = js::parse(e.body);
  if (!v.is_object()) {
    return e;
  }
  bool changed = false;
  forEachSecret(e.kind, v.get_object(), [&](js::string& s) {
    std::string_view sv = s;
    if (sv.empty() || sv.rfind("env.", 0) == 0 || secrets::Cipher::isSealed(sv)) {
      return; // references and empty values are not secrets
    }
    s = cipher_->seal(sv);
    changed = true;
  });
  if (changed) {
    e.body = js::serialize(v);
  }
  return e;
}

Result<store::Entity> ConfigService::unseal(store::Entity e) const {
  js::value v;
  try {
    v = js::parse(e.body);
  } catch (const std::exception&) {
    return Error::internal(fmt::format("config store: {} {} holds invalid JSON", e.kind, e.id));
  }
  if (!v.is_object()) {
    return e;
  }
  std::optional<Error> err;
  bool changed = false;
  forEachSecret(e.kind, v.get_object(), [&](js::string& s) {
    if (!secrets::Cipher::isSealed(s)) {
      return;
    }
    if (!cipher_) {
      err = Error::invalidRequest("the config store holds encrypted secrets: set encryption_key");
      return;
    }
    auto opened = cipher_->open(s);
    if (!opened) {
      err = opened.error();
      return;
    }
    s = opened.value();
    changed = true;
  });
  if (err) {
    return *err;
  }
  if (changed) {
    e.body = js::serialize(v);
  }
  return e;
}

Result<Ok> ConfigService::loadFromStore() {
  auto ver = store_->version();
  if (!ver) {
    return ver.error();
  }
  auto rows = store_->loadAll();
  if (!rows) {
    return rows.error();
  }
  std::vector<store::Entity> plain;
  origin_.clear();
  for (auto& e : rows.value()) {
    origin_[{e.kind, e.id}] = {e.file_hash, e.api_edited};
    auto opened = unseal(std::move(e));
    if (!opened) {
      return opened.error();
    }
    plain.push_back(std::move(opened.value()));
  }
  version_ = ver.value();
  return publish(fromEntities(plain, file_base_));
}

Result<config::Config> ConfigService::validate(const config::Document& doc, const std::string& focus) const {
  auto cfg = config::fromJson(js::value(config::assemble(doc)), opts_.env);
  if (!cfg) {
    return Error::invalidRequest(relativeTo(cfg.error().message, focus));
  }
  return cfg;
}

Result<Ok> ConfigService::publish(config::Document doc) {
  auto cfg = validate(doc, "");
  if (!cfg) {
    return Error::invalidRequest(fmt::format("the stored configuration is invalid: {}", cfg.error().message));
  }
  auto ptr = std::make_shared<const config::Config>(std::move(cfg.value()));
  if (snapshot_) {
    snapshot_->set(std::move(ptr));
  } else {
    snapshot_ = std::make_unique<config::Snapshot>(std::move(ptr));
  }
  document_.store(std::make_shared<const config::Document>(std::move(doc)));
  return Ok{};
}

Result<Ok> ConfigService::commit(std::vector<store::Entity> upserts, const std::vector<store::EntityRef>& deletes) {
  std::vector<store::Entity> sealed;
  sealed.reserve(upserts.size());
  for (auto& e : upserts) {
    sealed.push_back(seal(std::move(e)));
  }
  auto ver = store_->commit(sealed, deletes);
  if (!ver) {
    return ver.error();
  }
  for (const auto& e : sealed) {
    origin_[{e.kind, e.id}] = {e.file_hash, e.api_edited};
  }
  for (const auto& d : deletes) {
    origin_.erase({d.kind, d.id});
  }
  version_ = ver.value();
  return Ok{};
}

asio::awaitable<Result<Edit>> ConfigService::mutate(Mutation m) {
  auto job = [this, m = std::move(m)]() -> Result<Edit> {
    if (!store_) {
      return Error{ErrorKind::InvalidRequest, 409,
                   "the configuration is read-only: the config store is disabled (config_store.enabled is false); "
                   "edit config.json and send SIGHUP to reload"};
    }
    config::Document doc = *document();
    auto edit = m(doc);
    if (!edit) {
      return edit;
    }
    auto cfg = validate(doc, edit->focus);
    if (!cfg) {
      return cfg.error();
    }
    std::set<std::pair<std::string, std::string>> wanted;
    for (const auto& r : edit->upserted) {
      wanted.insert({r.kind, r.id});
    }
    std::vector<store::Entity> upserts;
    for (auto& e : toEntities(doc)) {
      if (!wanted.contains({e.kind, e.id})) {
        continue;
      }
      auto it = origin_.find({e.kind, e.id});
      e.file_hash = it != origin_.end() ? it->second.first : ""; // keep the file origin: the file did not change
      e.api_edited = true;
      upserts.push_back(std::move(e));
    }
    if (auto r = commit(std::move(upserts), edit->deleted); !r) {
      return r.error();
    }
    snapshot_->set(std::make_shared<const config::Config>(std::move(cfg.value())));
    document_.store(std::make_shared<const config::Document>(std::move(doc)));
    return edit;
  };
  co_return co_await runner_.run(std::move(job));
}

Result<std::string> ConfigService::reloadFile() {
  return runner_.runSync([this]() -> Result<std::string> {
    if (!opts_.file) {
      if (!store_) {
        return Error::invalidRequest("no config file to reload");
      }
      if (auto r = loadFromStore(); !r) {
        return r.error();
      }
      return std::string("configuration reloaded from the config store");
    }
    auto root = readFile();
    if (!root) {
      return root.error();
    }
    config::Document file_doc = config::splitRoot(root.value());
    file_base_ = file_doc.base;
    if (!store_) {
      if (auto r = publish(std::move(file_doc)); !r) {
        return r.error();
      }
      return fmt::format("configuration reloaded from {}", *opts_.file);
    }
    if (auto r = loadFromStore(); !r) {
      return r.error();
    }
    std::vector<store::Entity> stored;
    for (auto& e : toEntities(*document())) {
      auto it = origin_.find({e.kind, e.id});
      e.file_hash = it != origin_.end() ? it->second.first : "";
      e.api_edited = it != origin_.end() && it->second.second;
      stored.push_back(std::move(e));
    }
    Plan plan = reconcile(file_doc, stored);
    emit(plan.log);
    if (!plan.empty()) {
      // Validate before committing: a file edit that clashes with the stored configuration must not
      // reach the store.
      if (auto v = validate(fromEntities(applyPlan(stored, plan), file_base_), ""); !v) {
        return v.error();
      }
      if (auto r = commit(std::move(plan.upserts), plan.deletes); !r) {
        return r.error();
      }
    }
    if (auto r = loadFromStore(); !r) {
      return r.error();
    }
    return fmt::format("configuration reloaded from {} ({} change(s))", *opts_.file, plan.log.size());
  });
}

void ConfigService::watchStore(asio::io_context& ioc, std::chrono::milliseconds interval) {
  if (!store_) {
    return;
  }
  poll_interval_ = interval;
  poll_timer_ = std::make_unique<asio::steady_timer>(ioc);
  polling_ = true;
  poll();
}

void ConfigService::stopWatching() {
  polling_ = false;
  if (poll_timer_) {
    poll_timer_->cancel();
  }
}

void ConfigService::poll() {
  poll_timer_->expires_after(poll_interval_);
  poll_timer_->async_wait([this](const boost::system::error_code& ec) {
    if (ec || !polling_) {
      return;
    }
    asio::post(runner_.pool(), [this] {
      auto ver = store_->version();
      if (!ver) {
        spdlog::warn("config store: {}", ver.error().message);
      } else if (ver.value() != version_) {
        if (auto r = loadFromStore(); !r) {
          spdlog::error("config store changed but the new configuration was rejected: {}", r.error().message);
          version_ = ver.value(); // do not retry the same broken version in a loop
        } else {
          spdlog::info("configuration reloaded from the config store (version {})", version_);
        }
      }
    });
    poll();
  });
}

} // namespace hd::control
