#!/usr/bin/env bash
# Installs what Heimdall needs on Debian 12: build tools and libraries (apt), and with --test also the
# test and benchmark tools (apt) and the npm test clients (tests/clients). Idempotent and quick when
# everything is already present.
set -euo pipefail
cd "$(dirname "$0")/.."

want_tests=0
[[ "${1:-}" == "--test" ]] && want_tests=1

build_pkgs=(build-essential cmake ninja-build ccache pkg-config ca-certificates
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libssl-dev libspdlog-dev libfmt-dev libcli11-dev libpcre2-dev libsqlite3-dev libpq-dev libargon2-dev
  libsecret-1-dev libhiredis-dev libxxhash-dev prometheus-cpp-dev libjemalloc-dev nodejs npm)
test_pkgs=(clang libclang-rt-14-dev llvm googletest libgtest-dev libgmock-dev nodejs npm wrk nginx-light procps
  postgresql redis-server tmux dbus gnome-keyring chromium sqlite3 valgrind)

pkgs=("${build_pkgs[@]}")
(( want_tests )) && pkgs+=("${test_pkgs[@]}")

missing=()
for p in "${pkgs[@]}"; do
  # node/npm may come from elsewhere (e.g. a newer Node.js); only install them when absent.
  if [[ "$p" == nodejs ]] && command -v node >/dev/null; then continue; fi
  if [[ "$p" == npm ]] && command -v npm >/dev/null; then continue; fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if (( ${#missing[@]} )); then
  echo "==> installing: ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# BPE vocabularies for exact OpenAI token counts (read at build time; see tools/tokenizer-data).
if [[ ! -d tools/tokenizer-data/node_modules/tiktoken ]]; then
  echo "==> installing tokenizer data (tools/tokenizer-data)"
  (cd tools/tokenizer-data && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
fi

if (( want_tests )); then
  if [[ ! -d tests/clients/node_modules/@anthropic-ai/sdk || tests/clients/package-lock.json -nt tests/clients/node_modules ]]; then
    echo "==> installing npm test clients (tests/clients)"
    (cd tests/clients && npm ci --no-audit --no-fund --loglevel=error)
    touch tests/clients/node_modules
  fi
fi
