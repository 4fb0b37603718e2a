#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz preset, clang) and runs each for a while, seeded from the golden
# fixtures and the scenarios. A crash leaves its input in build/fuzz/crashes/; add it to tests/data
# (or scenarios tests) as a regression case. Usage: ci/fuzz.sh [SECONDS_PER_TARGET]   (default 60)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
targets=(framer codec soap scenario)
ci/install-deps.sh --fuzz
cmake --preset fuzz >/dev/null
# Only the fuzz targets: the mock server's Asio coroutines do not compile with clang 14 against
# Boost 1.74, and the targets do not need them.
cmake --build --preset fuzz -j "$(nproc)" --target "${targets[@]/#/fuzz_}"
mkdir -p build/fuzz/crashes build/fuzz/corpus/{framer,codec,soap,scenario}
cp tests/data/*.xml build/fuzz/corpus/framer/
cp tests/data/*.xml build/fuzz/corpus/codec/
cp tests/data/soap_*.xml build/fuzz/corpus/soap/
cp scenarios/*.yaml build/fuzz/corpus/scenario/
for target in "${targets[@]}"; do
  echo "fuzz: fuzz_$target for ${seconds}s"
  "build/fuzz/tests/fuzz/fuzz_$target" -max_total_time="$seconds" -artifact_prefix=build/fuzz/crashes/ \
    "build/fuzz/corpus/$target"
done
