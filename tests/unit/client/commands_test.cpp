// Typed commands: request shapes in schema order and strict reading of replies.

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ocip/client/commands.hpp"

namespace ocip::client {
namespace {

using protocol::command;
using protocol::element;

command make(std::string type, std::vector<element> fields) {
  command built;
  built.type = std::move(type);
  built.fields = std::move(fields);
  return built;
}

std::vector<element> login_fields_without(const std::string& missing) {
  std::vector<element> fields;
  for (const auto& [name, text] : std::vector<std::pair<std::string, std::string>>{{"loginType", "User"},
                                                                                   {"locale", "en_US"},
                                                                                   {"encoding", "ISO-8859-1"},
                                                                                   {"isEnterprise", "false"},
                                                                                   {"userDomain", "example.com"}}) {
    if (name != missing) {
      fields.push_back(element::leaf(name, text));
    }
  }
  return fields;
}

TEST(Commands, DeviceTokenRequestHasSchemaOrder) {
  const auto request = device_token_request{"bob@example.com", "Service Provider", "lobby"}.to_command();

  EXPECT_EQ(request.type, "UserSingleSignOnCreateDeviceTokenRequest");
  EXPECT_EQ(request.echo, std::nullopt);
  ASSERT_EQ(request.fields.size(), 3U);
  EXPECT_EQ(request.fields[0], element::leaf("userId", "bob@example.com"));
  EXPECT_EQ(request.fields[1], element::leaf("deviceLevel", "Service Provider"));
  EXPECT_EQ(request.fields[2], element::leaf("deviceName", "lobby"));
}

TEST(Commands, DeviceTokenReadsTheToken) {
  auto token = device_token::from_command(
      make("UserSingleSignOnCreateDeviceTokenResponse", {element::leaf("deviceToken", "abc")}));

  ASSERT_TRUE(token);
  EXPECT_EQ(token.value().value, "abc");
}

TEST(Commands, DeviceTokenFromAnotherTypeIsRefused) {
  auto token = device_token::from_command(make("SuccessResponse", {}));

  ASSERT_FALSE(token);
  EXPECT_THAT(token.error().message, ::testing::HasSubstr("SuccessResponse"));
}

TEST(Commands, EmptyOrMissingDeviceTokenIsRefused) {
  EXPECT_FALSE(device_token::from_command(
      make("UserSingleSignOnCreateDeviceTokenResponse", {element::leaf("deviceToken", "")})));
  auto missing = device_token::from_command(make("UserSingleSignOnCreateDeviceTokenResponse", {}));
  ASSERT_FALSE(missing);
  EXPECT_THAT(missing.error().message, ::testing::HasSubstr("deviceToken"));
}

TEST(Commands, LoginInfoNamesTheMissingRequiredElement) {
  for (const std::string missing : {"loginType", "locale", "encoding", "isEnterprise", "userDomain"}) {
    auto info = login_info::from_command(make("LoginResponse22V5", login_fields_without(missing)));
    ASSERT_FALSE(info) << missing;
    EXPECT_THAT(info.error().message, ::testing::HasSubstr("<" + missing + ">"));
  }
}

TEST(Commands, LoginInfoRefusesANonBooleanIsEnterprise) {
  auto fields = login_fields_without("isEnterprise");
  fields.insert(fields.begin() + 3, element::leaf("isEnterprise", "yes"));

  auto info = login_info::from_command(make("LoginResponse14sp4", fields));

  ASSERT_FALSE(info);
  EXPECT_THAT(info.error().message, ::testing::HasSubstr("isEnterprise"));
}

TEST(Commands, LoginInfoRefusesANonIntegerPasswordExpiresDays) {
  auto fields = login_fields_without("");
  fields.push_back(element::leaf("passwordExpiresDays", "12x"));

  auto info = login_info::from_command(make("LoginResponse22V5", fields));

  ASSERT_FALSE(info);
  EXPECT_THAT(info.error().message, ::testing::HasSubstr("passwordExpiresDays"));
}

TEST(Commands, LoginInfoIgnores22V5OnlyFieldsIn14sp4) {
  auto fields = login_fields_without("");
  fields.push_back(element::leaf("resellerId", "r1"));

  auto info = login_info::from_command(make("LoginResponse14sp4", fields));

  ASSERT_TRUE(info);
  EXPECT_EQ(info.value().reseller_id, std::nullopt);
  EXPECT_EQ(info.value().login_type, "User");
}

TEST(Commands, AuthenticationChallengeNeedsNonce) {
  auto challenge = authentication_challenge::from_command(
      make("AuthenticationResponse", {element::leaf("userId", "u"), element::leaf("passwordAlgorithm", "MD5")}));

  ASSERT_FALSE(challenge);
  EXPECT_THAT(challenge.error().message, ::testing::HasSubstr("<nonce>"));
}

TEST(Commands, LoginRequestsCarryFieldsInSchemaOrder) {
  EXPECT_EQ(login_request_22v5("u", "p").fields,
            (std::vector<element>{element::leaf("userId", "u"), element::leaf("password", "p")}));
  EXPECT_EQ(login_request_14sp4("u", "s").fields,
            (std::vector<element>{element::leaf("userId", "u"), element::leaf("signedPassword", "s")}));
  EXPECT_EQ(logout_request("u").type, "LogoutRequest");
  EXPECT_EQ(authentication_request("u").type, "AuthenticationRequest");
}

}  // namespace
}  // namespace ocip::client
