// The dashboard's request inputs: If-None-Match lists, request paths (reserved-prefix check, asset lookup).
// Any bytes must be handled without crashing; a list naming the ETag always matches.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "web/assets.h"
#include "web/routes.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  (void)hd::web::isReservedPath(in);
  (void)hd::web::contentTypeFor(in);
  if (const auto* a = hd::web::findAsset(in); a != nullptr && a->path != in) {
    std::abort();
  }
  const std::string etag = "\"0123456789abcdef0123456789abcdef\"";
  (void)hd::web::etagMatches(in, etag);
  if (!hd::web::etagMatches(std::string(in) + "," + etag, etag)) {
    std::abort();
  }
  return 0;
}
