#include "ocip/mock/sso_rules.hpp"

#include <gtest/gtest.h>

#include "test_world.hpp"

namespace ocip::mock {
namespace {

class SsoRules : public ::testing::Test {
 protected:
  const user& user_named(std::string_view id) { return *w_.find_user(id); }
  const device& device_named(const std::string& name) { return *w_.find_device(testing::group_device(name)); }

  world w_ = testing::make_test_world();
};

TEST_F(SsoRules, OwnerOfALinePortOnADeviceManagementDeviceIsAllowed) {
  EXPECT_EQ(check_device_token_rules(w_, user_named("alice@acme.example.com"), device_named("desk-alice")),
            std::nullopt);
}

TEST_F(SsoRules, LinePortRuleIsCheckedBeforeTheLock) {
  // bob owns nothing; the locked device reports the missing line port first.
  EXPECT_EQ(check_device_token_rules(w_, user_named("bob@acme.example.com"), device_named("desk-locked")),
            sso_refusal::no_line_port_on_device);
}

TEST_F(SsoRules, LockIsCheckedBeforeDeviceManagement) {
  device& old = *w_.find_device(testing::group_device("desk-old"));
  old.locked = true;
  EXPECT_EQ(check_device_token_rules(w_, user_named("alice@acme.example.com"), old), sso_refusal::device_locked);
}

TEST_F(SsoRules, UnlockingADeviceAllowsTheTokenAgain) {
  device& locked = *w_.find_device(testing::group_device("desk-locked"));
  EXPECT_EQ(check_device_token_rules(w_, user_named("alice@acme.example.com"), locked), sso_refusal::device_locked);
  locked.locked = false;
  EXPECT_EQ(check_device_token_rules(w_, user_named("alice@acme.example.com"), locked), std::nullopt);
}

TEST_F(SsoRules, TrunkUserOwnsAPortOnTheTrunkGroupDevice) {
  EXPECT_TRUE(owns_line_port_on(w_, user_named("pbx@acme.example.com"), testing::group_device("sbc-1")));
  EXPECT_FALSE(owns_line_port_on(w_, user_named("pbx@acme.example.com"), testing::group_device("desk-alice")));
}

TEST_F(SsoRules, DevicesAreFoundOnlyInTheUsersReach) {
  const user& carol = user_named("carol@acme.example.com");  // group "support", same service provider
  EXPECT_EQ(find_device_in_reach(w_, carol, device_level::group, "desk-alice"), nullptr);
  EXPECT_NE(find_device_in_reach(w_, carol, device_level::service_provider, "sp-phone"), nullptr);
  EXPECT_NE(find_device_in_reach(w_, carol, device_level::system, "sys-phone"), nullptr);
  EXPECT_EQ(find_device_in_reach(w_, carol, device_level::system, "sp-phone"), nullptr);
}

}  // namespace
}  // namespace ocip::mock
