#!/usr/bin/env bash
# Sets up and runs every test: installs dependencies, builds with warnings as errors, checks
# formatting, runs ctest (unit, integration and the conformance suite against the in-process mock).
# Usage: ci/test.sh [PRESET]   (default: ci; asan and tsan also work)
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-ci}"

ci/install-deps.sh
ci/build.sh "$preset"
ctest --preset "$preset" -j "$(nproc)" --output-junit "$PWD/build/$preset/ctest-junit.xml"
