#pragma once
/// Reads golden wire fixtures from tests/data byte for byte.

#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ocip::protocol::test {

/// The bytes of tests/data/<name>, exactly as stored (no newline translation).
inline std::string read_fixture(std::string_view name) {
  const std::string path = std::string{OCIP_TEST_DATA_DIR} + "/" + std::string{name};
  std::ifstream file{path, std::ios::binary};
  if (!file) {
    throw std::runtime_error("cannot open fixture " + path);
  }
  return std::string{std::istreambuf_iterator<char>{file}, std::istreambuf_iterator<char>{}};
}

}  // namespace ocip::protocol::test
