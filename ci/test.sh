#!/usr/bin/env bash
# Sets up and runs every test: installs dependencies, checks formatting, builds with warnings as
# errors, runs ctest (unit, integration, and the conformance suite against the in-process mock over
# TCP, TLS and SOAP). Usage: ci/test.sh [PRESET]   (default: ci; asan and tsan also work)
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-ci}"

ci/install-deps.sh --format
echo "test: clang-format check"
git ls-files '*.cpp' '*.hpp' | xargs clang-format --dry-run --Werror
ci/build.sh "$preset"
ctest --preset "$preset" -j "$(nproc)" --output-junit "$PWD/build/$preset/ctest-junit.xml"
