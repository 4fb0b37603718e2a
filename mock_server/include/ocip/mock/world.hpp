#pragma once
/// The mock's world: what a scenario describes and the dispatcher decides against.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ocip/mock/script.hpp"

namespace ocip::mock {

/// Where an access device lives (schema AccessDeviceLevel).
enum class device_level { system, service_provider, group };

/// A device type's Device Management support (schema: deviceTypeConfigurationOption).
enum class configuration_option { device_management, not_supported, legacy };

/// Who an administrator is (the loginType a real server reports).
enum class admin_kind { system, provisioning, service_provider, group };

/// Schema spelling: "System", "Service Provider", "Group".
[[nodiscard]] std::string_view to_string(device_level level);
/// Schema spelling: "Device Management", "Not Supported", "Legacy".
[[nodiscard]] std::string_view to_string(configuration_option option);
/// loginType spelling: "System", "Provisioning", "Service Provider", "Group".
[[nodiscard]] std::string_view to_string(admin_kind kind);
/// Parses the schema spelling; nullopt when it is none of them.
[[nodiscard]] std::optional<device_level> parse_device_level(std::string_view text);
/// Parses the schema spelling ("Device Management", ...); nullopt when it is none of them.
[[nodiscard]] std::optional<configuration_option> parse_configuration_option(std::string_view text);
/// Parses the loginType spelling ("Service Provider", ...); nullopt when it is none of them.
[[nodiscard]] std::optional<admin_kind> parse_admin_kind(std::string_view text);

struct service_provider {
  std::string id;
  bool is_enterprise = false;
};

struct group {
  std::string service_provider;
  std::string id;
  std::string user_domain;  ///< default domain of the group's users, e.g. "example.com"
};

struct device_type {
  std::string name;  ///< e.g. "Polycom VVX 450"
  configuration_option option = configuration_option::device_management;
};

/// Identifies an access device: its level, owner (empty where the level has none) and name.
struct device_key {
  device_level level = device_level::group;
  std::string service_provider;  ///< empty for System devices
  std::string group;             ///< empty for System and Service Provider devices
  std::string name;

  auto operator<=>(const device_key&) const = default;
  bool operator==(const device_key&) const = default;
};

struct device {
  device_key key;
  std::string device_type;
  bool locked = false;        ///< under a device profile authentication lockout
  std::string mac_address{};  ///< macAddress given when the device was added over OCI-P; empty: none
};

/// A user's endpoint on an access device.
struct line_port {
  device_key device;
  std::string id;  ///< the linePort, e.g. "alice_1@example.com"
};

struct user {
  std::string id;  ///< e.g. "alice@example.com"
  std::string password;
  std::string service_provider;
  std::string group;
  std::string first_name;
  std::string last_name;
  std::vector<line_port> line_ports;
  std::optional<std::string> trunk_group;  ///< name of a trunk group in the user's group: a trunk user
  std::string trunk_line_port{};           ///< a trunk user's linePort on the trunk group; empty: none given
};

struct trunk_group {
  std::string service_provider;
  std::string group;
  std::string name;
  device_key access_device;  ///< the trunk device
};

struct administrator {
  std::string id;
  std::string password;
  admin_kind kind = admin_kind::system;
  std::string service_provider;  ///< scope of service provider and group administrators
  std::string group;             ///< scope of group administrators
};

/// The three Single Sign-On rule failures, whose error replies a scenario may override.
enum class sso_refusal { no_line_port_on_device, device_locked, device_management_not_supported };

/// Scenario key spelling: "no_line_port_on_device", "device_locked", "device_management_not_supported".
[[nodiscard]] std::string_view to_string(sso_refusal refusal);

/// An ErrorResponse the mock writes: code and summary text (without the "[Error NNNN] " prefix).
struct error_reply {
  int code = 0;
  std::string text;

  bool operator==(const error_reply&) const = default;
};

/// The facts a refusal text may name, through the placeholders {user_id}, {device_level},
/// {device_name} and {device_type}.
struct sso_refusal_facts {
  std::string user_id;
  std::string device_level;  ///< schema spelling, e.g. "Group"
  std::string device_name;
  std::string device_type;
};

/// The mock-defined reply for a refusal (the public record has none): 9101, 9102 or 9103, its text
/// a template with placeholders (see sso_refusal_facts). The only place these defaults live.
[[nodiscard]] error_reply default_sso_error(sso_refusal refusal);

/// The reply with every placeholder in its text replaced by the fact it names.
[[nodiscard]] error_reply fill_sso_error(error_reply reply, const sso_refusal_facts& facts);

/// What the mock does with a command that arrives before login.
enum class before_login_behaviour { error_response, close_connection };

/// Scenario spelling: "error_response", "close_connection".
[[nodiscard]] std::string_view to_string(before_login_behaviour behaviour);

/// What the mock does with a LogoutRequest (oci-p.md §4: the schema promises a SuccessResponse;
/// practitioners report that a real server on TCP simply closes the connection).
enum class logout_behaviour {
  reply,             ///< SuccessResponse; the connection stays open
  reply_then_close,  ///< SuccessResponse, then the connection is closed
  close,             ///< the connection is closed without a reply
};

/// The canonical text of an IP address (IPv4 dotted quad, IPv6 compressed lower case; an
/// IPv4-mapped IPv6 address becomes its IPv4 form), or nullopt when the text is not an IP address.
[[nodiscard]] std::optional<std::string> canonical_ip_address(std::string_view text);

/// Mock behaviour that a scenario may set.
struct settings {
  std::optional<std::uint64_t> token_seed;        ///< set: tokens are reproducible; unset: unguessable
  std::map<sso_refusal, error_reply> sso_errors;  ///< overrides of the mock-defined refusals
  before_login_behaviour before_login = before_login_behaviour::error_response;
  std::string software_version = "25.0";  ///< SystemSoftwareVersionGetResponse
  logout_behaviour logout = logout_behaviour::reply;
  /// Peers (IP addresses in canonical text form, IPv4 as dotted quad) whose session-less documents
  /// (userId, phoneNumber, linePort instead of sessionId) are accepted; empty: none.
  std::vector<std::string> trusted_addresses;

  /// The reply for a refusal: the scenario's override, else the mock default, placeholders filled.
  [[nodiscard]] error_reply sso_error(sso_refusal refusal, const sso_refusal_facts& facts) const;
};

/// Everything a scenario describes.
struct world {
  std::vector<service_provider> service_providers;
  std::vector<group> groups;
  std::vector<device_type> device_types;
  std::vector<device> devices;
  std::vector<user> users;
  std::vector<trunk_group> trunk_groups;
  std::vector<administrator> administrators;
  settings mock;
  script scripting;          ///< the scenario's rules, tried before the built-in behaviour
  script_progress progress;  ///< the script's current state and rule match counts

  // Lookups return nullptr when there is no such thing; pointers stay valid until the list changes.

  /// The user with this id.
  [[nodiscard]] const user* find_user(std::string_view id) const;
  /// The user with this id, to change it.
  [[nodiscard]] user* find_user(std::string_view id);
  /// The administrator with this id.
  [[nodiscard]] const administrator* find_administrator(std::string_view id) const;
  /// The device with exactly this level, owner and name.
  [[nodiscard]] const device* find_device(const device_key& key) const;
  /// The device with exactly this level, owner and name, to change it (e.g. its lock).
  [[nodiscard]] device* find_device(const device_key& key);
  /// The device type of this name (case-sensitive).
  [[nodiscard]] const device_type* find_device_type(std::string_view name) const;
  /// The group with this id in this service provider.
  [[nodiscard]] const group* find_group(std::string_view service_provider, std::string_view id) const;
  /// The service provider with this id.
  [[nodiscard]] const service_provider* find_service_provider(std::string_view id) const;
  /// Puts the device under a device profile authentication lockout; false when there is no such device.
  bool lock_device(const device_key& key);
  /// Clears the device's lockout; false when there is no such device.
  bool unlock_device(const device_key& key);
  /// Removes the device and every line port on it (its users keep their other endpoints; trunk
  /// groups that name it keep the name, which then resolves to nothing). False when there is none.
  bool remove_device(const device_key& key);
  /// Takes the user's endpoint away: every line port and the trunk group. False when there is no such user.
  bool remove_endpoint(std::string_view user_id);
  /// Sets the Device Management support of a device type. False when there is no such type.
  bool set_configuration_option(std::string_view device_type_name, configuration_option option);
  /// Removes the user (its line ports go with it). False when there is no such user.
  bool remove_user(std::string_view user_id);
  /// The user who holds this line port, on a device or on a trunk group; nullptr when nobody does.
  [[nodiscard]] const user* find_line_port_owner(std::string_view line_port) const;

  /// The trunk group of this name in this group.
  [[nodiscard]] const trunk_group* find_trunk_group(std::string_view service_provider, std::string_view group,
                                                    std::string_view name) const;
};

}  // namespace ocip::mock
