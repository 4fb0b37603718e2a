// Users with their line ports, and trunk groups (oci-p.md §8): who owns a port on which device,
// the first Single Sign-On rule.
#include <array>
#include <random>
#include <string>
#include <vector>

#include "ocip/protocol/xml_text.hpp"
#include "provisioning_support.hpp"

namespace ocip::mock::detail {
namespace {

using protocol::command;
using protocol::element;

// Schema lengths: ServiceProviderId, GroupId, TrunkGroupName, FirstName, LastName and their
// calling line id forms 1-30; UserId, AccessDeviceEndpointLinePort and SIPURI 1-161; Password 1-60.
constexpr std::size_t max_id_length = 30;
constexpr std::size_t max_name_length = 30;
constexpr std::size_t max_user_id_length = 161;
constexpr std::size_t max_line_port_length = 161;
constexpr std::size_t max_password_length = 60;

command user_not_found(std::string_view id) {
  return error_command(4008, "User not found: " + std::string(id));
}

command line_port_in_use(std::string_view line_port) {
  return error_command(line_port_in_use_code, "Line/Port already in use: " + std::string(line_port));
}

command trunk_group_not_found(std::string_view name) {
  return error_command(trunk_group_not_found_code, "Trunk Group not found: " + std::string(name));
}

/// A password nobody knows, for a user added without one: it cannot log in until one is set.
std::string unguessable_password() {
  std::random_device source;
  static constexpr std::string_view digits = "0123456789abcdef";
  std::string password;
  for (int i = 0; i < 32; ++i) {
    password += digits[source() % digits.size()];
  }
  return password;
}

/// What a user's endpoint becomes: a line port on a device, or a trunk group's port.
struct endpoint_change {
  std::optional<line_port> port;
  std::optional<std::string> trunk_group;
  std::string trunk_line_port;
  std::optional<command> error;
};

/// Checks a line port the user would hold: nobody else may hold it.
std::optional<command> check_line_port_free(const world& w, std::string_view line_port, std::string_view user_id) {
  const user* holder = w.find_line_port_owner(line_port);
  if (holder != nullptr && holder->id != user_id) {
    return line_port_in_use(line_port);
  }
  return std::nullopt;
}

/// An accessDeviceEndpoint (add or modify form) for a user of this group; `current` fills what a
/// modify leaves out.
endpoint_change read_device_endpoint(const world& w, std::string_view command_type, const element& endpoint,
                                     std::string_view service_provider, std::string_view group,
                                     std::string_view user_id, const line_port* current) {
  endpoint_change change;
  std::optional<device_key> key;
  if (const element* device = endpoint.child("accessDevice")) {
    access_device_check named = read_access_device(command_type, *device);
    if (named.error) {
      return {std::nullopt, std::nullopt, {}, named.error};
    }
    key = key_in_reach(*named.level, service_provider, group, std::move(named.name));
  } else if (current != nullptr) {
    key = current->device;
  }
  std::optional<std::string> port_id;
  if (endpoint.child("linePort") != nullptr) {
    field_check port = required_child_text(command_type, endpoint, "linePort", 1, max_line_port_length);
    if (port.error) {
      return {std::nullopt, std::nullopt, {}, port.error};
    }
    port_id = std::move(port.value);
  } else if (current != nullptr) {
    port_id = current->id;
  }
  if (!key || !port_id) {
    return {std::nullopt,
            std::nullopt,
            {},
            error_command(endpoint_incomplete_code,
                          "Endpoint needs an access device and a line/port: " + std::string(user_id))};
  }
  if (w.find_device(*key) == nullptr) {
    return {std::nullopt, std::nullopt, {}, error_command(4505, "Access Device not found: " + key->name)};
  }
  if (auto taken = check_line_port_free(w, *port_id, user_id)) {
    return {std::nullopt, std::nullopt, {}, std::move(taken)};
  }
  change.port = line_port{std::move(*key), std::move(*port_id)};
  return change;
}

/// A trunkGroupDeviceEndpoint (add or modify form) for a user of this group; `current_name` and
/// `current_port` fill what a modify leaves out.
endpoint_change read_trunk_endpoint(const world& w, std::string_view command_type, const element& endpoint,
                                    std::string_view service_provider, std::string_view group, std::string_view user_id,
                                    std::optional<std::string> current_name, std::string current_port) {
  if (endpoint.child("name") != nullptr) {
    field_check name = required_child_text(command_type, endpoint, "name", 1, max_id_length);
    if (name.error) {
      return {std::nullopt, std::nullopt, {}, name.error};
    }
    current_name = std::move(name.value);
  }
  if (endpoint.child("linePort") != nullptr) {
    field_check port = required_child_text(command_type, endpoint, "linePort", 1, max_line_port_length);
    if (port.error) {
      return {std::nullopt, std::nullopt, {}, port.error};
    }
    current_port = std::move(*port.value);
  }
  if (!current_name || current_port.empty()) {
    return {std::nullopt,
            std::nullopt,
            {},
            error_command(endpoint_incomplete_code,
                          "Endpoint needs a trunk group and a line/port: " + std::string(user_id))};
  }
  if (w.find_trunk_group(service_provider, group, *current_name) == nullptr) {
    return {std::nullopt, std::nullopt, {}, trunk_group_not_found(*current_name)};
  }
  if (auto taken = check_line_port_free(w, current_port, user_id)) {
    return {std::nullopt, std::nullopt, {}, std::move(taken)};
  }
  return {std::nullopt, std::move(current_name), std::move(current_port), std::nullopt};
}

/// Makes the user's endpoint the checked change (replacing every port and trunk group it had).
void apply_endpoint(user& target, endpoint_change change) {
  target.line_ports.clear();
  target.trunk_group.reset();
  target.trunk_line_port.clear();
  if (change.port) {
    target.line_ports.push_back(std::move(*change.port));
  }
  if (change.trunk_group) {
    target.trunk_group = std::move(change.trunk_group);
    target.trunk_line_port = std::move(change.trunk_line_port);
  }
}

command add_user(handler_context& context, const request& req) {
  world& w = context.w;
  const command& cmd = req.cmd;
  const field_check provider = required_text(cmd, "serviceProviderId", 1, max_id_length);
  if (provider.error) {
    return *provider.error;
  }
  const field_check group_id = required_text(cmd, "groupId", 1, max_id_length);
  if (group_id.error) {
    return *group_id.error;
  }
  const field_check user_id = required_text(cmd, "userId", 1, max_user_id_length);
  if (user_id.error) {
    return *user_id.error;
  }
  const field_check last_name = required_text(cmd, "lastName", 1, max_name_length);
  if (last_name.error) {
    return *last_name.error;
  }
  const field_check first_name = required_text(cmd, "firstName", 1, max_name_length);
  if (first_name.error) {
    return *first_name.error;
  }
  // Required by the schema; the mock answers with lastName and firstName in their place.
  for (const std::string_view name : {"callingLineIdLastName", "callingLineIdFirstName"}) {
    if (const field_check value = required_text(cmd, name, 1, max_name_length); value.error) {
      return *value.error;
    }
  }
  const field_check password = optional_text(cmd, "password", 1, max_password_length);
  if (password.error) {
    return *password.error;
  }
  const std::string& sp = *provider.value;
  const std::string& group_name = *group_id.value;
  if (!may_act_on_group(*req.session.login, sp, group_name)) {
    return unauthorized();
  }
  if (w.find_group(sp, group_name) == nullptr) {
    return error_command(4152, "Group not found: " + sp + ":" + group_name);
  }
  // Users and administrators share one login namespace.
  if (w.find_user(*user_id.value) != nullptr || w.find_administrator(*user_id.value) != nullptr) {
    return error_command(4200, "User already exists: " + *user_id.value);
  }
  endpoint_change endpoint;
  if (const element* device_endpoint = cmd.field("accessDeviceEndpoint")) {
    endpoint = read_device_endpoint(w, cmd.type, *device_endpoint, sp, group_name, *user_id.value, nullptr);
  } else if (const element* trunk = cmd.field("trunkAddressing")) {
    // Only a trunk group endpoint puts the user on a device; enterprise trunks are not modelled.
    if (const element* trunk_endpoint = trunk->child("trunkGroupDeviceEndpoint")) {
      endpoint = read_trunk_endpoint(w, cmd.type, *trunk_endpoint, sp, group_name, *user_id.value, std::nullopt, "");
    }
  }
  if (endpoint.error) {
    return *endpoint.error;
  }
  user added;
  added.id = *user_id.value;
  // Kept so the user can log in; never logged.
  added.password = password.value ? *password.value : unguessable_password();
  added.service_provider = sp;
  added.group = group_name;
  added.last_name = *last_name.value;
  added.first_name = *first_name.value;
  apply_endpoint(added, std::move(endpoint));
  w.users.push_back(std::move(added));
  return protocol::success_response();
}

command modify_user(handler_context& context, const request& req) {
  world& w = context.w;
  const command& cmd = req.cmd;
  const field_check user_id = required_text(cmd, "userId", 1, max_user_id_length);
  if (user_id.error) {
    return *user_id.error;
  }
  const field_check last_name = optional_text(cmd, "lastName", 1, max_name_length);
  if (last_name.error) {
    return *last_name.error;
  }
  const field_check first_name = optional_text(cmd, "firstName", 1, max_name_length);
  if (first_name.error) {
    return *first_name.error;
  }
  field_check new_password;
  if (const element* field = cmd.field("newPassword"); field != nullptr && !field->nil) {
    new_password = optional_text(cmd, "newPassword", 1, max_password_length);
    if (new_password.error) {
      return *new_password.error;
    }
  }
  user* target = w.find_user(*user_id.value);
  if (target == nullptr) {
    return user_not_found(*user_id.value);
  }
  if (!may_change_user(*req.session.login, *target)) {
    return unauthorized();
  }
  // Everything is checked before anything changes.
  std::optional<endpoint_change> endpoint;
  bool remove_endpoint = false;
  if (const element* field = cmd.field("endpoint")) {
    const line_port* current_port = target->line_ports.empty() ? nullptr : &target->line_ports.front();
    if (field->nil) {
      remove_endpoint = true;
    } else if (const element* device_endpoint = field->child("accessDeviceEndpoint")) {
      endpoint = read_device_endpoint(w, cmd.type, *device_endpoint, target->service_provider, target->group,
                                      target->id, current_port);
    } else if (const element* trunk = field->child("trunkAddressing")) {
      const element* trunk_endpoint = trunk->child("trunkGroupDeviceEndpoint");
      if (trunk_endpoint != nullptr && trunk_endpoint->nil) {
        endpoint = endpoint_change{};  // the trunk group endpoint is cleared: on no trunk group's device
      } else if (trunk_endpoint == nullptr) {
        if (!target->trunk_group) {
          endpoint = endpoint_change{};  // trunk addressing without a trunk group: on no device
        }
      } else {
        endpoint = read_trunk_endpoint(w, cmd.type, *trunk_endpoint, target->service_provider, target->group,
                                       target->id, target->trunk_group, target->trunk_line_port);
      }
    } else {
      return validation_error(cmd.type + ": element 'endpoint' needs 'accessDeviceEndpoint' or 'trunkAddressing'");
    }
    if (endpoint && endpoint->error) {
      return *endpoint->error;
    }
  }
  if (last_name.value) {
    target->last_name = *last_name.value;
  }
  if (first_name.value) {
    target->first_name = *first_name.value;
  }
  if (new_password.value) {
    target->password = *new_password.value;
  }
  if (remove_endpoint) {
    w.remove_endpoint(target->id);
  } else if (endpoint) {
    apply_endpoint(*target, std::move(*endpoint));
  }
  return protocol::success_response();
}

command delete_user(handler_context& context, const request& req) {
  const field_check user_id = required_text(req.cmd, "userId", 1, max_user_id_length);
  if (user_id.error) {
    return *user_id.error;
  }
  const user* target = context.w.find_user(*user_id.value);
  if (target == nullptr) {
    return user_not_found(*user_id.value);
  }
  if (!may_change_user(*req.session.login, *target)) {
    return unauthorized();
  }
  context.w.remove_user(*user_id.value);
  return protocol::success_response();
}

/// A schema-valid name (1-30 characters): the world's, else the part of the user id before '@'.
std::string name_for_reply(const std::string& name, const std::string& user_id) {
  const auto fits = [](std::string_view text) {
    const std::size_t length = protocol::utf8_character_count(text);
    return length >= 1 && length <= max_name_length;
  };
  if (fits(name)) {
    return name;
  }
  const std::string local = user_id.substr(0, user_id.find('@'));
  return fits(local) ? local : std::string("User");
}

command get_user(handler_context& context, const request& req) {
  const world& w = context.w;
  const field_check user_id = required_text(req.cmd, "userId", 1, max_user_id_length);
  if (user_id.error) {
    return *user_id.error;
  }
  const user* target = w.find_user(*user_id.value);
  if (target == nullptr) {
    return user_not_found(*user_id.value);
  }
  // Administrators in scope, and a user reading itself.
  if (!may_act_on(*req.session.login, *target)) {
    return unauthorized();
  }
  const std::string last_name = name_for_reply(target->last_name, target->id);
  const std::string first_name = name_for_reply(target->first_name, target->id);
  std::string alias = target->id;
  if (const group* home = w.find_group(target->service_provider, target->group);
      alias.find('@') == std::string::npos && home != nullptr && !home->user_domain.empty()) {
    std::string qualified = alias + "@" + home->user_domain;
    if (protocol::utf8_character_count(qualified) <= max_user_id_length) {
      alias = std::move(qualified);
    }
  }

  command reply{"UserGetResponse23V2", std::nullopt, {}, {}};
  reply.fields.push_back(element::leaf("serviceProviderId", target->service_provider));
  reply.fields.push_back(element::leaf("groupId", target->group));
  reply.fields.push_back(element::leaf("userId", target->id));
  reply.fields.push_back(element::leaf("lastName", last_name));
  reply.fields.push_back(element::leaf("firstName", first_name));
  reply.fields.push_back(element::leaf("callingLineIdLastName", last_name));
  reply.fields.push_back(element::leaf("callingLineIdFirstName", first_name));
  reply.fields.push_back(element::leaf("language", "English"));
  reply.fields.push_back(element::leaf("timeZone", "America/New_York"));
  reply.fields.push_back(element::leaf("timeZoneDisplayName", "(GMT-05:00) (US) Eastern Time"));
  reply.fields.push_back(element::leaf("defaultAlias", alias));
  if (!target->line_ports.empty()) {
    // The schema reads back one endpoint: the user's first line port.
    const line_port& port = target->line_ports.front();
    reply.fields.push_back(element::parent(
        "accessDeviceEndpoint",
        {element::parent("accessDevice", {element::leaf("deviceLevel", std::string(to_string(port.device.level))),
                                          element::leaf("deviceName", port.device.name)}),
         element::leaf("linePort", port.id), element::leaf("staticRegistrationCapable", "false"),
         element::leaf("useDomain", "true"), element::leaf("supportVisualDeviceManagement", "false"),
         element::leaf("useHotline", "false")}));
  } else if (target->trunk_group) {
    // A trunk user from a scenario has no line port of its own: its user id stands in.
    const std::string& port = target->trunk_line_port.empty() ? target->id : target->trunk_line_port;
    reply.fields.push_back(element::parent(
        "trunkAddressing",
        {element::parent("trunkGroupDeviceEndpoint",
                         {element::leaf("name", *target->trunk_group), element::leaf("linePort", port),
                          element::leaf("staticRegistrationCapable", "false"), element::leaf("useDomain", "true"),
                          element::leaf("isPilotUser", "false")})}));
  }
  reply.fields.push_back(element::leaf("countryCode", "1"));
  reply.fields.push_back(element::leaf("allowVideo", "true"));
  return reply;
}

command add_trunk_group(handler_context& context, const request& req) {
  world& w = context.w;
  const command& cmd = req.cmd;
  const field_check provider = required_text(cmd, "serviceProviderId", 1, max_id_length);
  if (provider.error) {
    return *provider.error;
  }
  const field_check group_id = required_text(cmd, "groupId", 1, max_id_length);
  if (group_id.error) {
    return *group_id.error;
  }
  const field_check name = required_text(cmd, "name", 1, max_id_length);
  if (name.error) {
    return *name.error;
  }
  std::optional<access_device_check> named_device;
  if (const element* device = cmd.field("accessDevice")) {
    named_device = read_access_device(cmd.type, *device);
    if (named_device->error) {
      return *named_device->error;
    }
  }
  const std::string& sp = *provider.value;
  const std::string& group_name = *group_id.value;
  if (!may_act_on_group(*req.session.login, sp, group_name)) {
    return unauthorized();
  }
  if (w.find_group(sp, group_name) == nullptr) {
    return error_command(4152, "Group not found: " + sp + ":" + group_name);
  }
  if (w.find_trunk_group(sp, group_name, *name.value) != nullptr) {
    return error_command(trunk_group_exists_code, "Trunk Group already exists: " + *name.value);
  }
  trunk_group added;
  added.service_provider = sp;
  added.group = group_name;
  added.name = *name.value;
  // Without an accessDevice the trunk group has no device: its users own a port on none.
  if (named_device) {
    added.access_device = key_in_reach(*named_device->level, sp, group_name, named_device->name);
    if (w.find_device(added.access_device) == nullptr) {
      return error_command(4505, "Access Device not found: " + named_device->name);
    }
  }
  w.trunk_groups.push_back(std::move(added));
  return protocol::success_response();
}

}  // namespace

std::span<const route> user_routes() {
  static constexpr std::array<route, 7> routes{{
      {"UserAddRequest17sp4", &add_user, true},
      {"UserAddRequest22V2", &add_user, true},
      {"UserModifyRequest17sp4", &modify_user, true},
      {"UserModifyRequest22", &modify_user, true},
      {"UserDeleteRequest", &delete_user, true},
      {"UserGetRequest23V2", &get_user, true},
      {"GroupTrunkGroupAddInstanceRequest22", &add_trunk_group, true},
  }};
  return routes;
}

}  // namespace ocip::mock::detail
