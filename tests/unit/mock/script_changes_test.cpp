// The world changes a matched rule makes, as the dispatcher's built-in answers then see them.
#include <gtest/gtest.h>

#include "ocip/mock/dispatcher.hpp"
#include "ocip/mock/script.hpp"
#include "test_world.hpp"

namespace ocip::mock {
namespace {

using protocol::command;
using protocol::document;
using protocol::element;

command token_request(const std::string& user_id, const std::string& level, const std::string& device_name) {
  command cmd{"UserSingleSignOnCreateDeviceTokenRequest", std::nullopt, {}, {}};
  cmd.fields = {element::leaf("userId", user_id), element::leaf("deviceLevel", level),
                element::leaf("deviceName", device_name)};
  return cmd;
}

command alice_token(const std::string& device_name) {
  return token_request("alice@acme.example.com", "Group", device_name);
}

command verify_session() {
  return command{"VerifySessionIsValidRequest", std::nullopt, {}, {}};
}

/// The error code of a reply, or 0 when it is not an ErrorResponse.
int error_code_of(const command& reply) {
  return reply.type == "ErrorResponse" ? protocol::error_response::from_command(reply).error_code.value_or(-1) : 0;
}

world_change named_device(world_change::kind what, const device_key& key) {
  world_change change;
  change.what = what;
  change.device_level = std::string(to_string(key.level));
  change.service_provider = key.service_provider;
  change.group = key.group;
  change.device_name = key.name;
  return change;
}

class ScriptChanges : public ::testing::Test {
 protected:
  ScriptChanges() {
    connection_.transport = "tcp";
    command login{"LoginRequest22V5", std::nullopt, {}, {}};
    login.fields = {element::leaf("userId", "sysadmin"), element::leaf("password", "sys-pass")};
    (void)send(login);
  }

  command send(const command& cmd) {
    document doc;
    doc.session_id = "s1";
    doc.commands = {cmd};
    dispatch_result result = decide_.dispatch(doc, connection_);
    return result.reply && !result.reply->commands.empty() ? result.reply->commands.front() : command{};
  }

  /// A rule for `type` that makes `changes` and then lets the built-in behaviour answer.
  void add_rule(std::string type, std::vector<world_change> changes, std::vector<field_condition> fields = {}) {
    rule r;
    r.name = "rules[" + std::to_string(world_.scripting.rules.size()) + "]";
    r.when.commands = {std::move(type)};
    r.when.fields = std::move(fields);
    r.changes = std::move(changes);
    world_.scripting.rules.push_back(std::move(r));
  }

  world world_ = testing::make_test_world();
  token_source tokens_{std::optional<std::uint64_t>{7}};
  dispatcher decide_{world_, tokens_};
  connection_state connection_;
};

TEST_F(ScriptChanges, RemoveDeviceFromRequestTakesTheDeviceAndItsPorts) {
  world_change remove;
  remove.what = world_change::kind::remove_device;
  remove.device_from_request = true;
  add_rule("UserSingleSignOnCreateDeviceTokenRequest", {remove},
           {{"deviceName", field_condition::kind::equals, "desk-old", nullptr}});

  ASSERT_NE(world_.find_device(testing::group_device("desk-old")), nullptr);
  // The device is gone before the built-in answer is decided: not found.
  EXPECT_EQ(error_code_of(send(alice_token("desk-old"))), 4505);
  EXPECT_EQ(world_.find_device(testing::group_device("desk-old")), nullptr);
  const user* alice = world_.find_user("alice@acme.example.com");
  ASSERT_NE(alice, nullptr);
  EXPECT_EQ(alice->line_ports.size(), 5U);  // six before; the port on desk-old went with it
  // Other devices are untouched.
  EXPECT_EQ(send(alice_token("desk-alice")).type, "UserSingleSignOnCreateDeviceTokenResponse");
}

TEST_F(ScriptChanges, RemoveNamedSystemDeviceOnAnotherCommand) {
  const device_key system_phone{device_level::system, "", "", "sys-phone"};
  add_rule("VerifySessionIsValidRequest", {named_device(world_change::kind::remove_device, system_phone)});

  EXPECT_EQ(send(token_request("alice@acme.example.com", "System", "sys-phone")).type,
            "UserSingleSignOnCreateDeviceTokenResponse");
  EXPECT_EQ(send(verify_session()).type, "SuccessResponse");
  EXPECT_EQ(world_.find_device(system_phone), nullptr);
  EXPECT_EQ(error_code_of(send(token_request("alice@acme.example.com", "System", "sys-phone"))), 4505);
}

TEST_F(ScriptChanges, RemoveEndpointFromRequestLeavesTheUserWithoutPorts) {
  world_change remove;
  remove.what = world_change::kind::remove_endpoint;
  remove.user_from_request = true;
  add_rule("UserSingleSignOnCreateDeviceTokenRequest", {remove});

  // alice's ports are taken away before the built-in rules look: no line port on the device.
  EXPECT_EQ(error_code_of(send(alice_token("desk-alice"))), 9101);
  const user* alice = world_.find_user("alice@acme.example.com");
  ASSERT_NE(alice, nullptr);
  EXPECT_TRUE(alice->line_ports.empty());
}

TEST_F(ScriptChanges, RemoveNamedEndpointTakesATrunkUsersTrunkGroup) {
  world_change remove;
  remove.what = world_change::kind::remove_endpoint;
  remove.user_id = "pbx@acme.example.com";
  add_rule("VerifySessionIsValidRequest", {remove});

  EXPECT_EQ(send(token_request("pbx@acme.example.com", "Group", "sbc-1")).type,
            "UserSingleSignOnCreateDeviceTokenResponse");
  EXPECT_EQ(send(verify_session()).type, "SuccessResponse");
  const user* trunk = world_.find_user("pbx@acme.example.com");
  ASSERT_NE(trunk, nullptr);
  EXPECT_FALSE(trunk->trunk_group.has_value());
  EXPECT_EQ(error_code_of(send(token_request("pbx@acme.example.com", "Group", "sbc-1"))), 9101);
}

TEST_F(ScriptChanges, SetConfigurationOptionChangesWhatTheTokenRuleSees) {
  world_change off;
  off.what = world_change::kind::set_configuration_option;
  off.device_type = "Polycom VVX 450";
  off.option = "Not Supported";
  add_rule("VerifySessionIsValidRequest", {off});
  world_change on = off;
  on.option = "Device Management";
  add_rule("AvailabilityTestRequest", {on});

  EXPECT_EQ(send(alice_token("desk-alice")).type, "UserSingleSignOnCreateDeviceTokenResponse");
  EXPECT_EQ(send(verify_session()).type, "SuccessResponse");
  EXPECT_EQ(world_.find_device_type("Polycom VVX 450")->option, configuration_option::not_supported);
  EXPECT_EQ(error_code_of(send(alice_token("desk-alice"))), 9103);
  EXPECT_EQ(send(command{"AvailabilityTestRequest", std::nullopt, {}, {}}).type, "SuccessResponse");
  EXPECT_EQ(world_.find_device_type("Polycom VVX 450")->option, configuration_option::device_management);
  EXPECT_EQ(send(alice_token("desk-alice")).type, "UserSingleSignOnCreateDeviceTokenResponse");
}

TEST_F(ScriptChanges, ChangesRunInOrderAndOneWhoseTargetIsGoneDoesNothing) {
  const device_key desk = testing::group_device("desk-legacy");
  add_rule("VerifySessionIsValidRequest",
           {named_device(world_change::kind::lock_device, desk), named_device(world_change::kind::remove_device, desk),
            named_device(world_change::kind::unlock_device, desk)});
  const std::size_t devices_before = world_.devices.size();

  EXPECT_EQ(send(verify_session()).type, "SuccessResponse");
  EXPECT_EQ(world_.find_device(desk), nullptr);
  EXPECT_EQ(world_.devices.size(), devices_before - 1);
  // Matched again: every target is gone, nothing else changes.
  EXPECT_EQ(send(verify_session()).type, "SuccessResponse");
  EXPECT_EQ(world_.devices.size(), devices_before - 1);
}

}  // namespace
}  // namespace ocip::mock
