// Regular expressions in rules and verify patterns: any request text, however long, is matched
// without crashing, a pattern that would take too long gives up, and bad patterns are refused.
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ocip/mock/script.hpp"

namespace ocip::mock {
namespace {

using ::testing::HasSubstr;

protocol::command request_with(std::string name, std::string text) {
  protocol::command cmd;
  cmd.type = "UserGetRequest22";
  cmd.fields.push_back(protocol::element::leaf(std::move(name), std::move(text)));
  return cmd;
}

TEST(FieldCondition, AVeryLongFieldIsMatchedWithoutRunningOutOfStack) {
  const auto condition = field_condition::matching("userId", R"(.*@example\.org)");
  ASSERT_TRUE(condition) << condition.error();
  const std::string long_name(500000, 'x');
  EXPECT_EQ(condition.value().matches_text(long_name + "@example.org"), true);
  EXPECT_EQ(condition.value().matches_text(long_name + "@example.com"), false);
  const auto any = field_condition::matching("userId", "a*").value();
  EXPECT_EQ(any.matches_text(std::string(500000, 'a')), true);
}

TEST(FieldCondition, ACatastrophicPatternGivesUpAndCountsAsNoMatch) {
  request_pattern pattern;
  pattern.fields.push_back(field_condition::matching("userId", "(a+)+$").value());
  const protocol::command unlucky = request_with("userId", std::string(40, 'a') + "!");
  EXPECT_EQ(pattern.fields[0].matches_text(unlucky.fields[0].text), std::nullopt);
  const match_context context{"admin", "tcp", "started"};
  EXPECT_FALSE(matches(pattern, unlucky, context));
  const std::vector<std::string> differences = mismatches(pattern, unlucky, context);
  ASSERT_EQ(differences.size(), 1U);
  EXPECT_THAT(differences[0], HasSubstr("field userId: matching /(a+)+$/ against its 41 characters gave up"));
  // The same pattern on text it matches quickly still matches.
  EXPECT_TRUE(matches(pattern, request_with("userId", "aaaa"), context));
}

TEST(FieldCondition, BadAndOverlongPatternsAreRefusedWithTheReason) {
  const auto unbalanced = field_condition::matching("userId", "(");
  ASSERT_FALSE(unbalanced);
  EXPECT_FALSE(unbalanced.error().empty());
  const auto overlong = field_condition::matching("userId", std::string(max_pattern_length + 1, 'a'));
  ASSERT_FALSE(overlong);
  EXPECT_THAT(overlong.error(), HasSubstr("at most 1000"));
  // The deepest nesting the length allows compiles (or is refused) without exhausting the stack.
  const std::string nested = std::string(499, '(') + "a" + std::string(499, ')');
  const auto deep = field_condition::matching("userId", nested);
  if (deep) {
    EXPECT_EQ(deep.value().matches_text("a"), true);
  }
}

}  // namespace
}  // namespace ocip::mock
