#include "ocip/mock/world.hpp"

#include <utility>

#include <gtest/gtest.h>

namespace ocip::mock {
namespace {

TEST(WorldSpelling, DeviceLevelsUseSchemaSpellingBothWays) {
  EXPECT_EQ(to_string(device_level::system), "System");
  EXPECT_EQ(to_string(device_level::service_provider), "Service Provider");
  EXPECT_EQ(to_string(device_level::group), "Group");
  EXPECT_EQ(parse_device_level("Service Provider"), device_level::service_provider);
  EXPECT_EQ(parse_device_level("Group"), device_level::group);
  EXPECT_EQ(parse_device_level("System"), device_level::system);
}

TEST(WorldSpelling, UnknownOrMiscasedLevelIsNotParsed) {
  EXPECT_EQ(parse_device_level("group"), std::nullopt);
  EXPECT_EQ(parse_device_level("ServiceProvider"), std::nullopt);
  EXPECT_EQ(parse_device_level(""), std::nullopt);
}

TEST(WorldSpelling, ConfigurationOptionsUseSchemaSpelling) {
  EXPECT_EQ(to_string(configuration_option::device_management), "Device Management");
  EXPECT_EQ(to_string(configuration_option::not_supported), "Not Supported");
  EXPECT_EQ(to_string(configuration_option::legacy), "Legacy");
  EXPECT_EQ(parse_configuration_option("Legacy"), configuration_option::legacy);
  EXPECT_EQ(parse_configuration_option("legacy"), std::nullopt);
}

TEST(WorldSpelling, AdminKindsUseLoginTypeSpelling) {
  EXPECT_EQ(to_string(admin_kind::system), "System");
  EXPECT_EQ(to_string(admin_kind::provisioning), "Provisioning");
  EXPECT_EQ(to_string(admin_kind::service_provider), "Service Provider");
  EXPECT_EQ(to_string(admin_kind::group), "Group");
  EXPECT_EQ(parse_admin_kind("Provisioning"), admin_kind::provisioning);
  EXPECT_EQ(parse_admin_kind("User"), std::nullopt);
}

TEST(WorldSpelling, RefusalsAndBeforeLoginUseScenarioKeys) {
  EXPECT_EQ(to_string(sso_refusal::no_line_port_on_device), "no_line_port_on_device");
  EXPECT_EQ(to_string(sso_refusal::device_locked), "device_locked");
  EXPECT_EQ(to_string(sso_refusal::device_management_not_supported), "device_management_not_supported");
  EXPECT_EQ(to_string(before_login_behaviour::close_connection), "close_connection");
  EXPECT_EQ(to_string(before_login_behaviour::error_response), "error_response");
}

TEST(SsoError, DefaultsAreTheMockDefinedCodes) {
  EXPECT_EQ(default_sso_error(sso_refusal::no_line_port_on_device),
            (error_reply{9101, "User {user_id} has no line port on device {device_name}"}));
  EXPECT_EQ(default_sso_error(sso_refusal::device_locked), (error_reply{9102, "Device is locked: {device_name}"}));
  EXPECT_EQ(default_sso_error(sso_refusal::device_management_not_supported),
            (error_reply{9103, "Device type does not support Device Management: {device_type}"}));
}

TEST(SsoError, SettingsFillTheDefaultWhenNotOverridden) {
  const settings mock;
  const sso_refusal_facts facts{"bob@example.com", "Group", "polycom-01", "Polycom VVX 450"};
  EXPECT_EQ(mock.sso_error(sso_refusal::no_line_port_on_device, facts),
            (error_reply{9101, "User bob@example.com has no line port on device polycom-01"}));
  EXPECT_EQ(mock.sso_error(sso_refusal::device_management_not_supported, facts).text,
            "Device type does not support Device Management: Polycom VVX 450");
}

TEST(SsoError, SettingsPreferTheScenarioOverride) {
  settings mock;
  mock.sso_errors[sso_refusal::device_locked] = error_reply{4242, "{device_level} device {device_name} locked"};
  const sso_refusal_facts facts{"carol@example.com", "Group", "polycom-locked-01", "Polycom VVX 450"};
  EXPECT_EQ(mock.sso_error(sso_refusal::device_locked, facts),
            (error_reply{4242, "Group device polycom-locked-01 locked"}));
  EXPECT_EQ(mock.sso_error(sso_refusal::no_line_port_on_device, facts).code, 9101);
}

TEST(SsoError, FactsContainingPlaceholdersAreNotExpandedAgain) {
  const sso_refusal_facts facts{"{device_name}", "Group", "d1", "t"};
  EXPECT_EQ(fill_sso_error({1, "{user_id}/{device_name}/{unknown}"}, facts).text, "{device_name}/d1/{unknown}");
}

world two_groups_with_same_device_name() {
  world w;
  w.service_providers = {{"acme", true}};
  w.groups = {{"acme", "sales", "example.com"}, {"acme", "support", "example.com"}};
  w.device_types = {{"Polycom VVX 450", configuration_option::device_management}};
  w.devices = {
      {{device_level::group, "acme", "sales", "desk-01"}, "Polycom VVX 450", false},
      {{device_level::group, "acme", "support", "desk-01"}, "Polycom VVX 450", true},
      {{device_level::system, "", "", "desk-01"}, "Polycom VVX 450", false},
  };
  user alice;
  alice.id = "alice@example.com";
  alice.service_provider = "acme";
  alice.group = "sales";
  w.users = {alice};
  w.trunk_groups = {{"acme", "sales", "pbx", {device_level::group, "acme", "sales", "desk-01"}}};
  w.administrators = {{"admin", "pw", admin_kind::system, "", ""}};
  return w;
}

TEST(WorldLookup, DeviceIsFoundByLevelOwnerAndName) {
  world w = two_groups_with_same_device_name();
  const device* support_desk = w.find_device({device_level::group, "acme", "support", "desk-01"});
  ASSERT_NE(support_desk, nullptr);
  EXPECT_TRUE(support_desk->locked);
  const device* system_desk = w.find_device({device_level::system, "", "", "desk-01"});
  ASSERT_NE(system_desk, nullptr);
  EXPECT_FALSE(system_desk->locked);
  EXPECT_EQ(w.find_device({device_level::service_provider, "acme", "", "desk-01"}), nullptr);
}

TEST(WorldLookup, MutableDeviceLookupChangesTheWorld) {
  world w = two_groups_with_same_device_name();
  device* sales_desk = w.find_device({device_level::group, "acme", "sales", "desk-01"});
  ASSERT_NE(sales_desk, nullptr);
  sales_desk->locked = true;
  EXPECT_TRUE(std::as_const(w).find_device({device_level::group, "acme", "sales", "desk-01"})->locked);
}

TEST(WorldLookup, FindsUsersAdministratorsGroupsAndTrunks) {
  world w = two_groups_with_same_device_name();
  ASSERT_NE(w.find_user("alice@example.com"), nullptr);
  EXPECT_EQ(w.find_user("alice@example.com")->group, "sales");
  EXPECT_EQ(w.find_user("admin"), nullptr);
  ASSERT_NE(w.find_administrator("admin"), nullptr);
  EXPECT_EQ(w.find_administrator("alice@example.com"), nullptr);
  ASSERT_NE(w.find_group("acme", "support"), nullptr);
  EXPECT_EQ(w.find_group("globex", "support"), nullptr);
  ASSERT_NE(w.find_service_provider("acme"), nullptr);
  EXPECT_TRUE(w.find_service_provider("acme")->is_enterprise);
  ASSERT_NE(w.find_trunk_group("acme", "sales", "pbx"), nullptr);
  EXPECT_EQ(w.find_trunk_group("acme", "support", "pbx"), nullptr);
  ASSERT_NE(w.find_device_type("Polycom VVX 450"), nullptr);
  EXPECT_EQ(w.find_device_type("polycom vvx 450"), nullptr);
}

/// Two devices in acme/sales, alice with a port on each, pbx a trunk user.
world changeable_world() {
  world w;
  w.device_types = {{"Phone", configuration_option::device_management}};
  const device_key desk{device_level::group, "acme", "sales", "desk"};
  const device_key lobby{device_level::group, "acme", "sales", "lobby"};
  w.devices = {{desk, "Phone", false}, {lobby, "Phone", false}};
  user alice{"alice", "pw", "acme", "sales", "A", "A", {{desk, "alice_1"}, {lobby, "alice_2"}}, std::nullopt};
  user pbx{"pbx", "pw", "acme", "sales", "P", "P", {}, std::string("trunk")};
  w.users = {alice, pbx};
  return w;
}

TEST(WorldChanges, LockAndUnlockFindTheDeviceByItsKey) {
  world w = changeable_world();
  const device_key desk{device_level::group, "acme", "sales", "desk"};
  EXPECT_TRUE(w.lock_device(desk));
  EXPECT_TRUE(w.find_device(desk)->locked);
  EXPECT_FALSE(w.find_device({device_level::group, "acme", "sales", "lobby"})->locked);
  EXPECT_TRUE(w.unlock_device(desk));
  EXPECT_FALSE(w.find_device(desk)->locked);
  EXPECT_FALSE(w.lock_device({device_level::service_provider, "acme", "", "desk"}));
}

TEST(WorldChanges, RemovingADeviceTakesItsLinePortsWithIt) {
  world w = changeable_world();
  const device_key desk{device_level::group, "acme", "sales", "desk"};
  EXPECT_TRUE(w.remove_device(desk));
  EXPECT_EQ(w.find_device(desk), nullptr);
  ASSERT_EQ(w.find_user("alice")->line_ports.size(), 1U);
  EXPECT_EQ(w.find_user("alice")->line_ports[0].id, "alice_2");
  EXPECT_FALSE(w.remove_device(desk));
}

TEST(WorldChanges, RemovingAnEndpointClearsPortsAndTrunk) {
  world w = changeable_world();
  EXPECT_TRUE(w.remove_endpoint("alice"));
  EXPECT_TRUE(w.find_user("alice")->line_ports.empty());
  EXPECT_TRUE(w.remove_endpoint("pbx"));
  EXPECT_FALSE(w.find_user("pbx")->trunk_group);
  EXPECT_FALSE(w.remove_endpoint("nobody"));
}

TEST(WorldChanges, ConfigurationOptionIsSetByTypeName) {
  world w = changeable_world();
  EXPECT_TRUE(w.set_configuration_option("Phone", configuration_option::legacy));
  EXPECT_EQ(w.find_device_type("Phone")->option, configuration_option::legacy);
  EXPECT_FALSE(w.set_configuration_option("phone", configuration_option::legacy));
}

}  // namespace
}  // namespace ocip::mock
