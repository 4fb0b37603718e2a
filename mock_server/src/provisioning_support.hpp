#pragma once
// What the provisioning handlers share (oci-p.md §8): scope checks for each kind of owner, field
// checks on nested elements, OCITable replies, search criteria, and the mock-defined error codes.
// Internal to mock_server/src.

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "handlers.hpp"

namespace ocip::mock::detail {

/// Mock-defined codes for cases where the public record gives none (documented as such).
inline constexpr int service_provider_not_found_code = 9110;
inline constexpr int trunk_group_not_found_code = 9111;
inline constexpr int line_port_in_use_code = 9112;
inline constexpr int trunk_group_exists_code = 9113;
inline constexpr int endpoint_incomplete_code = 9114;

/// System and provisioning administrators: everything, and the only ones for System-level commands.
[[nodiscard]] bool is_system_level(const principal& who);
/// Administrators who may act inside this service provider.
[[nodiscard]] bool may_act_on_service_provider(const principal& who, std::string_view service_provider);
/// Administrators who may act inside this group.
[[nodiscard]] bool may_act_on_group(const principal& who, std::string_view service_provider, std::string_view group);
/// Administrators who may act on a device of this level and owner.
[[nodiscard]] bool may_act_on_device(const principal& who, const device_key& key);
/// Administrators who may change this user (a user may only read itself).
[[nodiscard]] bool may_change_user(const principal& who, const user& target);

/// A required leaf child of `parent` (a nested element of a command of type `command_type`),
/// checked against [min_length, max_length] characters; the error is the real server's 6004.
[[nodiscard]] field_check required_child_text(std::string_view command_type, const protocol::element& parent,
                                              std::string_view name, std::size_t min_length, std::size_t max_length);
/// An optional leaf field of `cmd`: absent is no value and no error; present is checked as required_text.
[[nodiscard]] field_check optional_text(const protocol::command& cmd, std::string_view name, std::size_t min_length,
                                        std::size_t max_length);

/// The 6004 for a value outside an enumeration.
[[nodiscard]] protocol::command enumeration_error(std::string_view command_type, std::string_view name,
                                                  std::string_view value, std::string_view allowed);

/// A device named by an AccessDevice element (deviceLevel, deviceName), or the 6004 it deserves.
struct access_device_check {
  std::optional<device_level> level;
  std::string name;
  std::optional<protocol::command> error;
};
[[nodiscard]] access_device_check read_access_device(std::string_view command_type, const protocol::element& device);

/// The key of a device of `level` named `name` in the reach of a group: a Group device of that
/// group, a Service Provider device of its service provider, or a System device.
[[nodiscard]] device_key key_in_reach(device_level level, std::string_view service_provider, std::string_view group,
                                      std::string name);

/// An OCITable element: column headings, then one row of columns per entry (each as long as headings).
[[nodiscard]] protocol::element table(std::string name, std::span<const std::string_view> headings,
                                      const std::vector<std::vector<std::string>>& rows);

/// True when `value` passes every search criterion of this name in the request (criteria of one
/// name all apply): children `mode` (Starts With, Contains, Equal To), `value` and
/// `isCaseInsensitive` (default true).
[[nodiscard]] bool passes_criteria(const protocol::command& cmd, std::string_view criterion, std::string_view value);
/// True when `value` equals the `child` of every exact criterion of this name in the request.
[[nodiscard]] bool passes_exact_criteria(const protocol::command& cmd, std::string_view criterion,
                                         std::string_view child, std::string_view value);
/// The request's responseSizeLimit when it holds a whole number of 1 or more.
[[nodiscard]] std::optional<std::size_t> response_size_limit(const protocol::command& cmd);

/// Device, device type and lockout commands (provisioning_devices.cpp).
[[nodiscard]] std::span<const route> device_routes();
/// User and trunk group commands (provisioning_users.cpp).
[[nodiscard]] std::span<const route> user_routes();

}  // namespace ocip::mock::detail
