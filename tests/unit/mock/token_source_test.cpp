#include "ocip/mock/token_source.hpp"

#include <regex>
#include <set>

#include <gtest/gtest.h>

namespace ocip::mock {
namespace {

TEST(TokenSource, UnseededTokensAreHexAndDistinct) {
  token_source tokens(std::nullopt);
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const std::string token = tokens.next_token();
    EXPECT_TRUE(std::regex_match(token, std::regex("[0-9a-f]{64}"))) << token;
    seen.insert(token);
  }
  EXPECT_EQ(seen.size(), 100U);
}

TEST(TokenSource, SameSeedGivesTheSameSequence) {
  token_source first(7);
  token_source second(7);
  token_source other(8);
  const std::string a = first.next_token();
  EXPECT_EQ(a, second.next_token());
  EXPECT_NE(a, other.next_token());
  EXPECT_NE(first.next_token(), a);
}

TEST(TokenSource, NoncesAreThirteenDecimalDigits) {
  token_source tokens(std::nullopt);
  for (int i = 0; i < 50; ++i) {
    const std::string nonce = tokens.next_nonce();
    EXPECT_TRUE(std::regex_match(nonce, std::regex("[1-9][0-9]{12}"))) << nonce;
  }
}

}  // namespace
}  // namespace ocip::mock
