#include "ocip/protocol/message.hpp"

#include <gtest/gtest.h>

namespace ocip::protocol {
namespace {

command error_command(std::vector<element> fields, std::string severity = "Error") {
  command cmd;
  cmd.type = "ErrorResponse";
  cmd.attributes.push_back(attribute{"type", std::move(severity)});
  cmd.fields = std::move(fields);
  return cmd;
}

TEST(Element, ChildFindsFirstByName) {
  const element key = element::parent("department", {element::leaf("serviceProviderId", "sp1"),
                                                     element::leaf("name", "Sales"), element::leaf("name", "Other")});
  ASSERT_NE(key.child("name"), nullptr);
  EXPECT_EQ(key.child("name")->text, "Sales");
  EXPECT_EQ(key.child_text("serviceProviderId"), "sp1");
  EXPECT_EQ(key.child("groupId"), nullptr);
  EXPECT_FALSE(key.child_text("groupId").has_value());
}

TEST(Element, NilLeafIsNilWithoutText) {
  const element cleared = element::nil_leaf("phoneNumber");
  EXPECT_TRUE(cleared.nil);
  EXPECT_EQ(cleared.name, "phoneNumber");
  EXPECT_TRUE(cleared.text.empty());
  EXPECT_FALSE(element::leaf("phoneNumber", "").nil);
}

TEST(Command, FieldAndAttributeLookups) {
  command cmd;
  cmd.type = "LoginRequest22V5";
  cmd.fields = {element::leaf("userId", "admin@example.com"), element::leaf("password", "secret")};
  cmd.attributes = {attribute{"type", "Warning"}};
  EXPECT_EQ(cmd.field_text("userId"), "admin@example.com");
  EXPECT_EQ(cmd.field("password")->text, "secret");
  EXPECT_EQ(cmd.field("missing"), nullptr);
  EXPECT_EQ(cmd.attribute_value("type"), "Warning");
  EXPECT_FALSE(cmd.attribute_value("echo").has_value());
}

TEST(Addressing, ElementNamesFollowTheSchema) {
  EXPECT_EQ(addressing_element_name(addressing_kind::session_id), "sessionId");
  EXPECT_EQ(addressing_element_name(addressing_kind::user_id), "userId");
  EXPECT_EQ(addressing_element_name(addressing_kind::phone_number), "phoneNumber");
  EXPECT_EQ(addressing_element_name(addressing_kind::line_port), "linePort");
  EXPECT_EQ(addressing_element_name(addressing_kind::external_user_identity), "externalUserIdentity");
}

TEST(ErrorCodeFromSummary, ReadsTheBracketedPrefix) {
  EXPECT_EQ(error_code_from_summary("[Error 4008] User not found: alice@example.com"), 4008);
  EXPECT_EQ(error_code_from_summary("[Error 5404] Unauthorized transaction."), 5404);
  EXPECT_FALSE(error_code_from_summary("Error 5404 Unauthorized").has_value());
  EXPECT_FALSE(error_code_from_summary("[Error ] nothing").has_value());
  EXPECT_FALSE(error_code_from_summary("[Error 12a] nothing").has_value());
  EXPECT_FALSE(error_code_from_summary("[Error 4008 no bracket").has_value());
  EXPECT_FALSE(error_code_from_summary(" [Error 4008] leading space").has_value());
  EXPECT_FALSE(error_code_from_summary("").has_value());
}

TEST(ErrorResponse, CodeComesFromSummaryWhenErrorCodeIsAbsent) {
  const command cmd = error_command({element::leaf("summary", "[Error 4962] Invalid password"),
                                     element::leaf("summaryEnglish", "[Error 4962] Invalid password")});
  const error_response error = error_response::from_command(cmd);
  EXPECT_EQ(error.error_code, 4962);
  EXPECT_EQ(error.summary, "[Error 4962] Invalid password");
  EXPECT_EQ(error.summary_english, "[Error 4962] Invalid password");
  EXPECT_FALSE(error.detail.has_value());
  EXPECT_EQ(error.severity, "Error");
}

TEST(ErrorResponse, ErrorCodeElementWins) {
  const command cmd = error_command(
      {element::leaf("errorCode", "5202"), element::leaf("summary", "Account is disabled."),
       element::leaf("summaryEnglish", "Account is disabled."), element::leaf("detail", "line one\nline two")},
      "Warning");
  const error_response error = error_response::from_command(cmd);
  EXPECT_EQ(error.error_code, 5202);
  EXPECT_EQ(error.detail, "line one\nline two");
  EXPECT_EQ(error.severity, "Warning");
}

TEST(ErrorResponse, UnreadableErrorCodeFallsBackToSummary) {
  const command cmd = error_command({element::leaf("errorCode", "abc"), element::leaf("summary", "[Error 4505] x"),
                                     element::leaf("summaryEnglish", "[Error 4505] x")});
  EXPECT_EQ(error_response::from_command(cmd).error_code, 4505);
}

TEST(ErrorResponse, NoCodeAnywhereLeavesItEmpty) {
  const command cmd = error_command(
      {element::leaf("summary", "Something failed"), element::leaf("summaryEnglish", "Something failed")});
  EXPECT_FALSE(error_response::from_command(cmd).error_code.has_value());
}

TEST(ErrorResponse, MakeWritesTheRealServerForm) {
  const error_response error = error_response::make(4008, "User not found: alice@example.com");
  EXPECT_EQ(error.error_code, 4008);
  EXPECT_EQ(error.summary, "[Error 4008] User not found: alice@example.com");
  EXPECT_EQ(error.summary_english, error.summary);
  EXPECT_EQ(error.severity, "Error");

  const command cmd = error.to_command();
  EXPECT_EQ(cmd.type, "ErrorResponse");
  EXPECT_EQ(cmd.attribute_value("type"), "Error");
  ASSERT_EQ(cmd.fields.size(), 2U);
  EXPECT_EQ(cmd.fields[0].name, "summary");
  EXPECT_EQ(cmd.fields[1].name, "summaryEnglish");
  EXPECT_EQ(cmd.field("errorCode"), nullptr);
  EXPECT_EQ(error_response::from_command(cmd), error);
}

TEST(ErrorResponse, ToCommandKeepsSchemaOrderWithDetail) {
  const error_response error = error_response::make(6004, "OCI XML Request validation error", "line 1\nline 2");
  const command cmd = error.to_command();
  ASSERT_EQ(cmd.fields.size(), 3U);
  EXPECT_EQ(cmd.fields[2].name, "detail");
  EXPECT_EQ(cmd.fields[2].text, "line 1\nline 2");
  EXPECT_EQ(error_response::from_command(cmd), error);
}

TEST(ErrorResponse, ToCommandWritesErrorCodeWhenSummaryLacksIt) {
  error_response error;
  error.error_code = 1234;
  error.summary = "plain summary";
  error.summary_english = "plain summary";
  const command cmd = error.to_command();
  ASSERT_EQ(cmd.fields.size(), 3U);
  EXPECT_EQ(cmd.fields[0].name, "errorCode");
  EXPECT_EQ(cmd.fields[0].text, "1234");
  EXPECT_EQ(error_response::from_command(cmd), error);
}

TEST(SuccessResponse, IsAnEmptySuccessResponseCommand) {
  const command cmd = success_response();
  EXPECT_EQ(cmd.type, "SuccessResponse");
  EXPECT_TRUE(cmd.fields.empty());
  EXPECT_TRUE(cmd.attributes.empty());
  EXPECT_FALSE(cmd.echo.has_value());
}

}  // namespace
}  // namespace ocip::protocol
