// Access devices at every level, device types and the device profile authentication lockout
// (oci-p.md §8): the devices the Single Sign-On rules look at, their Device Management support and
// their lock.
#include <array>
#include <string>
#include <vector>

#include "provisioning_support.hpp"

namespace ocip::mock::detail {
namespace {

using protocol::command;
using protocol::element;

// Schema lengths: ServiceProviderId and GroupId 1-30, AccessDeviceName and AccessDeviceType 1-40,
// AccessDeviceMACAddress 1-12.
constexpr std::size_t max_id_length = 30;
constexpr std::size_t max_device_name_length = 40;
constexpr std::size_t max_mac_length = 12;

/// The profile every mock device type reports (schema SignalingAddressType).
constexpr std::string_view device_type_profile = "Intelligent Proxy Addressing";

command group_not_found(std::string_view service_provider, std::string_view group) {
  return error_command(4152, "Group not found: " + std::string(service_provider) + ":" + std::string(group));
}

command device_not_found(std::string_view name) {
  return error_command(4505, "Access Device not found: " + std::string(name));
}

/// The device a request names by serviceProviderId / groupId (as its level needs) and deviceName.
struct named_device {
  device_key key;
  std::optional<command> error;
};

named_device read_device_key(const command& cmd, device_level level) {
  named_device result;
  result.key.level = level;
  if (level != device_level::system) {
    field_check provider = required_text(cmd, "serviceProviderId", 1, max_id_length);
    if (provider.error) {
      return {{}, provider.error};
    }
    result.key.service_provider = std::move(*provider.value);
  }
  if (level == device_level::group) {
    field_check group_id = required_text(cmd, "groupId", 1, max_id_length);
    if (group_id.error) {
      return {{}, group_id.error};
    }
    result.key.group = std::move(*group_id.value);
  }
  // The external-id forms of the 22V2/22V3 requests name nothing the mock keeps: deviceName is needed.
  field_check name = required_text(cmd, "deviceName", 1, max_device_name_length);
  if (name.error) {
    return {{}, name.error};
  }
  result.key.name = std::move(*name.value);
  return result;
}

command add_device(handler_context& context, const request& req, device_level level) {
  world& w = context.w;
  named_device named = read_device_key(req.cmd, level);
  if (named.error) {
    return *named.error;
  }
  const field_check type = required_text(req.cmd, "deviceType", 1, max_device_name_length);
  if (type.error) {
    return *type.error;
  }
  const field_check mac = optional_text(req.cmd, "macAddress", 1, max_mac_length);
  if (mac.error) {
    return *mac.error;
  }
  const device_key& key = named.key;
  if (!may_act_on_device(*req.session.login, key)) {
    return unauthorized();
  }
  if (level == device_level::group && w.find_group(key.service_provider, key.group) == nullptr) {
    return group_not_found(key.service_provider, key.group);
  }
  if (level == device_level::service_provider && w.find_service_provider(key.service_provider) == nullptr) {
    return error_command(service_provider_not_found_code, "Service Provider not found: " + key.service_provider);
  }
  if (w.find_device_type(*type.value) == nullptr) {
    return error_command(4501, "Device Type not found: " + *type.value);
  }
  if (w.find_device(key) != nullptr) {
    return error_command(4500, "Access Device already exists: " + key.name);
  }
  device added;
  added.key = key;
  added.device_type = *type.value;
  added.mac_address = mac.value.value_or("");
  w.devices.push_back(std::move(added));
  return protocol::success_response();
}

command add_group_device(handler_context& context, const request& req) {
  return add_device(context, req, device_level::group);
}

command add_service_provider_device(handler_context& context, const request& req) {
  return add_device(context, req, device_level::service_provider);
}

command add_system_device(handler_context& context, const request& req) {
  return add_device(context, req, device_level::system);
}

command delete_device(handler_context& context, const request& req, device_level level) {
  named_device named = read_device_key(req.cmd, level);
  if (named.error) {
    return *named.error;
  }
  if (!may_act_on_device(*req.session.login, named.key)) {
    return unauthorized();
  }
  // Its line ports go with it: the users who had them no longer own a port on it.
  if (!context.w.remove_device(named.key)) {
    return device_not_found(named.key.name);
  }
  return protocol::success_response();
}

command delete_group_device(handler_context& context, const request& req) {
  return delete_device(context, req, device_level::group);
}

command delete_service_provider_device(handler_context& context, const request& req) {
  return delete_device(context, req, device_level::service_provider);
}

command delete_system_device(handler_context& context, const request& req) {
  return delete_device(context, req, device_level::system);
}

/// One user endpoint on a device: a line port, or a trunk user's port on the device's trunk group.
struct device_endpoint {
  const user* owner;
  std::string line_port;
};

std::vector<device_endpoint> endpoints_on(const world& w, const device_key& key) {
  std::vector<device_endpoint> found;
  for (const user& each : w.users) {
    for (const line_port& port : each.line_ports) {
      if (port.device == key) {
        found.push_back({&each, port.id});
      }
    }
    if (each.trunk_group) {
      const trunk_group* trunk = w.find_trunk_group(each.service_provider, each.group, *each.trunk_group);
      if (trunk != nullptr && trunk->access_device == key) {
        // A trunk user from a scenario has no line port of its own: its user id stands in.
        found.push_back({&each, each.trunk_line_port.empty() ? each.id : each.trunk_line_port});
      }
    }
  }
  return found;
}

command get_group_device(handler_context& context, const request& req, std::string response_type) {
  const world& w = context.w;
  named_device named = read_device_key(req.cmd, device_level::group);
  if (named.error) {
    return *named.error;
  }
  if (!may_act_on_device(*req.session.login, named.key)) {
    return unauthorized();
  }
  const device* found = w.find_device(named.key);
  if (found == nullptr) {
    return device_not_found(named.key.name);
  }
  const bool is_24v3 = response_type == "GroupAccessDeviceGetResponse24V3";
  command reply{std::move(response_type), std::nullopt, {}, {}};
  reply.fields.push_back(element::leaf("deviceType", found->device_type));
  if (!found->mac_address.empty()) {
    reply.fields.push_back(element::leaf("macAddress", found->mac_address));
  }
  // The mock models no port limit.
  reply.fields.push_back(element::parent("numberOfPorts", {element::leaf("unlimited", "true")}));
  reply.fields.push_back(element::leaf("numberOfAssignedPorts", std::to_string(endpoints_on(w, named.key).size())));
  reply.fields.push_back(element::leaf("status", "Online"));
  if (is_24v3) {
    reply.fields.push_back(element::leaf("serviceProviderId", found->key.service_provider));
    reply.fields.push_back(element::leaf("groupId", found->key.group));
    reply.fields.push_back(element::leaf("deviceName", found->key.name));
  }
  return reply;
}

command get_group_device_24v3(handler_context& context, const request& req) {
  return get_group_device(context, req, "GroupAccessDeviceGetResponse24V3");
}

command get_group_device_18sp1(handler_context& context, const request& req) {
  return get_group_device(context, req, "GroupAccessDeviceGetResponse18sp1");
}

std::pair<std::string_view, std::string_view> split_line_port(std::string_view line_port) {
  const auto at = line_port.find('@');
  if (at == std::string_view::npos) {
    return {line_port, {}};
  }
  return {line_port.substr(0, at), line_port.substr(at + 1)};
}

/// True when no criterion of this name is in the request (the mock keeps nothing it could match).
bool absent(const command& cmd, std::string_view criterion) {
  return cmd.field(criterion) == nullptr;
}

command get_device_user_list(handler_context& context, const request& req) {
  const world& w = context.w;
  const command& cmd = req.cmd;
  named_device named = read_device_key(cmd, device_level::group);
  if (named.error) {
    return *named.error;
  }
  if (!may_act_on_device(*req.session.login, named.key)) {
    return unauthorized();
  }
  if (w.find_device(named.key) == nullptr) {
    return device_not_found(named.key.name);
  }
  // Column headings of GroupAccessDeviceGetUserListResponse21sp1 (schema documentation).
  static constexpr std::array<std::string_view, 13> headings{
      "Line/Port",  "Last Name",     "First Name",      "Phone Number",      "User Id",
      "User Type",  "Endpoint Type", "Order",           "Primary Line/Port", "Extension",
      "Department", "Email Address", "Private Identity"};
  const std::optional<std::size_t> limit = response_size_limit(cmd);
  std::vector<std::vector<std::string>> rows;
  std::size_t order = 0;
  for (const device_endpoint& endpoint : endpoints_on(w, named.key)) {
    ++order;
    const auto [user_part, domain] = split_line_port(endpoint.line_port);
    const user& owner = *endpoint.owner;
    const bool passes =
        passes_criteria(cmd, "searchCriteriaLinePortUserPart", user_part) &&
        passes_criteria(cmd, "searchCriteriaLinePortDomain", domain) &&
        passes_criteria(cmd, "searchCriteriaUserLastName", owner.last_name) &&
        passes_criteria(cmd, "searchCriteriaUserFirstName", owner.first_name) &&
        passes_criteria(cmd, "searchCriteriaDn", "") && passes_criteria(cmd, "searchCriteriaUserId", owner.id) &&
        passes_exact_criteria(cmd, "searchCriteriaExactEndpointType", "endpointType", "Primary") &&
        passes_exact_criteria(cmd, "searchCriteriaExactUserType", "userType", "Normal") &&
        passes_criteria(cmd, "searchCriteriaExtension", "") && absent(cmd, "searchCriteriaExactUserDepartment") &&
        absent(cmd, "searchCriteriaExactPortNumber") &&
        passes_criteria(cmd, "searchCriteriaAccessDeviceEndpointPrivateIdentity", "") &&
        passes_criteria(cmd, "searchCriteriaUserHotlineContact", "");
    if (!passes) {
      continue;
    }
    if (limit && rows.size() >= *limit) {
      break;
    }
    rows.push_back({endpoint.line_port, owner.last_name, owner.first_name, "", owner.id, "Normal", "Primary",
                    std::to_string(order), "true", "", "", "", ""});
  }
  command reply{"GroupAccessDeviceGetUserListResponse21sp1", std::nullopt, {}, {}};
  reply.fields.push_back(table("deviceUserTable", headings, rows));
  return reply;
}

command get_device_type(handler_context& context, const request& req) {
  const field_check name = required_text(req.cmd, "deviceType", 1, max_device_name_length);
  if (name.error) {
    return *name.error;
  }
  if (!is_system_level(*req.session.login)) {
    return unauthorized();
  }
  const device_type* type = context.w.find_device_type(*name.value);
  if (type == nullptr) {
    return error_command(4501, "Device Type not found: " + *name.value);
  }
  // Required elements get the values of a plain SIP phone type; the option is the world's.
  command reply{"SystemDeviceTypeGetResponse22V7", std::nullopt, {}, {}};
  reply.fields.push_back(element::leaf("isObsolete", "false"));
  reply.fields.push_back(element::leaf("profile", std::string(device_type_profile)));
  reply.fields.push_back(element::leaf("staticRegistrationCapable", "false"));
  reply.fields.push_back(element::leaf("protocolChoice", "SIP 2.0"));
  reply.fields.push_back(element::leaf("isIpAddressOptional", "true"));
  reply.fields.push_back(element::leaf("useDomain", "true"));
  reply.fields.push_back(element::leaf("isMobilityManagerDevice", "false"));
  reply.fields.push_back(element::leaf("deviceTypeConfigurationOption", std::string(to_string(type->option))));
  reply.fields.push_back(element::leaf("staticLineOrdering", "false"));
  return reply;
}

command get_sip_device_type_list(handler_context& context, const request& req) {
  const command& cmd = req.cmd;
  if (!is_system_level(*req.session.login)) {
    return unauthorized();
  }
  // The schema's headings, then one the mock adds: real servers report the option only through
  // SystemDeviceTypeGetRequest22V7 and the searchCriteriaDeviceConfigurationOptions filter.
  static constexpr std::array<std::string_view, 5> headings{"Device Type", "Profile", "Is Obsolete", "Reseller Id",
                                                            "Configuration Option"};
  // Every mock device type is a system-level one: it has no reseller.
  const bool include_system_level = cmd.field_text("includeSystemLevel").value_or("false") != "false";
  const std::optional<std::size_t> limit = response_size_limit(cmd);
  std::vector<std::vector<std::string>> rows;
  for (const device_type& type : context.w.device_types) {
    const std::string option(to_string(type.option));
    const bool passes =
        passes_criteria(cmd, "searchCriteriaDeviceType", type.name) &&
        passes_exact_criteria(cmd, "searchCriteriaExactSignalingAddressType", "profile", device_type_profile) &&
        (include_system_level || passes_criteria(cmd, "searchCriteriaResellerId", "")) &&
        passes_exact_criteria(cmd, "searchCriteriaDeviceConfigurationOptions", "deviceConfigOptions", option);
    if (!passes) {
      continue;
    }
    if (limit && rows.size() >= *limit) {
      break;
    }
    rows.push_back({type.name, std::string(device_type_profile), "false", "", option});
  }
  command reply{"SystemSIPDeviceTypeGetListResponse", std::nullopt, {}, {}};
  reply.fields.push_back(table("deviceTypeTable", headings, rows));
  return reply;
}

command get_lockouts(handler_context& context, const request& req) {
  const world& w = context.w;
  const command& cmd = req.cmd;
  if (!is_system_level(*req.session.login)) {
    return unauthorized();
  }
  // Headings as the schema documents them. The mock keeps no lockout times: every lockout is
  // reported as permanent (no expiry, count "Permanent").
  static constexpr std::array<std::string_view, 8> headings{"Organization Id",
                                                            "Organization Type",
                                                            "Group Id",
                                                            "Identity/Device Profile Name",
                                                            "Identity/Device Profile Type",
                                                            "Lockout Started",
                                                            "Lockout Expires",
                                                            "Lockout Count"};
  const std::optional<std::size_t> limit = response_size_limit(cmd);
  std::vector<std::vector<std::string>> rows;
  for (const device& each : w.devices) {
    if (!each.locked) {
      continue;
    }
    std::string organization_type;
    if (const service_provider* owner = w.find_service_provider(each.key.service_provider)) {
      organization_type = owner->is_enterprise ? "Enterprise" : "Service Provider";
    }
    const bool passes =
        passes_criteria(cmd, "searchCriteriaServiceProviderId", each.key.service_provider) &&
        passes_exact_criteria(cmd, "searchCriteriaExactOrganizationType", "organizationType", organization_type) &&
        passes_criteria(cmd, "searchCriteriaGroupId", each.key.group) &&
        passes_criteria(cmd, "searchCriteriaDeviceName", each.key.name) &&
        passes_exact_criteria(cmd, "searchCriteriaExactDeviceType", "deviceType", each.device_type);
    if (!passes) {
      continue;
    }
    if (limit && rows.size() >= *limit) {
      break;
    }
    rows.push_back({each.key.service_provider, organization_type, each.key.group, each.key.name, each.device_type, "",
                    "", "Permanent"});
  }
  command reply{"SystemDeviceProfileAuthenticationLockoutGetResponse", std::nullopt, {}, {}};
  reply.fields.push_back(table("lockoutTable", headings, rows));
  return reply;
}

command clear_lockouts(handler_context& context, const request& req) {
  world& w = context.w;
  const command& cmd = req.cmd;
  // Each accessDevice is an AccessDeviceKey: serviceProviderId and groupId for a Group device,
  // serviceProviderId alone for a Service Provider device, neither for a System device.
  std::vector<device_key> keys;
  for (const element& field : cmd.fields) {
    if (field.name != "accessDevice") {
      continue;
    }
    device_key key;
    if (field.child("serviceProviderId") != nullptr) {
      field_check provider = required_child_text(cmd.type, field, "serviceProviderId", 1, max_id_length);
      if (provider.error) {
        return *provider.error;
      }
      key.service_provider = std::move(*provider.value);
    }
    if (field.child("groupId") != nullptr) {
      field_check group_id = required_child_text(cmd.type, field, "groupId", 1, max_id_length);
      if (group_id.error) {
        return *group_id.error;
      }
      key.group = std::move(*group_id.value);
    }
    field_check name = required_child_text(cmd.type, field, "deviceName", 1, max_device_name_length);
    if (name.error) {
      return *name.error;
    }
    key.name = std::move(*name.value);
    key.level = !key.group.empty()              ? device_level::group
                : !key.service_provider.empty() ? device_level::service_provider
                                                : device_level::system;
    keys.push_back(std::move(key));
  }
  if (keys.empty()) {
    return validation_error(cmd.type + ": missing required element 'accessDevice'");
  }
  if (!is_system_level(*req.session.login)) {
    return unauthorized();
  }
  // All or nothing: an unknown device clears none of them.
  for (const device_key& key : keys) {
    if (w.find_device(key) == nullptr) {
      return device_not_found(key.name);
    }
  }
  for (const device_key& key : keys) {
    w.unlock_device(key);
  }
  return protocol::success_response();
}

command clear_all_lockouts(handler_context& context, const request& req) {
  if (!is_system_level(*req.session.login)) {
    return unauthorized();
  }
  for (device& each : context.w.devices) {
    context.w.unlock_device(each.key);
  }
  return protocol::success_response();
}

}  // namespace

std::span<const route> device_routes() {
  static constexpr std::array<route, 17> routes{{
      {"GroupAccessDeviceAddRequest14", &add_group_device, true},
      {"GroupAccessDeviceAddRequest22V2", &add_group_device, true},
      {"ServiceProviderAccessDeviceAddRequest14", &add_service_provider_device, true},
      {"ServiceProviderAccessDeviceAddRequest22V2", &add_service_provider_device, true},
      {"SystemAccessDeviceAddRequest", &add_system_device, true},
      {"SystemAccessDeviceAddRequest22V3", &add_system_device, true},
      {"GroupAccessDeviceDeleteRequest", &delete_group_device, true},
      {"ServiceProviderAccessDeviceDeleteRequest", &delete_service_provider_device, true},
      {"SystemAccessDeviceDeleteRequest", &delete_system_device, true},
      {"GroupAccessDeviceGetRequest24V3", &get_group_device_24v3, true},
      {"GroupAccessDeviceGetRequest18sp1", &get_group_device_18sp1, true},
      {"GroupAccessDeviceGetUserListRequest21sp1", &get_device_user_list, true},
      {"SystemDeviceTypeGetRequest22V7", &get_device_type, true},
      {"SystemSIPDeviceTypeGetListRequest", &get_sip_device_type_list, true},
      {"SystemDeviceProfileAuthenticationLockoutGetRequest", &get_lockouts, true},
      {"SystemDeviceProfileAuthenticationLockoutClearRequest", &clear_lockouts, true},
      {"SystemDeviceProfileAuthenticationLockoutClearAllRequest", &clear_all_lockouts, true},
  }};
  return routes;
}

}  // namespace ocip::mock::detail
