#pragma once
/// The rules of UserSingleSignOnCreateDeviceTokenRequest (oci-p.md §7), in one place.

#include <optional>
#include <string_view>

#include "ocip/mock/world.hpp"

namespace ocip::mock {

/// The device a user means by (level, name): a Group device in the user's group, a Service Provider
/// device in the user's service provider, or a System device. nullptr when there is none.
[[nodiscard]] const device* find_device_in_reach(const world& w, const user& u, device_level level,
                                                 std::string_view device_name);

/// True when the user owns a line port on the device, or is a trunk user of a trunk group whose
/// access device it is.
[[nodiscard]] bool owns_line_port_on(const world& w, const user& u, const device_key& key);

/// Decides whether a token may be created for the user on the device: nullopt when all three rules
/// hold, otherwise the first rule that fails (line port, then lock, then Device Management).
[[nodiscard]] std::optional<sso_refusal> check_device_token_rules(const world& w, const user& u, const device& d);

}  // namespace ocip::mock
