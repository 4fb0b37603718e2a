#include "ocip/mock/world.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace ocip::mock {

namespace {

template <typename Range, typename Predicate>
auto* find_in(Range& items, Predicate matches) {
  auto found = std::find_if(items.begin(), items.end(), matches);
  return found == items.end() ? nullptr : &*found;
}

}  // namespace

std::string_view to_string(device_level level) {
  switch (level) {
    case device_level::system:
      return "System";
    case device_level::service_provider:
      return "Service Provider";
    case device_level::group:
      return "Group";
  }
  return "Group";
}

std::string_view to_string(configuration_option option) {
  switch (option) {
    case configuration_option::device_management:
      return "Device Management";
    case configuration_option::not_supported:
      return "Not Supported";
    case configuration_option::legacy:
      return "Legacy";
  }
  return "Not Supported";
}

std::string_view to_string(admin_kind kind) {
  switch (kind) {
    case admin_kind::system:
      return "System";
    case admin_kind::provisioning:
      return "Provisioning";
    case admin_kind::service_provider:
      return "Service Provider";
    case admin_kind::group:
      return "Group";
  }
  return "System";
}

std::string_view to_string(sso_refusal refusal) {
  switch (refusal) {
    case sso_refusal::no_line_port_on_device:
      return "no_line_port_on_device";
    case sso_refusal::device_locked:
      return "device_locked";
    case sso_refusal::device_management_not_supported:
      return "device_management_not_supported";
  }
  return "no_line_port_on_device";
}

std::string_view to_string(before_login_behaviour behaviour) {
  switch (behaviour) {
    case before_login_behaviour::error_response:
      return "error_response";
    case before_login_behaviour::close_connection:
      return "close_connection";
  }
  return "error_response";
}

std::optional<device_level> parse_device_level(std::string_view text) {
  for (auto level : {device_level::system, device_level::service_provider, device_level::group}) {
    if (to_string(level) == text) {
      return level;
    }
  }
  return std::nullopt;
}

std::optional<configuration_option> parse_configuration_option(std::string_view text) {
  for (auto option :
       {configuration_option::device_management, configuration_option::not_supported, configuration_option::legacy}) {
    if (to_string(option) == text) {
      return option;
    }
  }
  return std::nullopt;
}

std::optional<admin_kind> parse_admin_kind(std::string_view text) {
  for (auto kind : {admin_kind::system, admin_kind::provisioning, admin_kind::service_provider, admin_kind::group}) {
    if (to_string(kind) == text) {
      return kind;
    }
  }
  return std::nullopt;
}

error_reply default_sso_error(sso_refusal refusal) {
  // Codes in a range the public record does not use, so a conformance run against a real server
  // never mistakes them for documented behaviour.
  switch (refusal) {
    case sso_refusal::no_line_port_on_device:
      return {9101, "User {user_id} has no line port on device {device_name}"};
    case sso_refusal::device_locked:
      return {9102, "Device is locked: {device_name}"};
    case sso_refusal::device_management_not_supported:
      return {9103, "Device type does not support Device Management: {device_type}"};
  }
  return {9101, "User {user_id} has no line port on device {device_name}"};
}

error_reply fill_sso_error(error_reply reply, const sso_refusal_facts& facts) {
  // One left-to-right pass, so a fact that itself contains braces is never expanded again.
  const std::array<std::pair<std::string_view, std::string_view>, 4> placeholders{{
      {"{user_id}", facts.user_id},
      {"{device_level}", facts.device_level},
      {"{device_name}", facts.device_name},
      {"{device_type}", facts.device_type},
  }};
  std::string filled;
  std::string_view rest = reply.text;
  while (!rest.empty()) {
    bool replaced = false;
    for (const auto& [placeholder, value] : placeholders) {
      if (rest.starts_with(placeholder)) {
        filled += value;
        rest.remove_prefix(placeholder.size());
        replaced = true;
        break;
      }
    }
    if (!replaced) {
      filled += rest.front();
      rest.remove_prefix(1);
    }
  }
  reply.text = std::move(filled);
  return reply;
}

error_reply settings::sso_error(sso_refusal refusal, const sso_refusal_facts& facts) const {
  auto override_reply = sso_errors.find(refusal);
  return fill_sso_error(override_reply != sso_errors.end() ? override_reply->second : default_sso_error(refusal),
                        facts);
}

const user* world::find_user(std::string_view id) const {
  return find_in(users, [&](const user& u) { return u.id == id; });
}

user* world::find_user(std::string_view id) {
  return find_in(users, [&](const user& u) { return u.id == id; });
}

const administrator* world::find_administrator(std::string_view id) const {
  return find_in(administrators, [&](const administrator& a) { return a.id == id; });
}

const device* world::find_device(const device_key& key) const {
  return find_in(devices, [&](const device& d) { return d.key == key; });
}

device* world::find_device(const device_key& key) {
  return find_in(devices, [&](const device& d) { return d.key == key; });
}

bool world::lock_device(const device_key& key) {
  device* target = find_device(key);
  if (target == nullptr) {
    return false;
  }
  target->locked = true;
  return true;
}

bool world::unlock_device(const device_key& key) {
  device* target = find_device(key);
  if (target == nullptr) {
    return false;
  }
  target->locked = false;
  return true;
}

bool world::remove_device(const device_key& key) {
  const auto removed = std::erase_if(devices, [&](const device& d) { return d.key == key; });
  if (removed == 0) {
    return false;
  }
  for (user& each : users) {
    std::erase_if(each.line_ports, [&](const line_port& port) { return port.device == key; });
  }
  return true;
}

bool world::remove_endpoint(std::string_view user_id) {
  user* target = find_user(user_id);
  if (target == nullptr) {
    return false;
  }
  target->line_ports.clear();
  target->trunk_group.reset();
  target->trunk_line_port.clear();
  return true;
}

bool world::set_configuration_option(std::string_view device_type_name, configuration_option option) {
  auto* type = find_in(device_types, [&](const device_type& t) { return t.name == device_type_name; });
  if (type == nullptr) {
    return false;
  }
  type->option = option;
  return true;
}

bool world::remove_user(std::string_view user_id) {
  return std::erase_if(users, [&](const user& u) { return u.id == user_id; }) > 0;
}

const user* world::find_line_port_owner(std::string_view line_port) const {
  return find_in(users, [&](const user& u) {
    return (!u.trunk_line_port.empty() && u.trunk_line_port == line_port) ||
           std::any_of(u.line_ports.begin(), u.line_ports.end(),
                       [&](const auto& port) { return port.id == line_port; });
  });
}

const device_type* world::find_device_type(std::string_view name) const {
  return find_in(device_types, [&](const device_type& t) { return t.name == name; });
}

const group* world::find_group(std::string_view service_provider, std::string_view id) const {
  return find_in(groups, [&](const group& g) { return g.service_provider == service_provider && g.id == id; });
}

const service_provider* world::find_service_provider(std::string_view id) const {
  return find_in(service_providers, [&](const service_provider& sp) { return sp.id == id; });
}

const trunk_group* world::find_trunk_group(std::string_view service_provider, std::string_view group,
                                           std::string_view name) const {
  return find_in(trunk_groups, [&](const trunk_group& t) {
    return t.service_provider == service_provider && t.group == group && t.name == name;
  });
}

}  // namespace ocip::mock
