#include "ocip/protocol/codec.hpp"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fixtures.hpp"

namespace ocip::protocol {
namespace {

using test::read_fixture;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr std::string_view server_session = "a1b2c3d4-5e6f-4a8b-9c0d-0123456789ab";
constexpr std::string_view client_session = "5c3b1a2e-9f8d-4c7b-a6e5-d4c3b2a19f8e";

document decode_ok(std::string_view bytes) {
  auto decoded = decode(bytes);
  if (!decoded) {
    ADD_FAILURE() << "decode failed: " << decoded.error().message;
    return document{};
  }
  return std::move(decoded).value();
}

document decode_fixture(std::string_view name) {
  SCOPED_TRACE(std::string{name});
  return decode_ok(read_fixture(name));
}

std::string decode_error(std::string_view bytes) {
  auto decoded = decode(bytes);
  if (decoded) {
    ADD_FAILURE() << "decode unexpectedly succeeded";
    return {};
  }
  return decoded.error().message;
}

/// A client document around command XML (UTF-8, one line).
std::string client_doc(std::string_view commands, std::string_view root_extra = "") {
  return std::string{
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<BroadsoftDocument protocol=\"OCI\" xmlns=\"C\" "
             "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""} +
         std::string{root_extra} + "><sessionId xmlns=\"\">s1</sessionId>" + std::string{commands} +
         "</BroadsoftDocument>\n";
}

document server_doc(std::string_view session_id, std::vector<command> commands) {
  document doc;
  doc.session_id = std::string{session_id};
  doc.commands = std::move(commands);
  return doc;
}

command data_response(std::string type, std::vector<element> fields, std::string echo = "") {
  command cmd;
  cmd.type = std::move(type);
  cmd.echo = std::move(echo);
  cmd.fields = std::move(fields);
  return cmd;
}

// ---------------------------------------------------------------------------------------------
// Decoding the golden fixtures

TEST(CodecDecode, ServerTokenResponse) {
  const document doc = decode_fixture("server_token_response.xml");
  EXPECT_EQ(doc.protocol, "OCI");
  EXPECT_EQ(doc.addressing, addressing_kind::session_id);
  EXPECT_EQ(doc.session_id, server_session);
  EXPECT_FALSE(doc.tracking_id.has_value());
  ASSERT_EQ(doc.commands.size(), 1U);
  const command& cmd = doc.commands[0];
  EXPECT_EQ(cmd.type, "UserSingleSignOnCreateDeviceTokenResponse");
  EXPECT_EQ(cmd.echo, "");
  EXPECT_TRUE(cmd.attributes.empty());
  ASSERT_EQ(cmd.fields.size(), 1U);
  EXPECT_EQ(cmd.field_text("deviceToken"), "dt-7F3A9C21E0");
}

TEST(CodecDecode, ServerSuccessResponseStripsTypePrefix) {
  const document doc = decode_fixture("server_success_response.xml");
  EXPECT_EQ(doc.session_id, "host.example.com,1700000000000,42");
  ASSERT_EQ(doc.commands.size(), 1U);
  EXPECT_EQ(doc.commands[0].type, "SuccessResponse");
  EXPECT_TRUE(doc.commands[0].fields.empty());
}

TEST(CodecDecode, ServerErrorResponseGivesCodeFromSummary) {
  const document doc = decode_fixture("server_error_response.xml");
  ASSERT_EQ(doc.commands.size(), 1U);
  const command& cmd = doc.commands[0];
  EXPECT_EQ(cmd.type, "ErrorResponse");
  EXPECT_EQ(cmd.attribute_value("type"), "Error");
  const error_response error = error_response::from_command(cmd);
  EXPECT_EQ(error.error_code, 4008);
  EXPECT_EQ(error.summary, "[Error 4008] User not found: alice@example.com");
  EXPECT_EQ(error.summary_english, error.summary);
  EXPECT_FALSE(error.detail.has_value());
}

TEST(CodecDecode, ServerMultiCommandKeepsOrderEchoAndTrackingId) {
  const document doc = decode_fixture("server_multi_command_tracking.xml");
  EXPECT_EQ(doc.tracking_id, "trk-0042");
  ASSERT_EQ(doc.commands.size(), 3U);
  EXPECT_EQ(doc.commands[0].type, "SystemSoftwareVersionGetResponse");
  EXPECT_EQ(doc.commands[0].echo, "first");
  EXPECT_EQ(doc.commands[0].field_text("version"), "25.0");
  EXPECT_EQ(doc.commands[1].type, "SuccessResponse");
  EXPECT_EQ(doc.commands[1].echo, "second");
  EXPECT_EQ(doc.commands[2].type, "ErrorResponse");
  EXPECT_EQ(doc.commands[2].echo, "third");
  const error_response error = error_response::from_command(doc.commands[2]);
  EXPECT_EQ(error.error_code, 6004);
  EXPECT_EQ(error.detail,
            "cvc-minLength-valid: Value '' with length = '0' is not facet-valid with respect to minLength '1'.\n"
            "Command: UserGetRequest22 <userId> & more");
}

TEST(CodecDecode, ServerLatin1BytesAndReferencesBecomeUtf8) {
  const document doc = decode_fixture("server_names_non_latin1.xml");
  ASSERT_EQ(doc.commands.size(), 1U);
  const command& cmd = doc.commands[0];
  EXPECT_EQ(cmd.field_text("serviceProviderId"), "sp-\xC3\xA9t\xC3\xA9");
  EXPECT_EQ(cmd.field_text("groupId"), "R&D <East>");
  EXPECT_EQ(cmd.field_text("lastName"), "M\xC3\xBCller");
  EXPECT_EQ(cmd.field_text("firstName"), "\xC5\x81ukasz");
  EXPECT_EQ(cmd.field_text("callingLineIdLastName"), "Zo\xC3\xAB");
  EXPECT_EQ(cmd.field_text("callingLineIdFirstName"), "\xD0\x90\xD0\xBD\xD0\xBD\xD0\xB0 \xF0\x9F\x98\x80");
  ASSERT_NE(cmd.field("hiraganaLastName"), nullptr);
  EXPECT_EQ(cmd.field("hiraganaLastName")->text, "");
  EXPECT_FALSE(cmd.field("hiraganaLastName")->nil);
}

TEST(CodecDecode, ClientSingleQuotedUtf8Declaration) {
  const document doc = decode_fixture("client_auth_request_single_quotes.xml");
  EXPECT_EQ(doc.session_id, client_session);
  ASSERT_EQ(doc.commands.size(), 1U);
  EXPECT_EQ(doc.commands[0].type, "AuthenticationRequest");
  EXPECT_FALSE(doc.commands[0].echo.has_value());
  EXPECT_EQ(doc.commands[0].field_text("userId"), "j\xC3\xBCrgen@example.com");
}

TEST(CodecDecode, ClientDeclaredLatin1ByteBecomesUtf8) {
  const std::string bytes = read_fixture("client_login_iso8859.xml");
  ASSERT_NE(bytes.find("j\xFCrgen"), std::string::npos) << "fixture must hold the raw 0xFC byte";
  const document doc = decode_ok(bytes);
  ASSERT_EQ(doc.commands.size(), 1U);
  EXPECT_EQ(doc.commands[0].type, "LoginRequest14sp4");
  EXPECT_EQ(doc.commands[0].field_text("userId"), "j\xC3\xBCrgen@example.com");
  EXPECT_EQ(doc.commands[0].field_text("signedPassword"), "77e4a6de3a1e00be05e121cf0ebee860");
}

TEST(CodecDecode, ClientWithoutDeclaration) {
  const document doc = decode_fixture("client_no_declaration.xml");
  EXPECT_EQ(doc.session_id, "client-host,1700000000123,77");
  ASSERT_EQ(doc.commands.size(), 1U);
  EXPECT_EQ(doc.commands[0].type, "SystemSoftwareVersionGetRequest");
  EXPECT_TRUE(doc.commands[0].fields.empty());
}

TEST(CodecDecode, ClientPrettyPrintedWithCrlfHasNoLayoutText) {
  const document doc = decode_fixture("client_pretty_crlf.xml");
  EXPECT_EQ(doc.session_id, client_session);
  ASSERT_EQ(doc.commands.size(), 1U);
  const command& cmd = doc.commands[0];
  EXPECT_EQ(cmd.type, "UserSingleSignOnCreateDeviceTokenRequest");
  ASSERT_EQ(cmd.fields.size(), 3U);
  EXPECT_EQ(cmd.fields[0], element::leaf("userId", "alice@example.com"));
  EXPECT_EQ(cmd.fields[1], element::leaf("deviceLevel", "Group"));
  EXPECT_EQ(cmd.fields[2], element::leaf("deviceName", "Lobby Phone"));
}

TEST(CodecDecode, ClientXsiBoundToOtherPrefixOnCommand) {
  const document doc = decode_fixture("client_xsi_prefix_on_command.xml");
  ASSERT_EQ(doc.commands.size(), 1U);
  const command& cmd = doc.commands[0];
  EXPECT_EQ(cmd.type, "LoginRequest22V5");
  EXPECT_TRUE(cmd.attributes.empty());
  EXPECT_EQ(cmd.field_text("userId"), "admin@example.com");
  EXPECT_EQ(cmd.field_text("password"), "s3cret>1");
}

TEST(CodecDecode, ClientNilFieldsAndNestedXsiType) {
  const document doc = decode_fixture("client_nil_field.xml");
  ASSERT_EQ(doc.commands.size(), 1U);
  const command& cmd = doc.commands[0];
  EXPECT_EQ(cmd.type, "UserModifyRequest22");
  ASSERT_EQ(cmd.fields.size(), 4U);
  EXPECT_EQ(cmd.fields[0], element::leaf("userId", "alice@example.com"));
  EXPECT_EQ(cmd.fields[1], element::nil_leaf("phoneNumber"));
  element department = element::parent("department", {element::leaf("serviceProviderId", "sp1"),
                                                      element::leaf("groupId", "g1"), element::leaf("name", "Sales")});
  department.xsi_type = "GroupDepartmentKey";
  EXPECT_EQ(cmd.fields[2], department);
  EXPECT_EQ(cmd.fields[3], element::nil_leaf("endpoint"));
}

TEST(CodecDecode, ClientTrackingId) {
  const document doc = decode_fixture("client_tracking_id.xml");
  EXPECT_EQ(doc.tracking_id, "client-trk-9001");
  ASSERT_EQ(doc.commands.size(), 1U);
  EXPECT_EQ(doc.commands[0].type, "VerifySessionIsValidRequest");
}

TEST(CodecDecode, ClientEchoOnSomeCommands) {
  const document doc = decode_fixture("client_echo_multi_command.xml");
  ASSERT_EQ(doc.commands.size(), 3U);
  EXPECT_EQ(doc.commands[0].echo, "user-lookup");
  EXPECT_EQ(doc.commands[0].type, "UserGetRequest22");
  EXPECT_EQ(doc.commands[1].echo, "device \"lobby\"");
  EXPECT_EQ(doc.commands[1].type, "GroupAccessDeviceGetRequest18sp1");
  EXPECT_EQ(doc.commands[1].field_text("deviceName"), "Lobby Phone");
  EXPECT_FALSE(doc.commands[2].echo.has_value());
  EXPECT_EQ(doc.commands[2].type, "AvailabilityTestRequest");
}

TEST(CodecDecode, PipelinedStreamIsNotOneDocument) {
  EXPECT_THAT(decode_error(read_fixture("client_pipelined_three.xml")), HasSubstr("line 3"));
}

// ---------------------------------------------------------------------------------------------
// Decoding variants and refusals

TEST(CodecDecode, SessionLessUserIdAddressing) {
  const document doc = decode_ok(
      "<BroadsoftDocument protocol=\"OCI\" xmlns=\"C\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
      "<userId xmlns=\"\">alice@example.com</userId><command xsi:type=\"UserGetRequest22\" xmlns=\"\">"
      "<userId>alice@example.com</userId></command></BroadsoftDocument>");
  EXPECT_EQ(doc.addressing, addressing_kind::user_id);
  EXPECT_EQ(doc.session_id, "alice@example.com");
}

TEST(CodecDecode, StructuredExternalUserIdentityIsReadAndWrittenBack) {
  const document doc = decode_ok(
      "<BroadsoftDocument protocol=\"OCI\" xmlns=\"C\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
      "<externalUserIdentity xmlns=\"\"><id>alice@example.com</id><organizationId>acme</organizationId>"
      "<role>User</role></externalUserIdentity><command xsi:type=\"AvailabilityTestRequest\" xmlns=\"\"/>"
      "</BroadsoftDocument>");
  EXPECT_EQ(doc.addressing, addressing_kind::external_user_identity);
  EXPECT_EQ(doc.session_id, "alice@example.com");
  ASSERT_EQ(doc.identity_parts.size(), 3U);
  EXPECT_EQ(doc.identity_parts[1].name, "organizationId");
  EXPECT_EQ(doc.identity_parts[2].text, "User");
  const std::string written = encode(doc, wire_style::client);
  EXPECT_NE(written.find("<externalUserIdentity xmlns=\"\"><id>alice@example.com</id><organizationId>acme"
                         "</organizationId><role>User</role></externalUserIdentity>"),
            std::string::npos)
      << written;
}

TEST(CodecDecode, PrefixedRootInNamespaceCIsAccepted) {
  const document doc = decode_ok(
      "<oci:BroadsoftDocument protocol=\"NSOCI\" xmlns:oci=\"C\" "
      "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
      "<sessionId>s</sessionId><command xsi:type=\"AvailabilityTestRequest\"/></oci:BroadsoftDocument>");
  EXPECT_EQ(doc.protocol, "NSOCI");
  ASSERT_EQ(doc.commands.size(), 1U);
}

TEST(CodecDecode, WhitespaceOnlyLeafTextIsKeptButIndentationIsNot) {
  const document doc =
      decode_ok(client_doc("<command xsi:type=\"X\" xmlns=\"\"><a> </a><b>\n  <c>1</c>\n  "
                           "<d>2</d>\n</b><e><![CDATA[x<y]]>&amp;z</e></command>"));
  const command& cmd = doc.commands.at(0);
  EXPECT_EQ(cmd.field_text("a"), " ");
  ASSERT_NE(cmd.field("b"), nullptr);
  EXPECT_EQ(cmd.field("b")->text, "");
  EXPECT_EQ(cmd.field("b")->children.size(), 2U);
  EXPECT_EQ(cmd.field_text("e"), "x<y&z");
}

TEST(CodecDecode, SixteenCommandsAreKeptForTheServerToRefuse) {
  std::string commands;
  for (int i = 0; i < 16; ++i) {
    commands += "<command xsi:type=\"AvailabilityTestRequest\" xmlns=\"\"/>";
  }
  EXPECT_EQ(decode_ok(client_doc(commands)).commands.size(), 16U);
}

TEST(CodecDecode, XsiNilFalseIsNotNil) {
  const document doc = decode_ok(client_doc("<command xsi:type=\"X\" xmlns=\"\"><a xsi:nil=\"false\">v</a></command>"));
  EXPECT_EQ(doc.commands.at(0).fields.at(0), element::leaf("a", "v"));
}

TEST(CodecDecode, OtherCommandAttributesAreKept) {
  const document doc =
      decode_ok(client_doc("<command type=\"Warning\" echo=\"\" xsi:type=\"c:ErrorResponse\" "
                           "xmlns:c=\"C\" xmlns=\"\"><summary>s</summary></command>"));
  const command& cmd = doc.commands.at(0);
  EXPECT_EQ(cmd.type, "ErrorResponse");
  ASSERT_EQ(cmd.attributes.size(), 1U);
  EXPECT_EQ(cmd.attributes[0], (attribute{"type", "Warning"}));
  EXPECT_EQ(cmd.echo, "");
}

TEST(CodecDecode, RefusesZeroCommands) {
  EXPECT_THAT(decode_error(client_doc("")), HasSubstr("no command"));
}

TEST(CodecDecode, RefusesWrongRootName) {
  EXPECT_THAT(decode_error("<Document protocol=\"OCI\" xmlns=\"C\"><sessionId>s</sessionId></Document>"),
              HasSubstr("expected <BroadsoftDocument> in namespace 'C'"));
}

TEST(CodecDecode, RefusesRootInAnotherNamespace) {
  EXPECT_THAT(decode_error("<BroadsoftDocument protocol=\"OCI\" xmlns=\"urn:other\"><sessionId>s</sessionId>"
                           "<command/></BroadsoftDocument>"),
              HasSubstr("namespace 'urn:other'"));
  EXPECT_THAT(
      decode_error("<BroadsoftDocument protocol=\"OCI\"><sessionId>s</sessionId><command/></BroadsoftDocument>"),
      HasSubstr("namespace ''"));
}

TEST(CodecDecode, RefusesMissingProtocolAttribute) {
  EXPECT_THAT(decode_error("<BroadsoftDocument xmlns=\"C\"><sessionId>s</sessionId></BroadsoftDocument>"),
              HasSubstr("protocol"));
}

TEST(CodecDecode, RefusesMissingAddressing) {
  EXPECT_THAT(decode_error("<BroadsoftDocument protocol=\"OCI\" xmlns=\"C\" xmlns:xsi=\"http://www.w3.org/2001/"
                           "XMLSchema-instance\"><command xsi:type=\"X\" xmlns=\"\"/></BroadsoftDocument>"),
              HasSubstr("must start with sessionId"));
}

TEST(CodecDecode, RefusesTwoAddressingElements) {
  EXPECT_THAT(decode_error(client_doc("<userId xmlns=\"\">u</userId><command xsi:type=\"X\" xmlns=\"\"/>")),
              HasSubstr("second addressing element"));
}

TEST(CodecDecode, RefusesTrackingIdAfterCommand) {
  EXPECT_THAT(decode_error(client_doc("<command xsi:type=\"X\" xmlns=\"\"/><trackingId xmlns=\"\">t</trackingId>")),
              HasSubstr("trackingId"));
}

TEST(CodecDecode, RefusesCommandWithoutXsiType) {
  EXPECT_THAT(decode_error(client_doc("<command xmlns=\"\"><userId>u</userId></command>")),
              HasSubstr("command 1 has no xsi:type"));
}

TEST(CodecDecode, TypeAttributeInAnotherNamespaceIsNotXsiType) {
  EXPECT_THAT(decode_error(client_doc("<command xmlns:x=\"urn:not-xsi\" x:type=\"UserGetRequest22\" xmlns=\"\"/>")),
              HasSubstr("no xsi:type"));
}

TEST(CodecDecode, RefusesUndeclaredPrefix) {
  EXPECT_THAT(decode_error(client_doc("<command q:type=\"UserGetRequest22\" xmlns=\"\"/>")),
              HasSubstr("undeclared prefix 'q'"));
}

TEST(CodecDecode, RefusesTextInsideCommand) {
  EXPECT_THAT(decode_error(client_doc("<command xsi:type=\"X\" xmlns=\"\">junk<a>1</a></command>")),
              HasSubstr("holds text outside its fields"));
}

TEST(CodecDecode, RefusesMixedContent) {
  EXPECT_THAT(decode_error(client_doc("<command xsi:type=\"X\" xmlns=\"\"><a>text<b>1</b></a></command>")),
              HasSubstr("mixes text with child elements"));
}

TEST(CodecDecode, RefusesNilWithContent) {
  EXPECT_THAT(decode_error(client_doc("<command xsi:type=\"X\" xmlns=\"\"><a xsi:nil=\"true\">v</a></command>")),
              HasSubstr("xsi:nil but has content"));
}

TEST(CodecDecode, RefusesDoctype) {
  EXPECT_THAT(
      decode_error("<!DOCTYPE BroadsoftDocument [<!ENTITY e \"x\">]>"
                   "<BroadsoftDocument protocol=\"OCI\" xmlns=\"C\"><sessionId>&e;</sessionId></BroadsoftDocument>"),
      HasSubstr("'&' that starts no known reference"));
  EXPECT_THAT(decode_error("<!DOCTYPE BroadsoftDocument>" + client_doc("<command xsi:type=\"X\" xmlns=\"\"/>")),
              HasSubstr("DOCTYPE"));
}

TEST(CodecDecode, RefusesTextAfterRoot) {
  EXPECT_THAT(decode_error(client_doc("<command xsi:type=\"X\" xmlns=\"\"/>") + "garbage"),
              HasSubstr("text outside the root element"));
}

TEST(CodecDecode, MalformedXmlNamesLineAndColumn) {
  const std::string message = decode_error(
      "<?xml version=\"1.0\"?>\n<BroadsoftDocument protocol=\"OCI\" xmlns=\"C\">\n<sessionId>s</sessionid>\n"
      "</BroadsoftDocument>");
  EXPECT_THAT(message, StartsWith("line 3, column "));
  EXPECT_THAT(message, HasSubstr("malformed XML"));
}

TEST(CodecDecode, RefusesUnsupportedEncoding) {
  EXPECT_THAT(decode_error("<?xml version=\"1.0\" encoding=\"UTF-16\"?><BroadsoftDocument/>"),
              HasSubstr("unsupported encoding 'UTF-16'"));
}

TEST(CodecDecode, RefusesInvalidUtf8WhenDeclaredUtf8) {
  EXPECT_THAT(decode_error(client_doc("<command xsi:type=\"X\" xmlns=\"\"><a>M\xFCller</a></command>")),
              HasSubstr("byte 0xFC"));
}

TEST(CodecDecode, RefusesReferencesToNonCharacters) {
  EXPECT_THAT(decode_error(client_doc("<command xsi:type=\"X\" xmlns=\"\"><a>a&#0;b</a></command>")),
              HasSubstr("'&#0;' is not an XML character"));
  EXPECT_THAT(decode_error(client_doc("<command xsi:type=\"X\" xmlns=\"\"><a>&#xD800;</a></command>")),
              HasSubstr("not an XML character"));
  EXPECT_THAT(decode_error(client_doc("<command xsi:type=\"X\" xmlns=\"\"><a>&#99999999999;</a></command>")),
              HasSubstr("not an XML character"));
  EXPECT_THAT(decode_error(client_doc("<command xsi:type=\"X\" xmlns=\"\"><a>&nbsp;</a></command>")),
              HasSubstr("no known reference"));
}

TEST(CodecDecode, ReferencesInsideCdataAreText) {
  const document doc =
      decode_ok(client_doc("<command xsi:type=\"X\" xmlns=\"\"><a><![CDATA[&#0; &nbsp;]]></a></command>"));
  EXPECT_EQ(doc.commands.at(0).field_text("a"), "&#0; &nbsp;");
}

TEST(CodecDecode, RefusesNonAsciiNames) {
  EXPECT_THAT(decode_error(client_doc("<command xsi:type=\"X\" xmlns=\"\"><n\xC3\xA4me>v</n\xC3\xA4me></command>")),
              HasSubstr("is not an OCI-P name"));
  EXPECT_THAT(decode_error(client_doc("<command xsi:type=\"X\" \xC3\xA9"
                                      "cho=\"1\" xmlns=\"\"/>")),
              HasSubstr("is not an OCI-P name"));
}

TEST(CodecEncode, NamesThatCannotBeWrittenBecomeUnderscores) {
  const document doc = server_doc("s", {data_response("R", {element::leaf("bad name\xC3\xA4", "v")})});
  EXPECT_THAT(encode(doc, wire_style::server), HasSubstr("<bad_name__>v</bad_name__>"));
}

TEST(CodecDecode, RefusesDeepNesting) {
  std::string open;
  std::string close;
  for (int i = 0; i < 200; ++i) {
    open += "<n>";
    close.insert(0, "</n>");
  }
  EXPECT_THAT(decode_error(client_doc("<command xsi:type=\"X\" xmlns=\"\">" + open + close + "</command>")),
              HasSubstr("nested deeper than"));
}

TEST(CodecDecode, DecodeTextIgnoresFalseDeclaredEncoding) {
  // Characters unescaped from a SOAP part: UTF-8, whatever the inner declaration says.
  const std::string text =
      "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><BroadsoftDocument protocol=\"OCI\" xmlns=\"C\" "
      "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><sessionId xmlns=\"\">s</sessionId>"
      "<command xsi:type=\"X\" xmlns=\"\"><a>M\xC3\xBCller</a></command></BroadsoftDocument>";
  auto decoded = decode_text(text);
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(decoded.value().commands.at(0).field_text("a"), "M\xC3\xBCller");
  // decode() honours the declaration: the same bytes read as Latin-1 give two characters.
  EXPECT_EQ(decode_ok(text).commands.at(0).field_text("a"), "M\xC3\x83\xC2\xBCller");
}

// ---------------------------------------------------------------------------------------------
// Encoding: byte-exact against the server fixtures

TEST(CodecEncode, TokenResponseMatchesServerBytes) {
  const document doc = server_doc(server_session, {data_response("UserSingleSignOnCreateDeviceTokenResponse",
                                                                 {element::leaf("deviceToken", "dt-7F3A9C21E0")})});
  EXPECT_EQ(encode(doc, wire_style::server), read_fixture("server_token_response.xml"));
}

TEST(CodecEncode, SuccessResponseMatchesServerBytes) {
  const document doc = server_doc("host.example.com,1700000000000,42", {success_response()});
  EXPECT_EQ(encode(doc, wire_style::server), read_fixture("server_success_response.xml"));
}

TEST(CodecEncode, ErrorResponseMatchesServerBytes) {
  const document doc =
      server_doc(server_session, {error_response::make(4008, "User not found: alice@example.com").to_command()});
  EXPECT_EQ(encode(doc, wire_style::server), read_fixture("server_error_response.xml"));
}

TEST(CodecEncode, MultiCommandWithTrackingIdMatchesServerBytes) {
  document doc = server_doc("3f2a9d0c7b1e4a6f8d2c5b9e0a1f3c7d9e2b4a6c8d0f1e3a5b7c9d1e3f5a7b9c", {});
  doc.tracking_id = "trk-0042";
  doc.commands.push_back(
      data_response("SystemSoftwareVersionGetResponse", {element::leaf("version", "25.0")}, "first"));
  command success = success_response();
  success.echo = "second";
  doc.commands.push_back(success);
  command error = error_response::make(6004, "OCI XML Request validation error",
                                       "cvc-minLength-valid: Value '' with length = '0' is not facet-valid with "
                                       "respect to minLength '1'.\nCommand: UserGetRequest22 <userId> & more")
                      .to_command();
  error.echo = "third";
  doc.commands.push_back(error);
  EXPECT_EQ(encode(doc, wire_style::server), read_fixture("server_multi_command_tracking.xml"));
}

TEST(CodecEncode, NonLatin1CharactersMatchServerBytes) {
  const document doc = server_doc(
      server_session,
      {data_response("UserGetResponse22",
                     {element::leaf("serviceProviderId", "sp-été"), element::leaf("groupId", "R&D <East>"),
                      element::leaf("lastName", "Müller"), element::leaf("firstName", "Łukasz"),
                      element::leaf("callingLineIdLastName", "Zoë"), element::leaf("callingLineIdFirstName", "Анна 😀"),
                      element::leaf("hiraganaLastName", "")})});
  EXPECT_EQ(encode(doc, wire_style::server), read_fixture("server_names_non_latin1.xml"));
}

TEST(CodecEncode, ServerFixturesRoundTripThroughDecode) {
  for (const char* name : {"server_token_response.xml", "server_success_response.xml", "server_error_response.xml",
                           "server_multi_command_tracking.xml", "server_names_non_latin1.xml"}) {
    SCOPED_TRACE(name);
    const std::string bytes = read_fixture(name);
    EXPECT_EQ(encode(decode_ok(bytes), wire_style::server), bytes);
  }
}

// ---------------------------------------------------------------------------------------------
// Encoding: forms and escaping

TEST(CodecEncode, NamesEncodeToLatin1BytesOrReferencesAndDecodeBack) {
  const struct {
    const char* utf8;
    const char* wire;
  } cases[] = {{"Łukasz", "&#321;ukasz"},
               {"Zoë", "Zo\xEB"},
               {"Müller",
                "M\xFC"
                "ller"},
               {"日本", "&#26085;&#26412;"}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.utf8);
    const document doc = server_doc("s", {data_response("R", {element::leaf("name", c.utf8)})});
    const std::string bytes = encode(doc, wire_style::server);
    EXPECT_THAT(bytes, HasSubstr(std::string{"<name>"} + c.wire + "</name>"));
    EXPECT_EQ(decode_ok(bytes).commands.at(0).field_text("name"), c.utf8);
  }
}

TEST(CodecEncode, ClientStyleWritesEchoOnlyWhenSet) {
  command with_echo;
  with_echo.type = "UserGetRequest22";
  with_echo.echo = "x\"1";
  with_echo.fields = {element::leaf("userId", "alice@example.com")};
  command without_echo;
  without_echo.type = "AvailabilityTestRequest";
  document doc = server_doc("s1", {with_echo, without_echo});
  EXPECT_EQ(encode(doc, wire_style::client),
            "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
            "<BroadsoftDocument protocol=\"OCI\" xmlns=\"C\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
            "<sessionId xmlns=\"\">s1</sessionId>"
            "<command echo=\"x&quot;1\" xsi:type=\"UserGetRequest22\" xmlns=\"\"><userId>alice@example.com</userId>"
            "</command><command xsi:type=\"AvailabilityTestRequest\" xmlns=\"\"/></BroadsoftDocument>\n");
  EXPECT_THAT(encode(doc, wire_style::server),
              HasSubstr("<command echo=\"\" xsi:type=\"AvailabilityTestRequest\" xmlns=\"\"/>"));
}

TEST(CodecEncode, NilNestedTypeAndEmptyFields) {
  element department = element::parent("department", {element::leaf("name", "Sales")});
  department.xsi_type = "GroupDepartmentKey";
  command cmd;
  cmd.type = "UserModifyRequest22";
  cmd.fields = {element::leaf("userId", "u"), element::nil_leaf("phoneNumber"), department, element::leaf("title", "")};
  const std::string bytes = encode(server_doc("s", {cmd}), wire_style::client);
  EXPECT_THAT(bytes, HasSubstr("<command xsi:type=\"UserModifyRequest22\" xmlns=\"\"><userId>u</userId>"
                               "<phoneNumber xsi:nil=\"true\"/><department xsi:type=\"GroupDepartmentKey\">"
                               "<name>Sales</name></department><title/></command>"));
  EXPECT_EQ(decode_ok(bytes).commands.at(0), cmd);
}

TEST(CodecEncode, SessionLessAddressingUsesItsElement) {
  document doc = server_doc("+15551234567", {success_response()});
  doc.addressing = addressing_kind::phone_number;
  const std::string bytes = encode(doc, wire_style::client);
  EXPECT_THAT(bytes, HasSubstr("<phoneNumber xmlns=\"\">+15551234567</phoneNumber>"));
  EXPECT_EQ(decode_ok(bytes).addressing, addressing_kind::phone_number);
}

TEST(CodecEncode, EscapesMarkupAndCarriageReturnsAndRoundTrips) {
  command cmd;
  cmd.type = "X";
  cmd.echo = "a<b>&\"c'\n\td";
  cmd.fields = {element::leaf("text", "1 < 2 && 3 > 2 \"q\" 'a'\r\nnext\tline")};
  document doc = server_doc("s&<>", {cmd});
  doc.tracking_id = "t<1>";
  const std::string bytes = encode(doc, wire_style::client);
  EXPECT_THAT(bytes, HasSubstr("echo=\"a&lt;b&gt;&amp;&quot;c'&#10;&#9;d\""));
  EXPECT_THAT(bytes, HasSubstr("<text>1 &lt; 2 &amp;&amp; 3 &gt; 2 \"q\" 'a'&#13;\nnext\tline</text>"));
  EXPECT_THAT(bytes, HasSubstr("<sessionId xmlns=\"\">s&amp;&lt;&gt;</sessionId>"));
  EXPECT_EQ(decode_ok(bytes), doc);
}

TEST(CodecEncode, InvalidUtf8AndControlCharactersBecomeReplacementCharacter) {
  const document doc = server_doc("s", {data_response("R", {element::leaf("a", std::string{"x\xFFy\x01z\xC3"})})});
  const std::string bytes = encode(doc, wire_style::server);
  EXPECT_THAT(bytes, HasSubstr("<a>x&#65533;y&#65533;z&#65533;</a>"));
  EXPECT_EQ(decode_ok(bytes).commands.at(0).field_text("a"), "x\xEF\xBF\xBDy\xEF\xBF\xBDz\xEF\xBF\xBD");
}

TEST(CodecEncode, OutputIsOneLineBetweenDeclarationAndFinalLineFeed) {
  const std::string bytes = encode(server_doc("s", {success_response(), success_response()}), wire_style::server);
  const std::string_view prefix = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n";
  ASSERT_THAT(bytes, StartsWith(std::string{prefix}));
  const std::string_view body = std::string_view{bytes}.substr(prefix.size());
  EXPECT_EQ(body.find('\n'), body.size() - 1);
  EXPECT_TRUE(body.ends_with("</BroadsoftDocument>\n"));
}

}  // namespace
}  // namespace ocip::protocol
