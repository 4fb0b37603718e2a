#include "ocip/protocol/password.hpp"

#include <gtest/gtest.h>

namespace ocip::protocol {
namespace {

TEST(Password, Sha1HexIsLowercaseHex) {
  EXPECT_EQ(sha1_hex("password"), "5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8");
  EXPECT_EQ(sha1_hex(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
}

TEST(Password, SignPasswordMatchesReferenceVector) {
  EXPECT_EQ(sign_password("password", "1234567890123"), "77e4a6de3a1e00be05e121cf0ebee860");
}

TEST(Password, SignPasswordDependsOnNonce) {
  EXPECT_NE(sign_password("password", "1234567890123"), sign_password("password", "1234567890124"));
  EXPECT_EQ(sign_password("password", "1234567890124").size(), 32U);
}

}  // namespace
}  // namespace ocip::protocol
