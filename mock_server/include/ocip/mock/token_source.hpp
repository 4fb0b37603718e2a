#pragma once
/// Where device tokens and login nonces come from: unguessable, or reproducible from a seed.

#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>

namespace ocip::mock {

/// Makes opaque device tokens and decimal nonces. Without a seed it draws from OpenSSL's CSPRNG;
/// with one, the same seed gives the same sequence in every run.
class token_source {
 public:
  /// `seed` set: reproducible; unset: cryptographically random.
  explicit token_source(std::optional<std::uint64_t> seed);

  /// A fresh device token: 64 lowercase hex digits.
  [[nodiscard]] std::string next_token();
  /// A fresh nonce: 13 decimal digits, like the epoch-millisecond nonces real servers send.
  [[nodiscard]] std::string next_nonce();

 private:
  void fill(unsigned char* out, std::size_t size);

  std::optional<std::mt19937_64> seeded_;
};

}  // namespace ocip::mock
