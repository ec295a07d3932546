# Project-wide compile flags: warnings (as errors), sanitizers.
add_library(hd_flags INTERFACE)
target_compile_options(hd_flags INTERFACE -Wall -Wextra -Wpedantic -Wnon-virtual-dtor
                                          -Wno-missing-field-initializers)
if(HEIMDALL_WERROR)
  target_compile_options(hd_flags INTERFACE -Werror)
endif()
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # g++ 12 false positive on Asio's awaitable frame allocator (GCC bug 109224).
  target_compile_options(hd_flags INTERFACE -Wno-mismatched-new-delete -Wshadow=local)
endif()
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  # Asio/Beast trip these in their own headers under clang 14.
  target_compile_options(hd_flags INTERFACE -Wno-unused-private-field)
endif()
# Asio and Beast are compiled once (src/asio_impl.cc) instead of in every translation unit.
target_compile_definitions(hd_flags INTERFACE BOOST_ASIO_SEPARATE_COMPILATION BOOST_BEAST_SEPARATE_COMPILATION
                                              BOOST_ASIO_NO_DEPRECATED BOOST_BEAST_USE_STD_STRING_VIEW)
# Sanitizers: HEIMDALL_SANITIZE for the test suite, HEIMDALL_FUZZ for the libFuzzer targets. Both at once
# (what CI builds) give one tree for the sanitized suites and the fuzz targets; the coverage there is
# edge counters only (no comparison tracing), which keeps the sanitized suites' speed.
# -fno-sanitize=function: clang 14's function sanitizer cannot assemble C++20 coroutines ("Cannot
# represent a difference across sections").
if(HEIMDALL_SANITIZE OR HEIMDALL_FUZZ)
  target_compile_options(hd_flags INTERFACE -fsanitize=address,undefined -fno-sanitize=function
                                            -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(hd_flags INTERFACE -fsanitize=address,undefined)
endif()
if(HEIMDALL_SANITIZE)
  # -O1 keeps the sanitized test suite fast.
  target_compile_options(hd_flags INTERFACE -O1)
endif()
if(HEIMDALL_FUZZ)
  # Coverage instrumentation for every library; the fuzz targets link libFuzzer itself.
  if(HEIMDALL_SANITIZE)
    target_compile_options(hd_flags INTERFACE -fsanitize-coverage=inline-8bit-counters,pc-table)
  else()
    target_compile_options(hd_flags INTERFACE -fsanitize=fuzzer-no-link)
  endif()
endif()
