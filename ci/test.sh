#!/usr/bin/env bash
# Sets up and runs every test: installs dependencies, checks formatting, builds with warnings as
# errors and runs ctest (unit, integration, and the conformance suite against the in-process mock
# over TCP, TLS and SOAP), then builds and runs the same tests under ASan+UBSan.
# Usage: ci/test.sh [PRESET]   (default: ci, then asan; naming a preset runs only that one)
set -euo pipefail
cd "$(dirname "$0")/.."
presets="${1:-ci asan}"

ci/install-deps.sh --format
echo "test: clang-format check"
git ls-files '*.cpp' '*.hpp' | xargs clang-format --dry-run --Werror
for preset in $presets; do
  echo "test: preset $preset"
  ci/build.sh "$preset"
  ctest --preset "$preset" -j "$(nproc)" --output-junit "$PWD/build/$preset/ctest-junit.xml"
done
