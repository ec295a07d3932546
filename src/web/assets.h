#pragma once
// The dashboard's static files as the server hands them out: body, content type and a strong ETag
// (computed once, from the embedded bytes, at first use). The If-None-Match list is parsed here (Beast has no
// parser for it; it is a comma-separated list of quoted tags).

#include <optional>
#include <string>
#include <string_view>

namespace hd::web {

struct Asset {
  std::string_view path; // "index.html", "js/app.js"
  std::string_view body;
  std::string_view content_type;
  std::string etag; // quoted, e.g. "\"3f2a...\""
};

// The embedded file at `path` (relative to web/), or nullptr.
const Asset* findAsset(std::string_view path);

// Content type by file extension ("application/octet-stream" when unknown).
std::string_view contentTypeFor(std::string_view path);

// True when an If-None-Match header value names `etag` (a list, "*", or weak forms).
bool etagMatches(std::string_view if_none_match, std::string_view etag);

} // namespace hd::web
