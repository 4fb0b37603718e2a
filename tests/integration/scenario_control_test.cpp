// Resetting the world and replacing the scenario while the mock serves, seen by a client.
#include <gtest/gtest.h>

#include "mock_fixture.hpp"
#include "ocip/client/client.hpp"

namespace ocip::testing {
namespace {

/// The default scenario with one rule: the first token request locks the device it names.
mock::scenario locking_scenario() {
  mock::scenario loaded = mock::load_default_scenario();
  mock::rule lock_on_first;
  lock_on_first.name = "lock-on-first-request";
  lock_on_first.when.commands = {"UserSingleSignOnCreateDeviceTokenRequest"};
  lock_on_first.times = 1;
  mock::world_change lock;
  lock.device_from_request = true;
  lock_on_first.changes = {lock};
  loaded.initial.scripting.rules = {lock_on_first};
  return loaded;
}

class ScenarioControl : public ::testing::Test {
 protected:
  /// The server error code of alice's token request for polycom-01, or 0 when a token came back.
  int token_request_code() {
    client::client_options options;
    options.port = mock_.port();
    options.connect_timeout = std::chrono::seconds(2);
    options.command_timeout = std::chrono::seconds(5);
    client::client alice(options);
    const auto login = alice.login("alice@example.com", "alice-lab-pw");
    EXPECT_TRUE(login) << client::describe(login.error());
    const auto token = alice.create_device_token({"alice@example.com", "Group", "polycom-01"});
    return token ? 0 : client::server_error_code(token.error()).value_or(-1);
  }

  running_mock mock_{locking_scenario()};
};

TEST_F(ScenarioControl, ResetUnlocksWhatARuleLockedAndReplaceKeepsOrDropsTheWorld) {
  EXPECT_EQ(token_request_code(), 9102);  // the rule locked polycom-01 before the token rules ran
  EXPECT_EQ(token_request_code(), 9102);  // still locked; the rule is spent

  // The default scenario without rules, keeping the live world: still locked.
  mock_.server().replace_scenario(mock::load_default_scenario(), true);
  EXPECT_EQ(token_request_code(), 9102);

  // A reset goes back to the scenario now served: unlocked, and no rule locks it again.
  mock_.server().reset();
  EXPECT_EQ(token_request_code(), 0);
  EXPECT_EQ(token_request_code(), 0);

  // Replacing with the locking scenario without keeping state: its rule works again.
  mock_.server().replace_scenario(locking_scenario(), false);
  EXPECT_EQ(token_request_code(), 9102);
}

}  // namespace
}  // namespace ocip::testing
