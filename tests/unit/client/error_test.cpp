// The three failure kinds stay distinct and describe themselves.

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ocip/client/error.hpp"

namespace ocip::client {
namespace {

using ::testing::HasSubstr;

TEST(ClientError, AccessorsSeeOnlyTheirOwnKind) {
  const error transport = transport_error{"connect refused", transport_failure::connect_failed};
  const error protocol = protocol::protocol_error{"bad root"};
  const error server = server_error{protocol::error_response::make(5404, "Unauthorized transaction.")};

  EXPECT_NE(as_transport_error(transport), nullptr);
  EXPECT_EQ(as_protocol_error(transport), nullptr);
  EXPECT_EQ(as_server_error(transport), nullptr);
  EXPECT_TRUE(is_protocol_error(protocol));
  EXPECT_FALSE(is_server_error(protocol));
  EXPECT_TRUE(is_server_error(server));
  EXPECT_FALSE(is_transport_error(server));
  EXPECT_TRUE(is_transport_failure(transport, transport_failure::connect_failed));
  EXPECT_FALSE(is_transport_failure(transport, transport_failure::timeout));
  EXPECT_EQ(server_error_code(server), 5404);
  EXPECT_EQ(server_error_code(transport), std::nullopt);
}

TEST(ClientError, ServerErrorCodeFallsBackToTheSummary) {
  protocol::error_response response;
  response.summary = "[Error 4962] Invalid password";

  EXPECT_EQ(server_error_code(error{server_error{response}}), 4962);
}

TEST(ClientError, DescribeNamesTheKindAndTheMessage) {
  EXPECT_EQ(describe(transport_error{"no answer from tcp://127.0.0.1:2208", transport_failure::timeout}),
            "transport error (timeout): no answer from tcp://127.0.0.1:2208");
  EXPECT_EQ(describe(protocol::protocol_error{"bad root"}), "protocol error: bad root");
  EXPECT_EQ(describe(server_error{protocol::error_response::make(4962, "Invalid password")}),
            "server error: [Error 4962] Invalid password");
}

TEST(ClientError, DescribeAddsACodeMissingFromTheSummaryAndTheDetail) {
  protocol::error_response response;
  response.error_code = 6004;
  response.summary = "OCI XML Request validation error";
  response.detail = "minLength";

  const auto text = describe(server_error{response});

  EXPECT_THAT(text, HasSubstr("6004"));
  EXPECT_THAT(text, HasSubstr("detail: minLength"));
}

}  // namespace
}  // namespace ocip::client
