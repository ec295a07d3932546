# All dependencies come from Debian 12 packages (see scripts/install-deps.sh).
find_package(Boost 1.81.0 EXACT REQUIRED CONFIG COMPONENTS json url)
find_package(OpenSSL 3 REQUIRED)
find_package(Threads REQUIRED)
find_package(spdlog REQUIRED)
find_package(fmt REQUIRED)
find_path(CLI11_INCLUDE_DIR CLI/CLI.hpp REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3)
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)
# xxHash: the request log's shared-part hashes (the library's XXH3 uses the CPU's widest vectors).
pkg_check_modules(XXHASH REQUIRED IMPORTED_TARGET libxxhash)
pkg_check_modules(ARGON2 REQUIRED IMPORTED_TARGET libargon2)
# The release binary's allocator (optional): jemalloc frees memory that another thread allocated without
# contending for glibc's arenas, which the request log's writer does for every record. Sanitizer and fuzz
# builds keep their own allocator.
if(NOT HEIMDALL_SANITIZE AND NOT HEIMDALL_FUZZ)
  pkg_check_modules(JEMALLOC QUIET IMPORTED_TARGET jemalloc)
endif()
pkg_check_modules(LIBSECRET REQUIRED IMPORTED_TARGET libsecret-1)
# Prometheus metrics registry and text exposition (core only: /metrics is served by our own server).
pkg_check_modules(PROMETHEUS_CPP REQUIRED IMPORTED_TARGET prometheus-cpp-core)
# pkg-config's -pthread would define _REENTRANT and invalidate the shared precompiled header; threads come
# from Threads::Threads already.
set_property(TARGET PkgConfig::LIBSECRET PROPERTY INTERFACE_COMPILE_OPTIONS "")
# hiredis (libhiredis-dev) without its pkg-config flags: its -D_FILE_OFFSET_BITS=64 would disable the shared PCH.
find_path(HIREDIS_INCLUDE_DIR hiredis/hiredis.h REQUIRED)
find_library(HIREDIS_LIBRARY hiredis REQUIRED)
