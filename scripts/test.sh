#!/usr/bin/env bash
# Installs dependencies, then builds and runs every test: unit tests, integration tests against the real
# binary (fake upstream, official SDK, Claude Code), the same suites under ASan+UBSan, and a short run
# of every fuzz target (built in the ASan+UBSan tree).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
step() { echo; echo "==> [$(( $(date +%s) - start ))s] $*"; }

step "dependencies"
scripts/install-deps.sh --test

step "format check"
if command -v clang-format >/dev/null; then
  files=$(git ls-files 'src/*.cc' 'src/*.h' 'tests/unit/*.cc' 'fuzz/*.cc' 2>/dev/null || true)
  if [[ -n "$files" ]] && ! clang-format --dry-run -Werror $files 2>/dev/null; then
    echo "clang-format: files need formatting (run: clang-format -i \$(git ls-files 'src/*.cc' 'src/*.h' 'tests/unit/*.cc' 'fuzz/*.cc'))"
    exit 1
  fi
fi

step "release build"
scripts/build.sh release

step "unit tests"
ctest --test-dir build --output-on-failure -j2

step "integration tests (release)"
HEIMDALL_BIN="$PWD/build/heimdall" node --test --test-concurrency=2 tests/integration/

step "ASan+UBSan build"
scripts/build.sh asan

step "unit tests (ASan+UBSan)"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
ctest --test-dir build-asan --output-on-failure -j2

step "integration tests (ASan+UBSan)"
HEIMDALL_BIN="$PWD/build-asan/heimdall" HEIMDALL_SANITIZED=1 node --test --test-concurrency=2 tests/integration/

step "fuzz targets (short runs)"
for f in build-asan/fuzz/fuzz_*; do
  [[ -x "$f" ]] || continue
  name=$(basename "$f")
  # Seeds live in fuzz/corpus/<target>; the growing working corpus stays in the build tree.
  corpus="build-asan/corpus/${name#fuzz_}"
  mkdir -p "$corpus"
  cp -n fuzz/corpus/"${name#fuzz_}"/* "$corpus"/ 2>/dev/null || true
  "$f" -max_total_time="${FUZZ_SECONDS:-20}" -rss_limit_mb=2048 "$corpus" >/dev/null 2>"build-asan/$name.log" \
    || { tail -40 "build-asan/$name.log"; exit 1; }
  echo "$name: ok ($(grep -c . "build-asan/$name.log") log lines)"
done

step "all tests passed in $(( $(date +%s) - start ))s"
