// The default scenario is the conformance suite's data: these tests pin the cases it promises.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ocip/mock/scenario.hpp"

namespace ocip::mock {
namespace {

const world& default_world() {
  static const scenario loaded = load_default_scenario();
  return loaded.initial;
}

const device& device_at(const device_key& key) {
  const device* found = default_world().find_device(key);
  if (found == nullptr) {
    ADD_FAILURE() << "no device " << key.name;
    static const device none;
    return none;
  }
  return *found;
}

configuration_option option_of(const device& d) {
  const device_type* type = default_world().find_device_type(d.device_type);
  EXPECT_NE(type, nullptr) << d.device_type;
  return type == nullptr ? configuration_option::not_supported : type->option;
}

const device_key polycom_01{device_level::group, "acme", "sales", "polycom-01"};

TEST(DefaultScenario, EmbeddedTextEqualsTheFile) {
  std::ifstream file(OCIP_DEFAULT_SCENARIO_FILE, std::ios::binary);
  ASSERT_TRUE(file.good());
  std::ostringstream content;
  content << file.rdbuf();
  EXPECT_EQ(default_scenario_text(), content.str());
}

TEST(DefaultScenario, LoadsWithoutProblemsUnderItsName) {
  auto loaded = load_scenario_text(default_scenario_text(), "<default>");
  ASSERT_TRUE(loaded.has_value()) << loaded.error().to_string();
  EXPECT_EQ(loaded.value().name, "default");
  EXPECT_EQ(loaded.value().source, "<default>");
  EXPECT_FALSE(loaded.value().description.empty());
}

TEST(DefaultScenario, AliceOwnsALinePortOnADeviceManagementGroupDevice) {
  const user* alice = default_world().find_user("alice@example.com");
  ASSERT_NE(alice, nullptr);
  EXPECT_EQ(alice->password, "alice-lab-pw");
  EXPECT_EQ(alice->service_provider, "acme");
  EXPECT_EQ(alice->group, "sales");
  ASSERT_EQ(alice->line_ports.size(), 1U);
  EXPECT_EQ(alice->line_ports[0].device, polycom_01);
  EXPECT_EQ(alice->line_ports[0].id, "alice_1@example.com");
  const device& phone = device_at(polycom_01);
  EXPECT_FALSE(phone.locked);
  EXPECT_EQ(phone.device_type, "Polycom VVX 450");
  EXPECT_EQ(option_of(phone), configuration_option::device_management);
}

TEST(DefaultScenario, BobHasNoLinePortOnAlicesDevice) {
  const user* bob = default_world().find_user("bob@example.com");
  ASSERT_NE(bob, nullptr);
  EXPECT_EQ(bob->group, "sales");
  EXPECT_FALSE(bob->trunk_group.has_value());
  ASSERT_FALSE(bob->line_ports.empty());
  for (const auto& port : bob->line_ports) {
    EXPECT_NE(port.device, polycom_01);
  }
}

TEST(DefaultScenario, LockedDeviceHasAnOwnerAndSupportsDeviceManagement) {
  const device_key key{device_level::group, "acme", "sales", "polycom-locked-01"};
  const device& locked = device_at(key);
  EXPECT_TRUE(locked.locked);
  EXPECT_EQ(option_of(locked), configuration_option::device_management);  // only the lock refuses
  const user* carol = default_world().find_user("carol@example.com");
  ASSERT_NE(carol, nullptr);
  ASSERT_EQ(carol->line_ports.size(), 1U);
  EXPECT_EQ(carol->line_ports[0].device, key);
}

TEST(DefaultScenario, NotSupportedAndLegacyDevicesHaveOwners) {
  const device_key ata{device_level::group, "acme", "sales", "ata-01"};
  const device_key legacy{device_level::group, "acme", "sales", "legacy-01"};
  EXPECT_EQ(option_of(device_at(ata)), configuration_option::not_supported);
  EXPECT_EQ(option_of(device_at(legacy)), configuration_option::legacy);
  EXPECT_FALSE(device_at(ata).locked);
  EXPECT_FALSE(device_at(legacy).locked);
  const user* dave = default_world().find_user("dave@example.com");
  const user* erin = default_world().find_user("erin@example.com");
  ASSERT_NE(dave, nullptr);
  ASSERT_NE(erin, nullptr);
  ASSERT_EQ(dave->line_ports.size(), 1U);
  ASSERT_EQ(erin->line_ports.size(), 1U);
  EXPECT_EQ(dave->line_ports[0].device, ata);
  EXPECT_EQ(erin->line_ports[0].device, legacy);
}

TEST(DefaultScenario, ServiceProviderAndSystemDevicesHaveOwners) {
  const device_key lobby{device_level::service_provider, "acme", "", "acme-lobby-01"};
  const device_key hotdesk{device_level::system, "", "", "sys-hotdesk-01"};
  EXPECT_EQ(option_of(device_at(lobby)), configuration_option::device_management);
  EXPECT_EQ(option_of(device_at(hotdesk)), configuration_option::device_management);
  const user* zoe = default_world().find_user("zoe@example.com");
  const user* frank = default_world().find_user("frank@example.com");
  ASSERT_NE(zoe, nullptr);
  ASSERT_NE(frank, nullptr);
  ASSERT_EQ(zoe->line_ports.size(), 1U);
  ASSERT_EQ(frank->line_ports.size(), 1U);
  EXPECT_EQ(zoe->line_ports[0].device, lobby);
  EXPECT_EQ(frank->line_ports[0].device, hotdesk);
}

TEST(DefaultScenario, NamesOutsideAsciiSurvive) {
  const user* zoe = default_world().find_user("zoe@example.com");
  ASSERT_NE(zoe, nullptr);
  EXPECT_EQ(zoe->first_name, "Zo\xC3\xAB");
  EXPECT_EQ(zoe->last_name, "M\xC3\xBCller");
}

TEST(DefaultScenario, TrunkUserIsOnATrunkGroupWithADeviceManagementDevice) {
  const user* pbx = default_world().find_user("pbx@example.com");
  ASSERT_NE(pbx, nullptr);
  EXPECT_TRUE(pbx->line_ports.empty());
  ASSERT_EQ(pbx->trunk_group, std::optional<std::string>("pbx-trunk"));
  const trunk_group* trunk = default_world().find_trunk_group("acme", "sales", "pbx-trunk");
  ASSERT_NE(trunk, nullptr);
  const device_key sbc{device_level::group, "acme", "sales", "sbc-01"};
  EXPECT_EQ(trunk->access_device, sbc);
  EXPECT_FALSE(device_at(sbc).locked);
  EXPECT_EQ(option_of(device_at(sbc)), configuration_option::device_management);
}

TEST(DefaultScenario, AdministratorsCoverEveryScope) {
  const world& w = default_world();
  const administrator* admin = w.find_administrator("admin");
  ASSERT_NE(admin, nullptr);
  EXPECT_EQ(admin->kind, admin_kind::system);
  EXPECT_EQ(admin->password, "password");
  const administrator* provisioning = w.find_administrator("provisioning");
  ASSERT_NE(provisioning, nullptr);
  EXPECT_EQ(provisioning->kind, admin_kind::provisioning);
  const administrator* acme = w.find_administrator("acme-admin");
  ASSERT_NE(acme, nullptr);
  EXPECT_EQ(acme->kind, admin_kind::service_provider);
  EXPECT_EQ(acme->service_provider, "acme");
  EXPECT_EQ(acme->group, "");
  const administrator* sales = w.find_administrator("sales-admin@example.com");
  ASSERT_NE(sales, nullptr);
  EXPECT_EQ(sales->kind, admin_kind::group);
  EXPECT_EQ(sales->service_provider, "acme");
  EXPECT_EQ(sales->group, "sales");
  // Out of scope for alice: a group administrator of another group of the same service provider.
  const administrator* support = w.find_administrator("support-admin@example.com");
  ASSERT_NE(support, nullptr);
  EXPECT_EQ(support->kind, admin_kind::group);
  EXPECT_EQ(support->service_provider, "acme");
  EXPECT_EQ(support->group, "support");
  ASSERT_NE(w.find_user("grace@example.com"), nullptr);
  EXPECT_EQ(w.find_user("grace@example.com")->group, "support");
}

TEST(DefaultScenario, HasTwoServiceProvidersAndThreeGroups) {
  const world& w = default_world();
  ASSERT_EQ(w.service_providers.size(), 2U);
  EXPECT_TRUE(w.find_service_provider("acme")->is_enterprise);
  ASSERT_NE(w.find_service_provider("globex"), nullptr);
  EXPECT_FALSE(w.find_service_provider("globex")->is_enterprise);
  EXPECT_EQ(w.groups.size(), 3U);
  ASSERT_NE(w.find_group("globex", "hq"), nullptr);
  EXPECT_EQ(w.find_group("globex", "hq")->user_domain, "globex.example.com");
  EXPECT_EQ(w.find_group("acme", "sales")->user_domain, "example.com");
  ASSERT_NE(w.find_user("henry@globex.example.com"), nullptr);
}

TEST(DefaultScenario, MockSettingsAreTheDefaults) {
  const settings& mock = default_world().mock;
  EXPECT_FALSE(mock.token_seed.has_value());  // unguessable tokens
  EXPECT_TRUE(mock.sso_errors.empty());       // the mock-defined 9101/9102/9103
  EXPECT_EQ(mock.before_login, before_login_behaviour::error_response);
  EXPECT_EQ(mock.software_version, "25.0");
}

TEST(ScenarioFolder, EveryScenarioFileLoadsWithoutProblems) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(OCIP_SCENARIO_DIR)) {
    if (entry.is_regular_file() && entry.path().extension() == ".yaml") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 3U) << "expected default.yaml and the examples in " << OCIP_SCENARIO_DIR;
  for (const auto& file : files) {
    auto loaded = load_scenario_file(file);
    EXPECT_TRUE(loaded.has_value()) << (loaded.has_error() ? loaded.error().to_string() : "");
  }
}

TEST(ScenarioFolder, ReadmeFirstExampleLoadsAndGivesAliceHerPhone) {
  std::ifstream file(std::filesystem::path(OCIP_SCENARIO_DIR) / "README.md", std::ios::binary);
  ASSERT_TRUE(file.good());
  std::ostringstream content;
  content << file.rdbuf();
  const std::string readme = content.str();
  const std::string fence = "```yaml\n";
  const auto start = readme.find(fence);
  ASSERT_NE(start, std::string::npos);
  const auto end = readme.find("```", start + fence.size());
  ASSERT_NE(end, std::string::npos);
  auto loaded = load_scenario_text(readme.substr(start + fence.size(), end - start - fence.size()), "README.md");
  ASSERT_TRUE(loaded.has_value()) << loaded.error().to_string();
  const user* alice = loaded.value().initial.find_user("alice@example.com");
  ASSERT_NE(alice, nullptr);
  ASSERT_EQ(alice->line_ports.size(), 1U);
  EXPECT_EQ(alice->line_ports[0].device, (device_key{device_level::group, "acme", "sales", "desk-01"}));
}

TEST(ScenarioFolder, SeededTokensExampleSetsSeedAndOverrides) {
  auto loaded = load_scenario_file(std::filesystem::path(OCIP_SCENARIO_DIR) / "seeded-tokens.yaml");
  ASSERT_TRUE(loaded.has_value()) << loaded.error().to_string();
  const settings& mock = loaded.value().initial.mock;
  EXPECT_EQ(mock.token_seed, std::optional<std::uint64_t>(20240601));
  EXPECT_EQ(mock.before_login, before_login_behaviour::close_connection);
  EXPECT_EQ(mock.sso_errors.count(sso_refusal::no_line_port_on_device), 0U);
  EXPECT_EQ(mock.sso_error(sso_refusal::device_locked, {"alice@example.com", "Group", "desk-02", "Polycom VVX 450"}),
            (error_reply{9902, "Device desk-02 is locked"}));
}

}  // namespace
}  // namespace ocip::mock
