// The conformance cases. Each name starts with a stable id (LOGIN01, DOC02, SSO05, …) that reports
// and target files may refer to; ids are never reused for a different check.
#include <memory>
#include <random>

#include <gtest/gtest.h>

#include "ocip/client/client.hpp"
#include "ocip/protocol/codec.hpp"
#include "suite.hpp"

namespace ocip::conformance {
namespace {

using client::login_flow;
using protocol::command;
using protocol::element;

std::string random_suffix() {
  std::random_device source;
  return std::to_string(source()) + std::to_string(source());
}

/// Every case runs once per transport of the target (the parameter: tcp, tls, soap or soaps).
class Conformance : public ::testing::TestWithParam<std::string> {
 protected:
  static client::client_options options_for(login_flow flow) {
    const target& t = current_target();
    const std::string& transport = GetParam();
    client::client_options options;
    options.host = t.host;
    options.port = t.ports.count(transport) != 0U ? t.ports.at(transport) : t.port;
    options.transport = transport == "tls"     ? client::transport_kind::tls
                        : transport == "soap"  ? client::transport_kind::soap
                        : transport == "soaps" ? client::transport_kind::soaps
                                               : client::transport_kind::tcp;
    options.tls.ca_file = t.ca_file;
    options.tls.server_name = t.server_name;
    options.tls.verify_peer = t.verify_peer;
    options.soap_path = t.soap_path;
    options.connect_timeout = t.connect_timeout;
    options.command_timeout = t.command_timeout;
    options.flow = flow;
    return options;
  }

  /// A client logged in as the target's administrator (who asks for the tokens).
  void SetUp() override {
    admin_ = std::make_unique<client::client>(options_for(login_flow::login_22v5));
    const auto logged_in = admin_->login(current_target().admin.user_id, current_target().admin.password);
    ASSERT_TRUE(logged_in) << "administrator login: " << client::describe(logged_in.error());
  }

  void TearDown() override {
    if (admin_) {
      (void)admin_->logout();
    }
  }

  result<client::device_token, client::error> token_for(const std::string& user_id, const device_ref& device) {
    return admin_->create_device_token({user_id, device.level, device.name});
  }

  /// The reply must be an ErrorResponse (not a token, not a broken exchange), with `code` when known.
  static void expect_refused(const result<client::device_token, client::error>& reply, std::optional<int> code) {
    ASSERT_FALSE(reply) << "expected an ErrorResponse, got a device token";
    ASSERT_TRUE(client::is_server_error(reply.error())) << client::describe(reply.error());
    if (code) {
      EXPECT_EQ(client::server_error_code(reply.error()), code) << client::describe(reply.error());
    }
  }

  static void expect_token(const result<client::device_token, client::error>& reply) {
    ASSERT_TRUE(reply) << client::describe(reply.error());
    EXPECT_FALSE(reply.value().value.empty());
  }

  std::unique_ptr<client::client> admin_;
};

TEST_P(Conformance, LOGIN01_Login22V5WithGoodPasswordIsAccepted) {
  client::client fresh(options_for(login_flow::login_22v5));
  const auto info = fresh.login(current_target().admin.user_id, current_target().admin.password);
  ASSERT_TRUE(info) << client::describe(info.error());
  EXPECT_EQ(info.value().response_type, "LoginResponse22V5");
  EXPECT_FALSE(info.value().login_type.empty());
  EXPECT_FALSE(info.value().user_domain.empty());
}

TEST_P(Conformance, LOGIN02_Login22V5WithBadPasswordIsRefusedWith4962) {
  client::client fresh(options_for(login_flow::login_22v5));
  const auto info = fresh.login(current_target().admin.user_id, current_target().admin.password + "-wrong");
  ASSERT_FALSE(info);
  ASSERT_TRUE(client::is_server_error(info.error())) << client::describe(info.error());
  EXPECT_EQ(client::server_error_code(info.error()), 4962);
}

TEST_P(Conformance, LOGIN03_NonceLoginWithGoodPasswordIsAccepted) {
  client::client fresh(options_for(login_flow::nonce));
  const auto info = fresh.login(current_target().admin.user_id, current_target().admin.password);
  ASSERT_TRUE(info) << client::describe(info.error());
  EXPECT_EQ(info.value().response_type, "LoginResponse14sp4");
  EXPECT_FALSE(info.value().login_type.empty());
}

TEST_P(Conformance, LOGIN04_NonceLoginWithBadPasswordIsRefusedWith4962) {
  client::client fresh(options_for(login_flow::nonce));
  const auto info = fresh.login(current_target().admin.user_id, "wrong-" + current_target().admin.password);
  ASSERT_FALSE(info);
  ASSERT_TRUE(client::is_server_error(info.error())) << client::describe(info.error());
  EXPECT_EQ(client::server_error_code(info.error()), 4962);
}

TEST_P(Conformance, DOC01_SessionIdEchoAndTrackingIdAreEchoedVerbatim) {
  // Raw exchange over the transport, so nothing in the client hides what the server wrote.
  const target& t = current_target();
  const client::client_options options = options_for(login_flow::login_22v5);
  const std::unique_ptr<client::transport> raw = client::make_transport(options);
  ASSERT_TRUE(raw->connect(t.connect_timeout));
  protocol::document request;
  request.session_id = "conformance," + random_suffix() + ",Zoë";
  request.tracking_id = "conformance-track-" + random_suffix();
  command authenticate{
      "AuthenticationRequest", std::string("echo <&> 1"), {element::leaf("userId", t.admin.user_id)}, {}};
  request.commands = {authenticate};
  const auto reply_bytes = raw->exchange(protocol::encode(request, protocol::wire_style::client), t.command_timeout);
  ASSERT_TRUE(reply_bytes) << client::describe(reply_bytes.error());
  const auto reply = protocol::decode(reply_bytes.value());
  ASSERT_TRUE(reply) << reply.error().message;
  EXPECT_EQ(reply.value().session_id, request.session_id);
  EXPECT_EQ(reply.value().tracking_id, request.tracking_id);
  ASSERT_EQ(reply.value().commands.size(), 1U);
  EXPECT_EQ(reply.value().commands[0].type, "AuthenticationResponse");
  EXPECT_EQ(reply.value().commands[0].echo, "echo <&> 1");
}

TEST_P(Conformance, DOC02_SeveralCommandsInOneDocumentAreAnsweredInOrder) {
  command version{"SystemSoftwareVersionGetRequest", std::string("first"), {}, {}};
  command refused = client::device_token_request{current_target().unknown_user, "Group", "x"}.to_command();
  refused.echo = "second";
  command verify{"VerifySessionIsValidRequest", std::string("third"), {}, {}};
  const auto replies = admin_->send_all({version, refused, verify});
  ASSERT_TRUE(replies) << client::describe(replies.error());
  ASSERT_EQ(replies.value().size(), 3U);
  ASSERT_TRUE(replies.value()[0]) << client::describe(replies.value()[0].error());
  EXPECT_EQ(replies.value()[0].value().type, "SystemSoftwareVersionGetResponse");
  EXPECT_EQ(replies.value()[0].value().echo, "first");
  ASSERT_FALSE(replies.value()[1]);
  EXPECT_TRUE(client::is_server_error(replies.value()[1].error()));
  ASSERT_TRUE(replies.value()[2]) << client::describe(replies.value()[2].error());
  EXPECT_EQ(replies.value()[2].value().type, "SuccessResponse");
  EXPECT_EQ(replies.value()[2].value().echo, "third");
}

TEST_P(Conformance, DOC03_UnknownCommandIsRefusedWith6004) {
  const auto reply = admin_->send(command{"ConformanceNoSuchRequest", std::nullopt, {}, {}});
  ASSERT_FALSE(reply);
  ASSERT_TRUE(client::is_server_error(reply.error())) << client::describe(reply.error());
  EXPECT_EQ(client::server_error_code(reply.error()), 6004);
}

TEST_P(Conformance, SSO01_OwnerOfALinePortGetsAToken) {
  const target& t = current_target();
  expect_token(token_for(t.owner.user_id, t.owner.device));
}

TEST_P(Conformance, SSO02_TwoTokensDiffer) {
  const target& t = current_target();
  const auto first = token_for(t.owner.user_id, t.owner.device);
  const auto second = token_for(t.owner.user_id, t.owner.device);
  ASSERT_TRUE(first && second);
  EXPECT_NE(first.value().value, second.value().value);
}

TEST_P(Conformance, SSO03_UserWithoutLinePortOnTheDeviceIsRefused) {
  const target& t = current_target();
  expect_refused(token_for(t.non_owner, t.owner.device), t.no_line_port_code);
}

TEST_P(Conformance, SSO04_TrunkUserOnTheTrunkDeviceGetsAToken) {
  const target& t = current_target();
  expect_token(token_for(t.trunk_user.user_id, t.trunk_user.device));
}

TEST_P(Conformance, SSO05_LockedDeviceIsRefused) {
  const target& t = current_target();
  expect_refused(token_for(t.locked.user_id, t.locked.device), t.device_locked_code);
}

TEST_P(Conformance, SSO06_DeviceTypeWithoutDeviceManagementIsRefused) {
  const target& t = current_target();
  expect_refused(token_for(t.no_device_management.user_id, t.no_device_management.device), t.no_device_management_code);
}

TEST_P(Conformance, SSO07_UnknownUserIsRefusedWith4008) {
  const target& t = current_target();
  expect_refused(token_for(t.unknown_user, t.owner.device), 4008);
}

TEST_P(Conformance, SSO08_UnknownDeviceIsRefusedWith4505) {
  const target& t = current_target();
  expect_refused(token_for(t.owner.user_id, {t.owner.device.level, t.unknown_device}), 4505);
}

TEST_P(Conformance, SSO09_OwnDeviceAtTheWrongLevelIsRefusedWith4505) {
  const target& t = current_target();
  const std::string other_level = t.owner.device.level == "System" ? "Group" : "System";
  expect_refused(token_for(t.owner.user_id, {other_level, t.owner.device.name}), 4505);
}

TEST_P(Conformance, SCOPE01_AdministratorOutsideTheUsersScopeIsRefusedWith5404) {
  const target& t = current_target();
  client::client outsider(options_for(login_flow::login_22v5));
  const auto logged_in = outsider.login(t.out_of_scope_admin.user_id, t.out_of_scope_admin.password);
  ASSERT_TRUE(logged_in) << client::describe(logged_in.error());
  const auto reply = outsider.create_device_token({t.owner.user_id, t.owner.device.level, t.owner.device.name});
  ASSERT_FALSE(reply) << "an out-of-scope administrator got a token";
  ASSERT_TRUE(client::is_server_error(reply.error())) << client::describe(reply.error());
  EXPECT_EQ(client::server_error_code(reply.error()), 5404);
  (void)outsider.logout();
}

INSTANTIATE_TEST_SUITE_P(Over, Conformance, ::testing::ValuesIn(current_target().transports),
                         [](const ::testing::TestParamInfo<std::string>& transport) { return transport.param; });

}  // namespace
}  // namespace ocip::conformance
