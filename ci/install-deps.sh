#!/usr/bin/env bash
# Installs what ocip-harness needs to build and test, from Debian packages. Idempotent; run as root
# (or with sudo). Does nothing when everything is already installed.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libboost-dev libboost-program-options-dev libboost-regex-dev
  libpugixml-dev libyaml-cpp-dev libssl-dev libxml2-dev libspdlog-dev
  libgtest-dev libgmock-dev libbenchmark-dev
)
# Extra tools: --format for clang-format, --lint adds clang-tidy, --fuzz clang with libFuzzer.
for extra in "$@"; do
  case "$extra" in
    --format) packages+=(clang-format) ;;
    --lint) packages+=(clang-format clang-tidy) ;;
    --fuzz) packages+=(clang libclang-rt-14-dev) ;;
    *) echo "install-deps: unknown option $extra (known: --format, --lint, --fuzz)" >&2; exit 2 ;;
  esac
done

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
  sudo_cmd=(sudo)
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
