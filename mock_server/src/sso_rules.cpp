#include "ocip/mock/sso_rules.hpp"

#include <algorithm>

namespace ocip::mock {

const device* find_device_in_reach(const world& w, const user& u, device_level level, std::string_view device_name) {
  device_key key;
  key.level = level;
  key.name = std::string(device_name);
  if (level != device_level::system) {
    key.service_provider = u.service_provider;
  }
  if (level == device_level::group) {
    key.group = u.group;
  }
  return w.find_device(key);
}

bool owns_line_port_on(const world& w, const user& u, const device_key& key) {
  const bool has_port =
      std::any_of(u.line_ports.begin(), u.line_ports.end(), [&](const line_port& port) { return port.device == key; });
  if (has_port) {
    return true;
  }
  if (!u.trunk_group) {
    return false;
  }
  const trunk_group* trunk = w.find_trunk_group(u.service_provider, u.group, *u.trunk_group);
  return trunk != nullptr && trunk->access_device == key;
}

std::optional<sso_refusal> check_device_token_rules(const world& w, const user& u, const device& d) {
  if (!owns_line_port_on(w, u, d.key)) {
    return sso_refusal::no_line_port_on_device;
  }
  if (d.locked) {
    return sso_refusal::device_locked;
  }
  const device_type* type = w.find_device_type(d.device_type);
  if (type == nullptr || type->option != configuration_option::device_management) {
    return sso_refusal::device_management_not_supported;
  }
  return std::nullopt;
}

}  // namespace ocip::mock
