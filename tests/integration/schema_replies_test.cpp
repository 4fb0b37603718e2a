// Every reply the mock writes validates against the vendor schema (oci-p.md §9), and a mock started
// with a schema folder answers valid requests as before and invalid ones with the validator's 6004.
// Tests that need the schema set skip where it is absent.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ocip/client/client.hpp"
#include "ocip/mock/dispatcher.hpp"
#include "ocip/mock/scenario.hpp"
#include "ocip/mock/schema.hpp"
#include "ocip/mock/server.hpp"
#include "ocip/protocol/codec.hpp"
#include "ocip/protocol/password.hpp"
#include "raw_socket.hpp"

namespace ocip::testing {
namespace {

using protocol::addressing_kind;
using protocol::command;
using protocol::document;
using protocol::element;
using ::testing::HasSubstr;

bool schema_folder_present() {
  return std::filesystem::is_directory(OCIP_SCHEMA_DIR);
}

std::string schema_absent_message() {
  return std::string("vendor OCI-P schema not found at '") + OCIP_SCHEMA_DIR +
         "'; configure with -DOCIP_SCHEMA_DIR=<folder with OCICommandRoot.xsd> to run this test";
}

/// The vendor set, loaded once for the whole program.
const result<std::shared_ptr<const mock::schema_validator>, std::string>& shared_schema() {
  static const auto loaded = mock::schema_validator::load(OCIP_SCHEMA_DIR);
  return loaded;
}

#define OCIP_NEED_SCHEMA()                   \
  if (!schema_folder_present()) {            \
    GTEST_SKIP() << schema_absent_message(); \
  }                                          \
  ASSERT_TRUE(shared_schema().has_value()) << shared_schema().error()

/// Each reply command that does not validate, with the validator's message and the command.
std::vector<std::string> invalid_replies(const std::vector<command>& replies) {
  std::vector<std::string> problems;
  for (const command& reply : replies) {
    if (auto valid = shared_schema().value()->validate_command(reply); !valid) {
      problems.push_back(reply.type + ": " + valid.error() + "\n" + mock::standalone_command_document(reply));
    }
  }
  return problems;
}

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

command login_22v5(std::string user_id, std::string password) {
  return make_command("LoginRequest22V5", {{"userId", std::move(user_id)}, {"password", std::move(password)}});
}

/// Drives a dispatcher over the default scenario and keeps every reply command it writes.
class reply_collector {
 public:
  reply_collector() : world_(mock::load_default_scenario().initial), tokens_(std::optional<std::uint64_t>{99}) {
    connection_.remote = "127.0.0.1:40000";
    connection_.peer_address = "127.0.0.1";
  }

  /// Sends one document; returns its reply commands (and keeps them).
  std::vector<command> send(const std::string& session, std::vector<command> commands,
                            addressing_kind addressing = addressing_kind::session_id) {
    document request;
    request.addressing = addressing;
    request.session_id = session;
    request.tracking_id = "trk-1";
    request.commands = std::move(commands);
    mock::dispatch_result result = decide_.dispatch(request, connection_);
    if (!result.reply) {
      ADD_FAILURE() << "no reply";
      return {};
    }
    replies_.insert(replies_.end(), result.reply->commands.begin(), result.reply->commands.end());
    return result.reply->commands;
  }

  /// The nonce login flow: AuthenticationRequest, then LoginRequest14sp4 with the signed password.
  std::vector<command> nonce_login(const std::string& session, const std::string& user_id,
                                   const std::string& password) {
    const auto challenge = send(session, {make_command("AuthenticationRequest", {{"userId", user_id}})});
    const std::string nonce(challenge.at(0).field_text("nonce").value_or(""));
    return send(session,
                {make_command("LoginRequest14sp4",
                              {{"userId", user_id}, {"signedPassword", protocol::sign_password(password, nonce)}})});
  }

  mock::world& world() { return world_; }
  mock::dispatcher& decide() { return decide_; }
  [[nodiscard]] const std::vector<command>& replies() const { return replies_; }

 private:
  mock::world world_;
  mock::token_source tokens_;
  mock::dispatcher decide_{world_, tokens_};
  mock::connection_state connection_;
  std::vector<command> replies_;
};

/// Every kind of reply the dispatcher can write, each asserted to be the kind expected.
void drive_every_reply(reply_collector& mock) {
  const auto type_of = [](const std::vector<command>& replies) {
    return replies.empty() ? std::string() : replies[0].type;
  };
  const auto code_of = [](const std::vector<command>& replies) {
    return replies.empty() ? std::nullopt : protocol::error_response::from_command(replies[0]).error_code;
  };

  // Before login.
  EXPECT_EQ(code_of(mock.send("early", {token_request("alice@example.com", "Group", "polycom-01")})), 9100);
  EXPECT_EQ(code_of(mock.send("early", {make_command("AvailabilityTestRequest", {})})), 9100);

  // Both login flows for every kind of login, good and bad.
  const std::vector<std::pair<std::string, std::string>> accounts = {
      {"admin", "password"},
      {"provisioning", "provisioning-lab-pw"},
      {"acme-admin", "acme-admin-lab-pw"},
      {"sales-admin@example.com", "sales-admin-lab-pw"},
      {"globex-admin", "globex-admin-lab-pw"},
      {"alice@example.com", "alice-lab-pw"},
      {"henry@globex.example.com", "henry-lab-pw"},
  };
  for (const auto& [user_id, password] : accounts) {
    EXPECT_EQ(type_of(mock.send("22v5-" + user_id, {login_22v5(user_id, password)})), "LoginResponse22V5") << user_id;
    EXPECT_EQ(type_of(mock.nonce_login("14sp4-" + user_id, user_id, password)), "LoginResponse14sp4") << user_id;
  }
  EXPECT_EQ(type_of(mock.send("plain-14sp4", {make_command("LoginRequest14sp4",
                                                           {{"userId", "admin"}, {"plainTextPassword", "password"}})})),
            "LoginResponse14sp4");
  EXPECT_EQ(code_of(mock.send("bad", {login_22v5("admin", "wrong")})), 4962);
  EXPECT_EQ(code_of(mock.send("bad", {login_22v5("nobody@example.com", "x")})), 4962);
  EXPECT_EQ(code_of(mock.nonce_login("bad-nonce", "admin", "wrong")), 4962);
  // Non-ASCII user ids are echoed in AuthenticationResponse.
  for (const std::string user_id :
       {"M\xC3\xBCller@example.com", "Zo\xC3\xAB@example.com", "\xC5\x81ukasz@example.com"}) {
    EXPECT_EQ(type_of(mock.send("names", {make_command("AuthenticationRequest", {{"userId", user_id}})})),
              "AuthenticationResponse");
  }

  // After login: every request the mock knows, every token case of the default scenario.
  ASSERT_EQ(type_of(mock.send("admin", {login_22v5("admin", "password")})), "LoginResponse22V5");
  EXPECT_EQ(type_of(mock.send("admin", {make_command("SystemSoftwareVersionGetRequest", {})})),
            "SystemSoftwareVersionGetResponse");
  EXPECT_EQ(type_of(mock.send("admin", {make_command("AvailabilityTestRequest", {})})), "SuccessResponse");
  EXPECT_EQ(type_of(mock.send("admin", {make_command("VerifySessionIsValidRequest", {})})), "SuccessResponse");
  const std::string token = "UserSingleSignOnCreateDeviceTokenResponse";
  EXPECT_EQ(type_of(mock.send("admin", {token_request("alice@example.com", "Group", "polycom-01")})), token);
  EXPECT_EQ(type_of(mock.send("admin", {token_request("zoe@example.com", "Service Provider", "acme-lobby-01")})),
            token);
  EXPECT_EQ(type_of(mock.send("admin", {token_request("frank@example.com", "System", "sys-hotdesk-01")})), token);
  EXPECT_EQ(type_of(mock.send("admin", {token_request("pbx@example.com", "Group", "sbc-01")})), token);
  EXPECT_EQ(code_of(mock.send("admin", {token_request("bob@example.com", "Group", "polycom-01")})), 9101);
  EXPECT_EQ(code_of(mock.send("admin", {token_request("carol@example.com", "Group", "polycom-locked-01")})), 9102);
  EXPECT_EQ(code_of(mock.send("admin", {token_request("dave@example.com", "Group", "ata-01")})), 9103);
  EXPECT_EQ(code_of(mock.send("admin", {token_request("erin@example.com", "Group", "legacy-01")})), 9103);
  EXPECT_EQ(code_of(mock.send("admin", {token_request("ghost@example.com", "Group", "polycom-01")})), 4008);
  EXPECT_EQ(code_of(mock.send("admin", {token_request("alice@example.com", "Group", "no-such-device")})), 4505);
  EXPECT_EQ(code_of(mock.send("admin", {token_request("alice@example.com", "Planet", "polycom-01")})), 6004);
  EXPECT_EQ(code_of(mock.send("admin", {make_command("UserSingleSignOnCreateDeviceTokenRequest", {{"userId", "x"}})})),
            6004);
  EXPECT_EQ(code_of(mock.send("admin", {make_command("GroupFrobnicateRequest", {})})), 6004);
  EXPECT_EQ(code_of(mock.send("admin", std::vector<command>(16, make_command("AvailabilityTestRequest", {})))), 6004);
  ASSERT_EQ(type_of(mock.send("sales", {login_22v5("sales-admin@example.com", "sales-admin-lab-pw")})),
            "LoginResponse22V5");
  EXPECT_EQ(code_of(mock.send("sales", {token_request("grace@example.com", "Group", "polycom-11")})), 5404);

  // Scenario overrides of the refusals, with characters that need escaping.
  mock.world().mock.sso_errors[mock::sso_refusal::device_locked] = {9902, "Device <{device_name}> & \"locked\""};
  EXPECT_EQ(code_of(mock.send("admin", {token_request("carol@example.com", "Group", "polycom-locked-01")})), 9902);

  // Session-less documents: untrusted, then trusted.
  EXPECT_EQ(
      code_of(mock.send("alice@example.com", {make_command("AvailabilityTestRequest", {})}, addressing_kind::user_id)),
      5404);
  mock.world().mock.trusted_addresses = {"127.0.0.1"};
  EXPECT_EQ(type_of(mock.send("alice@example.com", {token_request("alice@example.com", "Group", "polycom-01")},
                              addressing_kind::user_id)),
            token);
  EXPECT_EQ(
      code_of(mock.send("+12025550123", {make_command("AvailabilityTestRequest", {})}, addressing_kind::phone_number)),
      4008);

  // Logout, in every behaviour that writes a reply.
  EXPECT_EQ(type_of(mock.send("admin", {make_command("LogoutRequest", {{"userId", "admin"}})})), "SuccessResponse");
  mock.world().mock.logout = mock::logout_behaviour::reply_then_close;
  ASSERT_EQ(type_of(mock.send("admin", {login_22v5("admin", "password")})), "LoginResponse22V5");
  EXPECT_EQ(type_of(mock.send("admin", {make_command("LogoutRequest", {{"userId", "admin"}})})), "SuccessResponse");
}

TEST(SchemaReplies, EveryReplyTheDispatcherWritesValidates) {
  OCIP_NEED_SCHEMA();
  reply_collector mock;
  drive_every_reply(mock);
  EXPECT_GT(mock.replies().size(), 50U);
  for (const auto& problem : invalid_replies(mock.replies())) {
    ADD_FAILURE() << problem;
  }
}

TEST(SchemaReplies, RepliesOfAValidatingDispatcherValidateToo) {
  OCIP_NEED_SCHEMA();
  reply_collector mock;
  mock.decide().set_schema_validator(shared_schema().value());
  drive_every_reply(mock);
  // The validator's own 6004 details (quotes, braces, several lines) are valid ErrorResponses.
  const auto refused = mock.send("admin", {token_request("alice@example.com", "Planet", std::string(41, 'x'))});
  ASSERT_EQ(refused.size(), 1U);
  EXPECT_THAT(std::string(refused[0].field_text("detail").value_or("")), HasSubstr("\nElement 'deviceName'"));
  for (const auto& problem : invalid_replies(mock.replies())) {
    ADD_FAILURE() << problem;
  }
}

TEST(SchemaReplies, LoginOfAUserWhoseDomainIsTooLongForUserDomainStillValidates) {
  OCIP_NEED_SCHEMA();
  reply_collector mock;
  mock::user& alice = *mock.world().find_user("alice@example.com");
  alice.id = "alice@" + std::string(100, 'd') + ".example.com";  // 161 characters at most, as the schema allows
  const auto replies = mock.send("long", {login_22v5(alice.id, "alice-lab-pw")});
  ASSERT_EQ(replies.size(), 1U);
  EXPECT_EQ(replies[0].field_text("userDomain"), "example.com");  // the group's domain instead
  EXPECT_TRUE(invalid_replies(replies).empty());
}

// ---- the mock started with a schema folder -------------------------------------------------------

/// The in-process mock on the default scenario with these options, served on its own thread.
class mock_with_options {
 public:
  explicit mock_with_options(mock::server_options options) {
    options.tcp = {"127.0.0.1", 0};
    options.idle_timeout = std::chrono::seconds(20);
    server_.emplace(mock::load_default_scenario(), std::move(options));
    started_ = server_->start();
    if (started_) {
      thread_ = std::thread([this] { server_->run(); });
    }
  }
  ~mock_with_options() {
    server_->stop();
    if (thread_.joinable()) {
      thread_.join();
    }
  }
  mock_with_options(const mock_with_options&) = delete;
  mock_with_options& operator=(const mock_with_options&) = delete;

  [[nodiscard]] const result<void, std::string>& started() const { return started_; }
  [[nodiscard]] std::uint16_t port() const { return server_->tcp_endpoint().port; }

 private:
  std::optional<mock::server> server_;
  result<void, std::string> started_ = outcome::success();
  std::thread thread_;
};

mock::server_options validating() {
  mock::server_options options;
  options.schema_dir = OCIP_SCHEMA_DIR;
  return options;
}

client::client_options client_for(std::uint16_t port, client::login_flow flow) {
  client::client_options options;
  options.port = port;
  options.connect_timeout = std::chrono::seconds(2);
  options.command_timeout = std::chrono::seconds(5);
  options.flow = flow;
  return options;
}

/// What the client sees of a login, a token and three refusals: the same with and without validation.
struct observed {
  std::vector<std::string> facts;
};

observed drive_client(std::uint16_t port) {
  observed seen;
  for (const auto flow : {client::login_flow::login_22v5, client::login_flow::nonce}) {
    client::client admin(client_for(port, flow));
    const auto info = admin.login("admin", "password");
    if (!info) {
      seen.facts.push_back("login failed: " + client::describe(info.error()));
      continue;
    }
    seen.facts.push_back(info.value().response_type + " " + info.value().login_type + " " + info.value().user_domain);
    const auto token = admin.create_device_token({"alice@example.com", "Group", "polycom-01"});
    seen.facts.push_back(token ? "token of " + std::to_string(token.value().value.size())
                               : client::describe(token.error()));
    for (const auto& [user_id, device] :
         {std::pair{"bob@example.com", "polycom-01"}, std::pair{"carol@example.com", "polycom-locked-01"},
          std::pair{"dave@example.com", "ata-01"}}) {
      const auto refused = admin.create_device_token({user_id, "Group", device});
      seen.facts.push_back(refused ? "token" : client::describe(refused.error()));
    }
    seen.facts.push_back(admin.logout() ? "logged out" : "logout failed");
  }
  return seen;
}

TEST(SchemaReplies, ValidatingMockAnswersTheConformanceCasesUnchanged) {
  OCIP_NEED_SCHEMA();
  mock_with_options plain({});
  mock_with_options checked(validating());
  ASSERT_TRUE(plain.started()) << plain.started().error();
  ASSERT_TRUE(checked.started()) << checked.started().error();
  const observed without = drive_client(plain.port());
  const observed with = drive_client(checked.port());
  EXPECT_EQ(with.facts, without.facts);
  ASSERT_EQ(with.facts.size(), 12U);
  EXPECT_EQ(with.facts[0], "LoginResponse22V5 System localhost");
  EXPECT_EQ(with.facts[1], "token of 64");
  EXPECT_THAT(with.facts[3], HasSubstr("9102"));
  EXPECT_EQ(with.facts[6], "LoginResponse14sp4 System localhost");
}

/// The bytes of a fixture in tests/data, exactly as stored.
std::string fixture(std::string_view name) {
  std::ifstream file(std::string(OCIP_TEST_DATA_DIR) + "/" + std::string(name), std::ios::binary);
  EXPECT_TRUE(file.good()) << "cannot read fixture " << name;
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

/// The commands of every reply document in a stream of replies.
std::vector<command> decoded_commands(const std::string& stream) {
  std::vector<command> commands;
  constexpr std::string_view end = "</BroadsoftDocument>\n";
  std::size_t start = 0;
  for (std::size_t at = stream.find(end); at != std::string::npos; at = stream.find(end, start)) {
    auto doc = protocol::decode(std::string_view(stream).substr(start, at + end.size() - start));
    EXPECT_TRUE(doc) << doc.error().message;
    if (doc) {
      commands.insert(commands.end(), doc.value().commands.begin(), doc.value().commands.end());
    }
    start = at + end.size();
  }
  return commands;
}

TEST(SchemaReplies, ValidatingMockRefusesInvalidRequestsWithTheValidatorsMessage) {
  OCIP_NEED_SCHEMA();
  mock_with_options checked(validating());
  ASSERT_TRUE(checked.started()) << checked.started().error();
  raw_socket peer(checked.port());
  ASSERT_TRUE(peer.connected());
  ASSERT_TRUE(peer.send(fixture("variant_login_22v5.xml")));
  ASSERT_TRUE(peer.send(fixture("variant_schema_invalid_token_request.xml")));
  const std::string stream = peer.read_documents(2);
  const std::string head =
      "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<BroadsoftDocument protocol=\"OCI\" xmlns=\"C\" "
      "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><sessionId xmlns=\"\">wire-variants-1</sessionId>";
  const std::string summary = "[Error 6004] OCI XML Request validation error";
  const auto error = [&](std::string_view echo, std::string_view detail) {
    return "<command type=\"Error\" echo=\"" + std::string(echo) +
           "\" xsi:type=\"c:ErrorResponse\" xmlns:c=\"C\" xmlns=\"\"><summary>" + summary +
           "</summary><summaryEnglish>" + summary + "</summaryEnglish><detail>" + std::string(detail) +
           "</detail></command>";
  };
  const std::string login_reply =
      head +
      "<command echo=\"\" xsi:type=\"LoginResponse22V5\" xmlns=\"\"><loginType>System</loginType><locale>en_US</locale>"
      "<encoding>ISO-8859-1</encoding><isEnterprise>false</isEnterprise><userDomain>localhost</userDomain></command>"
      "</BroadsoftDocument>\n";
  EXPECT_EQ(stream,
            login_reply + head +
                error("long",
                      "Element 'deviceName': [facet 'maxLength'] The value has a length of '41'; this exceeds the "
                      "allowed maximum length of '40'.") +
                error("planet",
                      "Element 'deviceLevel': [facet 'enumeration'] The value 'Planet' is not an element of the set "
                      "{'System', 'Service Provider', 'Group'}.") +
                "</BroadsoftDocument>\n");
  for (const auto& problem : invalid_replies(decoded_commands(stream))) {
    ADD_FAILURE() << problem;
  }
}

TEST(SchemaReplies, StartReportsASchemaFolderThatDoesNotLoad) {
  mock::server_options options;
  options.schema_dir = "/nonexistent/ocip-schema";
  mock_with_options broken(options);
  ASSERT_FALSE(broken.started());
  EXPECT_EQ(broken.started().error(), "schema: schema folder '/nonexistent/ocip-schema' does not exist");
}

}  // namespace
}  // namespace ocip::testing
