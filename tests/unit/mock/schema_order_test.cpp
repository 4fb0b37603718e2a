// Scripted responses in schema order: the validator reads a type's content model from the XSD
// and the dispatcher's rule step uses it when a schema is loaded.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ocip/mock/dispatcher.hpp"
#include "ocip/mock/schema.hpp"
#include "ocip/mock/script.hpp"
#include "schema_support.hpp"
#include "test_world.hpp"

namespace ocip::mock {
namespace {

using protocol::command;
using protocol::element;

std::vector<std::string> names_of(const std::vector<element>& fields) {
  std::vector<std::string> out;
  out.reserve(fields.size());
  for (const auto& field : fields) {
    out.push_back(field.name);
  }
  return out;
}

/// A LoginResponse22V5 with its fields as a scenario author might list them: not in schema order.
command scrambled_login_response() {
  command reply{"LoginResponse22V5", std::nullopt, {}, {}};
  reply.fields = {element::leaf("userDomain", "example.com"),
                  element::leaf("isEnterprise", "false"),
                  element::leaf("loginType", "User"),
                  element::leaf("encoding", "ISO-8859-1"),
                  element::leaf("serviceProviderId", "acme"),
                  element::leaf("groupId", "sales"),
                  element::leaf("locale", "en_US")};
  return reply;
}

std::vector<std::string> login_response_order() {
  return {"loginType", "locale", "encoding", "groupId", "serviceProviderId", "isEnterprise", "userDomain"};
}

TEST(SchemaOrder, TopLevelFieldsFollowTheTypesSequence) {
  OCIP_NEED_SCHEMA(schema);
  const command scrambled = scrambled_login_response();
  ASSERT_FALSE(schema.validate_command(scrambled).has_value());  // out of order: invalid

  const command ordered = schema.in_schema_order(scrambled);
  EXPECT_EQ(ordered.type, "LoginResponse22V5");
  EXPECT_EQ(names_of(ordered.fields), login_response_order());
  EXPECT_EQ(ordered.field_text("serviceProviderId"), "acme");  // values travel with their names
  const auto valid = schema.validate_command(ordered);
  EXPECT_TRUE(valid.has_value()) << valid.error();
}

TEST(SchemaOrder, NestedFieldsFollowTheirElementsType) {
  OCIP_NEED_SCHEMA(schema);
  command reply{"UserGetResponse22", std::nullopt, {}, {}};
  reply.fields = {
      element::leaf("firstName", "Alice"),
      element::parent("accessDeviceEndpoint",
                      {element::leaf("useDomain", "true"), element::leaf("linePort", "alice_1@example.com"),
                       element::parent("accessDevice", {element::leaf("deviceName", "polycom-01"),
                                                        element::leaf("deviceLevel", "Group")}),
                       element::leaf("staticRegistrationCapable", "false")}),
      element::leaf("lastName", "Liddell"),
      element::leaf("notInTheSchema", "kept"),
      element::leaf("serviceProviderId", "acme"),
  };
  const command ordered = schema.in_schema_order(reply);
  EXPECT_EQ(names_of(ordered.fields), (std::vector<std::string>{"serviceProviderId", "lastName", "firstName",
                                                                "accessDeviceEndpoint", "notInTheSchema"}));
  const element* endpoint = ordered.field("accessDeviceEndpoint");
  ASSERT_NE(endpoint, nullptr);
  EXPECT_EQ(names_of(endpoint->children),
            (std::vector<std::string>{"accessDevice", "linePort", "staticRegistrationCapable", "useDomain"}));
  EXPECT_EQ(names_of(endpoint->children[0].children), (std::vector<std::string>{"deviceLevel", "deviceName"}));
}

TEST(SchemaOrder, RepeatedFieldsKeepTheirOrderAndUnknownTypesAreLeftAlone) {
  OCIP_NEED_SCHEMA(schema);
  command reply{"UserGetResponse22", std::nullopt, {}, {}};
  reply.fields = {element::leaf("alias", "sip:b@example.com"), element::leaf("userId", "alice@example.com"),
                  element::leaf("alias", "sip:a@example.com")};
  const command ordered = schema.in_schema_order(reply);
  ASSERT_EQ(names_of(ordered.fields), (std::vector<std::string>{"userId", "alias", "alias"}));
  EXPECT_EQ(ordered.fields[1].text, "sip:b@example.com");
  EXPECT_EQ(ordered.fields[2].text, "sip:a@example.com");

  command unknown{"NoSuchResponse", std::nullopt, {}, {}};
  unknown.fields = {element::leaf("b", "1"), element::leaf("a", "2")};
  EXPECT_EQ(schema.in_schema_order(unknown), unknown);
}

/// A rule that answers VerifySessionIsValidRequest with the scrambled login response.
world world_with_scripted_response() {
  world w = testing::make_test_world();
  rule r;
  r.name = "scripted";
  r.when.commands = {"VerifySessionIsValidRequest"};
  r.reply.what = scripted_reply::kind::response;
  r.reply.response = scrambled_login_response();
  w.scripting.rules = {r};
  return w;
}

command scripted_reply_from(dispatcher& decide) {
  protocol::document doc;
  doc.session_id = "s1";
  doc.commands = {command{"VerifySessionIsValidRequest", std::nullopt, {}, {}}};
  connection_state connection;
  connection.transport = "tcp";
  const dispatch_result result = decide.dispatch(doc, connection);
  return result.reply && !result.reply->commands.empty() ? result.reply->commands.front() : command{};
}

TEST(SchemaOrder, DispatcherWritesScriptedResponsesInSchemaOrderWhenASchemaIsLoaded) {
  OCIP_NEED_SCHEMA(schema);
  world w = world_with_scripted_response();
  token_source tokens{std::optional<std::uint64_t>{1}};
  dispatcher decide{w, tokens, testing::shared_schema().value()};
  const command reply = scripted_reply_from(decide);
  EXPECT_EQ(names_of(reply.fields), login_response_order());
  command without_echo = reply;
  without_echo.echo.reset();
  const auto valid = schema.validate_command(without_echo);
  EXPECT_TRUE(valid.has_value()) << valid.error();
}

TEST(SchemaOrder, WithoutASchemaScriptedResponsesKeepTheScenariosOrder) {
  world w = world_with_scripted_response();
  token_source tokens{std::optional<std::uint64_t>{1}};
  dispatcher decide{w, tokens};
  EXPECT_EQ(names_of(scripted_reply_from(decide).fields), names_of(scrambled_login_response().fields));
}

}  // namespace
}  // namespace ocip::mock
