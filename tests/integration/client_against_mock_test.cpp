// The client library against the in-process mock over TCP.
#include <gtest/gtest.h>

#include "mock_fixture.hpp"
#include "ocip/client/client.hpp"

namespace ocip::testing {
namespace {

client::client_options options_for(std::uint16_t port, client::login_flow flow = client::login_flow::login_22v5) {
  client::client_options options;
  options.port = port;
  options.connect_timeout = std::chrono::seconds(2);
  options.command_timeout = std::chrono::seconds(5);
  options.flow = flow;
  return options;
}

/// The same client behaviour over every transport the mock serves.
class ClientOverEveryTransport : public ::testing::TestWithParam<client::transport_kind> {
 protected:
  client::client_options options(client::login_flow flow = client::login_flow::login_22v5) const {
    client::client_options result = options_for(0, flow);
    switch (GetParam()) {
      case client::transport_kind::tcp:
        result.port = mock_.port("tcp");
        break;
      case client::transport_kind::tls:
        result.port = mock_.port("tls");
        break;
      case client::transport_kind::soap:
      case client::transport_kind::soaps:
        result.port = mock_.port("http");
        break;
    }
    result.transport = GetParam();
    result.tls.ca_file = mock_.certificate_file();
    result.tls.server_name = "localhost";
    return result;
  }

  running_mock mock_;
};

TEST_P(ClientOverEveryTransport, BothLoginFlowsWorkAndReportTheLogin) {
  client::client plain(options());
  const auto info = plain.login("sales-admin@example.com", "sales-admin-lab-pw");
  ASSERT_TRUE(info) << client::describe(info.error());
  EXPECT_EQ(info.value().login_type, "Group");
  EXPECT_EQ(info.value().group_id, "sales");
  EXPECT_EQ(info.value().service_provider_id, "acme");
  EXPECT_TRUE(info.value().is_enterprise);

  client::client nonce(options(client::login_flow::nonce));
  const auto signed_in = nonce.login("admin", "password");
  ASSERT_TRUE(signed_in) << client::describe(signed_in.error());
  EXPECT_EQ(signed_in.value().response_type, "LoginResponse14sp4");
  EXPECT_EQ(signed_in.value().login_type, "System");
}

TEST_P(ClientOverEveryTransport, UserLoginGetsItsOwnTokenAndLogsOut) {
  client::client alice(options());
  ASSERT_TRUE(alice.login("alice@example.com", "alice-lab-pw"));
  const auto token = alice.create_device_token({"alice@example.com", "Group", "polycom-01"});
  ASSERT_TRUE(token) << client::describe(token.error());
  EXPECT_EQ(token.value().value.size(), 64U);
  const auto someone_else = alice.create_device_token({"bob@example.com", "Group", "polycom-02"});
  ASSERT_FALSE(someone_else);
  EXPECT_EQ(client::server_error_code(someone_else.error()), 5404);
  EXPECT_TRUE(alice.logout());
}

TEST_P(ClientOverEveryTransport, ServiceProviderAndSystemDevicesGiveTokens) {
  client::client admin(options());
  ASSERT_TRUE(admin.login("admin", "password"));
  EXPECT_TRUE(admin.create_device_token({"zoe@example.com", "Service Provider", "acme-lobby-01"}));
  EXPECT_TRUE(admin.create_device_token({"frank@example.com", "System", "sys-hotdesk-01"}));
  const auto legacy = admin.create_device_token({"erin@example.com", "Group", "legacy-01"});
  ASSERT_FALSE(legacy);
  EXPECT_EQ(client::server_error_code(legacy.error()), 9103);
}

TEST_P(ClientOverEveryTransport, ErrorResponseIsAServerErrorWithTheCodeFromTheSummary) {
  client::client admin(options());
  const auto refused = admin.login("admin", "not-the-password");
  ASSERT_FALSE(refused);
  const client::server_error* server = client::as_server_error(refused.error());
  ASSERT_NE(server, nullptr) << client::describe(refused.error());
  EXPECT_EQ(server->response.error_code, 4962);
  EXPECT_EQ(server->response.summary, "[Error 4962] Invalid password");
}

TEST_P(ClientOverEveryTransport, SeveralCommandsInOneDocumentComeBackInOrder) {
  client::client admin(options());
  ASSERT_TRUE(admin.login("admin", "password"));
  const auto replies =
      admin.send_all({client::device_token_request{"alice@example.com", "Group", "polycom-01"}.to_command(),
                      client::device_token_request{"carol@example.com", "Group", "polycom-locked-01"}.to_command(),
                      protocol::command{"SystemSoftwareVersionGetRequest", std::nullopt, {}, {}}});
  ASSERT_TRUE(replies) << client::describe(replies.error());
  ASSERT_EQ(replies.value().size(), 3U);
  EXPECT_TRUE(replies.value()[0]);
  ASSERT_FALSE(replies.value()[1]);
  EXPECT_EQ(client::server_error_code(replies.value()[1].error()), 9102);
  ASSERT_TRUE(replies.value()[2]);
  EXPECT_EQ(replies.value()[2].value().field_text("version"), "25.0");
}

INSTANTIATE_TEST_SUITE_P(Over, ClientOverEveryTransport,
                         ::testing::Values(client::transport_kind::tcp, client::transport_kind::tls,
                                           client::transport_kind::soap),
                         [](const ::testing::TestParamInfo<client::transport_kind>& kind) {
                           switch (kind.param) {
                             case client::transport_kind::tcp:
                               return std::string("tcp");
                             case client::transport_kind::tls:
                               return std::string("tls");
                             case client::transport_kind::soap:
                               return std::string("soap");
                             case client::transport_kind::soaps:
                               return std::string("soaps");
                           }
                           return std::string("unknown");
                         });

TEST(ClientAgainstMock, CommandBeforeLoginIsAServerError) {
  running_mock mock;
  client::client anonymous(options_for(mock.port()));
  ASSERT_TRUE(anonymous.connect());
  const auto reply = anonymous.send(protocol::command{"VerifySessionIsValidRequest", std::nullopt, {}, {}});
  ASSERT_FALSE(reply);
  EXPECT_EQ(client::server_error_code(reply.error()), 9100);
}

TEST(ClientAgainstMock, CloseBeforeLoginIsATransportErrorNotALoginFailure) {
  running_mock mock(R"yaml(
version: 1
name: closes before login
mock:
  before_login: close_connection
)yaml");
  client::client anonymous(options_for(mock.port()));
  ASSERT_TRUE(anonymous.connect());
  const auto reply = anonymous.send(protocol::command{"VerifySessionIsValidRequest", std::nullopt, {}, {}});
  ASSERT_FALSE(reply);
  EXPECT_TRUE(client::is_transport_failure(reply.error(), client::transport_failure::closed))
      << client::describe(reply.error());
}

TEST(ClientAgainstMock, NothingListeningIsAConnectFailure) {
  std::uint16_t port = 0;
  {
    running_mock mock;  // learn a free port, then let it go
    port = mock.port();
  }
  client::client lonely(options_for(port));
  const auto result = lonely.login("admin", "password");
  ASSERT_FALSE(result);
  EXPECT_TRUE(client::is_transport_failure(result.error(), client::transport_failure::connect_failed))
      << client::describe(result.error());
}

TEST(ClientAgainstMock, SeededScenarioGivesTheSameTokensInEveryRun) {
  constexpr std::string_view seeded = R"yaml(
version: 1
name: seeded
device_types:
  - {name: Phone, configuration_option: device_management}
service_providers:
  - id: sp
    groups:
      - id: g
        user_domain: example.com
        devices:
          - {name: phone-1, type: Phone}
        users:
          - id: u@example.com
            password: u-pw
            line_ports:
              - {device: phone-1, line_port: u_1@example.com}
mock:
  token_seed: 2026
)yaml";
  std::vector<std::string> tokens;
  for (int run = 0; run < 2; ++run) {
    running_mock mock(seeded);
    client::client user(options_for(mock.port()));
    ASSERT_TRUE(user.login("u@example.com", "u-pw"));
    const auto token = user.create_device_token({"u@example.com", "Group", "phone-1"});
    ASSERT_TRUE(token) << client::describe(token.error());
    tokens.push_back(token.value().value);
  }
  EXPECT_EQ(tokens[0], tokens[1]);
}

}  // namespace
}  // namespace ocip::testing
