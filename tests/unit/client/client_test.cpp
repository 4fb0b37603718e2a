// The session-aware client against a mocked transport: what it sends, how it reads replies, and
// how the three kinds of failure reach the caller.

#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "mock_transport.hpp"
#include "ocip/client/client.hpp"
#include "ocip/protocol/password.hpp"

namespace ocip::client {
namespace {

using protocol::command;
using protocol::element;
using ::testing::_;
using testing::fail_with;
using testing::mock_transport;
using ::testing::NiceMock;
using testing::reply_bytes;
using testing::reply_with;
using testing::scripted_peer;

command make(std::string type, std::vector<element> fields = {}) {
  command built;
  built.type = std::move(type);
  built.fields = std::move(fields);
  return built;
}

command login_response_22v5() {
  return make("LoginResponse22V5",
              {element::leaf("loginType", "System"), element::leaf("locale", "en_US"),
               element::leaf("encoding", "ISO-8859-1"), element::leaf("isEnterprise", "false"),
               element::leaf("passwordExpiresDays", "30"), element::leaf("userDomain", "example.com"),
               element::leaf("resellerId", "reseller1"), element::leaf("tokenRevocationTime", "1700000000000")});
}

command login_response_14sp4() {
  return make("LoginResponse14sp4", {element::leaf("loginType", "Group"), element::leaf("locale", "en_US"),
                                     element::leaf("encoding", "ISO-8859-1"), element::leaf("groupId", "grp1"),
                                     element::leaf("serviceProviderId", "ent1"), element::leaf("isEnterprise", "true"),
                                     element::leaf("userDomain", "as.example.com")});
}

command authentication_response(std::string nonce, std::string algorithm = "MD5") {
  return make("AuthenticationResponse",
              {element::leaf("userId", "admin@example.com"), element::leaf("nonce", std::move(nonce)),
               element::leaf("passwordAlgorithm", std::move(algorithm))});
}

// As real servers write it: no <errorCode>, the code only in the summary.
command invalid_password_error() {
  command reply = make("ErrorResponse", {element::leaf("summary", "[Error 4962] Invalid password"),
                                         element::leaf("summaryEnglish", "[Error 4962] Invalid password")});
  reply.attributes.push_back({"type", "Error"});
  return reply;
}

std::vector<element> leaves(std::initializer_list<std::pair<const char*, const char*>> pairs) {
  std::vector<element> fields;
  for (const auto& [name, text] : pairs) {
    fields.push_back(element::leaf(name, text));
  }
  return fields;
}

class ClientTest : public ::testing::Test {
 protected:
  explicit ClientTest(login_flow flow = login_flow::login_22v5) {
    auto owned = std::make_unique<NiceMock<mock_transport>>();
    transport_ = owned.get();
    peer_ = std::make_unique<scripted_peer>(*transport_);
    client_options options;
    options.flow = flow;
    options.connect_timeout = std::chrono::milliseconds(1234);
    options.command_timeout = std::chrono::milliseconds(4321);
    client_ = std::make_unique<client>(options, std::move(owned));
  }

  void log_in() {
    peer_->script.push_back(reply_with({login_response_22v5()}));
    ASSERT_TRUE(client_->login("admin@example.com", "secret"));
  }

  NiceMock<mock_transport>* transport_ = nullptr;
  std::unique_ptr<scripted_peer> peer_;
  std::unique_ptr<client> client_;
};

class NonceClientTest : public ClientTest {
 protected:
  NonceClientTest() : ClientTest(login_flow::nonce) {}
};

TEST_F(ClientTest, Login22V5SendsUserIdAndPlainPasswordInSchemaOrder) {
  peer_->script.push_back(reply_with({login_response_22v5()}));

  auto info = client_->login("admin@example.com", "secret");

  ASSERT_TRUE(info) << describe(info.error());
  ASSERT_EQ(peer_->sent.size(), 1U);
  const auto& request = peer_->sent[0];
  EXPECT_EQ(request.session_id, client_->session_id());
  ASSERT_EQ(request.commands.size(), 1U);
  EXPECT_EQ(request.commands[0].type, "LoginRequest22V5");
  EXPECT_EQ(request.commands[0].fields, leaves({{"userId", "admin@example.com"}, {"password", "secret"}}));
  EXPECT_TRUE(client_->logged_in());
  EXPECT_EQ(client_->user_id(), "admin@example.com");
}

TEST_F(ClientTest, Login22V5ParsesEveryLoginResponseField) {
  peer_->script.push_back(reply_with({login_response_22v5()}));

  auto info = client_->login("admin@example.com", "secret");

  ASSERT_TRUE(info) << describe(info.error());
  EXPECT_EQ(info.value().response_type, "LoginResponse22V5");
  EXPECT_EQ(info.value().login_type, "System");
  EXPECT_EQ(info.value().locale, "en_US");
  EXPECT_EQ(info.value().encoding, "ISO-8859-1");
  EXPECT_EQ(info.value().group_id, std::nullopt);
  EXPECT_EQ(info.value().service_provider_id, std::nullopt);
  EXPECT_FALSE(info.value().is_enterprise);
  EXPECT_EQ(info.value().password_expires_days, 30);
  EXPECT_EQ(info.value().user_domain, "example.com");
  EXPECT_EQ(info.value().reseller_id, "reseller1");
  EXPECT_EQ(info.value().token_revocation_time, 1700000000000LL);
}

TEST_F(ClientTest, LoginConnectsFirstWithTheConnectTimeout) {
  EXPECT_CALL(*transport_, connect(std::chrono::milliseconds(1234))).Times(1);
  EXPECT_CALL(*transport_, exchange(_, std::chrono::milliseconds(4321))).Times(1);
  peer_->script.push_back(reply_with({login_response_22v5()}));

  EXPECT_TRUE(client_->login("admin@example.com", "secret"));
}

TEST_F(ClientTest, LoginDoesNotReconnectAnOpenConnection) {
  ASSERT_TRUE(client_->connect());
  EXPECT_CALL(*transport_, connect(_)).Times(0);
  peer_->script.push_back(reply_with({login_response_22v5()}));

  EXPECT_TRUE(client_->login("admin@example.com", "secret"));
}

TEST_F(NonceClientTest, SendsAuthenticationRequestThenSignedPassword) {
  peer_->script.push_back(reply_with({authentication_response("1234567890123")}));
  peer_->script.push_back(reply_with({login_response_14sp4()}));

  auto info = client_->login("admin@example.com", "password");

  ASSERT_TRUE(info) << describe(info.error());
  ASSERT_EQ(peer_->sent.size(), 2U);
  ASSERT_EQ(peer_->sent[0].commands.size(), 1U);
  EXPECT_EQ(peer_->sent[0].commands[0].type, "AuthenticationRequest");
  EXPECT_EQ(peer_->sent[0].commands[0].fields, leaves({{"userId", "admin@example.com"}}));
  ASSERT_EQ(peer_->sent[1].commands.size(), 1U);
  EXPECT_EQ(peer_->sent[1].commands[0].type, "LoginRequest14sp4");
  // The test vector of oci-p.md §4; the plain password never goes out in this flow.
  EXPECT_EQ(peer_->sent[1].commands[0].fields,
            leaves({{"userId", "admin@example.com"}, {"signedPassword", "77e4a6de3a1e00be05e121cf0ebee860"}}));
  EXPECT_EQ(peer_->sent_bytes[1].find(">password<"), std::string::npos);
  EXPECT_EQ(peer_->sent[0].session_id, peer_->sent[1].session_id);
}

TEST_F(NonceClientTest, ParsesLoginResponse14sp4) {
  peer_->script.push_back(reply_with({authentication_response("1234567890123")}));
  peer_->script.push_back(reply_with({login_response_14sp4()}));

  auto info = client_->login("admin@example.com", "password");

  ASSERT_TRUE(info) << describe(info.error());
  EXPECT_EQ(info.value().response_type, "LoginResponse14sp4");
  EXPECT_EQ(info.value().login_type, "Group");
  EXPECT_EQ(info.value().group_id, "grp1");
  EXPECT_EQ(info.value().service_provider_id, "ent1");
  EXPECT_TRUE(info.value().is_enterprise);
  EXPECT_EQ(info.value().password_expires_days, std::nullopt);
  EXPECT_EQ(info.value().user_domain, "as.example.com");
  EXPECT_EQ(info.value().reseller_id, std::nullopt);
}

TEST_F(NonceClientTest, InvalidPasswordIsServerErrorWithCodeFromSummary) {
  peer_->script.push_back(reply_with({authentication_response("1234567890123")}));
  peer_->script.push_back(reply_with({invalid_password_error()}));

  auto info = client_->login("admin@example.com", "wrong");

  ASSERT_FALSE(info);
  const auto* refusal = as_server_error(info.error());
  ASSERT_NE(refusal, nullptr) << describe(info.error());
  EXPECT_EQ(refusal->response.error_code, 4962);
  EXPECT_EQ(refusal->response.summary, "[Error 4962] Invalid password");
  EXPECT_FALSE(client_->logged_in());
}

TEST_F(NonceClientTest, UnknownPasswordAlgorithmIsProtocolErrorAndNoLoginIsSent) {
  peer_->script.push_back(reply_with({authentication_response("1234567890123", "SHA-256")}));

  auto info = client_->login("admin@example.com", "password");

  ASSERT_FALSE(info);
  EXPECT_TRUE(is_protocol_error(info.error())) << describe(info.error());
  EXPECT_EQ(peer_->sent.size(), 1U);
}

TEST_F(ClientTest, Login22V5InvalidPasswordIsServerError) {
  peer_->script.push_back(reply_with({invalid_password_error()}));

  auto info = client_->login("admin@example.com", "wrong");

  ASSERT_FALSE(info);
  EXPECT_EQ(server_error_code(info.error()), 4962);
  EXPECT_FALSE(client_->logged_in());
}

TEST_F(ClientTest, LoginReplyOfAnotherTypeIsProtocolError) {
  peer_->script.push_back(reply_with({make("SystemSoftwareVersionGetResponse", leaves({{"version", "25.0"}}))}));

  auto info = client_->login("admin@example.com", "secret");

  ASSERT_FALSE(info);
  const auto* failure = as_protocol_error(info.error());
  ASSERT_NE(failure, nullptr) << describe(info.error());
  EXPECT_THAT(failure->message, ::testing::HasSubstr("SystemSoftwareVersionGetResponse"));
  EXPECT_FALSE(client_->logged_in());
}

TEST_F(ClientTest, SendWithExpectedTypeRejectsAnotherDecodedType) {
  log_in();
  peer_->script.push_back(reply_with({make("UserGetResponse22")}));

  auto reply = client_->send(make("UserDeleteRequest", leaves({{"userId", "u@example.com"}})), "SuccessResponse");

  ASSERT_FALSE(reply);
  EXPECT_TRUE(is_protocol_error(reply.error())) << describe(reply.error());
}

TEST_F(ClientTest, SendReturnsTheDecodedReply) {
  log_in();
  peer_->script.push_back(reply_with({make("SystemSoftwareVersionGetResponse", leaves({{"version", "25.0"}}))}));

  auto reply = client_->send(make("SystemSoftwareVersionGetRequest"));

  ASSERT_TRUE(reply) << describe(reply.error());
  EXPECT_EQ(reply.value().type, "SystemSoftwareVersionGetResponse");
  EXPECT_EQ(reply.value().field_text("version"), "25.0");
  EXPECT_EQ(peer_->sent.back().commands[0].type, "SystemSoftwareVersionGetRequest");
}

TEST_F(ClientTest, ErrorResponseToSendIsNeverASuccess) {
  log_in();
  command refusal = protocol::error_response::make(4008, "User not found: u@example.com").to_command();
  peer_->script.push_back(reply_with({refusal}));

  auto reply = client_->send(make("UserGetRequest22", leaves({{"userId", "u@example.com"}})));

  ASSERT_FALSE(reply);
  EXPECT_EQ(server_error_code(reply.error()), 4008);
}

TEST_F(ClientTest, ConnectionClosedBeforeAnyReplyIsTransportErrorNotBadCredentials) {
  peer_->script.push_back(fail_with(transport_error{"closed before any reply", transport_failure::closed}));

  auto info = client_->login("admin@example.com", "secret");

  ASSERT_FALSE(info);
  EXPECT_TRUE(is_transport_failure(info.error(), transport_failure::closed)) << describe(info.error());
  EXPECT_FALSE(is_server_error(info.error()));
}

TEST_F(ClientTest, ConnectFailureIsTransportErrorAndNothingIsSent) {
  EXPECT_CALL(*transport_, connect(_))
      .WillOnce(
          ::testing::Return(result<void, error>(error{transport_error{"refused", transport_failure::connect_failed}})));
  EXPECT_CALL(*transport_, exchange(_, _)).Times(0);

  auto info = client_->login("admin@example.com", "secret");

  ASSERT_FALSE(info);
  EXPECT_TRUE(is_transport_failure(info.error(), transport_failure::connect_failed));
}

TEST_F(ClientTest, TransportTimeoutDuringSendEndsTheLogin) {
  log_in();
  peer_->script.push_back(fail_with(transport_error{"no answer", transport_failure::timeout}));

  auto reply = client_->send(make("SystemSoftwareVersionGetRequest"));

  ASSERT_FALSE(reply);
  EXPECT_TRUE(is_transport_failure(reply.error(), transport_failure::timeout));
  EXPECT_FALSE(client_->logged_in());
}

TEST_F(ClientTest, UndecodableReplyIsProtocolError) {
  log_in();
  peer_->script.push_back(reply_bytes("<BroadsoftDocument protocol=\"OCI\" xmlns=\"C\"><sessionId"));

  auto reply = client_->send(make("SystemSoftwareVersionGetRequest"));

  ASSERT_FALSE(reply);
  EXPECT_TRUE(is_protocol_error(reply.error())) << describe(reply.error());
}

TEST_F(ClientTest, ReplyWithAnotherSessionIdIsProtocolError) {
  peer_->script.push_back([](const protocol::document&) {
    protocol::document reply;
    reply.session_id = "someone-else";
    reply.commands.push_back(login_response_22v5());
    return result<std::string, error>(protocol::encode(reply, protocol::wire_style::server));
  });

  auto info = client_->login("admin@example.com", "secret");

  ASSERT_FALSE(info);
  const auto* failure = as_protocol_error(info.error());
  ASSERT_NE(failure, nullptr) << describe(info.error());
  EXPECT_THAT(failure->message, ::testing::HasSubstr("sessionId"));
  EXPECT_FALSE(client_->logged_in());
}

TEST_F(ClientTest, ReplyWithTwoCommandsForOneRequestIsProtocolError) {
  log_in();
  peer_->script.push_back(reply_with({protocol::success_response(), protocol::success_response()}));

  auto reply = client_->send(make("VerifySessionIsValidRequest"));

  ASSERT_FALSE(reply);
  EXPECT_TRUE(is_protocol_error(reply.error()));
}

TEST_F(ClientTest, EchoIsSentAndMustComeBack) {
  log_in();
  command request = make("VerifySessionIsValidRequest");
  request.echo = "probe-1";
  command echoed = protocol::success_response();
  echoed.echo = "probe-1";
  peer_->script.push_back(reply_with({echoed}));

  auto reply = client_->send(request, "SuccessResponse");

  ASSERT_TRUE(reply) << describe(reply.error());
  EXPECT_EQ(peer_->sent.back().commands[0].echo, "probe-1");
  EXPECT_EQ(reply.value().echo, "probe-1");
}

TEST_F(ClientTest, ReplyThatDropsTheEchoIsProtocolError) {
  log_in();
  command request = make("VerifySessionIsValidRequest");
  request.echo = "probe-2";
  peer_->script.push_back(reply_with({protocol::success_response()}));

  auto reply = client_->send(request);

  ASSERT_FALSE(reply);
  EXPECT_TRUE(is_protocol_error(reply.error()));
}

TEST_F(ClientTest, SendAllSendsOneDocumentAndMatchesRepliesInOrder) {
  log_in();
  peer_->script.push_back(
      reply_with({make("SystemSoftwareVersionGetResponse", leaves({{"version", "25.0"}})),
                  protocol::error_response::make(4008, "User not found: ghost@example.com").to_command(),
                  protocol::success_response()}));

  auto replies = client_->send_all({make("SystemSoftwareVersionGetRequest"),
                                    make("UserGetRequest22", leaves({{"userId", "ghost@example.com"}})),
                                    make("VerifySessionIsValidRequest")});

  ASSERT_TRUE(replies) << describe(replies.error());
  ASSERT_EQ(peer_->sent.size(), 2U);  // the login, then one document for all three
  const auto& document = peer_->sent[1];
  ASSERT_EQ(document.commands.size(), 3U);
  EXPECT_EQ(document.commands[0].type, "SystemSoftwareVersionGetRequest");
  EXPECT_EQ(document.commands[1].type, "UserGetRequest22");
  EXPECT_EQ(document.commands[2].type, "VerifySessionIsValidRequest");
  ASSERT_EQ(replies.value().size(), 3U);
  ASSERT_TRUE(replies.value()[0]);
  EXPECT_EQ(replies.value()[0].value().field_text("version"), "25.0");
  ASSERT_FALSE(replies.value()[1]);
  EXPECT_EQ(server_error_code(replies.value()[1].error()), 4008);
  ASSERT_TRUE(replies.value()[2]);
  EXPECT_EQ(replies.value()[2].value().type, "SuccessResponse");
}

TEST_F(ClientTest, SendAllWithFewerRepliesThanRequestsIsProtocolError) {
  log_in();
  peer_->script.push_back(reply_with({protocol::success_response(), protocol::success_response()}));

  auto replies = client_->send_all(
      {make("VerifySessionIsValidRequest"), make("AvailabilityTestRequest"), make("VerifySessionIsValidRequest")});

  ASSERT_FALSE(replies);
  const auto* failure = as_protocol_error(replies.error());
  ASSERT_NE(failure, nullptr) << describe(replies.error());
  EXPECT_THAT(failure->message, ::testing::HasSubstr("2 command(s) for 3 request(s)"));
}

TEST_F(ClientTest, SendAllRefusesMoreThanFifteenCommandsWithoutSending) {
  log_in();
  EXPECT_CALL(*transport_, exchange(_, _)).Times(0);

  auto replies = client_->send_all(std::vector<command>(16, make("AvailabilityTestRequest")));

  ASSERT_FALSE(replies);
  EXPECT_TRUE(is_protocol_error(replies.error()));
}

TEST_F(ClientTest, CreateDeviceTokenSendsFieldsInSchemaOrderAndReadsTheToken) {
  log_in();
  peer_->script.push_back(
      reply_with({make("UserSingleSignOnCreateDeviceTokenResponse", leaves({{"deviceToken", "tok-abc123"}}))}));

  auto token = client_->create_device_token(device_token_request{"alice@example.com", "Group", "desk-phone-1"});

  ASSERT_TRUE(token) << describe(token.error());
  EXPECT_EQ(token.value().value, "tok-abc123");
  const auto& sent = peer_->sent.back().commands.at(0);
  EXPECT_EQ(sent.type, "UserSingleSignOnCreateDeviceTokenRequest");
  EXPECT_EQ(sent.fields,
            leaves({{"userId", "alice@example.com"}, {"deviceLevel", "Group"}, {"deviceName", "desk-phone-1"}}));
}

TEST_F(ClientTest, DeviceTokenRefusalIsServerErrorNotToken) {
  log_in();
  peer_->script.push_back(
      reply_with({protocol::error_response::make(4505, "Access Device not found: desk-phone-9").to_command()}));

  auto token = client_->create_device_token(device_token_request{"alice@example.com", "Group", "desk-phone-9"});

  ASSERT_FALSE(token);
  EXPECT_EQ(server_error_code(token.error()), 4505);
}

TEST_F(ClientTest, LogoutAcceptsSuccessResponse) {
  log_in();
  peer_->script.push_back(reply_with({protocol::success_response()}));
  EXPECT_CALL(*transport_, close()).Times(::testing::AtLeast(1));

  auto done = client_->logout();

  ASSERT_TRUE(done) << describe(done.error());
  EXPECT_EQ(peer_->sent.back().commands.at(0).type, "LogoutRequest");
  EXPECT_EQ(peer_->sent.back().commands.at(0).fields, leaves({{"userId", "admin@example.com"}}));
  EXPECT_FALSE(client_->logged_in());
  EXPECT_FALSE(client_->connected());
}

TEST_F(ClientTest, LogoutAcceptsTheServerClosingTheConnection) {
  log_in();
  peer_->script.push_back(fail_with(transport_error{"peer closed the connection", transport_failure::closed}));

  auto done = client_->logout();

  ASSERT_TRUE(done) << describe(done.error());
  EXPECT_FALSE(client_->logged_in());
}

TEST_F(ClientTest, LogoutReportsATimeout) {
  log_in();
  peer_->script.push_back(fail_with(transport_error{"no answer", transport_failure::timeout}));

  auto done = client_->logout();

  ASSERT_FALSE(done);
  EXPECT_TRUE(is_transport_failure(done.error(), transport_failure::timeout));
}

TEST_F(ClientTest, LogoutWithoutLoginSendsNothing) {
  EXPECT_CALL(*transport_, exchange(_, _)).Times(0);

  EXPECT_TRUE(client_->logout());
}

TEST(ClientSessionId, TwoClientsGetDifferentSessionIds) {
  client first(client_options{}, std::make_unique<NiceMock<mock_transport>>());
  client second(client_options{}, std::make_unique<NiceMock<mock_transport>>());

  EXPECT_NE(first.session_id(), second.session_id());
  EXPECT_FALSE(first.session_id().empty());
}

TEST(ClientSessionId, GeneratedIdIsARandomUuid) {
  std::set<std::string> seen;
  for (int round = 0; round < 64; ++round) {
    const auto id = generate_session_id();
    EXPECT_THAT(id, ::testing::MatchesRegex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 64U);
}

TEST(ClientSessionId, GivenSessionIdIsUsedVerbatim) {
  client_options options;
  options.session_id = "host,1700000000000,42";
  client fixed(options, std::make_unique<NiceMock<mock_transport>>());

  EXPECT_EQ(fixed.session_id(), "host,1700000000000,42");
}

// Debug logs carry command names, never credentials, nonces, tokens or the session id.
TEST_F(NonceClientTest, DebugLogCarriesNoSecrets) {
  std::ostringstream captured;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(captured);
  auto previous = spdlog::default_logger();
  auto capture = std::make_shared<spdlog::logger>("capture", sink);
  capture->set_level(spdlog::level::trace);
  spdlog::set_default_logger(capture);

  peer_->script.push_back(reply_with({authentication_response("1234567890123")}));
  peer_->script.push_back(reply_with({login_response_14sp4()}));
  peer_->script.push_back(
      reply_with({make("UserSingleSignOnCreateDeviceTokenResponse", leaves({{"deviceToken", "tok-secret-777"}}))}));
  const bool logged_in = static_cast<bool>(client_->login("admin@example.com", "hunter2pass"));
  const bool got_token =
      static_cast<bool>(client_->create_device_token(device_token_request{"alice@example.com", "Group", "phone"}));
  spdlog::set_default_logger(previous);

  ASSERT_TRUE(logged_in);
  ASSERT_TRUE(got_token);
  const std::string log = captured.str();
  EXPECT_THAT(log, ::testing::HasSubstr("LoginRequest14sp4"));  // the capture works
  EXPECT_EQ(log.find("hunter2pass"), std::string::npos);
  EXPECT_EQ(log.find(protocol::sign_password("hunter2pass", "1234567890123")), std::string::npos);
  EXPECT_EQ(log.find("1234567890123"), std::string::npos);
  EXPECT_EQ(log.find("tok-secret-777"), std::string::npos);
  EXPECT_EQ(log.find(client_->session_id()), std::string::npos);
}

}  // namespace
}  // namespace ocip::client
