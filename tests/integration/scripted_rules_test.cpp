// Scripted rules from a YAML scenario, as a client observes them: scenarios/lockout-after-failures.yaml
// served by the in-process mock, driven with the client library.
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "mock_fixture.hpp"
#include "ocip/client/client.hpp"
#include "ocip/mock/scenario.hpp"
#include "ocip/mock/schema.hpp"
#include "ocip/mock/server.hpp"

namespace ocip::testing {
namespace {

using protocol::command;
using protocol::element;

mock::scenario lockout_scenario() {
  auto loaded = mock::load_scenario_file(std::filesystem::path(OCIP_SCENARIO_DIR) / "lockout-after-failures.yaml");
  if (!loaded) {
    ADD_FAILURE() << loaded.error().to_string();
    return mock::load_default_scenario();
  }
  return std::move(loaded).value();
}

client::client_options over_tcp(std::uint16_t port) {
  client::client_options options;
  options.port = port;
  options.connect_timeout = std::chrono::seconds(2);
  options.command_timeout = std::chrono::seconds(5);
  return options;
}

client::device_token_request polycom() {
  return {"alice@example.com", "Group", "polycom-01"};
}

command clear_lockout(const std::string& device_name) {
  command clear{"SystemDeviceProfileAuthenticationLockoutClearRequest", std::nullopt, {}, {}};
  clear.fields = {
      element::parent("accessDevice", {element::leaf("serviceProviderId", "acme"), element::leaf("groupId", "sales"),
                                       element::leaf("deviceName", device_name)})};
  return clear;
}

command user_get(const std::string& user_id) {
  command get{"UserGetRequest22", std::nullopt, {}, {}};
  get.fields = {element::leaf("userId", user_id)};
  return get;
}

std::vector<std::string> names_of(const std::vector<element>& fields) {
  std::vector<std::string> out;
  out.reserve(fields.size());
  for (const auto& field : fields) {
    out.push_back(field.name);
  }
  return out;
}

class ScriptedRules : public ::testing::Test {
 protected:
  running_mock mock_{lockout_scenario()};
};

TEST_F(ScriptedRules, ThirdTokenRequestLocksTheDeviceUntilTheLockoutIsCleared) {
  client::client alice(over_tcp(mock_.port()));
  ASSERT_TRUE(alice.login("alice@example.com", "alice-lab-pw"));

  // Requests 1 and 2: tokens (rule first-two-tokens, built-in reply).
  const auto first = alice.create_device_token(polycom());
  ASSERT_TRUE(first) << client::describe(first.error());
  const auto second = alice.create_device_token(polycom());
  ASSERT_TRUE(second) << client::describe(second.error());
  EXPECT_EQ(first.value().value.size(), 64U);
  EXPECT_NE(first.value().value, second.value().value);

  // Request 3 locks the device before the built-in rules decide; request 4 finds it still locked.
  for (int attempt = 3; attempt <= 4; ++attempt) {
    const auto refused = alice.create_device_token(polycom());
    ASSERT_FALSE(refused) << "attempt " << attempt;
    const client::server_error* server = client::as_server_error(refused.error());
    ASSERT_NE(server, nullptr) << client::describe(refused.error());
    EXPECT_EQ(server->response.error_code, 9102);
    EXPECT_EQ(server->response.summary, "[Error 9102] Device is locked: polycom-01");
  }

  // alice cannot clear it (the rule wants the administrator); the admin can.
  const auto by_alice = alice.send(clear_lockout("polycom-01"));
  EXPECT_FALSE(by_alice.has_value() && by_alice.value().type == "SuccessResponse");
  client::client admin(over_tcp(mock_.port()));
  ASSERT_TRUE(admin.login("admin", "admin-lab-pw"));
  const auto cleared = admin.send(clear_lockout("polycom-01"));
  ASSERT_TRUE(cleared) << client::describe(cleared.error());
  EXPECT_EQ(cleared.value().type, "SuccessResponse");

  // Unlocked for good: state `cleared` has no token rule.
  for (int attempt = 5; attempt <= 8; ++attempt) {
    const auto token = alice.create_device_token(polycom());
    ASSERT_TRUE(token) << "attempt " << attempt << ": " << client::describe(token.error());
    EXPECT_EQ(token.value().value.size(), 64U);
  }
}

TEST_F(ScriptedRules, ScriptedResponseReachesTheClientNestedAndSchemaValid) {
  client::client admin(over_tcp(mock_.port()));
  ASSERT_TRUE(admin.login("admin", "admin-lab-pw"));
  const auto reply = admin.send(user_get("alice@example.com"), "UserGetResponse22");
  ASSERT_TRUE(reply) << client::describe(reply.error());
  EXPECT_EQ(reply.value().field_text("firstName"), "Alice");
  EXPECT_EQ(reply.value().field_text("countryCode"), "44");
  const element* endpoint = reply.value().field("accessDeviceEndpoint");
  ASSERT_NE(endpoint, nullptr);
  EXPECT_EQ(endpoint->child_text("linePort"), "alice_1@example.com");
  ASSERT_NE(endpoint->child("accessDevice"), nullptr);
  EXPECT_EQ(endpoint->child("accessDevice")->child_text("deviceName"), "polycom-01");

  if (!std::filesystem::is_directory(OCIP_SCHEMA_DIR)) {
    GTEST_SKIP() << "vendor OCI-P schema not found at '" << OCIP_SCHEMA_DIR << "'; the reply was not validated";
  }
  const auto schema = mock::schema_validator::load(OCIP_SCHEMA_DIR);
  ASSERT_TRUE(schema) << schema.error();
  const auto valid = schema.value()->validate_command(reply.value());
  EXPECT_TRUE(valid) << valid.error();
}

TEST_F(ScriptedRules, ScriptedErrorReachesTheClientAsAServerError) {
  client::client admin(over_tcp(mock_.port()));
  ASSERT_TRUE(admin.login("admin", "admin-lab-pw"));
  const auto refused = admin.send(user_get("mallory@example.org"));
  ASSERT_FALSE(refused);
  const client::server_error* server = client::as_server_error(refused.error());
  ASSERT_NE(server, nullptr) << client::describe(refused.error());
  EXPECT_EQ(server->response.error_code, 4008);
  EXPECT_EQ(server->response.summary, "[Error 4008] User not found");
  EXPECT_EQ(server->response.detail, std::optional<std::string>("this scenario only knows users @example.com"));
  // Another domain's rule does not catch alice: she gets the scripted response.
  EXPECT_TRUE(admin.send(user_get("alice@example.com"), "UserGetResponse22"));
}

// ---- a mock started with the schema puts scripted fields into schema order -----------------------

constexpr std::string_view scrambled_rule = R"(version: 1
administrators:
  - {id: admin, password: admin-lab-pw, kind: system}
rules:
  - when: {command: SystemSoftwareVersionGetRequest}
    reply:
      response:
        type: LoginResponse22V5
        fields:
          userDomain: example.com
          isEnterprise: "false"
          loginType: System
          encoding: ISO-8859-1
          locale: en_US
)";

// Each kind of world change a rule can make, seen by a client through the token answers it gets.
TEST(ScriptedRuleChanges, EveryKindOfChangeIsSeenInTheTokenAnswers) {
  const std::string rules = R"(
rules:
  - name: dm-off
    when: {command: SystemSoftwareVersionGetRequest}
    times: 1
    changes:
      - set_configuration_option: {device_type: Polycom VVX 450, option: not_supported}
  - name: dm-on
    when: {command: SystemSoftwareVersionGetRequest}
    times: 1
    changes:
      - set_configuration_option: {device_type: Polycom VVX 450, option: Device Management}
  - name: unplug-alice
    when: {command: AvailabilityTestRequest}
    times: 1
    changes:
      - remove_endpoint: alice@example.com
  - name: bobs-phone-goes
    when:
      command: UserSingleSignOnCreateDeviceTokenRequest
      fields: {userId: bob@example.com}
    times: 1
    changes:
      - lock_device: from_request
      - unlock_device: {level: Group, service_provider: acme, group: sales, name: polycom-02}
      - remove_device: from_request
)";
  running_mock mock(std::string(mock::default_scenario_text()) + rules);
  client::client admin(over_tcp(mock.port()));
  ASSERT_TRUE(admin.login("admin", "password"));
  const auto token_code = [&](const std::string& user, const std::string& device) {
    const auto token = admin.create_device_token({user, "Group", device});
    return token ? 0 : client::server_error_code(token.error()).value_or(-1);
  };
  const auto send = [&](const char* type) {
    const auto reply = admin.send(command{type, std::nullopt, {}, {}});
    EXPECT_TRUE(reply) << type << ": " << (reply ? "" : client::describe(reply.error()));
  };

  EXPECT_EQ(token_code("alice@example.com", "polycom-01"), 0);
  send("SystemSoftwareVersionGetRequest");  // dm-off
  EXPECT_EQ(token_code("alice@example.com", "polycom-01"), 9103);
  send("SystemSoftwareVersionGetRequest");  // dm-on
  EXPECT_EQ(token_code("alice@example.com", "polycom-01"), 0);
  send("AvailabilityTestRequest");  // unplug-alice
  EXPECT_EQ(token_code("alice@example.com", "polycom-01"), 9101);

  // Locked, unlocked and removed before the mock decides: the device is not found.
  EXPECT_EQ(token_code("bob@example.com", "polycom-02"), 4505);
  EXPECT_EQ(token_code("bob@example.com", "polycom-02"), 4505) << "the device stays gone";
}

TEST(ScriptedRulesWithSchema, ScriptedFieldsGoOutInSchemaOrder) {
  if (!std::filesystem::is_directory(OCIP_SCHEMA_DIR)) {
    GTEST_SKIP() << "vendor OCI-P schema not found at '" << OCIP_SCHEMA_DIR << "'";
  }
  auto loaded = mock::load_scenario_text(scrambled_rule, "scrambled.yaml");
  ASSERT_TRUE(loaded) << loaded.error().to_string();
  mock::server_options options;
  options.tcp = {"127.0.0.1", 0};
  options.schema_dir = OCIP_SCHEMA_DIR;
  mock::server server(std::move(loaded).value(), options);
  const auto started = server.start();
  ASSERT_TRUE(started) << started.error();
  std::thread serving([&] { server.run(); });

  client::client admin(over_tcp(server.tcp_endpoint().port));
  const auto login = admin.login("admin", "admin-lab-pw");
  const auto reply = admin.send(command{"SystemSoftwareVersionGetRequest", std::nullopt, {}, {}});
  server.stop();
  serving.join();

  ASSERT_TRUE(login) << client::describe(login.error());
  ASSERT_TRUE(reply) << client::describe(reply.error());
  EXPECT_EQ(reply.value().type, "LoginResponse22V5");
  EXPECT_EQ(names_of(reply.value().fields),
            (std::vector<std::string>{"loginType", "locale", "encoding", "isEnterprise", "userDomain"}));
}

}  // namespace
}  // namespace ocip::testing
