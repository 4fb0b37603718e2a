// The request journal: what it keeps of each exchange, what it hides, how it is bounded and queried.
#include "ocip/mock/journal.hpp"

#include <gtest/gtest.h>

#include "ocip/mock/dispatcher.hpp"
#include "test_world.hpp"

namespace ocip::mock {
namespace {

using protocol::command;
using protocol::document;
using protocol::element;

command make_command(std::string type, const std::vector<std::pair<std::string, std::string>>& fields) {
  command cmd{std::move(type), std::nullopt, {}, {}};
  for (const auto& [name, text] : fields) {
    cmd.fields.push_back(element::leaf(name, text));
  }
  return cmd;
}

command token_request(const std::string& device_name) {
  return make_command("UserSingleSignOnCreateDeviceTokenRequest",
                      {{"userId", "alice@acme.example.com"}, {"deviceLevel", "Group"}, {"deviceName", device_name}});
}

TEST(JournalRedaction, PasswordsAndTokensAreHiddenAtEveryDepth) {
  command add = make_command("GroupAccessDeviceAddRequest14", {{"deviceName", "desk-9"}});
  add.fields.push_back(element::parent("accessDeviceCredentials",
                                       {element::leaf("userName", "dm-user"), element::leaf("password", "dm-secret")}));
  add.fields.push_back(element::leaf("mobilityManagerProvisioningPassword", "mm-secret"));
  const command hidden = redact(add);
  EXPECT_EQ(hidden.field_text("deviceName"), "desk-9");
  EXPECT_EQ(hidden.field("accessDeviceCredentials")->child_text("userName"), "dm-user");
  EXPECT_EQ(hidden.field("accessDeviceCredentials")->child_text("password"), redacted_text);
  EXPECT_EQ(hidden.field_text("mobilityManagerProvisioningPassword"), redacted_text);

  const command login = redact(make_command("LoginRequest14sp4", {{"userId", "admin"}, {"signedPassword", "77e4a6"}}));
  EXPECT_EQ(login.field_text("userId"), "admin");
  EXPECT_EQ(login.field_text("signedPassword"), redacted_text);
  const command token = redact(make_command("UserSingleSignOnCreateDeviceTokenResponse", {{"deviceToken", "abc"}}));
  EXPECT_EQ(token.field_text("deviceToken"), redacted_text);
}

TEST(JournalRedaction, NamesThatAreNotSecretsStay) {
  EXPECT_FALSE(is_secret_element("nonce"));
  EXPECT_FALSE(is_secret_element("userId"));
  EXPECT_FALSE(is_secret_element("tokenRevocationTime"));
  EXPECT_TRUE(is_secret_element("plainTextPassword"));
  EXPECT_TRUE(is_secret_element("loginToken"));
}

TEST(JournalSessions, SessionIdsAreShownAsAStableShortDigest) {
  const std::string digest = session_digest("my-secret-session-id");
  EXPECT_EQ(digest, session_digest("my-secret-session-id"));
  EXPECT_NE(digest, session_digest("another-session-id"));
  EXPECT_EQ(digest.rfind("sha256:", 0), 0U);
  EXPECT_EQ(digest.size(), std::string("sha256:").size() + 12);
  EXPECT_EQ(digest.find("secret"), std::string::npos);
}

class JournalTest : public ::testing::Test {
 protected:
  JournalTest() {
    connection_.id = 7;
    connection_.transport = "tls";
    connection_.remote = "127.0.0.1:50000";
    decide_.set_observer([this](const document& request, const connection_state& connection,
                                const dispatch_result& result,
                                std::chrono::microseconds took) { log_.record(request, connection, result, took); });
  }

  void send(std::vector<command> commands, std::string session = "session-1") {
    document doc;
    doc.session_id = std::move(session);
    doc.commands = std::move(commands);
    (void)decide_.dispatch(doc, connection_);
  }

  void login_alice() {
    send({make_command("LoginRequest22V5", {{"userId", "alice@acme.example.com"}, {"password", "alice-pass"}})});
  }

  world world_ = testing::make_test_world();
  token_source tokens_{std::optional<std::uint64_t>{3}};
  dispatcher decide_{world_, tokens_};
  connection_state connection_;
  journal log_{4};
};

TEST_F(JournalTest, AnExchangeIsKeptWithItsConnectionLoginAndRedactedReply) {
  login_alice();
  send({token_request("desk-alice")});
  const auto entries = log_.select({});
  ASSERT_EQ(entries.size(), 2U);
  const journal_entry& login = *entries[0];
  EXPECT_EQ(login.id, 1U);
  EXPECT_EQ(login.connection, 7U);
  EXPECT_EQ(login.transport, "tls");
  EXPECT_EQ(login.remote, "127.0.0.1:50000");
  EXPECT_EQ(login.addressed_as, "session " + session_digest("session-1"));
  ASSERT_EQ(login.commands.size(), 1U);
  EXPECT_EQ(login.commands[0].login_user, "");  // not logged in when the login arrived
  EXPECT_EQ(login.commands[0].request.field_text("password"), redacted_text);
  ASSERT_TRUE(login.commands[0].reply);
  EXPECT_EQ(login.commands[0].reply->type, "LoginResponse22V5");

  const journal_entry& token = *entries[1];
  EXPECT_EQ(token.id, 2U);
  EXPECT_EQ(token.commands[0].login_user, "alice@acme.example.com");
  EXPECT_EQ(token.commands[0].state, "started");
  ASSERT_TRUE(token.commands[0].reply);
  EXPECT_EQ(token.commands[0].reply->type, "UserSingleSignOnCreateDeviceTokenResponse");
  EXPECT_EQ(token.commands[0].reply->field_text("deviceToken"), redacted_text);
  EXPECT_FALSE(token.failure);
}

TEST_F(JournalTest, TheOldestEntriesGoWhenFullAndIdsAreNeverReused) {
  login_alice();
  for (int i = 0; i < 5; ++i) {
    send({token_request("desk-alice")});
  }
  const auto entries = log_.select({});
  ASSERT_EQ(entries.size(), 4U);
  EXPECT_EQ(entries.front()->id, 3U);
  EXPECT_EQ(entries.back()->id, 6U);
  EXPECT_EQ(log_.dropped(), 2U);
  EXPECT_EQ(log_.clear(), 4U);
  EXPECT_TRUE(log_.select({}).empty());
  send({token_request("desk-alice")});
  EXPECT_EQ(log_.select({}).front()->id, 7U);
}

TEST_F(JournalTest, ANearMissNeverShowsAPasswordEitherSideHolds) {
  rule guess;
  guess.name = "guess-password";
  guess.when.commands = {"LoginRequest22V5"};
  guess.when.fields.push_back({"password", field_condition::kind::equals, "rule-side-secret", nullptr});
  rule pattern_guess;
  pattern_guess.name = "guess-by-pattern";
  pattern_guess.when.commands = {"LoginRequest22V5"};
  pattern_guess.when.fields.push_back(field_condition::matching("password", "rule-side-.*").value());
  pattern_guess.when.login_user = "someone-else";
  world_.scripting.rules = {guess, pattern_guess};

  login_alice();
  const auto entries = log_.select({});
  ASSERT_EQ(entries.size(), 1U);
  ASSERT_TRUE(entries[0]->commands[0].miss);
  for (const std::string& difference : entries[0]->commands[0].miss->differences) {
    EXPECT_EQ(difference.find("alice-pass"), std::string::npos) << difference;
    EXPECT_EQ(difference.find("rule-side"), std::string::npos) << difference;
  }
  EXPECT_EQ(entries[0]->commands[0].miss->differences,
            std::vector<std::string>{"field password: differs (a secret: values not shown)"});

  // A secret that matches still matches.
  world_.scripting.rules[0].when.fields[0].value = "alice-pass";
  login_alice();
  EXPECT_EQ(log_.select({}).back()->commands[0].rule, "guess-password");
}

TEST_F(JournalTest, ARuleThatIsUsedUpIsTheNearMissAndSaysSo) {
  rule once;
  once.name = "only-once";
  once.when.commands = {"UserSingleSignOnCreateDeviceTokenRequest"};
  once.times = 1;
  world_.scripting.rules = {once};
  login_alice();
  send({token_request("desk-alice")});
  send({token_request("desk-alice")});
  const auto entries = log_.select({});
  ASSERT_EQ(entries.size(), 3U);
  EXPECT_EQ(entries[1]->commands[0].rule, "only-once");
  ASSERT_TRUE(entries[2]->commands[0].miss);
  EXPECT_EQ(entries[2]->commands[0].miss->rule, "only-once");
  EXPECT_EQ(entries[2]->commands[0].miss->differences,
            std::vector<std::string>{"times: used up (matched 1 of 1 times)"});
}

TEST_F(JournalTest, FiltersSelectByCommandUserRuleAndPosition) {
  rule refuse;
  refuse.name = "refuse-old";
  refuse.when.commands = {"UserSingleSignOnCreateDeviceTokenRequest"};
  refuse.when.fields.push_back({"deviceName", field_condition::kind::equals, "desk-old", nullptr});
  refuse.reply.what = scripted_reply::kind::error;
  refuse.reply.error_code = 4505;
  refuse.reply.error_text = "Access Device not found: desk-old";
  world_.scripting.rules = {refuse};

  login_alice();
  send({token_request("desk-old")});
  send({token_request("desk-alice")});

  journal_filter by_command;
  by_command.command = "UserSingleSignOnCreateDeviceTokenRequest";
  EXPECT_EQ(log_.select(by_command).size(), 2U);

  journal_filter by_rule;
  by_rule.rule = "refuse-old";
  const auto ruled = log_.select(by_rule);
  ASSERT_EQ(ruled.size(), 1U);
  EXPECT_EQ(ruled[0]->commands[0].request.field_text("deviceName"), "desk-old");

  journal_filter unmatched;
  unmatched.unmatched = true;
  unmatched.command = "UserSingleSignOnCreateDeviceTokenRequest";
  const auto missed = log_.select(unmatched);
  ASSERT_EQ(missed.size(), 1U);
  ASSERT_TRUE(missed[0]->commands[0].miss);
  EXPECT_EQ(missed[0]->commands[0].miss->rule, "refuse-old");
  EXPECT_EQ(missed[0]->commands[0].miss->differences,
            std::vector<std::string>{"field deviceName: wanted 'desk-old', got 'desk-alice'"});

  journal_filter not_logged_in;
  not_logged_in.login_user = "";
  EXPECT_EQ(log_.select(not_logged_in).size(), 1U);  // the login itself

  journal_filter newest;
  newest.limit = 1;
  EXPECT_EQ(log_.select(newest).at(0)->id, 3U);
  journal_filter after_first;
  after_first.after_id = 1;
  EXPECT_EQ(log_.select(after_first).size(), 2U);
  journal_filter other_transport;
  other_transport.transport = "tcp";
  EXPECT_TRUE(log_.select(other_transport).empty());
}

TEST_F(JournalTest, PatternsMatchCommandsAsTheyArrived) {
  login_alice();
  send({token_request("desk-alice"), token_request("desk-old")});
  request_pattern tokens;
  tokens.commands = {"UserSingleSignOnCreateDeviceTokenRequest"};
  EXPECT_EQ(log_.matching(tokens), (std::vector<std::uint64_t>{2, 2}));

  request_pattern by_alice_on_tls = tokens;
  by_alice_on_tls.login_user = "alice@acme.example.com";
  by_alice_on_tls.transports = {"tls"};
  by_alice_on_tls.fields.push_back({"deviceName", field_condition::kind::equals, "desk-old", nullptr});
  EXPECT_EQ(log_.matching(by_alice_on_tls).size(), 1U);

  request_pattern logins_while_logged_in;
  logins_while_logged_in.commands = {"LoginRequest22V5"};
  logins_while_logged_in.login_user = "alice@acme.example.com";
  EXPECT_TRUE(log_.matching(logins_while_logged_in).empty());
}

TEST(JournalCapacity, ZeroKeepsNothing) {
  journal off(0);
  connection_state connection;
  dispatch_result result;
  document doc;
  doc.commands = {make_command("AvailabilityTestRequest", {})};
  off.record(doc, connection, result, std::chrono::microseconds(1));
  EXPECT_EQ(off.size(), 0U);
  EXPECT_TRUE(off.select({}).empty());
}

}  // namespace
}  // namespace ocip::mock
