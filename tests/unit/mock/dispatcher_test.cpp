#include "ocip/mock/dispatcher.hpp"

#include <regex>

#include <gtest/gtest.h>

#include "ocip/protocol/password.hpp"
#include "test_world.hpp"

namespace ocip::mock {
namespace {

using protocol::command;
using protocol::document;
using protocol::element;

command make_command(std::string type, std::vector<std::pair<std::string, std::string>> fields) {
  command cmd;
  cmd.type = std::move(type);
  for (auto& [name, text] : fields) {
    cmd.fields.push_back(element::leaf(name, text));
  }
  return cmd;
}

document make_document(std::string session_id, std::vector<command> commands) {
  document doc;
  doc.session_id = std::move(session_id);
  doc.commands = std::move(commands);
  return doc;
}

command token_request(std::string user_id, std::string level, std::string device_name) {
  return make_command(
      "UserSingleSignOnCreateDeviceTokenRequest",
      {{"userId", std::move(user_id)}, {"deviceLevel", std::move(level)}, {"deviceName", std::move(device_name)}});
}

class DispatcherTest : public ::testing::Test {
 protected:
  /// Sends one command on the test's connection and returns the one reply command.
  command send(const command& cmd, const std::string& session = "session-1") {
    auto result = decide_.dispatch(make_document(session, {cmd}), connection_);
    EXPECT_TRUE(result.reply.has_value());
    EXPECT_FALSE(result.close_after);
    if (!result.reply || result.reply->commands.size() != 1) {
      ADD_FAILURE() << "expected exactly one reply command";
      return {};
    }
    return result.reply->commands.front();
  }

  command login(const std::string& user_id, const std::string& password, const std::string& session = "session-1") {
    return send(make_command("LoginRequest22V5", {{"userId", user_id}, {"password", password}}), session);
  }

  static std::string summary(const command& reply) {
    return reply.type == "ErrorResponse" ? std::string(reply.field_text("summary").value_or("")) : std::string();
  }

  world world_ = testing::make_test_world();
  token_source tokens_{std::optional<std::uint64_t>{}};
  dispatcher decide_{world_, tokens_};
  connection_state connection_;
};

TEST_F(DispatcherTest, Login22V5WithGoodPasswordReportsTheLogin) {
  const command reply = login("alice@acme.example.com", "alice-pass");
  ASSERT_EQ(reply.type, "LoginResponse22V5") << summary(reply);
  EXPECT_EQ(reply.field_text("loginType"), "User");
  EXPECT_EQ(reply.field_text("locale"), "en_US");
  EXPECT_EQ(reply.field_text("encoding"), "ISO-8859-1");
  EXPECT_EQ(reply.field_text("groupId"), "sales");
  EXPECT_EQ(reply.field_text("serviceProviderId"), "acme");
  EXPECT_EQ(reply.field_text("isEnterprise"), "false");
  EXPECT_EQ(reply.field_text("userDomain"), "acme.example.com");
  // Schema order: loginType, locale, encoding, groupId, serviceProviderId, isEnterprise, …, userDomain.
  std::vector<std::string> names;
  for (const auto& field : reply.fields) {
    names.push_back(field.name);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"loginType", "locale", "encoding", "groupId", "serviceProviderId",
                                             "isEnterprise", "userDomain"}));
}

TEST_F(DispatcherTest, LoginWithBadPasswordIsInvalidPassword) {
  const command reply = login("alice@acme.example.com", "wrong");
  EXPECT_EQ(summary(reply), "[Error 4962] Invalid password");
}

TEST_F(DispatcherTest, LoginOfUnknownUserIsInvalidPassword) {
  EXPECT_EQ(summary(login("nobody@acme.example.com", "x")), "[Error 4962] Invalid password");
}

TEST_F(DispatcherTest, AdministratorLoginTypesFollowTheirKind) {
  EXPECT_EQ(login("sysadmin", "sys-pass").field_text("loginType"), "System");
  EXPECT_EQ(login("acme-admin", "sp-pass").field_text("loginType"), "Service Provider");
  const command group_admin = login("sales-admin", "grp-pass");
  EXPECT_EQ(group_admin.field_text("loginType"), "Group");
  EXPECT_EQ(group_admin.field_text("groupId"), "sales");
  EXPECT_EQ(login("globex-admin", "gx-pass").field_text("isEnterprise"), "true");
}

TEST_F(DispatcherTest, NonceFlowAcceptsTheSignedPasswordOnce) {
  const command challenge = send(make_command("AuthenticationRequest", {{"userId", "alice@acme.example.com"}}));
  ASSERT_EQ(challenge.type, "AuthenticationResponse");
  EXPECT_EQ(challenge.field_text("userId"), "alice@acme.example.com");
  EXPECT_EQ(challenge.field_text("passwordAlgorithm"), "MD5");
  const std::string nonce(challenge.field_text("nonce").value_or(""));
  EXPECT_TRUE(std::regex_match(nonce, std::regex("[1-9][0-9]{12}"))) << nonce;

  const command signed_login = make_command(
      "LoginRequest14sp4",
      {{"userId", "alice@acme.example.com"}, {"signedPassword", protocol::sign_password("alice-pass", nonce)}});
  const command reply = send(signed_login);
  EXPECT_EQ(reply.type, "LoginResponse14sp4") << summary(reply);
  EXPECT_EQ(reply.field_text("loginType"), "User");
  // The nonce was used up: the same signed password again is refused.
  EXPECT_EQ(summary(send(signed_login)), "[Error 4962] Invalid password");
}

TEST_F(DispatcherTest, NonceFlowRefusesAWrongSignedPassword) {
  const command challenge = send(make_command("AuthenticationRequest", {{"userId", "alice@acme.example.com"}}));
  const std::string nonce(challenge.field_text("nonce").value_or(""));
  const command reply =
      send(make_command("LoginRequest14sp4", {{"userId", "alice@acme.example.com"},
                                              {"signedPassword", protocol::sign_password("wrong", nonce)}}));
  EXPECT_EQ(summary(reply), "[Error 4962] Invalid password");
}

TEST_F(DispatcherTest, CommandBeforeLoginGetsAnErrorResponse) {
  const command reply = send(token_request("alice@acme.example.com", "Group", "desk-alice"));
  EXPECT_EQ(protocol::error_response::from_command(reply).error_code, 9100);
}

TEST_F(DispatcherTest, CommandBeforeLoginClosesWhenTheScenarioSaysSo) {
  world_.mock.before_login = before_login_behaviour::close_connection;
  auto result = decide_.dispatch(make_document("s", {make_command("AvailabilityTestRequest", {})}), connection_);
  EXPECT_TRUE(result.close_after);
  EXPECT_FALSE(result.reply.has_value());
}

TEST_F(DispatcherTest, LoginIsBoundToConnectionAndSessionId) {
  ASSERT_EQ(login("sysadmin", "sys-pass", "shared-id").type, "LoginResponse22V5");
  EXPECT_EQ(send(make_command("VerifySessionIsValidRequest", {}), "shared-id").type, "SuccessResponse");
  // Another session id on the same connection is not logged in.
  EXPECT_EQ(
      protocol::error_response::from_command(send(make_command("VerifySessionIsValidRequest", {}), "other")).error_code,
      9100);
  // The same session id on another connection is not logged in either.
  connection_state second;
  auto result = decide_.dispatch(make_document("shared-id", {make_command("VerifySessionIsValidRequest", {})}), second);
  ASSERT_TRUE(result.reply.has_value());
  EXPECT_EQ(result.reply->commands.at(0).type, "ErrorResponse");
}

TEST_F(DispatcherTest, EchoAndTrackingIdAreCopiedAndSessionIdIsVerbatim) {
  document request = make_document("  odd,session id 1 ", {make_command("AvailabilityTestRequest", {}),
                                                           make_command("AvailabilityTestRequest", {})});
  request.commands[0].echo = "first <&>";
  request.tracking_id = "track-42";
  auto result = decide_.dispatch(request, connection_);
  ASSERT_TRUE(result.reply.has_value());
  EXPECT_EQ(result.reply->session_id, "  odd,session id 1 ");
  EXPECT_EQ(result.reply->tracking_id, "track-42");
  ASSERT_EQ(result.reply->commands.size(), 2U);
  EXPECT_EQ(result.reply->commands[0].echo, "first <&>");
  EXPECT_EQ(result.reply->commands[1].echo, "");
}

TEST_F(DispatcherTest, SeveralCommandsAreAnsweredInOrderEachOnItsOwn) {
  auto result = decide_.dispatch(
      make_document("s", {make_command("LoginRequest22V5", {{"userId", "sysadmin"}, {"password", "sys-pass"}}),
                          make_command("NoSuchRequest", {}), make_command("SystemSoftwareVersionGetRequest", {}),
                          token_request("nobody@acme.example.com", "Group", "desk-alice"),
                          make_command("AvailabilityTestRequest", {})}),
      connection_);
  ASSERT_TRUE(result.reply.has_value());
  const auto& replies = result.reply->commands;
  ASSERT_EQ(replies.size(), 5U);
  EXPECT_EQ(replies[0].type, "LoginResponse22V5");
  EXPECT_EQ(replies[1].type, "ErrorResponse");
  EXPECT_EQ(replies[2].type, "SystemSoftwareVersionGetResponse");
  EXPECT_EQ(replies[2].field_text("version"), "25.0");
  EXPECT_EQ(summary(replies[3]), "[Error 4008] User not found: nobody@acme.example.com");
  EXPECT_EQ(replies[4].type, "SuccessResponse");
}

TEST_F(DispatcherTest, UnknownCommandIsAValidationError) {
  login("sysadmin", "sys-pass");
  const command reply = send(make_command("GroupFrobnicateRequest", {}));
  EXPECT_EQ(summary(reply), "[Error 6004] OCI XML Request validation error");
  EXPECT_NE(reply.field_text("detail").value_or("").find("GroupFrobnicateRequest"), std::string_view::npos);
}

TEST_F(DispatcherTest, SixteenCommandsGetOneValidationError) {
  std::vector<command> commands(16, make_command("AvailabilityTestRequest", {}));
  auto result = decide_.dispatch(make_document("s", commands), connection_);
  ASSERT_TRUE(result.reply.has_value());
  ASSERT_EQ(result.reply->commands.size(), 1U);
  EXPECT_EQ(summary(result.reply->commands[0]), "[Error 6004] OCI XML Request validation error");
}

TEST_F(DispatcherTest, LogoutEndsTheLogin) {
  login("sysadmin", "sys-pass");
  EXPECT_EQ(send(make_command("LogoutRequest", {{"userId", "sysadmin"}})).type, "SuccessResponse");
  EXPECT_EQ(send(make_command("VerifySessionIsValidRequest", {})).type, "ErrorResponse");
}

class SsoTokenTest : public DispatcherTest {
 protected:
  void SetUp() override { ASSERT_EQ(login("sysadmin", "sys-pass").type, "LoginResponse22V5"); }
};

TEST_F(SsoTokenTest, OwnerGetsAToken) {
  const command reply = send(token_request("alice@acme.example.com", "Group", "desk-alice"));
  ASSERT_EQ(reply.type, "UserSingleSignOnCreateDeviceTokenResponse") << summary(reply);
  EXPECT_TRUE(std::regex_match(std::string(reply.field_text("deviceToken").value_or("")), std::regex("[0-9a-f]{64}")));
}

TEST_F(SsoTokenTest, TwoTokensDiffer) {
  const command first = send(token_request("alice@acme.example.com", "Group", "desk-alice"));
  const command second = send(token_request("alice@acme.example.com", "Group", "desk-alice"));
  EXPECT_NE(first.field_text("deviceToken"), second.field_text("deviceToken"));
}

TEST_F(SsoTokenTest, SeededTokensAreReproducible) {
  world_.mock.token_seed = 42;
  token_source seeded_a(world_.mock.token_seed);
  token_source seeded_b(world_.mock.token_seed);
  dispatcher first(world_, seeded_a);
  dispatcher second(world_, seeded_b);
  std::vector<std::string> tokens;
  for (dispatcher* each : {&first, &second}) {
    connection_state connection;
    auto result = each->dispatch(
        make_document("s", {make_command("LoginRequest22V5", {{"userId", "sysadmin"}, {"password", "sys-pass"}}),
                            token_request("alice@acme.example.com", "Group", "desk-alice")}),
        connection);
    ASSERT_TRUE(result.reply.has_value());
    tokens.emplace_back(result.reply->commands.at(1).field_text("deviceToken").value_or(""));
  }
  EXPECT_EQ(tokens[0].size(), 64U);
  EXPECT_EQ(tokens[0], tokens[1]);
}

TEST_F(SsoTokenTest, UserWithoutLinePortOnDeviceIsRefused) {
  const command reply = send(token_request("bob@acme.example.com", "Group", "desk-alice"));
  EXPECT_EQ(summary(reply), "[Error 9101] User bob@acme.example.com has no line port on device desk-alice");
}

TEST_F(SsoTokenTest, TrunkUserOnTrunkDeviceGetsAToken) {
  const command reply = send(token_request("pbx@acme.example.com", "Group", "sbc-1"));
  EXPECT_EQ(reply.type, "UserSingleSignOnCreateDeviceTokenResponse") << summary(reply);
}

TEST_F(SsoTokenTest, TrunkUserOnAnotherDeviceIsRefused) {
  const command reply = send(token_request("pbx@acme.example.com", "Group", "desk-alice"));
  EXPECT_EQ(protocol::error_response::from_command(reply).error_code, 9101);
}

TEST_F(SsoTokenTest, LockedDeviceIsRefused) {
  const command reply = send(token_request("alice@acme.example.com", "Group", "desk-locked"));
  EXPECT_EQ(summary(reply), "[Error 9102] Device is locked: desk-locked");
}

TEST_F(SsoTokenTest, DeviceTypeWithoutDeviceManagementIsRefused) {
  EXPECT_EQ(summary(send(token_request("alice@acme.example.com", "Group", "desk-old"))),
            "[Error 9103] Device type does not support Device Management: Old Phone");
  EXPECT_EQ(
      protocol::error_response::from_command(send(token_request("alice@acme.example.com", "Group", "desk-legacy")))
          .error_code,
      9103);
}

TEST_F(SsoTokenTest, ServiceProviderAndSystemDevicesAreFoundAtTheirLevel) {
  EXPECT_EQ(send(token_request("alice@acme.example.com", "Service Provider", "sp-phone")).type,
            "UserSingleSignOnCreateDeviceTokenResponse");
  EXPECT_EQ(send(token_request("alice@acme.example.com", "System", "sys-phone")).type,
            "UserSingleSignOnCreateDeviceTokenResponse");
}

TEST_F(SsoTokenTest, WrongDeviceLevelIsDeviceNotFound) {
  EXPECT_EQ(summary(send(token_request("alice@acme.example.com", "System", "desk-alice"))),
            "[Error 4505] Access Device not found: desk-alice");
}

TEST_F(SsoTokenTest, UnknownUserAndUnknownDevice) {
  EXPECT_EQ(summary(send(token_request("ghost@acme.example.com", "Group", "desk-alice"))),
            "[Error 4008] User not found: ghost@acme.example.com");
  EXPECT_EQ(summary(send(token_request("alice@acme.example.com", "Group", "no-such-device"))),
            "[Error 4505] Access Device not found: no-such-device");
}

TEST_F(SsoTokenTest, BadDeviceLevelIsAValidationError) {
  const command reply = send(token_request("alice@acme.example.com", "Planet", "desk-alice"));
  EXPECT_EQ(protocol::error_response::from_command(reply).error_code, 6004);
  EXPECT_NE(reply.field_text("detail").value_or("").find("deviceLevel"), std::string_view::npos);
}

TEST_F(SsoTokenTest, MissingFieldIsAValidationError) {
  const command reply =
      send(make_command("UserSingleSignOnCreateDeviceTokenRequest", {{"userId", "alice@acme.example.com"}}));
  EXPECT_EQ(protocol::error_response::from_command(reply).error_code, 6004);
}

TEST_F(SsoTokenTest, ScenarioOverridesRefusalCodeAndText) {
  world_.mock.sso_errors[sso_refusal::device_locked] = error_reply{4711, "Locked: {device_name} for {user_id}"};
  EXPECT_EQ(summary(send(token_request("alice@acme.example.com", "Group", "desk-locked"))),
            "[Error 4711] Locked: desk-locked for alice@acme.example.com");
}

TEST_F(DispatcherTest, AdministratorsAreConfinedToTheirScope) {
  const command alice_token = token_request("alice@acme.example.com", "Group", "desk-alice");
  login("sales-admin", "grp-pass", "in-scope");
  EXPECT_EQ(send(alice_token, "in-scope").type, "UserSingleSignOnCreateDeviceTokenResponse");
  login("acme-admin", "sp-pass", "sp-scope");
  EXPECT_EQ(send(alice_token, "sp-scope").type, "UserSingleSignOnCreateDeviceTokenResponse");
  login("support-admin", "grp2-pass", "other-group");
  EXPECT_EQ(summary(send(alice_token, "other-group")), "[Error 5404] Unauthorized transaction.");
  login("globex-admin", "gx-pass", "other-sp");
  EXPECT_EQ(summary(send(alice_token, "other-sp")), "[Error 5404] Unauthorized transaction.");
}

TEST_F(DispatcherTest, UsersActOnlyOnThemselves) {
  login("alice@acme.example.com", "alice-pass", "alice");
  EXPECT_EQ(send(token_request("alice@acme.example.com", "Group", "desk-alice"), "alice").type,
            "UserSingleSignOnCreateDeviceTokenResponse");
  login("bob@acme.example.com", "bob-pass", "bob");
  EXPECT_EQ(summary(send(token_request("alice@acme.example.com", "Group", "desk-alice"), "bob")),
            "[Error 5404] Unauthorized transaction.");
}

}  // namespace
}  // namespace ocip::mock
