#!/usr/bin/env bash
# Sets up and runs the mock: installs dependencies, builds the release preset, and starts ocip-mock
# on its built-in default scenario (arguments are passed on, e.g. --listen 127.0.0.1:0).
set -euo pipefail
cd "$(dirname "$0")/.."
ci/install-deps.sh
ci/build.sh release
exec build/release/mock_server/ocip-mock "$@"
