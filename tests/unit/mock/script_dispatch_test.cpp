// Scripted rules as the dispatcher applies them: matching, uses, states, replies, faults, changes.
#include <gtest/gtest.h>

#include "ocip/mock/dispatcher.hpp"
#include "ocip/mock/script.hpp"
#include "test_world.hpp"

namespace ocip::mock {
namespace {

using protocol::command;
using protocol::document;
using protocol::element;

command token_request(const std::string& device_name) {
  command cmd{"UserSingleSignOnCreateDeviceTokenRequest", std::nullopt, {}, {}};
  cmd.fields = {element::leaf("userId", "alice@acme.example.com"), element::leaf("deviceLevel", "Group"),
                element::leaf("deviceName", device_name)};
  return cmd;
}

TEST(ScriptMatch, EveryGivenPartMustHoldAndEachMismatchIsNamed) {
  request_pattern pattern;
  pattern.commands = {"UserSingleSignOnCreateDeviceTokenRequest"};
  pattern.fields.push_back({"deviceName", field_condition::kind::equals, "desk-alice", nullptr});
  pattern.fields.push_back(field_condition::matching("userId", "alice@.*").value());
  pattern.fields.push_back({"linePort", field_condition::kind::absent, "", nullptr});
  pattern.login_user = "alice@acme.example.com";
  pattern.transports = {"tcp"};
  const match_context alice_on_tcp{"alice@acme.example.com", "tcp", "started"};

  EXPECT_TRUE(matches(pattern, token_request("desk-alice"), alice_on_tcp));
  EXPECT_EQ(mismatches(pattern, token_request("desk-old"), alice_on_tcp),
            std::vector<std::string>{"field deviceName: wanted 'desk-alice', got 'desk-old'"});
  EXPECT_EQ(mismatches(pattern, token_request("desk-alice"), match_context{"", "soap", "started"}),
            (std::vector<std::string>{"user: wanted 'alice@acme.example.com', got no login",
                                      "transport: wanted tcp, got soap"}));
}

TEST(ScriptMatch, NestedFieldsAreFoundByPath) {
  command add{"UserModifyRequest22", std::nullopt, {}, {}};
  add.fields.push_back(element::parent(
      "endpoint", {element::parent("accessDeviceEndpoint", {element::leaf("linePort", "alice_9@acme.example.com")})}));
  ASSERT_NE(find_field(add, "endpoint/accessDeviceEndpoint/linePort"), nullptr);
  EXPECT_EQ(find_field(add, "endpoint/accessDeviceEndpoint/linePort")->text, "alice_9@acme.example.com");
  EXPECT_EQ(find_field(add, "endpoint/trunkAddressing"), nullptr);
  EXPECT_EQ(find_field(add, "endpoint/accessDeviceEndpoint/linePort/deeper"), nullptr);
}

class ScriptDispatch : public ::testing::Test {
 protected:
  ScriptDispatch() {
    connection_.transport = "tcp";
    command login{"LoginRequest22V5", std::nullopt, {}, {}};
    login.fields = {element::leaf("userId", "alice@acme.example.com"), element::leaf("password", "alice-pass")};
    (void)send(login);
  }

  dispatch_result send_document(const command& cmd) {
    document doc;
    doc.session_id = "s1";
    doc.commands = {cmd};
    return decide_.dispatch(doc, connection_);
  }

  command send(const command& cmd) {
    dispatch_result result = send_document(cmd);
    return result.reply && !result.reply->commands.empty() ? result.reply->commands.front() : command{};
  }

  static rule token_rule(std::string name) {
    rule r;
    r.name = std::move(name);
    r.when.commands = {"UserSingleSignOnCreateDeviceTokenRequest"};
    return r;
  }

  world world_ = testing::make_test_world();
  token_source tokens_{std::optional<std::uint64_t>{7}};
  dispatcher decide_{world_, tokens_};
  connection_state connection_;
};

TEST_F(ScriptDispatch, ScriptedErrorIsUsedTimesThenTheBuiltInAnswers) {
  rule r = token_rule("refuse-twice");
  r.times = 2;
  r.reply.what = scripted_reply::kind::error;
  r.reply.error_code = 4505;
  r.reply.error_text = "Access Device not found: desk-alice";
  world_.scripting.rules = {r};

  for (int i = 0; i < 2; ++i) {
    const dispatch_result result = send_document(token_request("desk-alice"));
    ASSERT_TRUE(result.reply);
    EXPECT_EQ(result.reply->commands.at(0).field_text("summary"), "[Error 4505] Access Device not found: desk-alice");
    ASSERT_EQ(result.trace.size(), 1U);
    EXPECT_EQ(result.trace[0].rule, "refuse-twice");
  }
  EXPECT_EQ(send(token_request("desk-alice")).type, "UserSingleSignOnCreateDeviceTokenResponse");
}

TEST_F(ScriptDispatch, StatesGateRulesAndChangesLockTheRequestedDevice) {
  rule arm = token_rule("third-locks");
  arm.when.states = {"two"};
  arm.next_state = "locked";
  world_change lock;
  lock.device_from_request = true;
  arm.changes = {lock};
  rule first = token_rule("first");
  first.when.states = {"started"};
  first.next_state = "one";
  rule second = token_rule("second");
  second.when.states = {"one"};
  second.next_state = "two";
  world_.scripting.rules = {arm, first, second};
  world_.progress.state = "started";

  EXPECT_EQ(send(token_request("desk-alice")).type, "UserSingleSignOnCreateDeviceTokenResponse");
  EXPECT_EQ(send(token_request("desk-alice")).type, "UserSingleSignOnCreateDeviceTokenResponse");
  EXPECT_EQ(world_.progress.state, "two");
  // The third request locks the device before the built-in rules decide: it is refused.
  const command third = send(token_request("desk-alice"));
  EXPECT_EQ(third.type, "ErrorResponse");
  EXPECT_EQ(protocol::error_response::from_command(third).error_code, 9102);
  EXPECT_TRUE(world_.find_device(testing::group_device("desk-alice"))->locked);
  EXPECT_EQ(world_.progress.state, "locked");
}

TEST_F(ScriptDispatch, ScriptedResponseAndFaultReachTheResult) {
  rule r = token_rule("fixed-token");
  r.when.fields.push_back({"deviceName", field_condition::kind::equals, "desk-old", nullptr});
  r.reply.what = scripted_reply::kind::response;
  r.reply.response = command{"UserSingleSignOnCreateDeviceTokenResponse", std::nullopt, {}, {}};
  r.reply.response.fields = {element::leaf("deviceToken", "scripted-token")};
  r.failure = fault{fault::kind::slice, std::chrono::milliseconds(5), 3, std::chrono::milliseconds(1), "", ""};
  world_.scripting.rules = {r};

  const dispatch_result hit = send_document(token_request("desk-old"));
  ASSERT_TRUE(hit.reply);
  EXPECT_EQ(hit.reply->commands.at(0).field_text("deviceToken"), "scripted-token");
  EXPECT_EQ(hit.reply->commands.at(0).echo, "");
  ASSERT_TRUE(hit.failure);
  EXPECT_EQ(hit.failure->what, fault::kind::slice);
  EXPECT_EQ(hit.failure->bytes, 3U);

  const dispatch_result miss = send_document(token_request("desk-alice"));
  EXPECT_FALSE(miss.failure);
  ASSERT_EQ(miss.trace.size(), 1U);
  EXPECT_EQ(miss.trace[0].rule, "");
  ASSERT_TRUE(miss.trace[0].miss);
  EXPECT_EQ(miss.trace[0].miss->rule, "fixed-token");
  EXPECT_EQ(miss.trace[0].miss->differences,
            std::vector<std::string>{"field deviceName: wanted 'desk-old', got 'desk-alice'"});
}

TEST(FaultKinds, SpellingsRoundTrip) {
  for (const auto kind : {fault::kind::none, fault::kind::no_reply, fault::kind::close_before_reply,
                          fault::kind::close_after_reply, fault::kind::reset, fault::kind::slice, fault::kind::truncate,
                          fault::kind::garbage, fault::kind::http_500, fault::kind::soap_fault}) {
    EXPECT_EQ(parse_fault_kind(to_string(kind)), kind);
  }
  EXPECT_EQ(to_string(fault::kind::close_after_reply), "close_after_reply");
  EXPECT_FALSE(parse_fault_kind("slow"));
}

}  // namespace
}  // namespace ocip::mock
