#include <gtest/gtest.h>

#include "ocip/mock/server.hpp"

namespace ocip::mock {
namespace {

TEST(Endpoint, ParsesIpv4AndIpv6) {
  auto v4 = parse_endpoint("127.0.0.1:2208");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4.value().address, "127.0.0.1");
  EXPECT_EQ(v4.value().port, 2208);
  auto v6 = parse_endpoint("[::1]:0");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6.value().address, "::1");
  EXPECT_EQ(v6.value().port, 0);
  EXPECT_EQ(v6.value().to_string(), "[::1]:0");
  auto local = parse_endpoint("localhost:2208");
  ASSERT_TRUE(local);
  EXPECT_EQ(local.value().address, "127.0.0.1");
}

TEST(Endpoint, RejectsBadInputWithAReason) {
  for (const char* bad :
       {"2208", "127.0.0.1:", ":2208", "127.0.0.1:70000", "127.0.0.1:22x", "host.example:2208", "[::1:2208"}) {
    auto parsed = parse_endpoint(bad);
    ASSERT_FALSE(parsed) << bad;
    EXPECT_NE(parsed.error().find(bad), std::string::npos) << parsed.error();
  }
}

}  // namespace
}  // namespace ocip::mock
