#include "ocip/mock/token_source.hpp"

#include <array>
#include <stdexcept>

#include <openssl/rand.h>

namespace ocip::mock {

token_source::token_source(std::optional<std::uint64_t> seed) {
  if (seed) {
    seeded_.emplace(*seed);
  }
}

void token_source::fill(unsigned char* out, std::size_t size) {
  if (seeded_) {
    for (std::size_t i = 0; i < size; ++i) {
      out[i] = static_cast<unsigned char>((*seeded_)() & 0xFFU);
    }
    return;
  }
  if (RAND_bytes(out, static_cast<int>(size)) != 1) {
    // Without entropy no token can be unguessable; serving a weak one would be worse than failing.
    throw std::runtime_error("OpenSSL RAND_bytes failed: no random source for device tokens");
  }
}

std::string token_source::next_token() {
  std::array<unsigned char, 32> bytes{};
  fill(bytes.data(), bytes.size());
  static constexpr char hex[] = "0123456789abcdef";
  std::string token;
  token.reserve(bytes.size() * 2);
  for (const unsigned char byte : bytes) {
    token.push_back(hex[byte >> 4U]);
    token.push_back(hex[byte & 0x0FU]);
  }
  return token;
}

std::string token_source::next_nonce() {
  std::array<unsigned char, 13> bytes{};
  fill(bytes.data(), bytes.size());
  std::string nonce;
  nonce.reserve(bytes.size());
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    // The first digit is never 0, so the nonce reads as a 13-digit number, like epoch milliseconds.
    const unsigned int digit = i == 0 ? 1U + bytes[i] % 9U : bytes[i] % 10U;
    nonce.push_back(static_cast<char>('0' + digit));
  }
  return nonce;
}

}  // namespace ocip::mock
