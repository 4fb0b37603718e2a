#pragma once
// Schema-valid provisioning requests (oci-p.md §8) for the tests that drive the mock with them:
// the dispatcher's unit tests and the client-against-mock integration test.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ocip/protocol/message.hpp"

namespace ocip::mock::testing {

using protocol::command;
using protocol::element;

inline command request_of(std::string type, std::vector<element> fields) {
  return command{std::move(type), std::nullopt, std::move(fields), {}};
}

/// AccessDevice: deviceLevel and deviceName.
inline element access_device(std::string level, std::string name) {
  return element::parent(
      "accessDevice", {element::leaf("deviceLevel", std::move(level)), element::leaf("deviceName", std::move(name))});
}

/// GroupAccessDeviceAddRequest14 or …22V2 (`type`), with an optional MAC address.
inline command group_device_add(std::string type, std::string sp, std::string group, std::string name,
                                std::string device_type, std::optional<std::string> mac = std::nullopt) {
  std::vector<element> fields{element::leaf("serviceProviderId", std::move(sp)),
                              element::leaf("groupId", std::move(group)), element::leaf("deviceName", std::move(name)),
                              element::leaf("deviceType", std::move(device_type))};
  if (mac) {
    fields.push_back(element::leaf("macAddress", std::move(*mac)));
  }
  return request_of(std::move(type), std::move(fields));
}

/// ServiceProviderAccessDeviceAddRequest14 or …22V2 (`type`).
inline command service_provider_device_add(std::string type, std::string sp, std::string name,
                                           std::string device_type) {
  return request_of(std::move(type),
                    {element::leaf("serviceProviderId", std::move(sp)), element::leaf("deviceName", std::move(name)),
                     element::leaf("deviceType", std::move(device_type))});
}

/// SystemAccessDeviceAddRequest or …22V3 (`type`).
inline command system_device_add(std::string type, std::string name, std::string device_type) {
  return request_of(std::move(type), {element::leaf("deviceName", std::move(name)),
                                      element::leaf("deviceType", std::move(device_type))});
}

inline command group_device_delete(std::string sp, std::string group, std::string name) {
  return request_of("GroupAccessDeviceDeleteRequest",
                    {element::leaf("serviceProviderId", std::move(sp)), element::leaf("groupId", std::move(group)),
                     element::leaf("deviceName", std::move(name))});
}

inline command service_provider_device_delete(std::string sp, std::string name) {
  return request_of("ServiceProviderAccessDeviceDeleteRequest",
                    {element::leaf("serviceProviderId", std::move(sp)), element::leaf("deviceName", std::move(name))});
}

inline command system_device_delete(std::string name) {
  return request_of("SystemAccessDeviceDeleteRequest", {element::leaf("deviceName", std::move(name))});
}

/// GroupAccessDeviceGetRequest24V3 or …18sp1 (`type`), or GroupAccessDeviceGetUserListRequest21sp1.
inline command group_device_request(std::string type, std::string sp, std::string group, std::string name) {
  return request_of(std::move(type),
                    {element::leaf("serviceProviderId", std::move(sp)), element::leaf("groupId", std::move(group)),
                     element::leaf("deviceName", std::move(name))});
}

/// accessDeviceEndpoint of a UserAddRequest17sp4 (`with_hotline` false) or …22V2 (true: useHotline is required).
inline element device_endpoint(std::string level, std::string device, std::string line_port, bool with_hotline) {
  std::vector<element> children{access_device(std::move(level), std::move(device)),
                                element::leaf("linePort", std::move(line_port))};
  if (with_hotline) {
    children.push_back(element::leaf("useHotline", "false"));
  }
  return element::parent("accessDeviceEndpoint", std::move(children));
}

/// trunkAddressing with a trunkGroupDeviceEndpoint (name, linePort).
inline element trunk_addressing(std::string trunk_group, std::string line_port) {
  return element::parent("trunkAddressing", {element::parent("trunkGroupDeviceEndpoint",
                                                             {element::leaf("name", std::move(trunk_group)),
                                                              element::leaf("linePort", std::move(line_port))})});
}

/// UserAddRequest17sp4 or …22V2 (`type`) with a password and an optional endpoint.
inline command user_add(std::string type, std::string sp, std::string group, std::string user_id, std::string password,
                        std::optional<element> endpoint = std::nullopt) {
  std::vector<element> fields{element::leaf("serviceProviderId", std::move(sp)),
                              element::leaf("groupId", std::move(group)),
                              element::leaf("userId", std::move(user_id)),
                              element::leaf("lastName", "Tester"),
                              element::leaf("firstName", "Pat"),
                              element::leaf("callingLineIdLastName", "Tester"),
                              element::leaf("callingLineIdFirstName", "Pat"),
                              element::leaf("password", std::move(password))};
  if (endpoint) {
    fields.push_back(std::move(*endpoint));
  }
  return request_of(std::move(type), std::move(fields));
}

/// UserModifyRequest17sp4 or …22 (`type`) that sets the endpoint to a line port on a device.
inline command user_modify_endpoint(std::string type, std::string user_id, std::string level, std::string device,
                                    std::string line_port) {
  return request_of(
      std::move(type),
      {element::leaf("userId", std::move(user_id)),
       element::parent("endpoint",
                       {element::parent("accessDeviceEndpoint", {access_device(std::move(level), std::move(device)),
                                                                 element::leaf("linePort", std::move(line_port))})})});
}

/// UserModifyRequest17sp4 or …22 (`type`) that removes the endpoint (xsi:nil="true").
inline command user_remove_endpoint(std::string type, std::string user_id) {
  return request_of(std::move(type), {element::leaf("userId", std::move(user_id)), element::nil_leaf("endpoint")});
}

inline command user_request(std::string type, std::string user_id) {
  return request_of(std::move(type), {element::leaf("userId", std::move(user_id))});
}

/// GroupTrunkGroupAddInstanceRequest22 with every required element, the trunk device at `level`.
inline command trunk_group_add(std::string sp, std::string group, std::string name, std::string level,
                               std::string device) {
  std::vector<element> fields{element::leaf("serviceProviderId", std::move(sp)),
                              element::leaf("groupId", std::move(group)), element::leaf("name", std::move(name)),
                              access_device(std::move(level), std::move(device))};
  const std::vector<std::pair<std::string, std::string>> required{
      {"maxActiveCalls", "10"},
      {"enableBursting", "false"},
      {"capacityExceededTrapInitialCalls", "0"},
      {"capacityExceededTrapOffsetCalls", "0"},
      {"invitationTimeout", "6"},
      {"requireAuthentication", "false"},
      {"allowTerminationToTrunkGroupIdentity", "false"},
      {"allowTerminationToDtgIdentity", "false"},
      {"includeTrunkGroupIdentity", "false"},
      {"includeDtgIdentity", "false"},
      {"includeTrunkGroupIdentityForNetworkCalls", "false"},
      {"includeOtgIdentityForNetworkCalls", "false"},
      {"enableNetworkAddressIdentity", "false"},
      {"allowUnscreenedCalls", "false"},
      {"allowUnscreenedEmergencyCalls", "false"},
      {"pilotUserCallingLineIdentityForExternalCallsPolicy", "No Calls"},
      {"pilotUserChargeNumberPolicy", "No Calls"},
      {"routeToPeeringDomain", "false"},
      {"prefixEnabled", "false"},
      {"statefulReroutingEnabled", "false"},
      {"sendContinuousOptionsMessage", "false"},
      {"continuousOptionsSendingIntervalSeconds", "30"},
      {"failureOptionsSendingIntervalSeconds", "10"},
      {"failureThresholdCounter", "1"},
      {"successThresholdCounter", "1"},
      {"inviteFailureThresholdCounter", "1"},
      {"inviteFailureThresholdWindowSeconds", "30"},
      {"pilotUserCallingLineAssertedIdentityPolicy", "Unscreened Originating Calls"},
      {"useSystemCallingLineAssertedIdentityPolicy", "true"},
      {"pilotUserCallOptimizationPolicy", "Optimize For User Services"},
      {"clidSourceForScreenedCallsPolicy", "Profile Name Profile Number"},
      {"useSystemCLIDSourceForScreenedCallsPolicy", "true"},
      {"userLookupPolicy", "Basic"},
      {"useSystemUserLookupPolicy", "true"},
      {"pilotUserCallingLineIdentityForEmergencyCallsPolicy", "No Calls"},
      {"implicitRegistrationSetSupportPolicy", "Disabled"},
      {"useSystemImplicitRegistrationSetSupportPolicy", "true"},
      {"sipIdentityForPilotAndProxyTrunkModesPolicy", "User"},
      {"useSystemSIPIdentityForPilotAndProxyTrunkModesPolicy", "true"},
      {"useSystemSupportConnectedIdentityPolicy", "true"},
      {"supportConnectedIdentityPolicy", "Disabled"},
  };
  for (const auto& [field, value] : required) {
    fields.push_back(element::leaf(field, value));
  }
  return request_of("GroupTrunkGroupAddInstanceRequest22", std::move(fields));
}

inline command device_type_get(std::string device_type) {
  return request_of("SystemDeviceTypeGetRequest22V7", {element::leaf("deviceType", std::move(device_type))});
}

inline command sip_device_type_list() {
  return request_of("SystemSIPDeviceTypeGetListRequest", {});
}

inline command lockout_get() {
  return request_of("SystemDeviceProfileAuthenticationLockoutGetRequest", {});
}

/// SystemDeviceProfileAuthenticationLockoutClearRequest for one Group device.
inline command lockout_clear_group_device(std::string sp, std::string group, std::string name) {
  return request_of("SystemDeviceProfileAuthenticationLockoutClearRequest",
                    {element::parent("accessDevice", {element::leaf("serviceProviderId", std::move(sp)),
                                                      element::leaf("groupId", std::move(group)),
                                                      element::leaf("deviceName", std::move(name))})});
}

inline command lockout_clear_all() {
  return request_of("SystemDeviceProfileAuthenticationLockoutClearAllRequest", {});
}

/// The column of an OCITable reply element by heading (clients never rely on column order), one
/// entry per row; empty when there is no such heading.
inline std::vector<std::string> table_column(const element& table, std::string_view heading) {
  std::size_t index = 0;
  bool found = false;
  for (const element& child : table.children) {
    if (child.name == "colHeading") {
      if (child.text == heading) {
        found = true;
        break;
      }
      ++index;
    }
  }
  std::vector<std::string> column;
  if (!found) {
    return column;
  }
  for (const element& child : table.children) {
    if (child.name == "row") {
      column.push_back(index < child.children.size() ? child.children[index].text : std::string("<missing>"));
    }
  }
  return column;
}

}  // namespace ocip::mock::testing
