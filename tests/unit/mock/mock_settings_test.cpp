// The scenario's mock settings for logout and trusted addresses.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ocip/mock/scenario.hpp"

namespace ocip::mock {
namespace {

using ::testing::HasSubstr;

result<scenario, scenario_error> load_mock_section(std::string_view mock_yaml) {
  return load_scenario_text("version: 1\nmock:\n" + std::string(mock_yaml), "settings.yaml");
}

std::string problems_of(std::string_view mock_yaml) {
  auto loaded = load_mock_section(mock_yaml);
  return loaded ? std::string() : loaded.error().to_string();
}

TEST(MockSettings, DefaultsAreReplyAndTrustNobody) {
  auto loaded = load_scenario_text("version: 1\n", "settings.yaml");
  ASSERT_TRUE(loaded) << loaded.error().to_string();
  EXPECT_EQ(loaded.value().initial.mock.logout, logout_behaviour::reply);
  EXPECT_TRUE(loaded.value().initial.mock.trusted_addresses.empty());
}

TEST(MockSettings, LogoutBehaviourIsRead) {
  for (const auto& [word, expected] :
       {std::pair{"reply", logout_behaviour::reply}, std::pair{"reply_then_close", logout_behaviour::reply_then_close},
        std::pair{"close", logout_behaviour::close}}) {
    auto loaded = load_mock_section(std::string("  logout: ") + word + "\n");
    ASSERT_TRUE(loaded) << loaded.error().to_string();
    EXPECT_EQ(loaded.value().initial.mock.logout, expected) << word;
  }
}

TEST(MockSettings, UnknownLogoutBehaviourIsLocatedWithASuggestion) {
  EXPECT_EQ(problems_of("  logout: reply-then-close\n"),
            "settings.yaml:3:11: mock.logout: 'reply-then-close' is not a logout behaviour; expected one of reply, "
            "reply_then_close, close (did you mean 'reply_then_close'?)");
}

TEST(MockSettings, TrustedAddressesAreStoredCanonically) {
  auto loaded =
      load_mock_section("  trusted_addresses: [127.0.0.1, '0:0:0:0:0:0:0:1', 2001:DB8::7, ::ffff:10.0.0.1]\n");
  ASSERT_TRUE(loaded) << loaded.error().to_string();
  EXPECT_EQ(loaded.value().initial.mock.trusted_addresses,
            (std::vector<std::string>{"127.0.0.1", "::1", "2001:db8::7", "10.0.0.1"}));
}

TEST(MockSettings, BadTrustedAddressesAreEachReported) {
  const std::string problems = problems_of(
      "  trusted_addresses:\n"
      "    - localhost\n"
      "    - 10.0.0.0/8\n"
      "    - 127.0.0.1\n"
      "    - ::1\n"
      "    - 0::1\n"
      "    - {address: 1.2.3.4}\n");
  EXPECT_THAT(problems, HasSubstr("settings.yaml:4:7: mock.trusted_addresses[0]: 'localhost' is not an IP address"));
  EXPECT_THAT(problems, HasSubstr("settings.yaml:5:7: mock.trusted_addresses[1]: '10.0.0.0/8' is not an IP address"));
  EXPECT_THAT(problems,
              HasSubstr("settings.yaml:8:7: mock.trusted_addresses[4]: '0::1' is listed twice (first at line 7)"));
  EXPECT_THAT(problems, HasSubstr("settings.yaml:9:7: mock.trusted_addresses[5]: expected an IP address"));
}

TEST(MockSettings, TrustedAddressesMustBeAList) {
  EXPECT_THAT(problems_of("  trusted_addresses: 127.0.0.1\n"),
              HasSubstr("mock.trusted_addresses: expected a list (items starting with '- ')"));
}

TEST(MockSettings, MisplacedSettingsPointToMock) {
  auto loaded = load_scenario_text("version: 1\nlogout: close\ntrusted_addresses: []\n", "settings.yaml");
  ASSERT_FALSE(loaded);
  EXPECT_THAT(loaded.error().to_string(), HasSubstr("logout: unknown key 'logout' (mock settings go under 'mock:')"));
  EXPECT_THAT(loaded.error().to_string(),
              HasSubstr("trusted_addresses: unknown key 'trusted_addresses' (mock settings go under 'mock:')"));
}

TEST(MockSettings, ReadmeExampleOfTheNewSettingsLoads) {
  std::ifstream file(std::filesystem::path(OCIP_SCENARIO_DIR) / "README.md", std::ios::binary);
  ASSERT_TRUE(file.good());
  std::ostringstream content;
  content << file.rdbuf();
  const std::string readme = content.str();
  const auto mention = readme.find("```yaml\nmock:\n  logout:");
  ASSERT_NE(mention, std::string::npos) << "the README's example of logout and trusted_addresses";
  const auto start = mention + std::string_view("```yaml\n").size();
  const auto end = readme.find("```", start);
  ASSERT_NE(end, std::string::npos);
  auto loaded = load_scenario_text("version: 1\n" + readme.substr(start, end - start), "README.md");
  ASSERT_TRUE(loaded) << loaded.error().to_string();
  EXPECT_EQ(loaded.value().initial.mock.logout, logout_behaviour::close);
  EXPECT_EQ(loaded.value().initial.mock.trusted_addresses, (std::vector<std::string>{"127.0.0.1", "::1"}));
}

}  // namespace
}  // namespace ocip::mock
