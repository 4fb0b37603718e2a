#pragma once
/// Password signing for the nonce login flow (oci-p.md §4).

#include <string>
#include <string_view>

namespace ocip::protocol {

/// Lowercase hex SHA-1 of the password.
[[nodiscard]] std::string sha1_hex(std::string_view password);

/// The signedPassword of LoginRequest14sp4:
/// lowercase_hex(MD5(nonce + ":" + lowercase_hex(SHA1(password)))).
[[nodiscard]] std::string sign_password(std::string_view password, std::string_view nonce);

}  // namespace ocip::protocol
