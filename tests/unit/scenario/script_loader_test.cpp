// Scripted rules as the scenario loader reads them: every key into the model, and every bad input
// reported with file, line, column and field path.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ocip/mock/scenario.hpp"

namespace ocip::mock {
namespace {

using ::testing::HasSubstr;

/// A world the rules below refer to; rules are appended after it (line 1 of the rules is line 22).
constexpr std::string_view base = R"(version: 1
device_types:
  - name: Polycom VVX 450
  - name: Old Phone
    configuration_option: not_supported
devices:
  - {name: sys-hotdesk-01, type: Polycom VVX 450}
service_providers:
  - id: acme
    devices:
      - {name: sp-phone, type: Polycom VVX 450}
    groups:
      - id: sales
        user_domain: example.com
        devices:
          - {name: polycom-01, type: Polycom VVX 450}
        users:
          - id: alice@example.com
            password: alice-lab-pw
            line_ports:
              - {device: polycom-01, line_port: alice_1@example.com}
)";
constexpr int first_rules_line = 22;

std::string with(std::string_view rules) {
  return std::string(base) + std::string(rules);
}

std::vector<scenario_problem> problems_in(std::string_view rules) {
  auto loaded = load_scenario_text(with(rules), "rules.yaml");
  return loaded.has_error() ? loaded.error().problems : std::vector<scenario_problem>{};
}

script script_of(std::string_view rules) {
  auto loaded = load_scenario_text(with(rules), "rules.yaml");
  EXPECT_TRUE(loaded.has_value()) << loaded.error().to_string();
  return loaded.has_value() ? loaded.value().initial.scripting : script{};
}

/// The single problem a text has, as "line:column: message".
std::string only_problem(std::string_view rules) {
  const auto problems = problems_in(rules);
  if (problems.size() != 1) {
    std::string all = std::to_string(problems.size()) + " problems:";
    for (const auto& each : problems) {
      all += "\n" + each.to_string();
    }
    return all;
  }
  return std::to_string(problems[0].line - first_rules_line + 1) + ":" + std::to_string(problems[0].column) + ": " +
         problems[0].message;
}

TEST(ScriptLoader, NoRulesMeansAnEmptyScriptAtTheDefaultState) {
  const script loaded = script_of("");
  EXPECT_TRUE(loaded.rules.empty());
  EXPECT_EQ(loaded.initial_state, "started");
}

TEST(ScriptLoader, EveryPartOfAMatchIsRead) {
  const script loaded = script_of(R"(initial_state: open
rules:
  - name: third-token-locks
    when:
      command: UserSingleSignOnCreateDeviceTokenRequest
      fields:
        deviceName: polycom-01
        userId: {regex: '.*@example\.com'}
        deviceLevel: {equals: Group}
        "accessDeviceEndpoint/linePort": {present: true}
        endpoint: {absent: true}
      login_user: alice@example.com
      transport: [tcp, tls]
      state: open
    times: 3
    next_state: locked
  - when: {login_user: "", command: [AuthenticationRequest, LoginRequest22V5], state: [open, locked]}
)");
  EXPECT_EQ(loaded.initial_state, "open");
  ASSERT_EQ(loaded.rules.size(), 2U);
  const rule& first = loaded.rules[0];
  EXPECT_EQ(first.name, "third-token-locks");
  EXPECT_EQ(first.where.to_string(), "rules.yaml:" + std::to_string(first_rules_line + 2));
  EXPECT_EQ(first.when.commands, std::vector<std::string>{"UserSingleSignOnCreateDeviceTokenRequest"});
  ASSERT_EQ(first.when.fields.size(), 5U);
  EXPECT_EQ(first.when.fields[0].path, "deviceName");
  EXPECT_EQ(first.when.fields[0].test, field_condition::kind::equals);
  EXPECT_EQ(first.when.fields[0].value, "polycom-01");
  EXPECT_EQ(first.when.fields[1].test, field_condition::kind::regex);
  EXPECT_EQ(first.when.fields[1].value, R"(.*@example\.com)");
  ASSERT_NE(first.when.fields[1].compiled, nullptr);
  EXPECT_EQ(first.when.fields[1].matches_text("alice@example.com"), true);
  EXPECT_EQ(first.when.fields[1].matches_text("alice@example.org"), false);
  EXPECT_EQ(first.when.fields[2].test, field_condition::kind::equals);
  EXPECT_EQ(first.when.fields[2].value, "Group");
  EXPECT_EQ(first.when.fields[3].path, "accessDeviceEndpoint/linePort");
  EXPECT_EQ(first.when.fields[3].test, field_condition::kind::present);
  EXPECT_EQ(first.when.fields[4].test, field_condition::kind::absent);
  EXPECT_EQ(first.when.login_user, std::optional<std::string>("alice@example.com"));
  EXPECT_EQ(first.when.transports, (std::vector<std::string>{"tcp", "tls"}));
  EXPECT_EQ(first.when.states, std::vector<std::string>{"open"});
  EXPECT_EQ(first.times, std::optional<std::uint64_t>(3));
  EXPECT_EQ(first.next_state, std::optional<std::string>("locked"));
  EXPECT_EQ(first.reply.what, scripted_reply::kind::built_in);
  EXPECT_FALSE(first.failure.has_value());

  const rule& second = loaded.rules[1];
  EXPECT_EQ(second.name, "rules[1]");
  EXPECT_EQ(second.when.login_user, std::optional<std::string>(""));  // not logged in
  EXPECT_EQ(second.when.commands, (std::vector<std::string>{"AuthenticationRequest", "LoginRequest22V5"}));
  EXPECT_EQ(second.when.states, (std::vector<std::string>{"open", "locked"}));
  EXPECT_FALSE(second.times.has_value());
}

TEST(ScriptLoader, ScriptedResponseKeepsNestingRepeatsAndNil) {
  const script loaded = script_of(R"(rules:
  - when: {command: UserGetRequest22}
    reply:
      response:
        type: UserGetResponse22
        fields:
          firstName: Alice
          accessDeviceEndpoint: {accessDevice: {deviceLevel: Group, deviceName: x}, linePort: a@b}
          alias: [one, two]
          title: {nil: true}
          department: ''
)");
  ASSERT_EQ(loaded.rules.size(), 1U);
  const scripted_reply& reply = loaded.rules[0].reply;
  ASSERT_EQ(reply.what, scripted_reply::kind::response);
  EXPECT_EQ(reply.response.type, "UserGetResponse22");
  using protocol::element;
  const std::vector<element> expected{
      element::leaf("firstName", "Alice"),
      element::parent("accessDeviceEndpoint", {element::parent("accessDevice", {element::leaf("deviceLevel", "Group"),
                                                                                element::leaf("deviceName", "x")}),
                                               element::leaf("linePort", "a@b")}),
      element::leaf("alias", "one"),
      element::leaf("alias", "two"),
      element::nil_leaf("title"),
      element::leaf("department", ""),
  };
  EXPECT_EQ(reply.response.fields, expected);
}

TEST(ScriptLoader, ScriptedErrorAndFaultAreRead) {
  const script loaded = script_of(R"(rules:
  - reply:
      error: {code: 4505, text: "Access Device not found: x", detail: "no such device"}
    fault: {kind: slice, delay_ms: 200, bytes: 16, pause_ms: 50}
  - when: {transport: soap}
    reply: built_in
    fault: {kind: soap_fault, text: NO_OCS_CONNECTION}
  - fault: {kind: garbage, bytes: 12}
)");
  ASSERT_EQ(loaded.rules.size(), 3U);
  const scripted_reply& error = loaded.rules[0].reply;
  EXPECT_EQ(error.what, scripted_reply::kind::error);
  EXPECT_EQ(error.error_code, 4505);
  EXPECT_EQ(error.error_text, "Access Device not found: x");
  EXPECT_EQ(error.error_detail, std::optional<std::string>("no such device"));
  ASSERT_TRUE(loaded.rules[0].failure.has_value());
  const fault& slice = *loaded.rules[0].failure;
  EXPECT_EQ(slice.what, fault::kind::slice);
  EXPECT_EQ(slice.delay, std::chrono::milliseconds(200));
  EXPECT_EQ(slice.bytes, 16U);
  EXPECT_EQ(slice.pause, std::chrono::milliseconds(50));
  ASSERT_TRUE(loaded.rules[1].failure.has_value());
  EXPECT_EQ(loaded.rules[1].failure->what, fault::kind::soap_fault);
  EXPECT_EQ(loaded.rules[1].failure->text, "NO_OCS_CONNECTION");
  EXPECT_EQ(loaded.rules[1].failure->code, "soapenv:Server");  // the default faultcode
  ASSERT_TRUE(loaded.rules[2].failure.has_value());
  EXPECT_EQ(loaded.rules[2].failure->what, fault::kind::garbage);
  EXPECT_EQ(loaded.rules[2].failure->bytes, 12U);
}

TEST(ScriptLoader, EveryChangeKindIsRead) {
  const script loaded = script_of(R"(rules:
  - changes:
      - lock_device: from_request
      - lock_device: {level: Group, service_provider: acme, group: sales, name: polycom-01}
      - unlock_device: {level: System, name: sys-hotdesk-01}
      - remove_device: {level: service_provider, service_provider: acme, name: sp-phone}
      - remove_device: from_request
      - remove_endpoint: alice@example.com
      - remove_endpoint: from_request
      - set_configuration_option: {device_type: "Polycom VVX 450", option: Not Supported}
      - set_configuration_option: {device_type: Old Phone, option: device_management}
)");
  ASSERT_EQ(loaded.rules.size(), 1U);
  const auto& changes = loaded.rules[0].changes;
  ASSERT_EQ(changes.size(), 9U);
  EXPECT_EQ(changes[0].what, world_change::kind::lock_device);
  EXPECT_TRUE(changes[0].device_from_request);
  EXPECT_EQ(changes[1].what, world_change::kind::lock_device);
  EXPECT_FALSE(changes[1].device_from_request);
  EXPECT_EQ(changes[1].device_level, "Group");
  EXPECT_EQ(changes[1].service_provider, "acme");
  EXPECT_EQ(changes[1].group, "sales");
  EXPECT_EQ(changes[1].device_name, "polycom-01");
  EXPECT_EQ(changes[2].what, world_change::kind::unlock_device);
  EXPECT_EQ(changes[2].device_level, "System");
  EXPECT_EQ(changes[2].service_provider, "");
  EXPECT_EQ(changes[2].device_name, "sys-hotdesk-01");
  EXPECT_EQ(changes[3].what, world_change::kind::remove_device);
  EXPECT_EQ(changes[3].device_level, "Service Provider");  // the scenario's spelling is accepted too
  EXPECT_EQ(changes[3].device_name, "sp-phone");
  EXPECT_TRUE(changes[4].device_from_request);
  EXPECT_EQ(changes[5].what, world_change::kind::remove_endpoint);
  EXPECT_EQ(changes[5].user_id, "alice@example.com");
  EXPECT_FALSE(changes[5].user_from_request);
  EXPECT_TRUE(changes[6].user_from_request);
  EXPECT_EQ(changes[7].what, world_change::kind::set_configuration_option);
  EXPECT_EQ(changes[7].device_type, "Polycom VVX 450");
  EXPECT_EQ(changes[7].option, "Not Supported");
  EXPECT_EQ(changes[8].option, "Device Management");
}

TEST(ScriptLoader, ScriptStartsTheWorldAtTheInitialState) {
  auto loaded = load_scenario_text(with("initial_state: open\nrules:\n  - when: {state: open}\n"), "rules.yaml");
  ASSERT_TRUE(loaded.has_value()) << loaded.error().to_string();
  EXPECT_EQ(loaded.value().initial.progress.state, "open");
}

// ---- what a user sees for a mistake --------------------------------------------------------------

TEST(ScriptLoaderProblems, UnknownRuleKeyGetsASuggestion) {
  EXPECT_EQ(only_problem("rules:\n  - name: a\n    tmes: 3\n"),
            "3:5: rules[0].tmes: unknown key 'tmes' (did you mean 'times'?)");
}

TEST(ScriptLoaderProblems, UnknownMatchKeyGetsASuggestion) {
  EXPECT_EQ(only_problem("rules:\n  - when: {comand: LogoutRequest}\n"),
            "2:12: rules[0].when.comand: unknown key 'comand' (did you mean 'command'?)");
}

TEST(ScriptLoaderProblems, RulesMustBeAList) {
  EXPECT_EQ(only_problem("rules:\n  name: a\n"), "2:3: rules: expected a list (items starting with '- '), got a map");
}

TEST(ScriptLoaderProblems, RegexThatDoesNotCompileIsLocated) {
  const std::string problem = only_problem("rules:\n  - when:\n      fields:\n        userId: {regex: 'alice(@'}\n");
  EXPECT_THAT(problem, HasSubstr("4:25: rules[0].when.fields.userId.regex: 'alice(@' is not a usable regular "
                                 "expression (ECMAScript): Unmatched marking parenthesis"));
}

TEST(ScriptLoaderProblems, ConditionNeedsExactlyOneTest) {
  EXPECT_EQ(only_problem("rules:\n  - when:\n      fields:\n        userId: {equals: a, regex: b}\n"),
            "4:17: rules[0].when.fields.userId: give exactly one of equals, regex, present, absent");
  EXPECT_EQ(only_problem("rules:\n  - when:\n      fields:\n        userId: {matches: a}\n"),
            "4:18: rules[0].when.fields.userId.matches: unknown key 'matches'; known keys here: equals, regex, "
            "present, absent");
  EXPECT_EQ(only_problem("rules:\n  - when:\n      fields:\n        userId: {present: maybe}\n"),
            "4:27: rules[0].when.fields.userId.present: expected true or false, got the value 'maybe'");
}

TEST(ScriptLoaderProblems, UnknownTransportIsNamed) {
  EXPECT_EQ(only_problem("rules:\n  - when: {transport: http}\n"),
            "2:23: rules[0].when.transport: 'http' is not a transport; expected one of tcp, tls, soap");
  EXPECT_EQ(only_problem("rules:\n  - when: {transport: [tcp, tsl]}\n"),
            "2:29: rules[0].when.transport[1]: 'tsl' is not a transport; expected one of tcp, tls, soap (did you "
            "mean 'tls'?)");
}

TEST(ScriptLoaderProblems, TimesMustBeOneOrMore) {
  EXPECT_EQ(only_problem("rules:\n  - times: 0\n"),
            "2:12: rules[0].times: must be 1 or more, got 0 (leave 'times' out for no limit)");
  EXPECT_EQ(only_problem("rules:\n  - times: -2\n"),
            "2:12: rules[0].times: must be 1 or more, got -2 (leave 'times' out for no limit)");
  EXPECT_EQ(only_problem("rules:\n  - times: twice\n"),
            "2:12: rules[0].times: expected a whole number of 1 or more, got the value 'twice'");
}

TEST(ScriptLoaderProblems, ResponseWithoutTypeIsReported) {
  EXPECT_EQ(only_problem("rules:\n  - reply:\n      response:\n        fields: {firstName: Alice}\n"),
            "4:9: rules[0].reply.response: missing required key 'type'");
}

TEST(ScriptLoaderProblems, RulesMatchRequestsAndReplyWithResponses) {
  EXPECT_EQ(only_problem("rules:\n  - when: {command: [LogoutRequest, UserGetResponse22]}\n"),
            "2:37: rules[0].when.command[1]: 'UserGetResponse22' is not a request type (request types have "
            "'Request' in their name, e.g. UserGetRequest22); a rule matches the commands clients send");
  EXPECT_EQ(only_problem("rules:\n  - reply: {response: {type: UserGetRequest22}}\n"),
            "2:30: rules[0].reply.response.type: 'UserGetRequest22' is not a response type (response types have "
            "'Response' in their name, e.g. UserGetResponse22)");
  EXPECT_EQ(only_problem("rules:\n  - reply: {response: {type: ErrorResponse}}\n"),
            "2:30: rules[0].reply.response.type: write an error reply as reply: {error: {code: ..., text: ...}}");
}

TEST(ScriptLoaderProblems, ReplyMustBeBuiltInResponseOrError) {
  EXPECT_EQ(only_problem("rules:\n  - reply: default\n"),
            "2:12: rules[0].reply: expected built_in, {response: ...} or {error: ...}, got the value 'default'");
  EXPECT_EQ(only_problem("rules:\n  - reply: {response: {type: A}, error: {code: 1, text: b}}\n"),
            "2:12: rules[0].reply: give exactly one of response, error (or write reply: built_in)");
}

TEST(ScriptLoaderProblems, ErrorCodeMustBeANumber) {
  EXPECT_EQ(only_problem("rules:\n  - reply: {error: {code: E4505, text: nope}}\n"),
            "2:27: rules[0].reply.error.code: expected a whole number of 0 or more, got the value 'E4505'");
  EXPECT_EQ(only_problem("rules:\n  - reply: {error: {code: 123456, text: nope}}\n"),
            "2:27: rules[0].reply.error.code: 123456 is not an error code; use a number from 0 to 99999");
  EXPECT_EQ(only_problem("rules:\n  - reply: {error: {text: nope}}\n"),
            "2:20: rules[0].reply.error: missing required key 'code'");
}

TEST(ScriptLoaderProblems, ResponseFieldOfNoValueIsReported) {
  EXPECT_EQ(only_problem("rules:\n  - reply:\n      response:\n        type: UserGetResponse22\n        fields:\n"
                         "          firstName:\n"),
            "6:11: rules[0].reply.response.fields.firstName: expected a text, a map of child elements, a list or "
            "{nil: true}, got nothing (write '' for an empty element)");
}

TEST(ScriptLoaderProblems, ResponseElementNamesMustBeXmlNames) {
  EXPECT_EQ(only_problem("rules:\n  - reply:\n      response:\n        type: UserGetResponse22\n        fields:\n"
                         "          \"bad name<\": x\n"),
            "6:11: rules[0].reply.response.fields.bad name<: 'bad name<' is not an element name (letters, digits, "
            "'-', '_' and '.', starting with a letter or '_')");
}

TEST(ScriptLoaderProblems, UnknownFaultKindGetsASuggestion) {
  EXPECT_EQ(only_problem("rules:\n  - fault: {kind: no_replay}\n"),
            "2:19: rules[0].fault.kind: 'no_replay' is not a fault kind; expected one of none, no_reply, "
            "close_before_reply, close_after_reply, reset, slice, truncate, garbage, http_500, soap_fault (did you "
            "mean 'no_reply'?)");
}

TEST(ScriptLoaderProblems, FaultSettingsMustFitTheKind) {
  EXPECT_EQ(only_problem("rules:\n  - fault: {kind: slice}\n"),
            "2:19: rules[0].fault: a slice fault needs 'bytes' (the size of each piece)");
  EXPECT_EQ(only_problem("rules:\n  - fault: {kind: reset, bytes: 3}\n"),
            "2:33: rules[0].fault.bytes: a reset fault has no bytes; only slice, truncate and garbage faults use it");
  EXPECT_EQ(only_problem("rules:\n  - fault: {kind: garbage}\n"),
            "2:19: rules[0].fault: a garbage fault needs 'text' (the bytes written) or 'bytes' (how many random "
            "bytes)");
  EXPECT_EQ(only_problem("rules:\n  - fault: {kind: garbage, bytes: 18446744073709551615}\n"),
            "2:35: rules[0].fault.bytes: a garbage fault writes at most 1048576 bytes (1 MiB), got "
            "18446744073709551615");
  EXPECT_EQ(only_problem("rules:\n  - fault: {kind: garbage, bytes: 1048577}\n"),
            "2:35: rules[0].fault.bytes: a garbage fault writes at most 1048576 bytes (1 MiB), got 1048577");
}

TEST(ScriptLoaderProblems, SoapOnlyFaultNeedsASoapOnlyRule) {
  EXPECT_EQ(only_problem("rules:\n  - fault: {kind: http_500, text: down}\n"),
            "2:19: rules[0].fault.kind: 'http_500' is a SOAP-only fault, but this rule can match commands over tcp "
            "and tls; add 'transport: soap' under 'when'");
  EXPECT_EQ(only_problem("rules:\n  - when: {transport: [soap, tls]}\n    fault: {kind: soap_fault, text: x}\n"),
            "3:19: rules[0].fault.kind: 'soap_fault' is a SOAP-only fault, but this rule can match commands over "
            "tls; add 'transport: soap' under 'when'");
}

TEST(ScriptLoaderProblems, ChangeNamingAMissingDeviceIsReported) {
  EXPECT_EQ(only_problem("rules:\n  - changes:\n      - lock_device: {level: Group, service_provider: acme, group: "
                         "sales, name: polycom-02}\n"),
            "3:81: rules[0].changes[0].lock_device.name: no Group device 'polycom-02' in group 'acme'/'sales' (did "
            "you mean 'polycom-01'?)");
}

TEST(ScriptLoaderProblems, ChangeNamingAnUnknownLevelIsReported) {
  EXPECT_EQ(only_problem("rules:\n  - changes:\n      - unlock_device: {level: Enterprise, name: x}\n"),
            "3:32: rules[0].changes[0].unlock_device.level: 'Enterprise' is not a device level; expected one of "
            "System, Service Provider, Group");
  EXPECT_EQ(only_problem("rules:\n  - changes:\n      - unlock_device: {level: Group, service_provider: acme, name: "
                         "polycom-01}\n"),
            "3:24: rules[0].changes[0].unlock_device: a Group device needs 'group'");
}

TEST(ScriptLoaderProblems, ChangeOfAnotherKindIsUnknown) {
  EXPECT_EQ(only_problem("rules:\n  - changes:\n      - lock_user: alice@example.com\n"),
            "3:9: rules[0].changes[0].lock_user: unknown key 'lock_user'; known keys here: lock_device, unlock_device, "
            "remove_device, remove_endpoint, set_configuration_option");
}

TEST(ScriptLoaderProblems, ChangesNamingUsersAndTypesTheScenarioLacksAreReported) {
  EXPECT_EQ(only_problem("rules:\n  - changes:\n      - remove_endpoint: alise@example.com\n"),
            "3:26: rules[0].changes[0].remove_endpoint: no user 'alise@example.com' in the scenario (did you mean "
            "'alice@example.com'?)");
  EXPECT_EQ(only_problem("rules:\n  - changes:\n      - set_configuration_option: {device_type: Old Phone, option: "
                         "Sometimes}\n"),
            "3:68: rules[0].changes[0].set_configuration_option.option: 'Sometimes' is not a configuration option; "
            "expected one of Device Management, Not Supported, Legacy");
}

TEST(ScriptLoaderProblems, StateNoRuleReachesIsATypo) {
  EXPECT_EQ(only_problem("rules:\n  - next_state: locked\n  - when: {state: lockd}\n"),
            "3:19: rules[1].when.state: no rule moves to state 'lockd' and it is not the initial state 'started' "
            "(did you mean 'locked'?)");
}

TEST(ScriptLoaderProblems, DuplicateRuleNamesAreReported) {
  EXPECT_EQ(only_problem("rules:\n  - name: a\n  - name: a\n"),
            "3:11: rules[1].name: duplicate rule name 'a' (first at line 23)");
  // Also when the repeated rule has a problem of its own: both are reported.
  const auto problems = problems_in("rules:\n  - name: a\n  - name: a\n    times: 0\n");
  ASSERT_EQ(problems.size(), 2U);
  EXPECT_THAT(problems[0].message, HasSubstr("rules[1].name: duplicate rule name 'a'"));
  EXPECT_THAT(problems[1].message,
              HasSubstr("rules[1].times: must be 1 or more, got 0 (leave 'times' out for no limit)"));
}

TEST(ScriptLoaderProblems, EveryProblemOfAFileIsReportedInFileOrder) {
  const auto problems = problems_in("rules:\n  - times: 0\n  - fault: {kind: nope}\n");
  ASSERT_EQ(problems.size(), 2U);
  EXPECT_EQ(problems[0].file, "rules.yaml");
  EXPECT_EQ(problems[0].line, first_rules_line + 1);
  EXPECT_EQ(problems[1].line, first_rules_line + 2);
  EXPECT_THAT(problems[1].to_string(), HasSubstr("rules.yaml:24:19: rules[1].fault.kind: 'nope' is not a fault kind"));
}

/// Every line of `block` indented by `spaces`.
std::string indented(std::string_view block, std::size_t spaces) {
  std::string out;
  std::size_t start = 0;
  while (start < block.size()) {
    const std::size_t end = block.find('\n', start);
    const std::string_view line = block.substr(start, end == std::string_view::npos ? end : end - start + 1);
    out += (line == "\n" ? std::string() : std::string(spaces, ' ')) + std::string(line);
    start = end == std::string_view::npos ? block.size() : end + 1;
  }
  return out;
}

// The YAML examples of scenarios/README.md's Rules section, each placed in a scenario as its first
// line says (a whole script, one rule, a rule's `when` or `reply`), load without a problem: the
// documentation cannot drift from what the loader reads.
TEST(ScriptLoader, EveryRulesExampleInTheScenarioReadmeLoads) {
  std::ifstream file(std::filesystem::path(OCIP_SCENARIO_DIR) / "README.md", std::ios::binary);
  ASSERT_TRUE(file) << "scenarios/README.md";
  std::stringstream content;
  content << file.rdbuf();
  const std::string readme = content.str();
  const std::size_t section = readme.find("\n## Rules\n");
  const std::size_t section_end = readme.find("\n## ", section + 1);
  ASSERT_NE(section, std::string::npos);
  const std::string_view fence = "```yaml\n";
  int examples = 0;
  for (std::size_t at = readme.find(fence, section); at < section_end; at = readme.find(fence, at)) {
    at += fence.size();
    const std::size_t end = readme.find("```", at);
    ASSERT_NE(end, std::string::npos);
    const std::string block = readme.substr(at, end - at);
    std::string script;
    if (block.starts_with("rules:") || block.starts_with("initial_state:")) {
      script = block;
    } else if (block.starts_with("- name:")) {
      script = "rules:\n" + indented(block, 2);
    } else if (block.starts_with("when:")) {
      script = "rules:\n  - name: example\n" + indented(block, 4);
    } else if (block.starts_with("reply:")) {
      script = "rules:\n  - name: example\n    when: {command: UserGetRequest22}\n" + indented(block, 4);
    } else {
      ADD_FAILURE() << "an example of a kind this test does not know how to place:\n" << block;
      continue;
    }
    ++examples;
    auto loaded = load_scenario_text(std::string(base) + script, "README.md");
    EXPECT_TRUE(loaded) << (loaded ? "" : loaded.error().to_string()) << "\nin the example:\n" << block;
    if (loaded) {
      EXPECT_FALSE(loaded.value().initial.scripting.rules.empty()) << block;
    }
  }
  EXPECT_GE(examples, 6);
}

}  // namespace
}  // namespace ocip::mock
