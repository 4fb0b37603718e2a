#pragma once
/// Typed requests and replies the client uses itself: login, logout and the Single Sign-On device
/// token (oci-p.md §4, §7). Element order follows the schema sequences.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ocip/protocol/message.hpp"
#include "ocip/protocol/result.hpp"

namespace ocip::client {

/// AuthenticationRequest{userId}: first step of the nonce login flow.
[[nodiscard]] protocol::command authentication_request(std::string_view user_id);

/// LoginRequest14sp4{userId, signedPassword}: second step of the nonce login flow.
[[nodiscard]] protocol::command login_request_14sp4(std::string_view user_id, std::string_view signed_password);

/// LoginRequest22V5{userId, password}: the one-step login with the plain password.
[[nodiscard]] protocol::command login_request_22v5(std::string_view user_id, std::string_view password);

/// LogoutRequest{userId}.
[[nodiscard]] protocol::command logout_request(std::string_view user_id);

/// What an AuthenticationResponse hands to the second login step.
struct authentication_challenge {
  std::string user_id;             ///< the user the nonce was issued for
  std::string nonce;               ///< real servers send decimal digits
  std::string password_algorithm;  ///< "MD5" is the only one the schema defines

  /// Reads an AuthenticationResponse; userId, nonce and passwordAlgorithm are required.
  [[nodiscard]] static result<authentication_challenge, protocol::protocol_error> from_command(
      const protocol::command& reply);
};

/// The session facts a LoginResponse22V5 or LoginResponse14sp4 reports.
struct login_info {
  std::string response_type;                          ///< "LoginResponse22V5" or "LoginResponse14sp4"
  std::string login_type;                             ///< e.g. "System", "Service Provider", "Group", "User"
  std::string locale;                                 ///< e.g. "en_US"
  std::string encoding;                               ///< e.g. "ISO-8859-1"
  std::optional<std::string> group_id;                ///< set for group-level logins
  std::optional<std::string> service_provider_id;     ///< set for provider- and group-level logins
  bool is_enterprise = false;                         ///< the provider is an enterprise
  std::optional<int> password_expires_days;           ///< days until the password expires
  std::string user_domain;                            ///< the user's domain
  std::optional<std::string> reseller_id;             ///< 22V5 only
  std::optional<std::int64_t> token_revocation_time;  ///< 22V5 only, ms since 1970-01-01 UTC

  /// Reads a LoginResponse22V5 or LoginResponse14sp4; any other type is a protocol error.
  [[nodiscard]] static result<login_info, protocol::protocol_error> from_command(const protocol::command& reply);

  bool operator==(const login_info&) const = default;
};

/// UserSingleSignOnCreateDeviceTokenRequest (oci-p.md §7).
struct device_token_request {
  std::string user_id;       ///< the user who owns a line port on the device
  std::string device_level;  ///< "System" | "Service Provider" | "Group"
  std::string device_name;   ///< the access device's name

  /// The request command, fields in schema order: userId, deviceLevel, deviceName.
  [[nodiscard]] protocol::command to_command() const;
};

/// The token of a UserSingleSignOnCreateDeviceTokenResponse. Secret: never log it.
struct device_token {
  std::string value;  ///< opaque, non-empty

  /// Reads a UserSingleSignOnCreateDeviceTokenResponse{deviceToken}.
  [[nodiscard]] static result<device_token, protocol::protocol_error> from_command(const protocol::command& reply);
};

/// Request and response type names used by the client.
namespace command_types {
inline constexpr std::string_view authentication_request = "AuthenticationRequest";    ///< nonce step 1
inline constexpr std::string_view authentication_response = "AuthenticationResponse";  ///< its reply
inline constexpr std::string_view login_request_14sp4 = "LoginRequest14sp4";           ///< nonce step 2
inline constexpr std::string_view login_response_14sp4 = "LoginResponse14sp4";         ///< its reply
inline constexpr std::string_view login_request_22v5 = "LoginRequest22V5";             ///< plain login
inline constexpr std::string_view login_response_22v5 = "LoginResponse22V5";           ///< its reply
inline constexpr std::string_view logout_request = "LogoutRequest";                    ///< ends a session
inline constexpr std::string_view success_response = "SuccessResponse";                ///< reply without data
inline constexpr std::string_view error_response = "ErrorResponse";                    ///< the server's refusal
/// Creates a Single Sign-On device token.
inline constexpr std::string_view device_token_request = "UserSingleSignOnCreateDeviceTokenRequest";
/// Carries the device token.
inline constexpr std::string_view device_token_response = "UserSingleSignOnCreateDeviceTokenResponse";
}  // namespace command_types

}  // namespace ocip::client
