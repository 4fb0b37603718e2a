// A world built purely over OCI-P: the mock serves scenarios/provisioning-from-empty.yaml (the
// organisation and device types only), a client adds devices, users and a trunk group with the
// library's generic commands, and the Single Sign-On token rules follow each change.
#include <filesystem>

#include <gtest/gtest.h>

#include "../unit/mock/provisioning_requests.hpp"
#include "http_connection.hpp"
#include "mock_fixture.hpp"
#include "ocip/client/client.hpp"
#include "ocip/mock/scenario.hpp"
#include "ocip/mock/schema.hpp"

namespace ocip::testing {
namespace {

using mock::testing::device_endpoint;
using mock::testing::group_device_add;
using mock::testing::group_device_delete;
using mock::testing::group_device_request;
using mock::testing::request_of;
using mock::testing::table_column;
using mock::testing::trunk_addressing;
using mock::testing::trunk_group_add;
using mock::testing::user_add;
using mock::testing::user_modify_endpoint;
using mock::testing::user_remove_endpoint;
using mock::testing::user_request;
using protocol::command;
using protocol::element;

mock::scenario empty_world() {
  auto loaded = mock::load_scenario_file(std::filesystem::path(OCIP_SCENARIO_DIR) / "provisioning-from-empty.yaml");
  if (!loaded) {
    ADD_FAILURE() << loaded.error().to_string();
    return mock::load_default_scenario();
  }
  return std::move(loaded).value();
}

/// The same flow over OCI-P/TCP and over SOAP.
class ProvisioningFromEmpty : public ::testing::TestWithParam<client::transport_kind> {
 protected:
  client::client_options options() const {
    client::client_options result;
    result.transport = GetParam();
    result.port = GetParam() == client::transport_kind::soap ? mock_.port("http") : mock_.port("tcp");
    result.connect_timeout = std::chrono::seconds(2);
    result.command_timeout = std::chrono::seconds(5);
    return result;
  }

  /// Sends a command that must succeed; keeps its reply.
  command ok(client::client& session, command request) {
    const std::string type = request.type;
    auto reply = session.send(std::move(request));
    if (!reply) {
      ADD_FAILURE() << type << ": " << client::describe(reply.error());
      return {};
    }
    replies_.push_back(reply.value());
    return reply.value();
  }

  /// Sends a command that must be refused; its error code.
  static std::optional<int> refused(client::client& session, command request) {
    auto reply = session.send(std::move(request));
    if (reply) {
      ADD_FAILURE() << "expected an ErrorResponse, got " << reply.value().type;
      return std::nullopt;
    }
    return client::server_error_code(reply.error());
  }

  static std::optional<int> token_refusal(client::client& session, const std::string& user_id,
                                          const std::string& device) {
    auto token = session.create_device_token({user_id, "Group", device});
    return token ? std::nullopt : client::server_error_code(token.error());
  }

  static bool gets_token(client::client& session, const std::string& user_id, const std::string& device) {
    auto token = session.create_device_token({user_id, "Group", device});
    return token && token.value().value.size() == 64U;
  }

  /// Builds the world from the empty scenario and checks the token rules at each step.
  void build_world_over_oci_p() {
    client::client admin(options());
    ASSERT_TRUE(admin.login("admin", "admin-lab-pw"));

    // The device types are there: the list reports them, the Get reports each one's option.
    const command types = ok(admin, request_of("SystemSIPDeviceTypeGetListRequest", {}));
    ASSERT_NE(types.field("deviceTypeTable"), nullptr);
    EXPECT_EQ(table_column(*types.field("deviceTypeTable"), "Device Type"),
              (std::vector<std::string>{"Polycom VVX 450", "Cisco SPA 112", "Generic SBC"}));
    EXPECT_EQ(ok(admin, request_of("SystemDeviceTypeGetRequest22V7", {element::leaf("deviceType", "Cisco SPA 112")}))
                  .field_text("deviceTypeConfigurationOption"),
              "Not Supported");

    // Nobody yet: a token for alice is refused as for an unknown user.
    EXPECT_EQ(token_refusal(admin, "alice@example.com", "desk-01"), 4008);

    // A phone, and alice with a line port on it: a token.
    ok(admin, group_device_add("GroupAccessDeviceAddRequest22V2", "acme", "sales", "desk-01", "Polycom VVX 450",
                               "0004F2ABCDEF"));
    EXPECT_EQ(token_refusal(admin, "alice@example.com", "desk-01"), 4008);
    ok(admin, user_add("UserAddRequest22V2", "acme", "sales", "alice@example.com", "alice-new-pw",
                       device_endpoint("Group", "desk-01", "alice_1@example.com", true)));
    EXPECT_TRUE(gets_token(admin, "alice@example.com", "desk-01"));
    const command desk = ok(admin, group_device_request("GroupAccessDeviceGetRequest24V3", "acme", "sales", "desk-01"));
    EXPECT_EQ(desk.field_text("macAddress"), "0004F2ABCDEF");
    EXPECT_EQ(desk.field_text("numberOfAssignedPorts"), "1");
    const command users =
        ok(admin, group_device_request("GroupAccessDeviceGetUserListRequest21sp1", "acme", "sales", "desk-01"));
    ASSERT_NE(users.field("deviceUserTable"), nullptr);
    EXPECT_EQ(table_column(*users.field("deviceUserTable"), "Line/Port"),
              (std::vector<std::string>{"alice_1@example.com"}));

    // Alice logs in with the password the administrator gave her and reads herself.
    client::client alice(options());
    ASSERT_TRUE(alice.login("alice@example.com", "alice-new-pw"));
    const command self = ok(alice, user_request("UserGetRequest23V2", "alice@example.com"));
    ASSERT_NE(self.field("accessDeviceEndpoint"), nullptr);
    EXPECT_EQ(self.field("accessDeviceEndpoint")->child_text("linePort"), "alice_1@example.com");
    EXPECT_TRUE(gets_token(alice, "alice@example.com", "desk-01"));
    EXPECT_EQ(refused(alice, user_remove_endpoint("UserModifyRequest22", "alice@example.com")), 5404);

    // Her endpoint removed: refused; set again: a token; the device deleted: not found.
    ok(admin, user_remove_endpoint("UserModifyRequest22", "alice@example.com"));
    EXPECT_EQ(token_refusal(alice, "alice@example.com", "desk-01"), 9101);
    ok(admin,
       user_modify_endpoint("UserModifyRequest17sp4", "alice@example.com", "Group", "desk-01", "alice_1@example.com"));
    EXPECT_TRUE(gets_token(alice, "alice@example.com", "desk-01"));
    ok(admin, group_device_delete("acme", "sales", "desk-01"));
    EXPECT_EQ(token_refusal(alice, "alice@example.com", "desk-01"), 4505);

    // A device whose type has no Device Management: refused by the third rule.
    ok(admin, group_device_add("GroupAccessDeviceAddRequest14", "acme", "sales", "ata-01", "Cisco SPA 112"));
    ok(admin,
       user_modify_endpoint("UserModifyRequest22", "alice@example.com", "Group", "ata-01", "alice_1@example.com"));
    EXPECT_EQ(token_refusal(alice, "alice@example.com", "ata-01"), 9103);

    // A trunk group on an SBC, and a trunk user of it: a token on the trunk device.
    ok(admin, group_device_add("GroupAccessDeviceAddRequest22V2", "acme", "sales", "sbc-01", "Generic SBC"));
    ok(admin, trunk_group_add("acme", "sales", "pbx-trunk", "Group", "sbc-01"));
    ok(admin, user_add("UserAddRequest17sp4", "acme", "sales", "pbx@example.com", "pbx-new-pw",
                       trunk_addressing("pbx-trunk", "pbx_1@example.com")));
    EXPECT_TRUE(gets_token(admin, "pbx@example.com", "sbc-01"));
    EXPECT_EQ(refused(admin, user_add("UserAddRequest17sp4", "acme", "sales", "pbx@example.com", "x")), 4200);

    // The group administrator provisions inside its group only.
    client::client group_admin(options());
    ASSERT_TRUE(group_admin.login("sales-admin@example.com", "sales-admin-lab-pw"));
    ok(group_admin, group_device_add("GroupAccessDeviceAddRequest22V2", "acme", "sales", "desk-02", "Polycom VVX 450"));
    ok(group_admin, user_add("UserAddRequest22V2", "acme", "sales", "bob@example.com", "bob-new-pw",
                             device_endpoint("Group", "desk-02", "bob_1@example.com", true)));
    EXPECT_TRUE(gets_token(group_admin, "bob@example.com", "desk-02"));
    EXPECT_EQ(refused(group_admin, request_of("SystemDeviceProfileAuthenticationLockoutGetRequest", {})), 5404);

    // No device is locked in this world; the lockout table says so.
    const command lockouts = ok(admin, request_of("SystemDeviceProfileAuthenticationLockoutGetRequest", {}));
    ASSERT_NE(lockouts.field("lockoutTable"), nullptr);
    EXPECT_TRUE(table_column(*lockouts.field("lockoutTable"), "Identity/Device Profile Name").empty());

    // A user deleted: unknown from then on.
    ok(admin, user_request("UserDeleteRequest", "bob@example.com"));
    EXPECT_EQ(token_refusal(admin, "bob@example.com", "desk-02"), 4008);
  }

  running_mock mock_{empty_world()};
  std::vector<command> replies_;
};

TEST_P(ProvisioningFromEmpty, ClientBuildsTheWorldAndTheTokenRulesFollow) {
  build_world_over_oci_p();
}

TEST_P(ProvisioningFromEmpty, EveryReplyOfTheFlowValidatesAgainstTheSchema) {
  if (!std::filesystem::is_directory(OCIP_SCHEMA_DIR)) {
    GTEST_SKIP() << "vendor OCI-P schema not found at '" << OCIP_SCHEMA_DIR
                 << "'; configure with -DOCIP_SCHEMA_DIR=<folder with OCICommandRoot.xsd> to run this test";
  }
  const auto schema = mock::schema_validator::load(OCIP_SCHEMA_DIR);
  ASSERT_TRUE(schema.has_value()) << schema.error();
  build_world_over_oci_p();
  ASSERT_GE(replies_.size(), 15U);  // the flow ran to its end
  for (const command& reply : replies_) {
    auto valid = schema.value()->validate_command(reply);
    EXPECT_TRUE(valid.has_value()) << reply.type << ": " << (valid ? "" : valid.error());
  }
}

// What provisioning added and the scenario format cannot say (a device's MAC address, a trunk
// user's line port) shows in the admin API's world.
TEST_P(ProvisioningFromEmpty, TheAdminWorldShowsTheMacAddressAndTheTrunkLinePort) {
  client::client admin(options());
  ASSERT_TRUE(admin.login("admin", "admin-lab-pw"));
  ok(admin, group_device_add("GroupAccessDeviceAddRequest22V2", "acme", "sales", "desk-01", "Polycom VVX 450",
                             "0004F2ABCDEF"));
  ok(admin, group_device_add("GroupAccessDeviceAddRequest14", "acme", "sales", "sbc-01", "Generic SBC"));
  ok(admin, trunk_group_add("acme", "sales", "pbx-trunk", "Group", "sbc-01"));
  ok(admin, user_add("UserAddRequest17sp4", "acme", "sales", "pbx@example.com", "pbx-new-pw",
                     trunk_addressing("pbx-trunk", "pbx_1@example.com")));

  http_connection connection(mock_.port("admin"));
  ASSERT_TRUE(connection.connected());
  ASSERT_TRUE(connection.send("GET /world HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  const auto world = connection.read_reply();
  ASSERT_TRUE(world.has_value());
  EXPECT_EQ(world->status, 200);
  EXPECT_NE(world->body.find(R"("type":"Polycom VVX 450","locked":false,"mac_address":"0004F2ABCDEF")"),
            std::string::npos)
      << world->body;
  EXPECT_NE(world->body.find(R"("type":"Generic SBC","locked":false,"mac_address":null)"), std::string::npos)
      << world->body;
  EXPECT_NE(world->body.find(R"("trunk_group":"pbx-trunk","trunk_line_port":"pbx_1@example.com")"), std::string::npos)
      << world->body;
  EXPECT_EQ(world->body.find("pbx-new-pw"), std::string::npos) << "a password in GET /world";
}

INSTANTIATE_TEST_SUITE_P(Over, ProvisioningFromEmpty,
                         ::testing::Values(client::transport_kind::tcp, client::transport_kind::soap),
                         [](const ::testing::TestParamInfo<client::transport_kind>& kind) {
                           return kind.param == client::transport_kind::tcp ? std::string("tcp") : std::string("soap");
                         });

}  // namespace
}  // namespace ocip::testing
