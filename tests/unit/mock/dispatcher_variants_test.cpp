// The dispatcher's wire variants (oci-p.md §3-4): session-less documents, logout behaviours,
// re-login, the command limit, and request validation against the vendor schema.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ocip/mock/dispatcher.hpp"
#include "schema_support.hpp"
#include "test_world.hpp"

namespace ocip::mock {
namespace {

using protocol::addressing_kind;
using protocol::command;
using protocol::document;
using protocol::element;
using ::testing::HasSubstr;

command make_command(std::string type, const std::vector<std::pair<std::string, std::string>>& fields) {
  command cmd;
  cmd.type = std::move(type);
  for (const auto& [name, text] : fields) {
    cmd.fields.push_back(element::leaf(name, text));
  }
  return cmd;
}

command token_request(std::string user_id, std::string level, std::string device_name) {
  return make_command(
      "UserSingleSignOnCreateDeviceTokenRequest",
      {{"userId", std::move(user_id)}, {"deviceLevel", std::move(level)}, {"deviceName", std::move(device_name)}});
}

command login_request(std::string user_id, std::string password) {
  return make_command("LoginRequest22V5", {{"userId", std::move(user_id)}, {"password", std::move(password)}});
}

document make_document(std::string session_id, std::vector<command> commands,
                       addressing_kind addressing = addressing_kind::session_id) {
  document doc;
  doc.addressing = addressing;
  doc.session_id = std::move(session_id);
  doc.commands = std::move(commands);
  return doc;
}

std::string summary_of(const command& reply) {
  return std::string(reply.field_text("summary").value_or(""));
}
std::string detail_of(const command& reply) {
  return std::string(reply.field_text("detail").value_or(""));
}

class VariantsTest : public ::testing::Test {
 protected:
  VariantsTest() {
    connection_.remote = "10.1.2.3:40000";
    connection_.peer_address = "10.1.2.3";
  }

  dispatch_result send_all(const document& doc) { return decide_.dispatch(doc, connection_); }

  /// One command, one reply command (the reply must exist).
  command send(const command& cmd, const std::string& session = "s-1") {
    auto result = decide_.dispatch(make_document(session, {cmd}), connection_);
    if (!result.reply || result.reply->commands.size() != 1) {
      ADD_FAILURE() << "expected exactly one reply command";
      return {};
    }
    return result.reply->commands.front();
  }

  world world_ = testing::make_test_world();
  token_source tokens_{std::optional<std::uint64_t>{7}};
  dispatcher decide_{world_, tokens_};
  connection_state connection_;
};

// ---- peer address --------------------------------------------------------------------------------

TEST(PeerAddress, CanonicalFormMakesSpellingsEqual) {
  EXPECT_EQ(canonical_ip_address("127.0.0.1"), "127.0.0.1");
  EXPECT_EQ(canonical_ip_address("0:0:0:0:0:0:0:1"), "::1");
  EXPECT_EQ(canonical_ip_address("2001:DB8:0::1"), "2001:db8::1");
  EXPECT_EQ(canonical_ip_address("::ffff:10.1.2.3"), "10.1.2.3");
  EXPECT_EQ(canonical_ip_address("localhost"), std::nullopt);
  EXPECT_EQ(canonical_ip_address("10.1.2.3:80"), std::nullopt);
  EXPECT_EQ(canonical_ip_address("10.0.0.0/8"), std::nullopt);
  EXPECT_EQ(canonical_ip_address("unknown peer"), std::nullopt);
}

// ---- session-less documents ----------------------------------------------------------------------

TEST_F(VariantsTest, SessionLessFromAnUntrustedPeerIsUnauthorized) {
  auto result = send_all(make_document(
      "alice@acme.example.com",
      {token_request("alice@acme.example.com", "Group", "desk-alice"), make_command("AvailabilityTestRequest", {})},
      addressing_kind::user_id));
  ASSERT_TRUE(result.reply);
  EXPECT_EQ(result.reply->addressing, addressing_kind::user_id);
  EXPECT_EQ(result.reply->session_id, "alice@acme.example.com");
  ASSERT_EQ(result.reply->commands.size(), 2U);
  for (const command& reply : result.reply->commands) {
    EXPECT_EQ(summary_of(reply), "[Error 5404] Unauthorized transaction.");
  }
}

TEST_F(VariantsTest, SessionLessUserIdFromATrustedPeerActsAsThatUser) {
  world_.mock.trusted_addresses = {"10.1.2.3"};
  auto result = send_all(make_document("alice@acme.example.com",
                                       {token_request("alice@acme.example.com", "Group", "desk-alice"),
                                        token_request("bob@acme.example.com", "Group", "desk-alice")},
                                       addressing_kind::user_id));
  ASSERT_TRUE(result.reply);
  ASSERT_EQ(result.reply->commands.size(), 2U);
  EXPECT_EQ(result.reply->commands[0].type, "UserSingleSignOnCreateDeviceTokenResponse");
  // A user acts on itself only.
  EXPECT_EQ(summary_of(result.reply->commands[1]), "[Error 5404] Unauthorized transaction.");
  // Nothing is kept: the connection has no session afterwards.
  EXPECT_TRUE(connection_.sessions.empty());
}

TEST_F(VariantsTest, SessionLessAdministratorActsInItsScope) {
  world_.mock.trusted_addresses = {"10.1.2.3"};
  auto result = send_all(make_document("sales-admin", {token_request("alice@acme.example.com", "Group", "desk-alice")},
                                       addressing_kind::user_id));
  ASSERT_TRUE(result.reply);
  EXPECT_EQ(result.reply->commands.at(0).type, "UserSingleSignOnCreateDeviceTokenResponse");
}

TEST_F(VariantsTest, SessionLessLinePortIsResolvedToItsUser) {
  world_.mock.trusted_addresses = {"10.1.2.3"};
  auto result = send_all(make_document("alice_1@acme.example.com",
                                       {token_request("alice@acme.example.com", "Group", "desk-alice")},
                                       addressing_kind::line_port));
  ASSERT_TRUE(result.reply);
  EXPECT_EQ(result.reply->commands.at(0).type, "UserSingleSignOnCreateDeviceTokenResponse");
  auto unknown = send_all(make_document("nobody_1@acme.example.com", {make_command("AvailabilityTestRequest", {})},
                                        addressing_kind::line_port));
  ASSERT_TRUE(unknown.reply);
  EXPECT_EQ(summary_of(unknown.reply->commands.at(0)), "[Error 4008] User not found: nobody_1@acme.example.com");
}

TEST_F(VariantsTest, SessionLessUnknownUserAndPhoneNumberAreUserNotFound) {
  world_.mock.trusted_addresses = {"10.1.2.3"};
  auto unknown = send_all(
      make_document("ghost@acme.example.com", {make_command("AvailabilityTestRequest", {})}, addressing_kind::user_id));
  ASSERT_TRUE(unknown.reply);
  EXPECT_EQ(summary_of(unknown.reply->commands.at(0)), "[Error 4008] User not found: ghost@acme.example.com");
  auto phone = send_all(
      make_document("+15551234567", {make_command("AvailabilityTestRequest", {})}, addressing_kind::phone_number));
  ASSERT_TRUE(phone.reply);
  EXPECT_EQ(summary_of(phone.reply->commands.at(0)), "[Error 4008] User not found: +15551234567");
}

TEST_F(VariantsTest, ExternalUserIdentityIsUnauthorizedEvenFromATrustedPeer) {
  world_.mock.trusted_addresses = {"10.1.2.3"};
  auto result = send_all(make_document("alice@acme.example.com", {make_command("AvailabilityTestRequest", {})},
                                       addressing_kind::external_user_identity));
  ASSERT_TRUE(result.reply);
  EXPECT_EQ(summary_of(result.reply->commands.at(0)), "[Error 5404] Unauthorized transaction.");
}

TEST_F(VariantsTest, TrustIsByCanonicalPeerAddressNotTheLoggedRemote) {
  world_.mock.trusted_addresses = {"::1"};
  connection_.remote = "[0:0:0:0:0:0:0:1]:50000";
  connection_.peer_address = "0:0:0:0:0:0:0:1";
  auto v6 =
      send_all(make_document("sysadmin", {make_command("AvailabilityTestRequest", {})}, addressing_kind::user_id));
  ASSERT_TRUE(v6.reply);
  EXPECT_EQ(v6.reply->commands.at(0).type, "SuccessResponse");

  connection_.peer_address = "10.9.9.9";  // the remote, for logs only, still says ::1
  auto other =
      send_all(make_document("sysadmin", {make_command("AvailabilityTestRequest", {})}, addressing_kind::user_id));
  ASSERT_TRUE(other.reply);
  EXPECT_EQ(summary_of(other.reply->commands.at(0)), "[Error 5404] Unauthorized transaction.");
}

TEST_F(VariantsTest, AnUnknownPeerIsTrustedByNoList) {
  world_.mock.trusted_addresses = {"10.1.2.3"};
  connection_.remote = "unknown peer";
  connection_.peer_address.clear();  // what a session sets when the socket has no peer
  auto result =
      send_all(make_document("sysadmin", {make_command("AvailabilityTestRequest", {})}, addressing_kind::user_id));
  ASSERT_TRUE(result.reply);
  EXPECT_EQ(summary_of(result.reply->commands.at(0)), "[Error 5404] Unauthorized transaction.");
}

// ---- logout --------------------------------------------------------------------------------------

TEST_F(VariantsTest, LogoutRepliesAndKeepsTheConnectionByDefault) {
  ASSERT_EQ(send(login_request("sysadmin", "sys-pass")).type, "LoginResponse22V5");
  auto result = send_all(make_document("s-1", {make_command("LogoutRequest", {{"userId", "sysadmin"}})}));
  ASSERT_TRUE(result.reply);
  EXPECT_EQ(result.reply->commands.at(0).type, "SuccessResponse");
  EXPECT_FALSE(result.close_after);
}

TEST_F(VariantsTest, LogoutReplyThenClose) {
  world_.mock.logout = logout_behaviour::reply_then_close;
  ASSERT_EQ(send(login_request("sysadmin", "sys-pass")).type, "LoginResponse22V5");
  auto result = send_all(make_document(
      "s-1", {make_command("LogoutRequest", {{"userId", "sysadmin"}}), make_command("AvailabilityTestRequest", {})}));
  ASSERT_TRUE(result.reply);
  ASSERT_EQ(result.reply->commands.size(), 2U);
  EXPECT_EQ(result.reply->commands[0].type, "SuccessResponse");
  EXPECT_EQ(protocol::error_response::from_command(result.reply->commands[1]).error_code, 9100);  // logged out
  EXPECT_TRUE(result.close_after);
}

TEST_F(VariantsTest, LogoutCloseWritesNoReply) {
  world_.mock.logout = logout_behaviour::close;
  ASSERT_EQ(send(login_request("sysadmin", "sys-pass")).type, "LoginResponse22V5");
  auto result = send_all(make_document("s-1", {make_command("LogoutRequest", {{"userId", "sysadmin"}})}));
  EXPECT_FALSE(result.reply.has_value());
  EXPECT_TRUE(result.close_after);
}

// ---- re-login ------------------------------------------------------------------------------------

TEST_F(VariantsTest, ReLoginOnALiveSessionReplacesTheLogin) {
  ASSERT_EQ(send(login_request("bob@acme.example.com", "bob-pass")).type, "LoginResponse22V5");
  EXPECT_EQ(summary_of(send(token_request("alice@acme.example.com", "Group", "desk-alice"))),
            "[Error 5404] Unauthorized transaction.");
  const command again = send(login_request("alice@acme.example.com", "alice-pass"));
  ASSERT_EQ(again.type, "LoginResponse22V5");
  EXPECT_EQ(send(token_request("alice@acme.example.com", "Group", "desk-alice")).type,
            "UserSingleSignOnCreateDeviceTokenResponse");
}

TEST_F(VariantsTest, FailedReLoginKeepsTheEarlierLogin) {
  ASSERT_EQ(send(login_request("alice@acme.example.com", "alice-pass")).type, "LoginResponse22V5");
  EXPECT_EQ(summary_of(send(login_request("sysadmin", "wrong"))), "[Error 4962] Invalid password");
  EXPECT_EQ(send(token_request("alice@acme.example.com", "Group", "desk-alice")).type,
            "UserSingleSignOnCreateDeviceTokenResponse");
}

// ---- the command limit ---------------------------------------------------------------------------

TEST_F(VariantsTest, SixteenCommandsGetOneErrorWorthyOfAValidator) {
  auto result = send_all(make_document("s-1", std::vector<command>(16, make_command("AvailabilityTestRequest", {}))));
  ASSERT_TRUE(result.reply);
  ASSERT_EQ(result.reply->commands.size(), 1U);
  const command& reply = result.reply->commands[0];
  EXPECT_EQ(summary_of(reply), "[Error 6004] OCI XML Request validation error");
  EXPECT_EQ(detail_of(reply), too_many_commands_message(16));
  EXPECT_EQ(reply.echo, "");
}

TEST_F(VariantsTest, FifteenCommandsAreAllAnswered) {
  std::vector<command> commands{login_request("sysadmin", "sys-pass")};
  commands.resize(15, make_command("VerifySessionIsValidRequest", {}));
  auto result = send_all(make_document("s-1", commands));
  ASSERT_TRUE(result.reply);
  ASSERT_EQ(result.reply->commands.size(), 15U);
  EXPECT_EQ(result.reply->commands[14].type, "SuccessResponse");
}

// ---- validation against the vendor schema --------------------------------------------------------

class ValidatingTest : public VariantsTest {
 protected:
  void SetUp() override {
    if (!testing::schema_folder_present()) {
      GTEST_SKIP() << testing::schema_absent_message();
    }
    ASSERT_TRUE(testing::shared_schema()) << testing::shared_schema().error();
    decide_.set_schema_validator(testing::shared_schema().value());
    ASSERT_EQ(send(login_request("sysadmin", "sys-pass")).type, "LoginResponse22V5");
  }
};

TEST_F(ValidatingTest, InvalidRequestGets6004WithTheValidatorsMessage) {
  const command too_long = send(token_request("alice@acme.example.com", "Group", std::string(41, 'x')));
  EXPECT_EQ(summary_of(too_long), "[Error 6004] OCI XML Request validation error");
  EXPECT_EQ(detail_of(too_long),
            "Element 'deviceName': [facet 'maxLength'] The value has a length of '41'; this exceeds the allowed "
            "maximum length of '40'.");
  const command planet = send(token_request("alice@acme.example.com", "Planet", "desk-alice"));
  EXPECT_THAT(detail_of(planet), HasSubstr("Element 'deviceLevel': [facet 'enumeration'] The value 'Planet'"));
  const command missing =
      send(make_command("UserSingleSignOnCreateDeviceTokenRequest", {{"userId", "alice@acme.example.com"}}));
  EXPECT_THAT(detail_of(missing), HasSubstr("Missing child element(s). Expected is ( deviceLevel )."));
}

TEST_F(ValidatingTest, OtherCommandsOfTheDocumentAreStillProcessed) {
  command bad = token_request("alice@acme.example.com", "Planet", "desk-alice");
  bad.echo = "bad";
  auto result = send_all(make_document("s-1", {token_request("alice@acme.example.com", "Group", "desk-alice"), bad,
                                               make_command("SystemSoftwareVersionGetRequest", {})}));
  ASSERT_TRUE(result.reply);
  ASSERT_EQ(result.reply->commands.size(), 3U);
  EXPECT_EQ(result.reply->commands[0].type, "UserSingleSignOnCreateDeviceTokenResponse");
  EXPECT_EQ(protocol::error_response::from_command(result.reply->commands[1]).error_code, 6004);
  EXPECT_EQ(result.reply->commands[1].echo, "bad");
  EXPECT_EQ(result.reply->commands[2].field_text("version"), "25.0");
}

TEST_F(ValidatingTest, UnknownTypeKeepsTheRealServersDetail) {
  const command reply = send(make_command("GroupFrobnicateRequest", {}));
  EXPECT_EQ(summary_of(reply), "[Error 6004] OCI XML Request validation error");
  EXPECT_EQ(detail_of(reply), "Invalid xsi:type qname: 'GroupFrobnicateRequest' in element command");
}

TEST_F(ValidatingTest, ValidationComesBeforeTheLoginCheck) {
  const command reply = send(token_request("alice@acme.example.com", "Planet", "desk-alice"), "not-logged-in");
  EXPECT_EQ(protocol::error_response::from_command(reply).error_code, 6004);
}

TEST_F(ValidatingTest, LogoutWithoutItsUserIdBreaksTheSchema) {
  const command reply = send(make_command("LogoutRequest", {}));
  EXPECT_EQ(protocol::error_response::from_command(reply).error_code, 6004);
  EXPECT_THAT(detail_of(reply), HasSubstr("userId"));
}

TEST_F(ValidatingTest, ValidRequestsAreAnsweredAsWithoutValidation) {
  EXPECT_EQ(send(token_request("alice@acme.example.com", "Group", "desk-locked")).field_text("summary"),
            "[Error 9102] Device is locked: desk-locked");
  EXPECT_EQ(send(make_command("AvailabilityTestRequest", {})).type, "SuccessResponse");
}

}  // namespace
}  // namespace ocip::mock
