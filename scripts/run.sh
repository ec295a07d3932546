#!/usr/bin/env bash
# Installs dependencies, builds Heimdall and starts the gateway with its embedded defaults
# (http://127.0.0.1:8080, app dir ~/.config/heimdall). Extra arguments go to `heimdall serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh release
exec build/heimdall serve "$@"
