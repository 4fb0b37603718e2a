#!/usr/bin/env bash
# Lint: clang-format (must leave every file as it is) and clang-tidy (on the project's sources, using
# the compile commands of the ci preset). Usage: ci/lint.sh [--format-only]
set -euo pipefail
cd "$(dirname "$0")/.."
ci/install-deps.sh --lint

mapfile -t files < <(git ls-files '*.cpp' '*.hpp')
echo "lint: clang-format on ${#files[@]} files"
clang-format --dry-run --Werror "${files[@]}"

if [[ "${1:-}" == "--format-only" ]]; then
  exit 0
fi
if [[ ! -f build/ci/compile_commands.json ]]; then
  cmake --preset ci >/dev/null
fi
mapfile -t sources < <(git ls-files '*.cpp' | grep -v '^tests/fuzz/')
echo "lint: clang-tidy on ${#sources[@]} files"
printf '%s\n' "${sources[@]}" | xargs -P "$(nproc)" -n 4 clang-tidy -p build/ci --quiet 2>/dev/null
