// The SOAP envelope of OCI-P (oci-p.md §5) against hand-written request shapes and golden replies.
#include "ocip/protocol/soap.hpp"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fixtures.hpp"
#include "ocip/protocol/codec.hpp"

namespace ocip::protocol {
namespace {

using test::read_fixture;
using ::testing::HasSubstr;
using ::testing::StartsWith;

/// Unwraps a request envelope and decodes the OCI document it carries; fails the test otherwise.
document unwrap_and_decode(std::string_view envelope) {
  auto text = soap::unwrap_request(envelope);
  if (!text) {
    ADD_FAILURE() << text.error().message;
    return {};
  }
  auto decoded = decode_text(text.value());
  if (!decoded) {
    ADD_FAILURE() << decoded.error().message;
    return {};
  }
  return decoded.value();
}

/// The error message of a request envelope that must not unwrap.
std::string unwrap_error(std::string_view envelope) {
  auto text = soap::unwrap_request(envelope);
  if (text) {
    ADD_FAILURE() << "unwrapped unexpectedly: " << text.value();
    return {};
  }
  return text.error().message;
}

std::string envelope_with_body(std::string_view body) {
  return "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Body>" +
         std::string(body) + "</soapenv:Body></soapenv:Envelope>";
}

// --- Request shapes ---------------------------------------------------------------------------

TEST(SoapUnwrapRequest, WsdlShapeWithQualifiedIn0GivesTheUnescapedDocument) {
  const auto text = soap::unwrap_request(read_fixture("soap_request_wsdl.xml"));
  ASSERT_TRUE(text) << text.error().message;
  // Escaped text comes out as characters; the inner declaration (which says ISO-8859-1) is kept.
  EXPECT_THAT(text.value(), StartsWith("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<BroadsoftDocument "));
  EXPECT_THAT(text.value(), HasSubstr("<userId>Zoë&amp;Łukasz@example.com</userId>"));

  const document request = unwrap_and_decode(read_fixture("soap_request_wsdl.xml"));
  EXPECT_EQ(request.session_id, "5c3b1a2e-9f8d-4c7b-a6e5-d4c3b2a19f8e");
  ASSERT_EQ(request.commands.size(), 1U);
  EXPECT_EQ(request.commands[0].type, "AuthenticationRequest");
  // The declaration said ISO-8859-1, but the part is characters: "ë" and "Ł" survive as such.
  EXPECT_EQ(request.commands[0].field_text("userId"), "Zoë&Łukasz@example.com");
}

TEST(SoapUnwrapRequest, RpcEncodedShapeWithUnqualifiedOperationAndArg0) {
  const document request = unwrap_and_decode(read_fixture("soap_request_rpc.xml"));
  EXPECT_EQ(request.session_id, "rpc-session-1");
  ASSERT_EQ(request.commands.size(), 1U);
  EXPECT_EQ(request.commands[0].type, "LoginRequest22V5");
  EXPECT_EQ(request.commands[0].field_text("userId"), "admin");
  EXPECT_EQ(request.commands[0].field_text("password"), "password");
}

TEST(SoapUnwrapRequest, CdataPartIsAcceptedToo) {
  const document request = unwrap_and_decode(read_fixture("soap_request_cdata.xml"));
  EXPECT_EQ(request.session_id, "cdata-session");
  ASSERT_EQ(request.commands.size(), 1U);
  EXPECT_EQ(request.commands[0].type, "SystemSoftwareVersionGetRequest");
}

TEST(SoapUnwrapRequest, PartIsTakenWhateverItsName) {
  const auto text = soap::unwrap_request(
      envelope_with_body("<m:processOCIMessage xmlns:m=\"urn:other\"><m:payload>&lt;a/&gt;</m:payload>"
                         "<m:ignored>x</m:ignored></m:processOCIMessage>"));
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_EQ(text.value(), "<a/>");
}

TEST(SoapUnwrapRequest, Soap12EnvelopeIsAccepted) {
  const auto text = soap::unwrap_request(
      "<env:Envelope xmlns:env=\"http://www.w3.org/2003/05/soap-envelope\"><env:Body>"
      "<processOCIMessage xmlns=\"urn:com:broadsoft:webservice\"><in0>&lt;a/&gt;</in0></processOCIMessage>"
      "</env:Body></env:Envelope>");
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_EQ(text.value(), "<a/>");
}

TEST(SoapUnwrapRequest, EnvelopeDeclaredIso88591IsConverted) {
  const auto text =
      soap::unwrap_request("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>" +
                           envelope_with_body("<processOCIMessage><in0>Zo\xEB</in0></processOCIMessage>"));
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_EQ(text.value(), "Zoë");
}

TEST(SoapUnwrapRequest, MalformedEnvelopesSayWhatIsWrong) {
  EXPECT_THAT(unwrap_error("not xml at all"), HasSubstr("SOAP request is not well-formed XML"));
  EXPECT_THAT(unwrap_error("<Envelope><Body/></Envelope>"), HasSubstr("is not a SOAP Envelope"));
  EXPECT_THAT(unwrap_error("<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"/>"),
              HasSubstr("has no Body"));
  EXPECT_THAT(unwrap_error(envelope_with_body("<other xmlns=\"urn:x\"/>")),
              HasSubstr("the SOAP Body holds <other>, not processOCIMessage"));
  EXPECT_THAT(unwrap_error(envelope_with_body("")), HasSubstr("the SOAP Body is empty"));
  EXPECT_THAT(unwrap_error(envelope_with_body("<processOCIMessage/>")), HasSubstr("has no part element"));
  EXPECT_THAT(unwrap_error(envelope_with_body("<processOCIMessage><in0>  </in0></processOCIMessage>")),
              HasSubstr("the part <in0> of processOCIMessage is empty"));
  EXPECT_THAT(
      unwrap_error(envelope_with_body("<processOCIMessage><in0><BroadsoftDocument/></in0></processOCIMessage>")),
      HasSubstr("holds the element <BroadsoftDocument>"));
  EXPECT_THAT(unwrap_error("<?xml version=\"1.0\" encoding=\"UTF-16\"?><a/>"),
              HasSubstr("unsupported encoding 'UTF-16'"));
  EXPECT_THAT(unwrap_error("<a>\xFF</a>"), HasSubstr("byte 0xFF at offset 3 is not UTF-8"));
}

TEST(SoapUnwrapRequest, DocumentTypeDeclarationIsRefused) {
  EXPECT_THAT(unwrap_error("<!DOCTYPE x [<!ENTITY e \"boom\">]>" +
                           envelope_with_body("<processOCIMessage><in0>&e;</in0></processOCIMessage>")),
              HasSubstr("must not contain a document type declaration"));
}

// --- Replies ----------------------------------------------------------------------------------

TEST(SoapWrapResponse, ProducesTheGoldenReplyBytes) {
  // The server's ISO-8859-1 document becomes characters inside a UTF-8 envelope: é, ü and ë as
  // UTF-8, character references for characters beyond Latin-1 escaped as text (&amp;#321;).
  const auto text = soap::document_text(read_fixture("server_names_non_latin1.xml"));
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_EQ(soap::wrap_response(text.value()), read_fixture("soap_response_names.xml"));
}

TEST(SoapUnwrapResponse, GoldenReplyRoundTripsToTheDocument) {
  const auto content = soap::unwrap_response(read_fixture("soap_response_names.xml"));
  ASSERT_TRUE(content) << content.error().message;
  ASSERT_FALSE(content.value().refusal);
  const std::string bytes = soap::document_bytes(content.value().document_text);
  EXPECT_THAT(bytes, StartsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<BroadsoftDocument "));
  const auto reply = decode(bytes);
  ASSERT_TRUE(reply) << reply.error().message;
  ASSERT_EQ(reply.value().commands.size(), 1U);
  const command& user = reply.value().commands[0];
  EXPECT_EQ(user.field_text("serviceProviderId"), "sp-été");
  EXPECT_EQ(user.field_text("groupId"), "R&D <East>");
  EXPECT_EQ(user.field_text("lastName"), "Müller");
  EXPECT_EQ(user.field_text("firstName"), "Łukasz");
  EXPECT_EQ(user.field_text("callingLineIdLastName"), "Zoë");
  EXPECT_EQ(user.field_text("callingLineIdFirstName"), "Анна 😀");
}

TEST(SoapUnwrapResponse, BodyWithoutTheResponseElementIsAnError) {
  const auto content = soap::unwrap_response(envelope_with_body("<somethingElse/>"));
  ASSERT_FALSE(content);
  EXPECT_THAT(content.error().message, HasSubstr("holds <somethingElse>, not processOCIMessageResponse"));
}

// --- Requests as the client writes them -------------------------------------------------------

TEST(SoapWrapRequest, ProducesTheGoldenRequestBytes) {
  const auto text = soap::document_text(read_fixture("client_login_iso8859.xml"));
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_EQ(soap::wrap_request(text.value()), read_fixture("soap_request_client_login.xml"));
}

TEST(SoapWrapRequest, UnwrapGivesBackTheSameText) {
  const std::string text = "<?xml version=\"1.0\"?>\r\n<a b=\"&amp;\">Zoë ]]> &lt; \t</a>\n";
  const auto unwrapped = soap::unwrap_request(soap::wrap_request(text));
  ASSERT_TRUE(unwrapped) << unwrapped.error().message;
  EXPECT_EQ(unwrapped.value(), text);
}

// --- Faults -----------------------------------------------------------------------------------

TEST(SoapFault, NotLoggedInFaultMatchesTheGoldenBytes) {
  EXPECT_EQ(soap::wrap_fault(soap::not_logged_in_fault()), read_fixture("soap_fault_not_logged_in.xml"));
}

TEST(SoapFault, FaultIsReadBackFromAReply) {
  const auto content = soap::unwrap_response(read_fixture("soap_fault_not_logged_in.xml"));
  ASSERT_TRUE(content) << content.error().message;
  ASSERT_TRUE(content.value().refusal);
  const soap::fault& refusal = *content.value().refusal;
  EXPECT_EQ(refusal.code, "soapenv:Server.generalException");
  EXPECT_EQ(refusal.string, "INVALID_REQUEST");
  EXPECT_EQ(refusal.detail, "Cannot process any request before user is logged in.");
  EXPECT_EQ(soap::describe(refusal),
            "INVALID_REQUEST (soapenv:Server.generalException): Cannot process any request before user is logged in.");
}

TEST(SoapFault, FaultWithoutDetailHasNoDetailElementAndTextIsEscaped) {
  const std::string envelope = soap::wrap_fault({"soapenv:Client", "bad <input> & more", ""});
  EXPECT_THAT(envelope, HasSubstr("<faultstring>bad &lt;input&gt; &amp; more</faultstring></soapenv:Fault>"));
  const auto content = soap::unwrap_response(envelope);
  ASSERT_TRUE(content) << content.error().message;
  ASSERT_TRUE(content.value().refusal);
  EXPECT_EQ(content.value().refusal->string, "bad <input> & more");
  EXPECT_EQ(content.value().refusal->detail, "");
}

TEST(SoapFault, Soap12FaultIsReadToo) {
  const auto content = soap::unwrap_response(
      "<env:Envelope xmlns:env=\"http://www.w3.org/2003/05/soap-envelope\"><env:Body><env:Fault>"
      "<env:Code><env:Value>env:Sender</env:Value></env:Code><env:Reason><env:Text xml:lang=\"en\">NO_OCS_CONNECTION"
      "</env:Text></env:Reason></env:Fault></env:Body></env:Envelope>");
  ASSERT_TRUE(content) << content.error().message;
  ASSERT_TRUE(content.value().refusal);
  EXPECT_EQ(content.value().refusal->code, "env:Sender");
  EXPECT_EQ(content.value().refusal->string, "NO_OCS_CONNECTION");
}

// --- Document text and bytes ------------------------------------------------------------------

TEST(SoapDocumentText, Iso88591BytesBecomeCharactersAndTheDeclarationStays) {
  const auto text = soap::document_text("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<a>j\xFCrgen</a>");
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_EQ(text.value(), "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<a>jürgen</a>");
}

TEST(SoapDocumentText, BadBytesAndUnknownEncodingsAreErrors) {
  const auto bad_utf8 = soap::document_text("<a>\xC3</a>");
  ASSERT_FALSE(bad_utf8);
  EXPECT_THAT(bad_utf8.error().message, HasSubstr("OCI document: byte 0xC3 at offset 3 is not UTF-8"));
  const auto unknown = soap::document_text("<?xml version='1.0' encoding='EBCDIC'?><a/>");
  ASSERT_FALSE(unknown);
  EXPECT_THAT(unknown.error().message, HasSubstr("unsupported encoding 'EBCDIC'"));
}

TEST(SoapDocumentBytes, DeclarationIsMadeToNameUtf8) {
  EXPECT_EQ(soap::document_bytes("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<a>Zoë</a>"),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a>Zoë</a>");
  EXPECT_EQ(soap::document_bytes("<?xml version='1.0'?><a/>"), "<?xml version=\"1.0\" encoding=\"UTF-8\"?><a/>");
  EXPECT_EQ(soap::document_bytes("<a>Zoë</a>"), "<a>Zoë</a>");
  EXPECT_EQ(soap::document_bytes("\xEF\xBB\xBF<a/>"), "<a/>");
}

// --- WSDL -------------------------------------------------------------------------------------

TEST(SoapWsdl, DescribesTheServiceAndPointsAtTheGivenAddress) {
  const std::string wsdl = soap::wsdl("https://lab.example.com:8443/webservice/services/ProvisioningService");
  EXPECT_THAT(wsdl, StartsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
  EXPECT_THAT(wsdl, HasSubstr("targetNamespace=\"urn:com:broadsoft:webservice\""));
  EXPECT_THAT(wsdl, HasSubstr("<xsd:element name=\"processOCIMessage\">"));
  EXPECT_THAT(wsdl, HasSubstr("<xsd:element name=\"in0\" type=\"xsd:string\"/>"));
  EXPECT_THAT(wsdl, HasSubstr("<xsd:element name=\"processOCIMessageResponse\">"));
  EXPECT_THAT(wsdl, HasSubstr("<xsd:element name=\"processOCIMessageReturn\" type=\"xsd:string\"/>"));
  EXPECT_THAT(wsdl, HasSubstr("style=\"document\""));
  EXPECT_THAT(wsdl, HasSubstr("<wsdlsoap:body use=\"literal\"/>"));
  EXPECT_THAT(wsdl, HasSubstr("<wsdlsoap:operation soapAction=\"\"/>"));
  EXPECT_THAT(wsdl, HasSubstr("<wsdlsoap:address location=\"https://lab.example.com:8443/webservice/services/"
                              "ProvisioningService\"/>"));
}

TEST(SoapWsdl, AddressIsEscaped) {
  EXPECT_THAT(soap::wsdl("http://a/b?x=1&y=\"2\""), HasSubstr("location=\"http://a/b?x=1&amp;y=&quot;2&quot;\""));
}

}  // namespace
}  // namespace ocip::protocol
