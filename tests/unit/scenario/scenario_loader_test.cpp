#include "ocip/mock/scenario.hpp"

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ocip::mock {
namespace {

using ::testing::HasSubstr;

/// The problems loading `text` reports; empty when it loads.
std::vector<scenario_problem> problems_in(std::string_view text) {
  auto loaded = load_scenario_text(text, "test.yaml");
  return loaded.has_error() ? loaded.error().problems : std::vector<scenario_problem>{};
}

/// A valid scenario, the base the tests below break one way at a time.
constexpr std::string_view valid = R"(version: 1
device_types:
  - name: Phone
service_providers:
  - id: acme
    groups:
      - id: sales
        user_domain: example.com
        devices:
          - name: desk-01
            type: Phone
        users:
          - id: alice@example.com
            password: pw
            line_ports:
              - device: desk-01
                line_port: alice_1@example.com
)";

TEST(ScenarioLoader, ValidScenarioLoadsIntoTheWorld) {
  auto loaded = load_scenario_text(valid, "test.yaml");
  ASSERT_TRUE(loaded.has_value()) << loaded.error().to_string();
  const world& w = loaded.value().initial;
  EXPECT_EQ(loaded.value().name, "test");  // the file name stands in when `name:` is absent
  ASSERT_EQ(w.users.size(), 1U);
  const user& alice = w.users[0];
  EXPECT_EQ(alice.service_provider, "acme");
  EXPECT_EQ(alice.group, "sales");
  EXPECT_EQ(alice.first_name, "alice");  // defaults to the id's user portion
  EXPECT_EQ(alice.last_name, "alice");
  ASSERT_EQ(alice.line_ports.size(), 1U);
  EXPECT_EQ(alice.line_ports[0].device, (device_key{device_level::group, "acme", "sales", "desk-01"}));
  EXPECT_EQ(alice.line_ports[0].id, "alice_1@example.com");
  ASSERT_EQ(w.device_types.size(), 1U);
  EXPECT_EQ(w.device_types[0].option, configuration_option::device_management);
  EXPECT_FALSE(w.mock.token_seed.has_value());
  EXPECT_EQ(w.mock.before_login, before_login_behaviour::error_response);
}

TEST(ScenarioLoader, ProblemPrintsAsFileLineColumnMessage) {
  const scenario_problem problem{"default.yaml", 42, 7, "users[3].id: must not be empty"};
  EXPECT_EQ(problem.to_string(), "default.yaml:42:7: users[3].id: must not be empty");
}

TEST(ScenarioLoader, UnknownKeyIsLocatedAndGetsASuggestion) {
  auto problems = problems_in(R"(version: 1
device_types:
  - name: Phone
    configuration_optoin: legacy
)");
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_EQ(problems[0].file, "test.yaml");
  EXPECT_EQ(problems[0].line, 4);
  EXPECT_EQ(problems[0].column, 5);
  EXPECT_EQ(problems[0].message,
            "device_types[0].configuration_optoin: unknown key 'configuration_optoin' "
            "(did you mean 'configuration_option'?)");
}

TEST(ScenarioLoader, UnknownKeyFarFromAnyListsTheKnownKeys) {
  auto problems = problems_in("version: 1\nmock:\n  colour: blue\n");
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_EQ(problems[0].line, 3);
  EXPECT_EQ(problems[0].column, 3);
  EXPECT_THAT(problems[0].message, HasSubstr("known keys here: token_seed, sso_errors, before_login"));
}

TEST(ScenarioLoader, UsersAtTheTopAreToldWhereTheyBelong) {
  auto problems = problems_in("version: 1\nusers: []\n");
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_EQ(problems[0].line, 2);
  EXPECT_EQ(problems[0].column, 1);
  EXPECT_THAT(problems[0].message, HasSubstr("users belong to a group: service_providers[].groups[].users"));
}

TEST(ScenarioLoader, DanglingDeviceTypeIsLocated) {
  auto problems = problems_in(R"(version: 1
device_types:
  - name: Polycom VVX 450
devices:
  - name: sys-01
    type: Polycom VVX 405
)");
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_EQ(problems[0].line, 6);
  EXPECT_EQ(problems[0].column, 11);
  EXPECT_EQ(problems[0].message,
            "devices[0].type: unknown device type 'Polycom VVX 405' (device types are listed under device_types) "
            "(did you mean 'Polycom VVX 450'?)");
}

TEST(ScenarioLoader, DanglingLinePortDeviceNamesItsOwner) {
  std::string text(valid);
  text.replace(text.find("- device: desk-01"), 17, "- device: desk-02");
  auto problems = problems_in(text);
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_EQ(problems[0].line, 16);
  EXPECT_EQ(problems[0].column, 25);
  EXPECT_EQ(problems[0].message,
            "service_providers[0].groups[0].users[0].line_ports[0].device: no Group device 'desk-02' in group "
            "'acme'/'sales' (did you mean 'desk-01'?)");
}

TEST(ScenarioLoader, DeviceAtAnotherLevelSuggestsTheLevel) {
  auto problems = problems_in(R"(version: 1
device_types: [{name: Phone}]
devices: [{name: hotdesk, type: Phone}]
service_providers:
  - id: acme
    groups:
      - id: sales
        user_domain: example.com
        users:
          - id: frank@example.com
            password: pw
            line_ports: [{device: hotdesk, line_port: frank_1}]
)");
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_EQ(problems[0].line, 12);
  EXPECT_EQ(problems[0].column, 35);
  EXPECT_THAT(problems[0].message,
              HasSubstr("no Group device 'hotdesk' in group 'acme'/'sales'; there is a System device of that name, "
                        "so write device_level: system"));
}

TEST(ScenarioLoader, DanglingTrunkGroupIsReported) {
  std::string text(valid);
  text.replace(text.find("            line_ports:"), std::string::npos, "            trunk_group: pbx\n");
  auto problems = problems_in(text);
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_EQ(problems[0].line, 15);
  EXPECT_EQ(problems[0].column, 26);
  EXPECT_THAT(problems[0].message, HasSubstr("users[0].trunk_group: no trunk group 'pbx' in group 'acme'/'sales'"));
}

TEST(ScenarioLoader, DuplicateUserIdPointsAtBothDefinitions) {
  auto problems = problems_in(R"(version: 1
service_providers:
  - id: acme
    groups:
      - id: sales
        user_domain: example.com
        users:
          - {id: alice@example.com, password: pw}
      - id: support
        user_domain: example.com
        users:
          - {id: alice@example.com, password: pw2}
)");
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_EQ(problems[0].line, 12);
  EXPECT_EQ(problems[0].column, 18);
  EXPECT_EQ(problems[0].message,
            "service_providers[0].groups[1].users[0].id: duplicate user id 'alice@example.com' (first at line 8)");
}

TEST(ScenarioLoader, DuplicateIdsOfEveryKindAreReported) {
  auto problems = problems_in(R"(version: 1
device_types: [{name: Phone}, {name: Phone}]
devices: [{name: d, type: Phone}, {name: d, type: Phone}]
service_providers:
  - id: acme
    groups: [{id: g, user_domain: e.com}, {id: g, user_domain: e.com}]
  - id: acme
administrators:
  - {id: root, password: pw, kind: system}
  - {id: root, password: pw, kind: system}
)");
  ASSERT_EQ(problems.size(), 5U);
  EXPECT_THAT(problems[0].message, HasSubstr("device_types[1].name: duplicate device type 'Phone'"));
  EXPECT_THAT(problems[1].message, HasSubstr("devices[1].name: duplicate device name 'd' in the system"));
  EXPECT_THAT(problems[2].message, HasSubstr("groups[1].id: duplicate group id 'g' in service provider 'acme'"));
  EXPECT_THAT(problems[3].message, HasSubstr("service_providers[1].id: duplicate service provider id 'acme'"));
  EXPECT_THAT(problems[4].message, HasSubstr("administrators[1].id: duplicate administrator id 'root'"));
  EXPECT_EQ(problems[4].line, 10);
}

TEST(ScenarioLoader, AdministratorWithAUsersIdIsRefused) {
  std::string text(valid);
  text += "administrators:\n  - {id: alice@example.com, password: pw, kind: system}\n";
  auto problems = problems_in(text);
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_EQ(problems[0].line, 19);
  EXPECT_EQ(problems[0].column, 10);
  EXPECT_THAT(problems[0].message, HasSubstr("'alice@example.com' is also the id of a user (line 13)"));
}

TEST(ScenarioLoader, BadDeviceLevelSuggestsTheSnakeCaseSpelling) {
  std::string text(valid);
  text.replace(text.find("                line_port:"), 0, "                device_level: Service Provider\n");
  auto problems = problems_in(text);
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_EQ(problems[0].line, 17);
  EXPECT_EQ(problems[0].column, 31);
  EXPECT_EQ(problems[0].message,
            "service_providers[0].groups[0].users[0].line_ports[0].device_level: 'Service Provider' is not a device "
            "level; expected one of system, service_provider, group (did you mean 'service_provider'?)");
}

TEST(ScenarioLoader, BadKindOptionAndBeforeLoginAreReported) {
  auto problems = problems_in(R"(version: 1
device_types: [{name: Phone, configuration_option: Device Management}]
administrators: [{id: root, password: pw, kind: superuser}]
mock: {before_login: hang_up}
)");
  ASSERT_EQ(problems.size(), 3U);
  EXPECT_EQ(problems[0].line, 2);
  EXPECT_THAT(problems[0].message, HasSubstr("'Device Management' is not a configuration option"));
  EXPECT_THAT(problems[0].message, HasSubstr("(did you mean 'device_management'?)"));
  EXPECT_EQ(problems[1].line, 3);
  EXPECT_THAT(problems[1].message, HasSubstr("administrators[0].kind: 'superuser' is not a kind of administrator"));
  EXPECT_EQ(problems[2].line, 4);
  EXPECT_EQ(problems[2].column, 22);
  EXPECT_THAT(problems[2].message, HasSubstr("expected one of error_response, close_connection"));
}

TEST(ScenarioLoader, LinePortOnTwoUsersIsReported) {
  std::string text(valid);
  text += R"(          - id: bob@example.com
            password: pw
            line_ports:
              - device: desk-01
                line_port: alice_1@example.com
)";
  auto problems = problems_in(text);
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_EQ(problems[0].line, 22);
  EXPECT_EQ(problems[0].column, 28);
  EXPECT_EQ(problems[0].message,
            "service_providers[0].groups[0].users[1].line_ports[0].line_port: line port 'alice_1@example.com' is "
            "already used; a line port belongs to one endpoint only (first at line 17)");
}

TEST(ScenarioLoader, LinePortTwiceOnOneUserIsReported) {
  std::string text(valid);
  text += "              - {device: desk-01, line_port: alice_1@example.com}\n";
  auto problems = problems_in(text);
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_EQ(problems[0].line, 18);
  EXPECT_THAT(problems[0].message, HasSubstr("line_ports[1].line_port: line port 'alice_1@example.com' is already"));
}

TEST(ScenarioLoader, SyntaxErrorIsLocated) {
  auto problems = problems_in("version: 1\nname: [unclosed\nservice_providers: []\n");
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_EQ(problems[0].line, 3);
  EXPECT_EQ(problems[0].column, 18);
  EXPECT_THAT(problems[0].message, HasSubstr("YAML syntax error: "));
}

TEST(ScenarioLoader, MissingVersionIsReportedAtTheTop) {
  auto problems = problems_in("name: no version\n");
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_EQ(problems[0].line, 1);
  EXPECT_EQ(problems[0].column, 1);
  EXPECT_THAT(problems[0].message, HasSubstr("missing required key 'version'; write 'version: 1'"));
}

TEST(ScenarioLoader, WrongVersionIsReported) {
  auto problems = problems_in("version: 2\n");
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_EQ(problems[0].line, 1);
  EXPECT_EQ(problems[0].column, 10);
  EXPECT_EQ(problems[0].message, "version: this mock reads scenario format version 1, got the value '2'");
}

TEST(ScenarioLoader, NonIntegerSeedIsReported) {
  auto problems = problems_in("version: 1\nmock:\n  token_seed: 12ab\n");
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_EQ(problems[0].line, 3);
  EXPECT_EQ(problems[0].column, 15);
  EXPECT_EQ(problems[0].message, "mock.token_seed: expected a whole number of 0 or more, got the value '12ab'");
}

TEST(ScenarioLoader, NegativeSeedIsReported) {
  auto problems = problems_in("version: 1\nmock: {token_seed: -1}\n");
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_THAT(problems[0].message, HasSubstr("mock.token_seed: expected a whole number of 0 or more"));
}

TEST(ScenarioLoader, NonBooleanLockedIsReported) {
  std::string text(valid);
  text.replace(text.find("            type: Phone"), 0, "            locked: yes\n");
  auto problems = problems_in(text);
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_EQ(problems[0].line, 11);
  EXPECT_EQ(problems[0].column, 21);
  EXPECT_EQ(problems[0].message,
            "service_providers[0].groups[0].devices[0].locked: expected true or false, got the value 'yes'");
}

TEST(ScenarioLoader, MapWhereAListIsExpectedIsReported) {
  auto problems = problems_in("version: 1\nservice_providers:\n  id: acme\n");
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_EQ(problems[0].line, 3);
  EXPECT_EQ(problems[0].column, 3);
  EXPECT_EQ(problems[0].message, "service_providers: expected a list (items starting with '- '), got a map");
}

TEST(ScenarioLoader, MissingAndEmptyRequiredStringsAreReported) {
  auto problems = problems_in(R"(version: 1
service_providers:
  - id: ""
  - id: globex
    groups:
      - id: hq
)");
  ASSERT_EQ(problems.size(), 2U);
  EXPECT_EQ(problems[0].line, 3);
  EXPECT_EQ(problems[0].column, 9);
  EXPECT_EQ(problems[0].message, "service_providers[0].id: must not be empty");
  EXPECT_EQ(problems[1].line, 6);
  EXPECT_EQ(problems[1].column, 9);
  EXPECT_EQ(problems[1].message, "service_providers[1].groups[0]: missing required key 'user_domain'");
}

TEST(ScenarioLoader, SchemaLengthFacetsAreEnforced) {
  const std::string long_name(41, 'd');
  const std::string long_password(61, 'p');
  std::string text(valid);
  text.replace(text.find("password: pw"), 12, "password: " + long_password);
  text.replace(text.find("name: desk-01"), 13, "name: " + long_name);
  text.replace(text.find("device: desk-01"), 15, "device: " + long_name);
  auto problems = problems_in(text);
  ASSERT_EQ(problems.size(), 3U);
  EXPECT_THAT(problems[0].message, HasSubstr("devices[0].name: '" + long_name + "' is 41 characters long; at most 40"));
  EXPECT_THAT(problems[1].message,
              HasSubstr("users[0].password: '" + long_password + "' is 61 characters long; at most 60"));
  EXPECT_THAT(problems[2].message, HasSubstr("line_ports[0].device: '" + long_name + "' is 41 characters long"));
}

TEST(ScenarioLoader, LengthsCountCharactersNotBytes) {
  std::string text(valid);
  // 30 characters, 60 bytes: within the FirstName facet.
  std::string name;
  for (int i = 0; i < 30; ++i) {
    name += "ü";
  }
  text.replace(text.find("            password: pw"), 0, "            first_name: " + name + "\n");
  auto loaded = load_scenario_text(text, "test.yaml");
  ASSERT_TRUE(loaded.has_value()) << loaded.error().to_string();
  EXPECT_EQ(loaded.value().initial.users[0].first_name, name);
}

TEST(ScenarioLoader, AdministratorScopeMustExistAndFitTheKind) {
  std::string text(valid);
  text += R"(administrators:
  - {id: a1, password: pw, kind: group, service_provider: acme, group: support}
  - {id: a2, password: pw, kind: service_provider}
  - {id: a3, password: pw, kind: system, service_provider: acme}
  - {id: a4, password: pw, kind: service_provider, service_provider: acmee}
)";
  auto problems = problems_in(text);
  ASSERT_EQ(problems.size(), 4U);
  EXPECT_THAT(problems[0].message, HasSubstr("administrators[0].group: no group 'support' in service provider 'acme'"));
  EXPECT_THAT(problems[1].message,
              HasSubstr("administrators[1]: a service_provider administrator needs 'service_provider'"));
  EXPECT_THAT(problems[2].message, HasSubstr("administrators[2].service_provider: a system administrator has no"));
  EXPECT_THAT(problems[3].message, HasSubstr("no service provider 'acmee' (did you mean 'acme'?)"));
}

TEST(ScenarioLoader, UserWithBothLinePortsAndTrunkGroupIsReported) {
  std::string text(valid);
  text.replace(text.find("        users:"), 0, "        trunk_groups:\n          - {name: pbx, device: desk-01}\n");
  text += "            trunk_group: pbx\n";
  auto problems = problems_in(text);
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_EQ(problems[0].line, 20);
  EXPECT_THAT(problems[0].message, HasSubstr("either line_ports or trunk_group, not both"));
}

/// `valid` with a trunk group on desk-01 and a second user, pbx@example.com, as its trunk user.
std::string with_trunk_user(std::string_view trunk_user_lines) {
  std::string text(valid);
  text.replace(text.find("        users:"), 0, "        trunk_groups:\n          - {name: pbx, device: desk-01}\n");
  text += "          - id: pbx@example.com\n            password: pw\n";
  text += trunk_user_lines;
  return text;
}

TEST(ScenarioLoader, MacAddressAndTrunkLinePortAreLoaded) {
  std::string text = with_trunk_user("            trunk_group: pbx\n            trunk_line_port: pbx_1@example.com\n");
  text.replace(text.find("            type: Phone\n"), 0, "            mac_address: 0004F2ABCDEF\n");
  auto loaded = load_scenario_text(text, "test.yaml");
  ASSERT_TRUE(loaded.has_value()) << loaded.error().to_string();
  const world& w = loaded.value().initial;
  ASSERT_EQ(w.devices.size(), 1U);
  EXPECT_EQ(w.devices[0].mac_address, "0004F2ABCDEF");
  const user* pbx = w.find_user("pbx@example.com");
  ASSERT_NE(pbx, nullptr);
  EXPECT_EQ(pbx->trunk_group, "pbx");
  EXPECT_EQ(pbx->trunk_line_port, "pbx_1@example.com");
  EXPECT_EQ(w.find_line_port_owner("pbx_1@example.com"), pbx);
}

TEST(ScenarioLoader, TrunkLinePortNeedsATrunkGroupAndAFreeLinePort) {
  auto without_trunk = problems_in(with_trunk_user("            trunk_line_port: pbx_1@example.com\n"));
  ASSERT_EQ(without_trunk.size(), 1U);
  EXPECT_EQ(without_trunk[0].line, 22);
  EXPECT_THAT(without_trunk[0].message,
              HasSubstr("users[1].trunk_line_port: only a trunk user (with trunk_group) has a trunk line port"));

  auto taken =
      problems_in(with_trunk_user("            trunk_group: pbx\n            trunk_line_port: alice_1@example.com\n"));
  ASSERT_EQ(taken.size(), 1U);
  EXPECT_EQ(taken[0].line, 23);
  EXPECT_THAT(taken[0].message, HasSubstr("users[1].trunk_line_port: line port 'alice_1@example.com' is already used"));

  auto bad = problems_in(with_trunk_user("            trunk_group: pbx\n            trunk_line_port: pbx 1\n"));
  ASSERT_EQ(bad.size(), 1U);
  EXPECT_THAT(bad[0].message, HasSubstr("'pbx 1' may hold only letters, digits"));
}

TEST(ScenarioLoader, MacAddressLongerThanTheSchemaAllowsIsReported) {
  std::string text(valid);
  text.replace(text.find("            type: Phone\n"), 0, "            mac_address: 0004F2ABCDEF00\n");
  auto problems = problems_in(text);
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_EQ(problems[0].line, 11);
  EXPECT_THAT(problems[0].message, HasSubstr("mac_address"));
  EXPECT_THAT(problems[0].message, HasSubstr("AccessDeviceMACAddress"));
}

TEST(ScenarioLoader, AliasesAreRefusedSoNoFileCanLoadForever) {
  // A list that contains itself, and a "billion laughs" of nested aliases.
  auto self = problems_in(std::string(valid) + "rules: &a [*a]\n");
  ASSERT_EQ(self.size(), 1U);
  EXPECT_EQ(self[0].line, 18);
  EXPECT_EQ(self[0].column, 12);
  EXPECT_THAT(self[0].message, HasSubstr("YAML aliases ('*name') are not supported: write the value out"));

  std::string bomb(valid);
  bomb += "x0: &x0 [a, a, a, a, a, a, a, a, a, a]\n";
  for (int level = 1; level < 12; ++level) {
    const std::string before = "*x" + std::to_string(level - 1);
    bomb += "x" + std::to_string(level) + ": &x" + std::to_string(level) + " [";
    for (int i = 0; i < 10; ++i) {
      bomb += (i == 0 ? "" : ", ") + before;
    }
    bomb += "]\n";
  }
  auto laughs = problems_in(bomb);
  ASSERT_EQ(laughs.size(), 1U);
  EXPECT_EQ(laughs[0].line, 19);
  EXPECT_THAT(laughs[0].message, HasSubstr("aliases"));

  // An anchor without an alias is harmless and allowed.
  EXPECT_TRUE(problems_in(std::string(valid) + "description: &d just text\n").empty());
}

TEST(ScenarioLoader, AScenarioThatIsNoMapSaysSoWithoutAPathPrefix) {
  auto problems = problems_in("- version: 1\n");
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_EQ(problems[0].to_string(), "test.yaml:1:1: expected a map of key: value pairs, got a list");
}

TEST(ScenarioLoader, SsoErrorOverridesAreLoaded) {
  std::string text(valid);
  text += R"(mock:
  token_seed: 18446744073709551615
  before_login: close_connection
  software_version: "22.0"
  sso_errors:
    device_locked: {code: 4100, text: "Locked: {device_name}"}
)";
  auto loaded = load_scenario_text(text, "test.yaml");
  ASSERT_TRUE(loaded.has_value()) << loaded.error().to_string();
  const settings& mock = loaded.value().initial.mock;
  EXPECT_EQ(mock.token_seed, std::optional<std::uint64_t>(18446744073709551615ULL));
  EXPECT_EQ(mock.before_login, before_login_behaviour::close_connection);
  EXPECT_EQ(mock.software_version, "22.0");
  ASSERT_EQ(mock.sso_errors.size(), 1U);
  EXPECT_EQ(mock.sso_errors.at(sso_refusal::device_locked), (error_reply{4100, "Locked: {device_name}"}));
}

TEST(ScenarioLoader, UnknownSsoErrorNameAndMissingCodeAreReported) {
  auto problems = problems_in(R"(version: 1
mock:
  sso_errors:
    device_lockd: {code: 1, text: x}
    device_management_not_supported: {text: x}
)");
  ASSERT_EQ(problems.size(), 2U);
  EXPECT_EQ(problems[0].line, 4);
  EXPECT_THAT(problems[0].message, HasSubstr("unknown key 'device_lockd' (did you mean 'device_locked'?)"));
  EXPECT_EQ(problems[1].line, 5);
  EXPECT_THAT(problems[1].message,
              HasSubstr("mock.sso_errors.device_management_not_supported: missing required key 'code'"));
}

TEST(ScenarioLoader, MultipleProblemsAreReportedTogetherInFileOrder) {
  auto problems = problems_in(R"(version: 3
device_types:
  - name: Phone
    colour: red
devices:
  - name: d1
    type: Phnoe
    locked: maybe
administrators:
  - {id: root, kind: system}
)");
  ASSERT_EQ(problems.size(), 5U);
  EXPECT_EQ(problems[0].line, 1);
  EXPECT_THAT(problems[0].message, HasSubstr("version 1"));
  EXPECT_EQ(problems[1].line, 4);
  EXPECT_THAT(problems[1].message, HasSubstr("unknown key 'colour'"));
  EXPECT_EQ(problems[2].line, 7);
  EXPECT_THAT(
      problems[2].message,
      HasSubstr("unknown device type 'Phnoe' (device types are listed under device_types) (did you mean 'Phone'?)"));
  EXPECT_EQ(problems[3].line, 8);
  EXPECT_THAT(problems[3].message, HasSubstr("expected true or false"));
  EXPECT_EQ(problems[4].line, 10);
  EXPECT_THAT(problems[4].message, HasSubstr("administrators[0]: missing required key 'password'"));
  auto loaded = load_scenario_text("version: 3\n", "x.yaml");
  ASSERT_TRUE(loaded.has_error());
  EXPECT_EQ(loaded.error().to_string(),
            "x.yaml:1:10: version: this mock reads scenario format version 1, got the value '3'");
}

TEST(ScenarioLoader, RepeatedKeyIsReported) {
  auto problems = problems_in("version: 1\nname: a\nname: b\n");
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_EQ(problems[0].line, 3);
  EXPECT_EQ(problems[0].message, "name: key 'name' appears twice in the same map");
}

TEST(ScenarioLoader, EmptyTextAndNonMapRootAreReported) {
  auto empty = problems_in("");
  ASSERT_EQ(empty.size(), 1U);
  EXPECT_THAT(empty[0].message, HasSubstr("the scenario is empty"));
  auto list = problems_in("- version: 1\n");
  ASSERT_EQ(list.size(), 1U);
  EXPECT_EQ(list[0].line, 1);
  EXPECT_THAT(list[0].message, HasSubstr("expected a map of key: value pairs, got a list"));
}

TEST(ScenarioLoader, SecondDocumentIsReported) {
  auto problems = problems_in("version: 1\n---\nversion: 1\n");
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_EQ(problems[0].line, 3);
  EXPECT_THAT(problems[0].message, HasSubstr("holds one YAML document"));
}

// yaml-cpp 0.7 reads a document that starts with a stray ',' as an endless run of empty documents;
// loading such a file once filled memory until the process died.
TEST(ScenarioLoader, StrayCommaIsASyntaxErrorNotAnEndlessRead) {
  auto alone = problems_in(",");
  ASSERT_EQ(alone.size(), 1U);
  EXPECT_EQ(alone[0].line, 1);
  EXPECT_EQ(alone[0].column, 1);
  EXPECT_EQ(alone[0].message, "YAML syntax error: unexpected ',' where a value should start");

  auto after_a_document = problems_in("version: 1\n---\n  , x\n");
  ASSERT_EQ(after_a_document.size(), 1U);
  EXPECT_EQ(after_a_document[0].line, 3);
  EXPECT_EQ(after_a_document[0].column, 3);
  EXPECT_THAT(after_a_document[0].message, HasSubstr("unexpected ','"));

  auto after_an_anchor = problems_in("&top ,\n");
  ASSERT_EQ(after_an_anchor.size(), 1U);
  EXPECT_EQ(after_an_anchor[0].column, 6);
  EXPECT_THAT(after_an_anchor[0].message, HasSubstr("unexpected ','"));
}

TEST(ScenarioLoader, BadLinePortCharactersAreReported) {
  std::string text(valid);
  text.replace(text.find("alice_1@example.com"), 19, "sip:alice_1@example.com");
  auto problems = problems_in(text);
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_EQ(problems[0].line, 17);
  EXPECT_THAT(problems[0].message, HasSubstr("'sip:alice_1@example.com' may hold only letters, digits"));
}

TEST(ScenarioFile, UnreadableFileNamesThePathAndTheReason) {
  const std::filesystem::path missing =
      std::filesystem::temp_directory_path() / "ocip-scenario-test-does-not-exist.yaml";
  auto loaded = load_scenario_file(missing);
  ASSERT_TRUE(loaded.has_error());
  ASSERT_EQ(loaded.error().problems.size(), 1U);
  EXPECT_EQ(loaded.error().to_string(), missing.string() + ": cannot read scenario file: No such file or directory");
}

TEST(ScenarioFile, ProblemsNameTheFileAsGiven) {
  const std::filesystem::path file =
      std::filesystem::temp_directory_path() / ("ocip-scenario-test-bad-" + std::to_string(::getpid()) + ".yaml");
  {
    std::ofstream out(file, std::ios::binary);
    out << "version: 1\nnmae: x\n";
  }
  auto loaded = load_scenario_file(file);
  std::filesystem::remove(file);
  ASSERT_TRUE(loaded.has_error());
  EXPECT_EQ(loaded.error().to_string(), file.string() + ":2:1: nmae: unknown key 'nmae' (did you mean 'name'?)");
}

}  // namespace
}  // namespace ocip::mock
