// Provisioning commands change the mock's world, and the Single Sign-On token rules follow each
// change at once (oci-p.md §7, §8).
#include <gtest/gtest.h>

#include "ocip/mock/dispatcher.hpp"
#include "provisioning_requests.hpp"
#include "schema_support.hpp"
#include "test_world.hpp"

namespace ocip::mock {
namespace {

using protocol::command;
using protocol::document;
using protocol::element;
using namespace testing;  // NOLINT(google-build-using-namespace): the request builders

command token_request(std::string user_id, std::string level, std::string device_name) {
  return request_of("UserSingleSignOnCreateDeviceTokenRequest",
                    {element::leaf("userId", std::move(user_id)), element::leaf("deviceLevel", std::move(level)),
                     element::leaf("deviceName", std::move(device_name))});
}

constexpr std::string_view token_response = "UserSingleSignOnCreateDeviceTokenResponse";

class ProvisioningTest : public ::testing::Test {
 protected:
  /// Sends one command on the test's connection and returns the one reply command (kept).
  command send(const command& cmd, const std::string& session = "session-1") {
    document request;
    request.session_id = session;
    request.commands = {cmd};
    auto result = decide_.dispatch(request, connection_);
    if (!result.reply || result.reply->commands.size() != 1) {
      ADD_FAILURE() << "expected exactly one reply command to " << cmd.type;
      return {};
    }
    replies_.push_back(result.reply->commands.front());
    return result.reply->commands.front();
  }

  /// Logs in on the test's session; the login replaces any earlier one.
  void login(const std::string& user_id, const std::string& password) {
    const command reply =
        send(request_of("LoginRequest22V5", {element::leaf("userId", user_id), element::leaf("password", password)}));
    ASSERT_EQ(reply.type, "LoginResponse22V5") << summary(reply);
  }

  static std::string summary(const command& reply) {
    return reply.type == "ErrorResponse" ? std::string(reply.field_text("summary").value_or("")) : std::string();
  }

  /// The summary of an ErrorResponse, or "<type>" of any other reply, for one-line expectations.
  std::string outcome(const command& cmd) {
    const command reply = send(cmd);
    return reply.type == "ErrorResponse" ? summary(reply) : "<" + reply.type + ">";
  }

  world world_ = make_test_world();
  token_source tokens_{std::optional<std::uint64_t>{7}};
  dispatcher decide_{world_, tokens_};
  connection_state connection_;
  std::vector<command> replies_;
};

TEST_F(ProvisioningTest, GroupDeviceAddBothVersionsAndReadBack) {
  login("sysadmin", "sys-pass");
  EXPECT_EQ(outcome(group_device_add("GroupAccessDeviceAddRequest14", "acme", "sales", "new-1", "Polycom VVX 450",
                                     "0004F2AABBCC")),
            "<SuccessResponse>");
  EXPECT_EQ(outcome(group_device_add("GroupAccessDeviceAddRequest22V2", "acme", "sales", "new-2", "Old Phone")),
            "<SuccessResponse>");

  const command current = send(group_device_request("GroupAccessDeviceGetRequest24V3", "acme", "sales", "new-1"));
  ASSERT_EQ(current.type, "GroupAccessDeviceGetResponse24V3") << summary(current);
  EXPECT_EQ(current.field_text("deviceType"), "Polycom VVX 450");
  EXPECT_EQ(current.field_text("macAddress"), "0004F2AABBCC");
  EXPECT_EQ(current.field_text("numberOfAssignedPorts"), "0");
  EXPECT_EQ(current.field_text("serviceProviderId"), "acme");
  EXPECT_EQ(current.field_text("groupId"), "sales");
  EXPECT_EQ(current.field_text("deviceName"), "new-1");

  const command older = send(group_device_request("GroupAccessDeviceGetRequest18sp1", "acme", "sales", "new-2"));
  ASSERT_EQ(older.type, "GroupAccessDeviceGetResponse18sp1") << summary(older);
  EXPECT_EQ(older.field_text("deviceType"), "Old Phone");
  EXPECT_EQ(older.field(std::string_view("macAddress")), nullptr);
  EXPECT_EQ(older.field(std::string_view("deviceName")), nullptr);  // not in the 18sp1 response

  // A device with line ports counts them.
  const command alice_desk =
      send(group_device_request("GroupAccessDeviceGetRequest24V3", "acme", "sales", "desk-alice"));
  EXPECT_EQ(alice_desk.field_text("numberOfAssignedPorts"), "1");
}

TEST_F(ProvisioningTest, DeviceAddErrorsUseTheRealCodes) {
  login("sysadmin", "sys-pass");
  EXPECT_EQ(outcome(group_device_add("GroupAccessDeviceAddRequest14", "acme", "sales", "desk-alice", "Old Phone")),
            "[Error 4500] Access Device already exists: desk-alice");
  EXPECT_EQ(outcome(group_device_add("GroupAccessDeviceAddRequest22V2", "acme", "sales", "x-1", "Nope 9000")),
            "[Error 4501] Device Type not found: Nope 9000");
  EXPECT_EQ(outcome(group_device_add("GroupAccessDeviceAddRequest14", "acme", "nogroup", "x-1", "Old Phone")),
            "[Error 4152] Group not found: acme:nogroup");
  // Mock-defined: the public record has no code for an unknown service provider.
  EXPECT_EQ(
      outcome(service_provider_device_add("ServiceProviderAccessDeviceAddRequest14", "nosuch", "x-1", "Old Phone")),
      "[Error 9110] Service Provider not found: nosuch");
  EXPECT_EQ(outcome(system_device_add("SystemAccessDeviceAddRequest22V3", "sys-phone", "Old Phone")),
            "[Error 4500] Access Device already exists: sys-phone");
  // The same name at another level is another device.
  EXPECT_EQ(outcome(system_device_add("SystemAccessDeviceAddRequest", "desk-alice", "Old Phone")), "<SuccessResponse>");
  // A required element missing: what a real server answers a schema-invalid request.
  EXPECT_EQ(outcome(request_of("GroupAccessDeviceAddRequest14",
                               {element::leaf("serviceProviderId", "acme"), element::leaf("groupId", "sales"),
                                element::leaf("deviceType", "Old Phone")})),
            "[Error 6004] OCI XML Request validation error");
}

TEST_F(ProvisioningTest, DevicesAtEveryLevelAreAddedAndDeleted) {
  login("sysadmin", "sys-pass");
  EXPECT_EQ(outcome(service_provider_device_add("ServiceProviderAccessDeviceAddRequest14", "acme", "sp-1",
                                                "Polycom VVX 450")),
            "<SuccessResponse>");
  EXPECT_EQ(outcome(service_provider_device_add("ServiceProviderAccessDeviceAddRequest22V2", "acme", "sp-2",
                                                "Polycom VVX 450")),
            "<SuccessResponse>");
  EXPECT_EQ(outcome(system_device_add("SystemAccessDeviceAddRequest", "sys-1", "Polycom VVX 450")),
            "<SuccessResponse>");
  EXPECT_EQ(outcome(system_device_add("SystemAccessDeviceAddRequest22V3", "sys-2", "Polycom VVX 450")),
            "<SuccessResponse>");
  EXPECT_NE(world_.find_device({device_level::service_provider, "acme", "", "sp-2"}), nullptr);
  EXPECT_NE(world_.find_device({device_level::system, "", "", "sys-2"}), nullptr);

  EXPECT_EQ(outcome(service_provider_device_delete("acme", "sp-1")), "<SuccessResponse>");
  EXPECT_EQ(outcome(service_provider_device_delete("acme", "sp-1")), "[Error 4505] Access Device not found: sp-1");
  EXPECT_EQ(outcome(system_device_delete("sys-1")), "<SuccessResponse>");
  EXPECT_EQ(outcome(system_device_delete("sys-1")), "[Error 4505] Access Device not found: sys-1");
  EXPECT_EQ(outcome(group_device_delete("acme", "sales", "desk-old")), "<SuccessResponse>");
  EXPECT_EQ(outcome(group_device_delete("acme", "sales", "desk-old")),
            "[Error 4505] Access Device not found: desk-old");
  EXPECT_EQ(outcome(group_device_request("GroupAccessDeviceGetRequest24V3", "acme", "sales", "desk-old")),
            "[Error 4505] Access Device not found: desk-old");
}

TEST_F(ProvisioningTest, DeletingADeviceTakesItsLinePortsAndTheTokenIsGone) {
  login("sysadmin", "sys-pass");
  ASSERT_EQ(send(token_request("alice@acme.example.com", "Group", "desk-alice")).type, token_response);
  EXPECT_EQ(outcome(group_device_delete("acme", "sales", "desk-alice")), "<SuccessResponse>");
  EXPECT_EQ(outcome(token_request("alice@acme.example.com", "Group", "desk-alice")),
            "[Error 4505] Access Device not found: desk-alice");
  // Her other ports stay; a new device of the same name has no port of hers.
  EXPECT_EQ(send(token_request("alice@acme.example.com", "System", "sys-phone")).type, token_response);
  EXPECT_EQ(
      outcome(group_device_add("GroupAccessDeviceAddRequest22V2", "acme", "sales", "desk-alice", "Polycom VVX 450")),
      "<SuccessResponse>");
  EXPECT_EQ(protocol::error_response::from_command(send(token_request("alice@acme.example.com", "Group", "desk-alice")))
                .error_code,
            9101);
}

TEST_F(ProvisioningTest, AddedUserWithALinePortGetsATokenUntilTheEndpointIsRemoved) {
  login("sysadmin", "sys-pass");
  ASSERT_EQ(
      outcome(group_device_add("GroupAccessDeviceAddRequest22V2", "acme", "sales", "desk-new", "Polycom VVX 450")),
      "<SuccessResponse>");
  EXPECT_EQ(outcome(user_add("UserAddRequest17sp4", "acme", "sales", "new@acme.example.com", "new-pass",
                             device_endpoint("Group", "desk-new", "new_1@acme.example.com", false))),
            "<SuccessResponse>");
  const command token = send(token_request("new@acme.example.com", "Group", "desk-new"));
  ASSERT_EQ(token.type, token_response) << summary(token);
  EXPECT_EQ(token.field_text("deviceToken")->size(), 64U);

  // The endpoint removed (xsi:nil="true"): no line port on the device any more.
  EXPECT_EQ(outcome(user_remove_endpoint("UserModifyRequest17sp4", "new@acme.example.com")), "<SuccessResponse>");
  EXPECT_EQ(outcome(token_request("new@acme.example.com", "Group", "desk-new")),
            "[Error 9101] User new@acme.example.com has no line port on device desk-new");
  const command read = send(user_request("UserGetRequest23V2", "new@acme.example.com"));
  ASSERT_EQ(read.type, "UserGetResponse23V2") << summary(read);
  EXPECT_EQ(read.field(std::string_view("accessDeviceEndpoint")), nullptr);

  // Set again with the current modify request: the token is back.
  EXPECT_EQ(outcome(user_modify_endpoint("UserModifyRequest22", "new@acme.example.com", "Group", "desk-new",
                                         "new_2@acme.example.com")),
            "<SuccessResponse>");
  EXPECT_EQ(send(token_request("new@acme.example.com", "Group", "desk-new")).type, token_response);

  // The device deleted: the device is not found.
  EXPECT_EQ(outcome(group_device_delete("acme", "sales", "desk-new")), "<SuccessResponse>");
  EXPECT_EQ(outcome(token_request("new@acme.example.com", "Group", "desk-new")),
            "[Error 4505] Access Device not found: desk-new");
}

TEST_F(ProvisioningTest, AddedUserLogsInWithItsPasswordAndReadsItself) {
  login("sales-admin", "grp-pass");
  ASSERT_EQ(outcome(user_add("UserAddRequest22V2", "acme", "sales", "newbie@acme.example.com", "newbie-pass",
                             device_endpoint("Group", "desk-old", "newbie_1@acme.example.com", true))),
            "<SuccessResponse>");
  login("newbie@acme.example.com", "newbie-pass");
  const command self = send(user_request("UserGetRequest23V2", "newbie@acme.example.com"));
  ASSERT_EQ(self.type, "UserGetResponse23V2") << summary(self);
  EXPECT_EQ(self.field_text("serviceProviderId"), "acme");
  EXPECT_EQ(self.field_text("groupId"), "sales");
  EXPECT_EQ(self.field_text("lastName"), "Tester");
  EXPECT_EQ(self.field_text("firstName"), "Pat");
  const element* endpoint = self.field("accessDeviceEndpoint");
  ASSERT_NE(endpoint, nullptr);
  EXPECT_EQ(endpoint->child("accessDevice")->child_text("deviceLevel"), "Group");
  EXPECT_EQ(endpoint->child("accessDevice")->child_text("deviceName"), "desk-old");
  EXPECT_EQ(endpoint->child_text("linePort"), "newbie_1@acme.example.com");
  // Its own token is refused by the third rule, not by scope.
  EXPECT_EQ(protocol::error_response::from_command(send(token_request("newbie@acme.example.com", "Group", "desk-old")))
                .error_code,
            9103);
  // A user reads only itself and changes nothing.
  EXPECT_EQ(outcome(user_request("UserGetRequest23V2", "bob@acme.example.com")),
            "[Error 5404] Unauthorized transaction.");
  EXPECT_EQ(outcome(user_remove_endpoint("UserModifyRequest22", "newbie@acme.example.com")),
            "[Error 5404] Unauthorized transaction.");
  EXPECT_EQ(outcome(user_request("UserDeleteRequest", "newbie@acme.example.com")),
            "[Error 5404] Unauthorized transaction.");
}

TEST_F(ProvisioningTest, UserAddErrorsUseTheRealCodesAndMockDefinedOnes) {
  login("sysadmin", "sys-pass");
  EXPECT_EQ(outcome(user_add("UserAddRequest17sp4", "acme", "sales", "alice@acme.example.com", "x")),
            "[Error 4200] User already exists: alice@acme.example.com");
  // Administrators log in too: their ids are taken.
  EXPECT_EQ(outcome(user_add("UserAddRequest22V2", "acme", "sales", "sales-admin", "x")),
            "[Error 4200] User already exists: sales-admin");
  EXPECT_EQ(outcome(user_add("UserAddRequest17sp4", "acme", "nogroup", "n1@acme.example.com", "x")),
            "[Error 4152] Group not found: acme:nogroup");
  EXPECT_EQ(outcome(user_add("UserAddRequest17sp4", "acme", "sales", "n1@acme.example.com", "x",
                             device_endpoint("Group", "no-such-desk", "n1_1@acme.example.com", false))),
            "[Error 4505] Access Device not found: no-such-desk");
  // A device of another group is out of the user's reach.
  EXPECT_EQ(outcome(user_add("UserAddRequest17sp4", "acme", "support", "n1@acme.example.com", "x",
                             device_endpoint("Group", "desk-old", "n1_1@acme.example.com", false))),
            "[Error 4505] Access Device not found: desk-old");
  EXPECT_EQ(outcome(user_add("UserAddRequest22V2", "acme", "sales", "n1@acme.example.com", "x",
                             device_endpoint("Group", "desk-old", "alice_1@acme.example.com", true))),
            "[Error 9112] Line/Port already in use: alice_1@acme.example.com");
  EXPECT_EQ(outcome(user_add("UserAddRequest22V2", "acme", "sales", "n1@acme.example.com", "x",
                             trunk_addressing("no-trunk", "n1_1@acme.example.com"))),
            "[Error 9111] Trunk Group not found: no-trunk");
  EXPECT_EQ(world_.find_user("n1@acme.example.com"), nullptr);  // nothing was added by a refused request
  // Without an endpoint the user exists and owns no port.
  EXPECT_EQ(outcome(user_add("UserAddRequest17sp4", "acme", "sales", "n1@acme.example.com", "x")), "<SuccessResponse>");
  EXPECT_EQ(protocol::error_response::from_command(send(token_request("n1@acme.example.com", "Group", "desk-alice")))
                .error_code,
            9101);
}

TEST_F(ProvisioningTest, UserModifyAndDeleteAndGetErrors) {
  login("sysadmin", "sys-pass");
  EXPECT_EQ(outcome(user_request("UserGetRequest23V2", "ghost@acme.example.com")),
            "[Error 4008] User not found: ghost@acme.example.com");
  EXPECT_EQ(outcome(user_remove_endpoint("UserModifyRequest17sp4", "ghost@acme.example.com")),
            "[Error 4008] User not found: ghost@acme.example.com");
  EXPECT_EQ(outcome(user_request("UserDeleteRequest", "ghost@acme.example.com")),
            "[Error 4008] User not found: ghost@acme.example.com");
  EXPECT_EQ(outcome(user_modify_endpoint("UserModifyRequest22", "bob@acme.example.com", "Group", "desk-alice",
                                         "alice_1@acme.example.com")),
            "[Error 9112] Line/Port already in use: alice_1@acme.example.com");
  EXPECT_EQ(outcome(user_modify_endpoint("UserModifyRequest22", "bob@acme.example.com", "Service Provider",
                                         "desk-alice", "bob_1@acme.example.com")),
            "[Error 4505] Access Device not found: desk-alice");
  // A user without an endpoint given half of one (a line port, no device): mock-defined 9114.
  ASSERT_EQ(outcome(user_add("UserAddRequest17sp4", "acme", "sales", "n2@acme.example.com", "x")), "<SuccessResponse>");
  EXPECT_EQ(outcome(request_of("UserModifyRequest22",
                               {element::leaf("userId", "n2@acme.example.com"),
                                element::parent("endpoint", {element::parent("accessDeviceEndpoint",
                                                                             {element::leaf("linePort", "n2_1")})})})),
            "[Error 9114] Endpoint needs an access device and a line/port: n2@acme.example.com");
  // Bob on a Service Provider device of his service provider: a token there.
  EXPECT_EQ(outcome(user_modify_endpoint("UserModifyRequest17sp4", "bob@acme.example.com", "Service Provider",
                                         "sp-phone", "bob_1@acme.example.com")),
            "<SuccessResponse>");
  EXPECT_EQ(send(token_request("bob@acme.example.com", "Service Provider", "sp-phone")).type, token_response);

  EXPECT_EQ(outcome(user_request("UserDeleteRequest", "bob@acme.example.com")), "<SuccessResponse>");
  EXPECT_EQ(outcome(user_request("UserGetRequest23V2", "bob@acme.example.com")),
            "[Error 4008] User not found: bob@acme.example.com");
  EXPECT_EQ(outcome(token_request("bob@acme.example.com", "Service Provider", "sp-phone")),
            "[Error 4008] User not found: bob@acme.example.com");
  const command relogin = send(request_of(
      "LoginRequest22V5", {element::leaf("userId", "bob@acme.example.com"), element::leaf("password", "bob-pass")}));
  EXPECT_EQ(summary(relogin), "[Error 4962] Invalid password");
}

TEST_F(ProvisioningTest, TrunkGroupWithItsDeviceGivesItsTrunkUserAToken) {
  login("acme-admin", "sp-pass");
  ASSERT_EQ(outcome(group_device_add("GroupAccessDeviceAddRequest14", "acme", "sales", "sbc-new", "SBC Trunk")),
            "<SuccessResponse>");
  EXPECT_EQ(outcome(trunk_group_add("acme", "sales", "trunk-new", "Group", "sbc-new")), "<SuccessResponse>");
  EXPECT_EQ(outcome(trunk_group_add("acme", "sales", "trunk-new", "Group", "sbc-new")),
            "[Error 9113] Trunk Group already exists: trunk-new");
  EXPECT_EQ(outcome(trunk_group_add("acme", "sales", "trunk-2", "Group", "no-sbc")),
            "[Error 4505] Access Device not found: no-sbc");
  EXPECT_EQ(outcome(trunk_group_add("acme", "nogroup", "trunk-2", "Group", "sbc-new")),
            "[Error 4152] Group not found: acme:nogroup");
  EXPECT_EQ(outcome(user_add("UserAddRequest22V2", "acme", "sales", "pbx2@acme.example.com", "pbx2-pass",
                             trunk_addressing("trunk-new", "pbx2_1@acme.example.com"))),
            "<SuccessResponse>");
  EXPECT_EQ(send(token_request("pbx2@acme.example.com", "Group", "sbc-new")).type, token_response);

  const command read = send(user_request("UserGetRequest23V2", "pbx2@acme.example.com"));
  ASSERT_EQ(read.type, "UserGetResponse23V2") << summary(read);
  const element* trunk = read.field("trunkAddressing");
  ASSERT_NE(trunk, nullptr);
  EXPECT_EQ(trunk->child("trunkGroupDeviceEndpoint")->child_text("name"), "trunk-new");
  EXPECT_EQ(trunk->child("trunkGroupDeviceEndpoint")->child_text("linePort"), "pbx2_1@acme.example.com");

  const command users =
      send(group_device_request("GroupAccessDeviceGetUserListRequest21sp1", "acme", "sales", "sbc-new"));
  ASSERT_EQ(users.type, "GroupAccessDeviceGetUserListResponse21sp1") << summary(users);
  EXPECT_EQ(table_column(*users.field("deviceUserTable"), "User Id"),
            (std::vector<std::string>{"pbx2@acme.example.com"}));

  // The trunk user's endpoint removed: refused.
  EXPECT_EQ(outcome(user_remove_endpoint("UserModifyRequest22", "pbx2@acme.example.com")), "<SuccessResponse>");
  EXPECT_EQ(protocol::error_response::from_command(send(token_request("pbx2@acme.example.com", "Group", "sbc-new")))
                .error_code,
            9101);
}

TEST_F(ProvisioningTest, DeviceUserListFindsColumnsByHeading) {
  login("sales-admin", "grp-pass");
  ASSERT_EQ(outcome(user_add("UserAddRequest17sp4", "acme", "sales", "dana@acme.example.com", "x",
                             device_endpoint("Group", "desk-legacy", "dana_1@acme.example.com", false))),
            "<SuccessResponse>");
  const command reply =
      send(group_device_request("GroupAccessDeviceGetUserListRequest21sp1", "acme", "sales", "desk-legacy"));
  ASSERT_EQ(reply.type, "GroupAccessDeviceGetUserListResponse21sp1") << summary(reply);
  const element& users = *reply.field("deviceUserTable");
  EXPECT_EQ(table_column(users, "Line/Port"),
            (std::vector<std::string>{"alice_4@acme.example.com", "dana_1@acme.example.com"}));
  EXPECT_EQ(table_column(users, "User Id"),
            (std::vector<std::string>{"alice@acme.example.com", "dana@acme.example.com"}));
  EXPECT_EQ(table_column(users, "Last Name"), (std::vector<std::string>{"Zoë", "Tester"}));
  EXPECT_EQ(table_column(users, "Endpoint Type"), (std::vector<std::string>{"Primary", "Primary"}));
  EXPECT_EQ(table_column(users, "User Type"), (std::vector<std::string>{"Normal", "Normal"}));

  // A search criterion narrows the rows.
  command search = group_device_request("GroupAccessDeviceGetUserListRequest21sp1", "acme", "sales", "desk-legacy");
  search.fields.push_back(
      element::parent("searchCriteriaUserId", {element::leaf("mode", "Starts With"), element::leaf("value", "DANA"),
                                               element::leaf("isCaseInsensitive", "true")}));
  EXPECT_EQ(table_column(*send(search).field("deviceUserTable"), "User Id"),
            (std::vector<std::string>{"dana@acme.example.com"}));

  // The trunk device of a scenario trunk user lists it (its user id stands in for its line port).
  const command trunk =
      send(group_device_request("GroupAccessDeviceGetUserListRequest21sp1", "acme", "sales", "sbc-1"));
  EXPECT_EQ(table_column(*trunk.field("deviceUserTable"), "User Id"),
            (std::vector<std::string>{"pbx@acme.example.com"}));
  EXPECT_EQ(outcome(group_device_request("GroupAccessDeviceGetUserListRequest21sp1", "acme", "sales", "nope")),
            "[Error 4505] Access Device not found: nope");
}

TEST_F(ProvisioningTest, DeviceTypesReportTheirConfigurationOption) {
  login("sysadmin", "sys-pass");
  const command old_phone = send(device_type_get("Old Phone"));
  ASSERT_EQ(old_phone.type, "SystemDeviceTypeGetResponse22V7") << summary(old_phone);
  EXPECT_EQ(old_phone.field_text("deviceTypeConfigurationOption"), "Not Supported");
  EXPECT_EQ(send(device_type_get("Legacy Phone")).field_text("deviceTypeConfigurationOption"), "Legacy");
  EXPECT_EQ(send(device_type_get("Polycom VVX 450")).field_text("deviceTypeConfigurationOption"), "Device Management");
  EXPECT_EQ(outcome(device_type_get("Nope 9000")), "[Error 4501] Device Type not found: Nope 9000");

  const command list = send(sip_device_type_list());
  ASSERT_EQ(list.type, "SystemSIPDeviceTypeGetListResponse") << summary(list);
  const element& types = *list.field("deviceTypeTable");
  EXPECT_EQ(table_column(types, "Device Type"),
            (std::vector<std::string>{"Polycom VVX 450", "Old Phone", "Legacy Phone", "SBC Trunk"}));
  EXPECT_EQ(table_column(types, "Configuration Option"),
            (std::vector<std::string>{"Device Management", "Not Supported", "Legacy", "Device Management"}));
  EXPECT_EQ(table_column(types, "Is Obsolete"), (std::vector<std::string>{"false", "false", "false", "false"}));

  // The real way to ask: the configuration option search criterion.
  command managed = sip_device_type_list();
  managed.fields.push_back(element::parent("searchCriteriaDeviceConfigurationOptions",
                                           {element::leaf("deviceConfigOptions", "Device Management")}));
  EXPECT_EQ(table_column(*send(managed).field("deviceTypeTable"), "Device Type"),
            (std::vector<std::string>{"Polycom VVX 450", "SBC Trunk"}));
}

TEST_F(ProvisioningTest, LockoutIsListedAndClearedAndTheTokenFollows) {
  login("sysadmin", "sys-pass");
  const command locked = send(lockout_get());
  ASSERT_EQ(locked.type, "SystemDeviceProfileAuthenticationLockoutGetResponse") << summary(locked);
  const element& table_element = *locked.field("lockoutTable");
  EXPECT_EQ(table_column(table_element, "Identity/Device Profile Name"), (std::vector<std::string>{"desk-locked"}));
  EXPECT_EQ(table_column(table_element, "Organization Id"), (std::vector<std::string>{"acme"}));
  EXPECT_EQ(table_column(table_element, "Organization Type"), (std::vector<std::string>{"Service Provider"}));
  EXPECT_EQ(table_column(table_element, "Group Id"), (std::vector<std::string>{"sales"}));
  EXPECT_EQ(table_column(table_element, "Lockout Count"), (std::vector<std::string>{"Permanent"}));
  EXPECT_EQ(table_column(table_element, "Lockout Expires"), (std::vector<std::string>{""}));
  EXPECT_EQ(
      protocol::error_response::from_command(send(token_request("alice@acme.example.com", "Group", "desk-locked")))
          .error_code,
      9102);

  EXPECT_EQ(outcome(lockout_clear_group_device("acme", "sales", "no-such")),
            "[Error 4505] Access Device not found: no-such");
  EXPECT_EQ(outcome(lockout_clear_group_device("acme", "sales", "desk-locked")), "<SuccessResponse>");
  EXPECT_EQ(send(token_request("alice@acme.example.com", "Group", "desk-locked")).type, token_response);
  EXPECT_TRUE(table_column(*send(lockout_get()).field("lockoutTable"), "Lockout Count").empty());

  world_.lock_device(group_device("desk-alice"));
  world_.lock_device({device_level::system, "", "", "sys-phone"});
  EXPECT_EQ(table_column(*send(lockout_get()).field("lockoutTable"), "Identity/Device Profile Name").size(), 2U);
  EXPECT_EQ(outcome(lockout_clear_all()), "<SuccessResponse>");
  EXPECT_TRUE(table_column(*send(lockout_get()).field("lockoutTable"), "Identity/Device Profile Name").empty());
  EXPECT_EQ(send(token_request("alice@acme.example.com", "System", "sys-phone")).type, token_response);
}

TEST_F(ProvisioningTest, ScopeRefusalsFollowTheLoginKind) {
  const std::string refused = "[Error 5404] Unauthorized transaction.";
  login("sales-admin", "grp-pass");
  EXPECT_EQ(outcome(group_device_add("GroupAccessDeviceAddRequest14", "acme", "sales", "g-1", "Old Phone")),
            "<SuccessResponse>");
  EXPECT_EQ(outcome(group_device_add("GroupAccessDeviceAddRequest14", "acme", "support", "g-1", "Old Phone")), refused);
  EXPECT_EQ(outcome(service_provider_device_add("ServiceProviderAccessDeviceAddRequest14", "acme", "g-1", "Old Phone")),
            refused);
  EXPECT_EQ(outcome(system_device_add("SystemAccessDeviceAddRequest", "g-1", "Old Phone")), refused);
  EXPECT_EQ(outcome(user_add("UserAddRequest17sp4", "acme", "support", "s1@acme.example.com", "x")), refused);
  EXPECT_EQ(outcome(user_request("UserGetRequest23V2", "carol@acme.example.com")), refused);
  EXPECT_EQ(outcome(user_request("UserDeleteRequest", "carol@acme.example.com")), refused);
  EXPECT_EQ(outcome(trunk_group_add("acme", "support", "t-1", "Group", "sbc-1")), refused);
  EXPECT_EQ(outcome(device_type_get("Old Phone")), refused);
  EXPECT_EQ(outcome(sip_device_type_list()), refused);
  EXPECT_EQ(outcome(lockout_get()), refused);
  EXPECT_EQ(outcome(lockout_clear_all()), refused);
  EXPECT_EQ(outcome(lockout_clear_group_device("acme", "sales", "desk-locked")), refused);

  login("acme-admin", "sp-pass");
  EXPECT_EQ(
      outcome(service_provider_device_add("ServiceProviderAccessDeviceAddRequest22V2", "acme", "sp-9", "Old Phone")),
      "<SuccessResponse>");
  EXPECT_EQ(outcome(group_device_add("GroupAccessDeviceAddRequest22V2", "acme", "support", "g-2", "Old Phone")),
            "<SuccessResponse>");
  EXPECT_EQ(outcome(group_device_delete("acme", "support", "g-2")), "<SuccessResponse>");
  EXPECT_EQ(outcome(system_device_add("SystemAccessDeviceAddRequest22V3", "s-9", "Old Phone")), refused);
  EXPECT_EQ(outcome(system_device_delete("sys-phone")), refused);
  EXPECT_EQ(outcome(group_device_add("GroupAccessDeviceAddRequest14", "globex", "hq", "g-3", "Old Phone")), refused);
  EXPECT_EQ(outcome(service_provider_device_delete("globex", "anything")), refused);

  login("alice@acme.example.com", "alice-pass");
  EXPECT_EQ(outcome(group_device_add("GroupAccessDeviceAddRequest14", "acme", "sales", "u-1", "Old Phone")), refused);
  EXPECT_EQ(outcome(group_device_request("GroupAccessDeviceGetRequest24V3", "acme", "sales", "desk-alice")), refused);
  EXPECT_EQ(outcome(user_add("UserAddRequest22V2", "acme", "sales", "u1@acme.example.com", "x")), refused);
  EXPECT_EQ(send(user_request("UserGetRequest23V2", "alice@acme.example.com")).type, "UserGetResponse23V2");

  // A refused command changed nothing.
  EXPECT_EQ(world_.find_device(group_device("u-1")), nullptr);
  EXPECT_EQ(world_.find_device({device_level::system, "", "", "s-9"}), nullptr);
  EXPECT_NE(world_.find_user("carol@acme.example.com"), nullptr);
}

TEST_F(ProvisioningTest, CommandsBeforeLoginAreRefused) {
  EXPECT_EQ(protocol::error_response::from_command(send(lockout_clear_all())).error_code, 9100);
  EXPECT_EQ(protocol::error_response::from_command(send(user_request("UserDeleteRequest", "bob@acme.example.com")))
                .error_code,
            9100);
  EXPECT_NE(world_.find_user("bob@acme.example.com"), nullptr);
}

/// Every request these tests send is schema-valid (a validating dispatcher accepts it) and every
/// reply, successes and errors alike, validates against the vendor schema.
TEST_F(ProvisioningTest, EveryRequestAndReplyValidatesAgainstTheSchema) {
  OCIP_NEED_SCHEMA(schema);
  decide_.set_schema_validator(shared_schema().value());
  login("sysadmin", "sys-pass");
  const std::vector<command> requests{
      group_device_add("GroupAccessDeviceAddRequest14", "acme", "sales", "v-1", "Polycom VVX 450", "0004F2000001"),
      group_device_add("GroupAccessDeviceAddRequest22V2", "acme", "sales", "v-2", "SBC Trunk"),
      group_device_add("GroupAccessDeviceAddRequest22V2", "acme", "sales", "v-2", "SBC Trunk"),
      group_device_add("GroupAccessDeviceAddRequest14", "acme", "nogroup", "v-3", "Nope"),
      service_provider_device_add("ServiceProviderAccessDeviceAddRequest14", "acme", "v-sp-1", "Polycom VVX 450"),
      service_provider_device_add("ServiceProviderAccessDeviceAddRequest22V2", "nosuch", "v-sp-2", "Polycom VVX 450"),
      system_device_add("SystemAccessDeviceAddRequest", "v-sys-1", "Polycom VVX 450"),
      system_device_add("SystemAccessDeviceAddRequest22V3", "v-sys-2", "Nope"),
      group_device_request("GroupAccessDeviceGetRequest24V3", "acme", "sales", "v-1"),
      group_device_request("GroupAccessDeviceGetRequest18sp1", "acme", "sales", "v-1"),
      group_device_request("GroupAccessDeviceGetRequest24V3", "acme", "sales", "nope"),
      trunk_group_add("acme", "sales", "v-trunk", "Group", "v-2"),
      trunk_group_add("acme", "sales", "v-trunk", "Group", "v-2"),
      user_add("UserAddRequest17sp4", "acme", "sales", "v1@acme.example.com", "v1-pass",
               device_endpoint("Group", "v-1", "v1_1@acme.example.com", false)),
      user_add("UserAddRequest22V2", "acme", "sales", "v2@acme.example.com", "v2-pass",
               trunk_addressing("v-trunk", "v2_1@acme.example.com")),
      user_add("UserAddRequest22V2", "acme", "sales", "v3@acme.example.com", "v3-pass",
               device_endpoint("Group", "v-1", "v1_1@acme.example.com", true)),
      user_add("UserAddRequest17sp4", "acme", "sales", "alice@acme.example.com", "x"),
      group_device_request("GroupAccessDeviceGetUserListRequest21sp1", "acme", "sales", "v-1"),
      group_device_request("GroupAccessDeviceGetUserListRequest21sp1", "acme", "sales", "v-2"),
      group_device_request("GroupAccessDeviceGetUserListRequest21sp1", "acme", "sales", "nope"),
      user_request("UserGetRequest23V2", "v1@acme.example.com"),
      user_request("UserGetRequest23V2", "v2@acme.example.com"),
      user_request("UserGetRequest23V2", "bob@acme.example.com"),
      user_request("UserGetRequest23V2", "ghost@acme.example.com"),
      user_modify_endpoint("UserModifyRequest17sp4", "bob@acme.example.com", "Group", "v-1", "bob_9@acme.example.com"),
      user_modify_endpoint("UserModifyRequest22", "bob@acme.example.com", "Group", "nope", "bob_9@acme.example.com"),
      user_remove_endpoint("UserModifyRequest22", "v1@acme.example.com"),
      user_remove_endpoint("UserModifyRequest17sp4", "ghost@acme.example.com"),
      device_type_get("Old Phone"),
      device_type_get("Nope"),
      sip_device_type_list(),
      lockout_get(),
      lockout_clear_group_device("acme", "sales", "desk-locked"),
      lockout_clear_group_device("acme", "sales", "nope"),
      lockout_clear_all(),
      user_request("UserDeleteRequest", "v2@acme.example.com"),
      user_request("UserDeleteRequest", "v2@acme.example.com"),
      group_device_delete("acme", "sales", "v-1"),
      service_provider_device_delete("acme", "v-sp-1"),
      system_device_delete("v-sys-1"),
      system_device_delete("v-sys-1"),
  };
  for (const command& request : requests) {
    const command reply = send(request);
    const auto parsed = protocol::error_response::from_command(reply);
    EXPECT_FALSE(reply.type == "ErrorResponse" && parsed.error_code == 6004)
        << request.type << " was refused by the schema: " << parsed.detail.value_or("");
  }
  login("sales-admin", "grp-pass");
  send(lockout_get());  // 5404
  for (const command& reply : replies_) {
    auto valid = schema.validate_command(reply);
    EXPECT_TRUE(valid.has_value()) << reply.type << ": " << (valid ? "" : valid.error()) << "\n"
                                   << standalone_command_document(reply);
  }
}

}  // namespace
}  // namespace ocip::mock
