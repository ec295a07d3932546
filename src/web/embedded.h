#pragma once
// The dashboard's files (web/ in the source tree), embedded in the binary at build time by
// cmake/EmbedDir.cmake: one entry per file, sorted by path.

#include <cstddef>

namespace hd::embedded {

struct EmbeddedFile {
  const char* path; // relative to web/, "/"-separated: "index.html", "js/app.js"
  const unsigned char* data;
  std::size_t size;
};

extern const EmbeddedFile web_assets[];
extern const std::size_t web_assets_count;

} // namespace hd::embedded
