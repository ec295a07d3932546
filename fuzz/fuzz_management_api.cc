// Management API bodies (untrusted): EnvVar normalisation, validation through the config loader,
// redaction, and the config.json reconciliation of a whole root; plus opening sealed values.
#include <boost/json.hpp>
#include <cstdint>
#include <string_view>

#include "api/util.h"
#include "config/document.h"
#include "config/loader.h"
#include "control/entities.h"
#include "core/json_util.h"
#include "secrets/crypto.h"

namespace {

hd::config::EnvLookup env() {
  return [](const std::string& n) -> std::optional<std::string> {
    if (n == "SET") {
      return std::string("value");
    }
    return std::nullopt;
  };
}

const hd::secrets::Cipher& cipher() {
  static const hd::secrets::Cipher c = hd::secrets::Cipher::derive("fuzz", "0123456789abcdef").value();
  return c;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)cipher().open(text);
  auto parsed = hd::json::parse(text);
  if (!parsed || !parsed->is_object()) {
    return 0;
  }
  namespace js = boost::json;
  js::object body = parsed->get_object();
  auto e = env();
  for (const char* kind : {"key", "provider"}) {
    js::object b = body;
    js::object prev = body;
    if (!hd::api::normaliseEnvVars(kind, b, &prev)) {
      continue;
    }
    (void)hd::api::redact(kind, b, e);
    hd::config::Document doc;
    if (std::string_view(kind) == "key") {
      doc.providers["azure"] = js::object();
      doc.keys.push_back(hd::config::KeyDoc{"id", "azure", b});
    } else {
      doc.providers["anthropic"] = b;
    }
    (void)hd::config::fromJson(js::value(hd::config::assemble(doc)), e);
  }
  // The same bytes as a config.json root: split, reconcile against itself and against nothing.
  auto doc = hd::config::splitRoot(body);
  auto first = hd::control::reconcile(doc, {});
  (void)hd::control::reconcile(doc, first.upserts);
  (void)hd::control::fromEntities(first.upserts, doc.base);
  return 0;
}
