#include "ocip/protocol/password.hpp"

#include <array>
#include <cstddef>
#include <string>

#include <openssl/evp.h>

namespace ocip::protocol {
namespace {

/// Lowercase hex of a digest of the bytes. Digest failure means OpenSSL itself is broken (no
/// default provider); that is not a protocol condition, so it yields an empty string.
std::string hex_digest(const EVP_MD* algorithm, std::string_view bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (algorithm == nullptr || EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, algorithm, nullptr) != 1) {
    return {};
  }
  constexpr std::string_view digits = "0123456789abcdef";
  std::string hex;
  hex.reserve(std::size_t{length} * 2);
  for (std::size_t i = 0; i < length; ++i) {
    hex += digits[digest[i] >> 4];
    hex += digits[digest[i] & 0x0Fu];
  }
  return hex;
}

}  // namespace

std::string sha1_hex(std::string_view password) {
  return hex_digest(EVP_sha1(), password);
}

std::string sign_password(std::string_view password, std::string_view nonce) {
  std::string signed_input;
  signed_input.reserve(nonce.size() + 1 + 40);
  signed_input += nonce;
  signed_input += ':';
  signed_input += sha1_hex(password);
  return hex_digest(EVP_md5(), signed_input);
}

}  // namespace ocip::protocol
