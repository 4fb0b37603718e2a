// OCI-P over SOAP/HTTP(S) (oci-p.md §5) against the in-process mock: raw HTTP bytes written by
// hand, then the client library.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <future>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "http_connection.hpp"
#include "ocip/client/client.hpp"
#include "ocip/mock/scenario.hpp"
#include "ocip/mock/server.hpp"
#include "ocip/protocol/codec.hpp"
#include "ocip/protocol/soap.hpp"

namespace ocip::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::StartsWith;

constexpr std::string_view service_path = "/webservice/services/ProvisioningService";
constexpr std::string_view alternate_path = "/OCIOverSoap/services/ProvisioningService";
constexpr std::size_t max_document_bytes = std::size_t{64} * 1024;

// --- The mock with its SOAP listeners ---------------------------------------------------------

/// The mock on the default scenario with an HTTP listener (and an HTTPS one when asked), served on
/// its own thread.
class soap_mock {
 public:
  explicit soap_mock(bool with_https = false) {
    mock::server_options options;
    options.tcp = {"127.0.0.1", 0};
    options.http = mock::endpoint{"127.0.0.1", 0};
    if (with_https) {
      options.https = mock::endpoint{"127.0.0.1", 0};
    }
    options.max_document_bytes = max_document_bytes;
    options.idle_timeout = std::chrono::seconds(20);
    options.write_timeout = std::chrono::seconds(5);
    server_.emplace(mock::load_default_scenario(), options);
    auto started = server_->start();
    if (!started) {
      start_error_ = started.error();
      return;
    }
    thread_ = std::thread([this] { server_->run(); });
  }
  ~soap_mock() {
    server_->stop();
    if (thread_.joinable()) {
      thread_.join();
    }
  }
  soap_mock(const soap_mock&) = delete;
  soap_mock& operator=(const soap_mock&) = delete;

  /// Why start() failed, or empty.
  [[nodiscard]] const std::string& start_error() const { return start_error_; }
  /// The bound port of a listener kind ("http", "https"), 0 when there is none.
  [[nodiscard]] std::uint16_t port(std::string_view kind) const {
    for (const auto& each : server_->listeners()) {
      if (each.kind == kind) {
        return each.bound.port;
      }
    }
    return 0;
  }
  mock::server& server() { return *server_; }

 private:
  std::optional<mock::server> server_;
  std::thread thread_;
  std::string start_error_;
};

/// Escapes text for XML element content, as a hand-built client does.
std::string escaped(std::string_view text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      default:
        out += c;
        break;
    }
  }
  return out;
}

/// An OCI request document (as characters) with one or more commands.
std::string oci_document(std::string_view session_id, std::string_view commands) {
  return "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<BroadsoftDocument protocol=\"OCI\" xmlns=\"C\" "
         "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><sessionId xmlns=\"\">" +
         std::string(session_id) + "</sessionId>" + std::string(commands) + "</BroadsoftDocument>";
}

std::string login_22v5(std::string_view user, std::string_view password) {
  return "<command xsi:type=\"LoginRequest22V5\" xmlns=\"\"><userId>" + std::string(user) + "</userId><password>" +
         std::string(password) + "</password></command>";
}

constexpr std::string_view software_version = "<command xsi:type=\"SystemSoftwareVersionGetRequest\" xmlns=\"\"/>";

/// The WSDL-driven shape: processOCIMessage and in0 in the service namespace.
std::string wsdl_envelope(std::string_view document) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope "
         "xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Body><ns1:processOCIMessage "
         "xmlns:ns1=\"urn:com:broadsoft:webservice\"><ns1:in0>" +
         escaped(document) + "</ns1:in0></ns1:processOCIMessage></soapenv:Body></soapenv:Envelope>";
}

/// The hand-built RPC-encoded shape: unqualified processOCIMessage, encodingStyle, arg0.
std::string rpc_envelope(std::string_view document) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<soapenv:Envelope "
         "xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" "
         "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
         "xmlns:soapenc=\"http://schemas.xmlsoap.org/soap/encoding/\">\n <soapenv:Body>\n  <processOCIMessage "
         "soapenv:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\">\n   <arg0 xsi:type=\"soapenc:string\">" +
         escaped(document) + "</arg0>\n  </processOCIMessage>\n </soapenv:Body>\n</soapenv:Envelope>\n";
}

/// A POST of `body` with the usual SOAP headers; `extra` is more header lines, each ending CRLF.
std::string post(std::uint16_t port, std::string_view path, std::string_view body, std::string_view cookie = {},
                 std::string_view extra = {}, std::string_view content_type = "text/xml; charset=utf-8") {
  std::string request = "POST " + std::string(path) + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                        "\r\nSOAPAction: \"\"\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  if (!content_type.empty()) {
    request += "Content-Type: " + std::string(content_type) + "\r\n";
  }
  if (!cookie.empty()) {
    request += "Cookie: JSESSIONID=" + std::string(cookie) + "\r\n";
  }
  request += std::string(extra) + "\r\n";
  request += body;
  return request;
}

/// Sends one request on a new connection and reads the response.
std::optional<http_reply> round_trip(std::uint16_t port, const std::string& request) {
  http_connection connection(port);
  EXPECT_TRUE(connection.connected());
  EXPECT_TRUE(connection.send(request));
  return connection.read_reply();
}

/// The OCI reply inside a 200 response, decoded; fails the test otherwise.
protocol::document oci_reply(const http_reply& reply) {
  EXPECT_EQ(reply.status, 200) << reply.body;
  auto content = protocol::soap::unwrap_response(reply.body);
  if (!content || content.value().refusal) {
    ADD_FAILURE() << "no OCI reply in: " << reply.body;
    return {};
  }
  auto decoded = protocol::decode_text(content.value().document_text);
  if (!decoded) {
    ADD_FAILURE() << decoded.error().message;
    return {};
  }
  return decoded.value();
}

/// The fault inside a response; fails the test when there is none.
protocol::soap::fault fault_of(const http_reply& reply) {
  auto content = protocol::soap::unwrap_response(reply.body);
  if (!content || !content.value().refusal) {
    ADD_FAILURE() << "no fault in: " << reply.body;
    return {};
  }
  return *content.value().refusal;
}

/// Logs admin in on a new HTTP session; returns its cookie.
std::string admin_cookie(std::uint16_t port, std::string_view session_id) {
  const auto reply = round_trip(
      port, post(port, service_path, wsdl_envelope(oci_document(session_id, login_22v5("admin", "password")))));
  if (!reply) {
    ADD_FAILURE() << "no reply to the login";
    return {};
  }
  const protocol::document login = oci_reply(*reply);
  EXPECT_EQ(login.commands.size(), 1U);
  EXPECT_TRUE(!login.commands.empty() && login.commands[0].type == "LoginResponse22V5");
  return reply->cookie();
}

// --- Raw HTTP: the two request shapes and the reply ------------------------------------------

TEST(SoapOverHttp, WsdlShapeGetsTheDocumentedReplyAndASessionCookie) {
  soap_mock mock;
  ASSERT_EQ(mock.start_error(), "");
  const std::uint16_t port = mock.port("http");
  const auto reply =
      round_trip(port, post(port, service_path,
                            wsdl_envelope(oci_document("wsdl-1",
                                                       "<command xsi:type=\"AuthenticationRequest\" xmlns=\"\">"
                                                       "<userId>admin</userId></command>"))));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->header("content-type"), "text/xml; charset=utf-8");
  EXPECT_THAT(reply->header("set-cookie"), MatchesRegex("JSESSIONID=[0-9A-F]{32}; Path=/; HttpOnly"));
  EXPECT_THAT(reply->body, StartsWith("<?xml version='1.0' encoding='utf-8'?><soapenv:Envelope "
                                      "xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\""));
  EXPECT_THAT(
      reply->body,
      HasSubstr("<soapenv:Body><processOCIMessageResponse xmlns=\"urn:com:broadsoft:webservice\">"
                "<processOCIMessageReturn>&lt;?xml version=&quot;1.0&quot; encoding=&quot;ISO-8859-1&quot;?&gt;"));
  EXPECT_THAT(reply->body, HasSubstr("</processOCIMessageReturn></processOCIMessageResponse></soapenv:Body>"
                                     "</soapenv:Envelope>"));
  const protocol::document answer = oci_reply(*reply);
  EXPECT_EQ(answer.session_id, "wsdl-1");
  ASSERT_EQ(answer.commands.size(), 1U);
  EXPECT_EQ(answer.commands[0].type, "AuthenticationResponse");
  EXPECT_THAT(std::string(answer.commands[0].field_text("nonce").value_or("")), MatchesRegex("[0-9]{13}"));
}

TEST(SoapOverHttp, RpcEncodedShapeOnTheOtherPathLogsIn) {
  soap_mock mock;
  ASSERT_EQ(mock.start_error(), "");
  const std::uint16_t port = mock.port("http");
  // SOAPAction absent and a charset parameter in another spelling: both fine.
  std::string request = "POST " + std::string(alternate_path) +
                        " HTTP/1.1\r\nHost: localhost\r\n"
                        "Content-Type: text/xml;charset=UTF-8\r\nContent-Length: ";
  const std::string body = rpc_envelope(oci_document("rpc-1", login_22v5("admin", "password")));
  request += std::to_string(body.size()) + "\r\n\r\n" + body;
  const auto reply = round_trip(port, request);
  ASSERT_TRUE(reply);
  const protocol::document answer = oci_reply(*reply);
  ASSERT_EQ(answer.commands.size(), 1U);
  EXPECT_EQ(answer.commands[0].type, "LoginResponse22V5");
  EXPECT_EQ(answer.commands[0].field_text("loginType"), "System");
  EXPECT_FALSE(reply->cookie().empty());
}

TEST(SoapOverHttp, SoapActionEmptyHeaderAndSoap12ContentTypeAreAccepted) {
  soap_mock mock;
  ASSERT_EQ(mock.start_error(), "");
  const std::uint16_t port = mock.port("http");
  const std::string body = wsdl_envelope(oci_document("s-1", login_22v5("admin", "password")));
  std::string request = "POST " + std::string(service_path) +
                        " HTTP/1.1\r\nHost: 127.0.0.1\r\nSOAPAction:\r\nContent-Type: application/soap+xml; "
                        "charset=utf-8\r\nContent-Length: " +
                        std::to_string(body.size()) + "\r\n\r\n" + body;
  const auto reply = round_trip(port, request);
  ASSERT_TRUE(reply);
  EXPECT_EQ(oci_reply(*reply).commands.at(0).type, "LoginResponse22V5");
}

// --- Login state by cookie --------------------------------------------------------------------

TEST(SoapOverHttp, CommandBeforeLoginGetsTheInvalidRequestFault) {
  soap_mock mock;
  ASSERT_EQ(mock.start_error(), "");
  const std::uint16_t port = mock.port("http");
  const auto reply =
      round_trip(port, post(port, service_path, wsdl_envelope(oci_document("early-1", software_version))));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 500);
  EXPECT_EQ(reply->header("content-type"), "text/xml; charset=utf-8");
  const protocol::soap::fault refusal = fault_of(*reply);
  EXPECT_EQ(refusal.code, "soapenv:Server.generalException");
  EXPECT_EQ(refusal.string, "INVALID_REQUEST");
  EXPECT_EQ(refusal.detail, "Cannot process any request before user is logged in.");
}

TEST(SoapOverHttp, LoginThenTokenOnTheSameCookieWorksOnAnyConnection) {
  soap_mock mock;
  ASSERT_EQ(mock.start_error(), "");
  const std::uint16_t port = mock.port("http");
  const std::string cookie = admin_cookie(port, "token-1");
  ASSERT_FALSE(cookie.empty());
  // A new TCP connection with the same cookie is the same HTTP session.
  const auto reply =
      round_trip(port, post(port, service_path,
                            wsdl_envelope(oci_document("token-1",
                                                       "<command xsi:type=\"UserSingleSignOnCreateDeviceTokenRequest\" "
                                                       "xmlns=\"\"><userId>alice@example.com</userId><deviceLevel>"
                                                       "Group</deviceLevel><deviceName>polycom-01</deviceName>"
                                                       "</command>")),
                            cookie));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->header("set-cookie"), "");  // a known cookie is not set again
  const protocol::document answer = oci_reply(*reply);
  ASSERT_EQ(answer.commands.size(), 1U);
  EXPECT_EQ(answer.commands[0].type, "UserSingleSignOnCreateDeviceTokenResponse");
  EXPECT_THAT(std::string(answer.commands[0].field_text("deviceToken").value_or("")), MatchesRegex("[0-9a-f]{64}"));
}

TEST(SoapOverHttp, SameSessionIdUnderAnotherCookieIsNotLoggedIn) {
  soap_mock mock;
  ASSERT_EQ(mock.start_error(), "");
  const std::uint16_t port = mock.port("http");
  const std::string cookie = admin_cookie(port, "shared-id");
  ASSERT_FALSE(cookie.empty());
  const std::string request_body = wsdl_envelope(oci_document("shared-id", software_version));

  const auto without_cookie = round_trip(port, post(port, service_path, request_body));
  ASSERT_TRUE(without_cookie);
  EXPECT_EQ(without_cookie->status, 500);
  EXPECT_EQ(fault_of(*without_cookie).string, "INVALID_REQUEST");
  const std::string other_cookie = without_cookie->cookie();
  EXPECT_FALSE(other_cookie.empty());
  EXPECT_NE(other_cookie, cookie);

  const auto made_up = round_trip(port, post(port, service_path, request_body, "0123456789ABCDEF0123456789ABCDEF"));
  ASSERT_TRUE(made_up);
  EXPECT_EQ(made_up->status, 500);
  EXPECT_FALSE(made_up->cookie().empty());  // an unknown cookie is replaced

  const auto with_cookie = round_trip(port, post(port, service_path, request_body, cookie));
  ASSERT_TRUE(with_cookie);
  const protocol::document answer = oci_reply(*with_cookie);
  ASSERT_EQ(answer.commands.size(), 1U);
  EXPECT_EQ(answer.commands[0].type, "SystemSoftwareVersionGetResponse");
}

TEST(SoapOverHttp, ErrorResponseTravelsInsideA200Reply) {
  soap_mock mock;
  ASSERT_EQ(mock.start_error(), "");
  const std::uint16_t port = mock.port("http");
  const auto reply = round_trip(
      port, post(port, service_path, wsdl_envelope(oci_document("bad-login", login_22v5("admin", "wrong")))));
  ASSERT_TRUE(reply);
  const protocol::document answer = oci_reply(*reply);
  ASSERT_EQ(answer.commands.size(), 1U);
  EXPECT_EQ(answer.commands[0].type, "ErrorResponse");
  EXPECT_THAT(std::string(answer.commands[0].field_text("summary").value_or("")), StartsWith("[Error 4962]"));
}

TEST(SoapOverHttp, NonLatin1TextRoundTrips) {
  soap_mock mock;
  ASSERT_EQ(mock.start_error(), "");
  const std::uint16_t port = mock.port("http");
  // An unknown user still gets a nonce, and the reply names the user as asked.
  const auto reply =
      round_trip(port, post(port, service_path,
                            wsdl_envelope(oci_document("names-1",
                                                       "<command xsi:type=\"AuthenticationRequest\" xmlns=\"\">"
                                                       "<userId>Zoë-Łukasz@example.com</userId></command>"))));
  ASSERT_TRUE(reply);
  // Inside the UTF-8 body: ë as a character, Ł as a character reference escaped as text.
  EXPECT_THAT(reply->body, HasSubstr("&lt;userId&gt;Zoë-&amp;#321;ukasz@example.com&lt;/userId&gt;"));
  const protocol::document answer = oci_reply(*reply);
  ASSERT_EQ(answer.commands.size(), 1U);
  EXPECT_EQ(answer.commands[0].field_text("userId"), "Zoë-Łukasz@example.com");
}

// --- HTTP behaviour ---------------------------------------------------------------------------

TEST(SoapOverHttp, KeepAliveServesTwoRequestsOnOneConnectionAndConnectionCloseIsRespected) {
  soap_mock mock;
  ASSERT_EQ(mock.start_error(), "");
  const std::uint16_t port = mock.port("http");
  http_connection connection(port);
  ASSERT_TRUE(connection.connected());
  ASSERT_TRUE(
      connection.send(post(port, service_path, wsdl_envelope(oci_document("ka-1", login_22v5("admin", "password"))))));
  const auto first = connection.read_reply();
  ASSERT_TRUE(first);
  EXPECT_EQ(oci_reply(*first).commands.at(0).type, "LoginResponse22V5");
  const std::string cookie = first->cookie();
  ASSERT_TRUE(connection.send(post(port, service_path, wsdl_envelope(oci_document("ka-1", software_version)), cookie,
                                   "Connection: close\r\n")));
  const auto second = connection.read_reply();
  ASSERT_TRUE(second);
  EXPECT_EQ(oci_reply(*second).commands.at(0).type, "SystemSoftwareVersionGetResponse");
  EXPECT_EQ(second->header("connection"), "close");
  EXPECT_TRUE(connection.closed_by_peer());
}

TEST(SoapOverHttp, ExpectContinueIsAnsweredBeforeTheBody) {
  soap_mock mock;
  ASSERT_EQ(mock.start_error(), "");
  const std::uint16_t port = mock.port("http");
  const std::string request =
      post(port, service_path, wsdl_envelope(oci_document("continue-1", login_22v5("admin", "password"))), {},
           "Expect: 100-continue\r\n");
  const std::size_t head_end = request.find("\r\n\r\n") + 4;
  http_connection connection(port);
  ASSERT_TRUE(connection.send(request.substr(0, head_end)));
  const auto interim = connection.read_reply();
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100);
  ASSERT_TRUE(connection.send(request.substr(head_end)));
  const auto reply = connection.read_reply();
  ASSERT_TRUE(reply);
  EXPECT_EQ(oci_reply(*reply).commands.at(0).type, "LoginResponse22V5");
}

TEST(SoapOverHttp, WsdlIsServedOnBothPathsWithTheAddressAsReached) {
  soap_mock mock;
  ASSERT_EQ(mock.start_error(), "");
  const std::uint16_t port = mock.port("http");
  const std::string host = "127.0.0.1:" + std::to_string(port);
  for (const std::string_view path : {service_path, alternate_path}) {
    for (const std::string_view query : {"?wsdl", "?WSDL"}) {
      const auto reply =
          round_trip(port, "GET " + std::string(path) + std::string(query) + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
      ASSERT_TRUE(reply);
      EXPECT_EQ(reply->status, 200);
      EXPECT_EQ(reply->header("content-type"), "text/xml; charset=utf-8");
      EXPECT_THAT(reply->body, HasSubstr("targetNamespace=\"urn:com:broadsoft:webservice\""));
      EXPECT_THAT(reply->body, HasSubstr("<wsdlsoap:address location=\"http://" + host + std::string(path) + "\"/>"));
    }
  }
  // Without a usable Host header the address is the listener's own.
  const auto reply = round_trip(port, "GET " + std::string(service_path) + "?wsdl HTTP/1.0\r\n\r\n");
  ASSERT_TRUE(reply);
  EXPECT_THAT(reply->body, HasSubstr("location=\"http://" + host + std::string(service_path) + "\""));
}

TEST(SoapOverHttp, HttpErrorsAreCleanAndTheServerKeepsServing) {
  soap_mock mock;
  ASSERT_EQ(mock.start_error(), "");
  const std::uint16_t port = mock.port("http");
  const std::string login_body = wsdl_envelope(oci_document("errors-1", login_22v5("admin", "password")));

  const auto unknown_path = round_trip(port, post(port, "/nothing/here", login_body));
  ASSERT_TRUE(unknown_path);
  EXPECT_EQ(unknown_path->status, 404);

  const auto wrong_method =
      round_trip(port, "PUT " + std::string(service_path) + " HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
  ASSERT_TRUE(wrong_method);
  EXPECT_EQ(wrong_method->status, 405);
  EXPECT_EQ(wrong_method->header("allow"), "GET, POST");

  const auto wrong_type = round_trip(port, post(port, service_path, login_body, {}, {}, "application/json"));
  ASSERT_TRUE(wrong_type);
  EXPECT_EQ(wrong_type->status, 415);
  const auto no_type = round_trip(port, post(port, service_path, login_body, {}, {}, ""));
  ASSERT_TRUE(no_type);
  EXPECT_EQ(no_type->status, 415);

  const auto malformed = round_trip(port, post(port, service_path, "<soapenv:Envelope"));
  ASSERT_TRUE(malformed);
  EXPECT_EQ(malformed->status, 500);
  EXPECT_EQ(fault_of(*malformed).code, "soapenv:Client");
  EXPECT_EQ(fault_of(*malformed).string, "malformed SOAP request");

  const auto no_operation = round_trip(
      port, post(port, service_path,
                 "<e:Envelope xmlns:e=\"http://schemas.xmlsoap.org/soap/envelope/\"><e:Body><other/></e:Body>"
                 "</e:Envelope>"));
  ASSERT_TRUE(no_operation);
  EXPECT_EQ(no_operation->status, 500);
  EXPECT_THAT(fault_of(*no_operation).detail, HasSubstr("not processOCIMessage"));

  const auto empty_part = round_trip(port, post(port, service_path, wsdl_envelope("")));
  ASSERT_TRUE(empty_part);
  EXPECT_EQ(empty_part->status, 500);
  EXPECT_THAT(fault_of(*empty_part).detail, HasSubstr("is empty"));

  const auto bad_document = round_trip(port, post(port, service_path, wsdl_envelope("<BroadsoftDocument/>")));
  ASSERT_TRUE(bad_document);
  EXPECT_EQ(bad_document->status, 500);
  EXPECT_EQ(fault_of(*bad_document).code, "soapenv:Client");
  EXPECT_EQ(fault_of(*bad_document).string, "the OCI document in the request is not valid");

  // Too large: 413 and the connection closes, whether the body was sent or only announced.
  {
    http_connection connection(port);
    const std::string big(max_document_bytes + 1, 'x');
    ASSERT_TRUE(connection.send(post(port, service_path, big)));
    const auto too_large = connection.read_reply();
    ASSERT_TRUE(too_large);
    EXPECT_EQ(too_large->status, 413);
    EXPECT_TRUE(connection.closed_by_peer());
  }
  {
    http_connection connection(port);
    ASSERT_TRUE(connection.send("POST " + std::string(service_path) +
                                " HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nContent-Length: 99999999\r\n\r\n"));
    const auto too_large = connection.read_reply();
    ASSERT_TRUE(too_large);
    EXPECT_EQ(too_large->status, 413);
    EXPECT_TRUE(connection.closed_by_peer());
  }
  // Not HTTP at all: 400 and the connection closes.
  {
    http_connection connection(port);
    ASSERT_TRUE(connection.send("HELLO THERE\r\n\r\n"));
    const auto garbage = connection.read_reply();
    ASSERT_TRUE(garbage);
    EXPECT_EQ(garbage->status, 400);
    EXPECT_TRUE(connection.closed_by_peer());
  }

  // After all that, a well-formed request is still served, also on a connection that saw a fault.
  http_connection connection(port);
  ASSERT_TRUE(connection.send(post(port, service_path, "<not-soap/>")));
  const auto fault = connection.read_reply();
  ASSERT_TRUE(fault);
  EXPECT_EQ(fault->status, 500);
  ASSERT_TRUE(connection.send(post(port, service_path, login_body)));
  const auto served = connection.read_reply();
  ASSERT_TRUE(served);
  EXPECT_EQ(oci_reply(*served).commands.at(0).type, "LoginResponse22V5");
}

TEST(SoapOverHttp, StopClosesIdleKeepAliveConnections) {
  std::optional<soap_mock> mock;
  mock.emplace();
  ASSERT_EQ(mock->start_error(), "");
  const std::uint16_t port = mock->port("http");
  http_connection connection(port);
  ASSERT_TRUE(connection.send(
      post(port, service_path, wsdl_envelope(oci_document("stop-1", login_22v5("admin", "password"))))));
  ASSERT_TRUE(connection.read_reply());
  http_connection silent(port);  // connected, never sends a byte
  ASSERT_TRUE(silent.connected());
  mock.reset();  // stop() and join: must not wait for either connection
  EXPECT_TRUE(connection.closed_by_peer());
  EXPECT_TRUE(silent.closed_by_peer());
}

// --- The client library over SOAP ------------------------------------------------------------

client::client_options soap_client_options(std::uint16_t port, client::login_flow flow) {
  client::client_options options;
  options.port = port;
  options.transport = client::transport_kind::soap;
  options.connect_timeout = std::chrono::seconds(2);
  options.command_timeout = std::chrono::seconds(5);
  options.flow = flow;
  return options;
}

TEST(SoapClient, BothLoginFlowsGetATokenAndErrorResponsesAreServerErrors) {
  soap_mock mock;
  ASSERT_EQ(mock.start_error(), "");
  for (const auto flow : {client::login_flow::login_22v5, client::login_flow::nonce}) {
    client::client admin(soap_client_options(mock.port("http"), flow));
    const auto info = admin.login("admin", "password");
    ASSERT_TRUE(info) << client::describe(info.error());
    EXPECT_EQ(info.value().login_type, "System");
    const auto token = admin.create_device_token({"alice@example.com", "Group", "polycom-01"});
    ASSERT_TRUE(token) << client::describe(token.error());
    EXPECT_EQ(token.value().value.size(), 64U);
    const auto refused = admin.create_device_token({"bob@example.com", "Group", "polycom-01"});
    ASSERT_FALSE(refused);
    EXPECT_TRUE(client::is_server_error(refused.error()));
    EXPECT_EQ(client::server_error_code(refused.error()), 9101);
    EXPECT_TRUE(admin.logout());
  }
  client::client wrong(soap_client_options(mock.port("http"), client::login_flow::login_22v5));
  const auto bad_password = wrong.login("admin", "not-the-password");
  ASSERT_FALSE(bad_password);
  EXPECT_EQ(client::server_error_code(bad_password.error()), 4962);
}

TEST(SoapClient, CommandBeforeLoginIsAProtocolErrorNamingTheFault) {
  soap_mock mock;
  ASSERT_EQ(mock.start_error(), "");
  client::client early(soap_client_options(mock.port("http"), client::login_flow::login_22v5));
  ASSERT_TRUE(early.connect());
  const auto reply = early.send({"SystemSoftwareVersionGetRequest", std::nullopt, {}, {}});
  ASSERT_FALSE(reply);
  ASSERT_TRUE(client::is_protocol_error(reply.error())) << client::describe(reply.error());
  EXPECT_THAT(client::as_protocol_error(reply.error())->message,
              HasSubstr("INVALID_REQUEST (soapenv:Server.generalException): Cannot process any request before user is "
                        "logged in."));
}

TEST(SoapClient, NonLatin1NamesRoundTrip) {
  soap_mock mock;
  ASSERT_EQ(mock.start_error(), "");
  client::client_options options = soap_client_options(mock.port("http"), client::login_flow::login_22v5);
  options.session_id = "sessión-Zoë-Łódź";
  client::client who(options);
  ASSERT_TRUE(who.connect());
  const auto reply = who.send(client::authentication_request("Zoë Łukasz 😀"), "AuthenticationResponse");
  ASSERT_TRUE(reply) << client::describe(reply.error());
  EXPECT_EQ(reply.value().field_text("userId"), "Zoë Łukasz 😀");
}

TEST(SoapClient, ConnectStartsANewHttpSession) {
  soap_mock mock;
  ASSERT_EQ(mock.start_error(), "");
  client::client admin(soap_client_options(mock.port("http"), client::login_flow::login_22v5));
  ASSERT_TRUE(admin.login("admin", "password"));
  ASSERT_TRUE(admin.send({"SystemSoftwareVersionGetRequest", std::nullopt, {}, {}}));
  ASSERT_TRUE(admin.connect());  // a new connection has no login, as over TCP
  const auto after = admin.send({"SystemSoftwareVersionGetRequest", std::nullopt, {}, {}});
  ASSERT_FALSE(after);
  EXPECT_TRUE(client::is_protocol_error(after.error()));
}

TEST(SoapClient, UnknownPathIsAProtocolErrorNamingTheStatus) {
  soap_mock mock;
  ASSERT_EQ(mock.start_error(), "");
  client::client_options options = soap_client_options(mock.port("http"), client::login_flow::login_22v5);
  options.soap_path = "/wrong/path";
  client::client lost(options);
  const auto login = lost.login("admin", "password");
  ASSERT_FALSE(login);
  ASSERT_TRUE(client::is_protocol_error(login.error())) << client::describe(login.error());
  EXPECT_THAT(client::as_protocol_error(login.error())->message,
              HasSubstr("HTTP 404 Not Found from http://127.0.0.1:"));
}

TEST(SoapClient, ConnectionRefusedIsATransportError) {
  std::uint16_t free_port = 0;
  {
    soap_mock mock;  // bind a port, then let it go
    free_port = mock.port("http");
  }
  client::client nobody(soap_client_options(free_port, client::login_flow::login_22v5));
  const auto connected = nobody.connect();
  ASSERT_FALSE(connected);
  EXPECT_TRUE(client::is_transport_failure(connected.error(), client::transport_failure::connect_failed))
      << client::describe(connected.error());
}

/// A one-connection-at-a-time HTTP server that answers each request with a canned OCI reply and
/// then closes the connection without saying so (no "Connection: close"), as a server does to an
/// idle keep-alive connection. It records the Cookie header of each request.
class closing_server {
 public:
  closing_server() {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(listen_fd_, 4) != 0) {
      ADD_FAILURE() << "the test server cannot listen on 127.0.0.1";
    }
    socklen_t length = sizeof address;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
  }
  ~closing_server() { ::close(listen_fd_); }
  closing_server(const closing_server&) = delete;
  closing_server& operator=(const closing_server&) = delete;

  [[nodiscard]] std::uint16_t port() const { return port_; }

  /// Accepts one connection, answers one request and closes it; returns the request's Cookie
  /// header value ("" when none, "no request" on failure).
  std::string serve_one(std::string_view session_id) {
    timeval timeout{5, 0};
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    const int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) {
      return "no request";
    }
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    std::string request;
    std::size_t head_end = std::string::npos;
    std::size_t length = 0;
    while (true) {
      char buffer[4096];
      const ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
      if (got <= 0) {
        ::close(fd);
        return "no request";
      }
      request.append(buffer, static_cast<std::size_t>(got));
      if (head_end == std::string::npos && (head_end = request.find("\r\n\r\n")) != std::string::npos) {
        static const std::regex content_length("[\\s\\S]*\r\n[Cc]ontent-[Ll]ength: *([0-9]+)\r\n[\\s\\S]*");
        std::smatch match;
        const std::string head = request.substr(0, head_end + 2);
        length = std::regex_match(head, match, content_length) ? std::stoul(match[1].str()) : 0;
      }
      if (head_end != std::string::npos && request.size() >= head_end + 4 + length) {
        break;
      }
    }
    static const std::regex cookie_header("[\\s\\S]*\r\n[Cc]ookie: *([^\r]*)\r\n[\\s\\S]*");
    std::smatch match;
    const std::string head = request.substr(0, head_end + 2);
    std::string cookie = std::regex_match(head, match, cookie_header) ? match[1].str() : std::string();
    const std::string document =
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<BroadsoftDocument protocol=\"OCI\" "
        "xmlns=\"C\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><sessionId "
        "xmlns=\"\">" +
        std::string(session_id) +
        "</sessionId><command echo=\"\" xsi:type=\"c:SuccessResponse\" xmlns:c=\"C\" "
        "xmlns=\"\"/></BroadsoftDocument>\n";
    const std::string body = protocol::soap::wrap_response(document);
    const std::string response =
        "HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=utf-8\r\nSet-Cookie: "
        "JSESSIONID=FIXED-COOKIE; Path=/; HttpOnly\r\nContent-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body;
    (void)::send(fd, response.data(), response.size(), MSG_NOSIGNAL);
    ::shutdown(fd, SHUT_RDWR);
    ::close(fd);
    return cookie;
  }

 private:
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
};

TEST(SoapClient, ReconnectsWhenTheServerClosedAnIdleKeepAliveConnection) {
  closing_server server;
  client::client_options options = soap_client_options(server.port(), client::login_flow::login_22v5);
  options.session_id = "reconnect-1";
  client::client soap(options);
  ASSERT_TRUE(soap.connect());

  auto first_cookie = std::async(std::launch::async, [&server] { return server.serve_one("reconnect-1"); });
  const auto first = soap.send({"AvailabilityTestRequest", std::nullopt, {}, {}});
  ASSERT_TRUE(first) << client::describe(first.error());
  EXPECT_EQ(first.value().type, "SuccessResponse");
  EXPECT_EQ(first_cookie.get(), "");  // closed by now: the server thread has finished

  // The connection is gone, but nothing was sent on it: the client opens a new one and sends the
  // session cookie it was given.
  auto second_cookie = std::async(std::launch::async, [&server] { return server.serve_one("reconnect-1"); });
  const auto second = soap.send({"AvailabilityTestRequest", std::nullopt, {}, {}});
  ASSERT_TRUE(second) << client::describe(second.error());
  EXPECT_EQ(second.value().type, "SuccessResponse");
  EXPECT_EQ(second_cookie.get(), "JSESSIONID=FIXED-COOKIE");
}

// --- HTTPS ------------------------------------------------------------------------------------

TEST(SoapOverHttps, ClientVerifiesTheGeneratedCertificateAndGetsAToken) {
  soap_mock mock(true);
  if (mock.start_error().find("not available") != std::string::npos) {
    GTEST_SKIP() << "HTTPS needs the server's TLS identity, which this build does not provide: " << mock.start_error();
  }
  ASSERT_EQ(mock.start_error(), "");
  const std::string certificate = mock.server().generated_certificate_file();
  ASSERT_FALSE(certificate.empty());

  client::client_options options = soap_client_options(mock.port("https"), client::login_flow::nonce);
  options.transport = client::transport_kind::soaps;
  options.tls.ca_file = certificate;
  client::client secure(options);
  const auto info = secure.login("admin", "password");
  ASSERT_TRUE(info) << client::describe(info.error());
  const auto token = secure.create_device_token({"alice@example.com", "Group", "polycom-01"});
  ASSERT_TRUE(token) << client::describe(token.error());
  EXPECT_EQ(token.value().value.size(), 64U);
  // The second request reuses the kept-alive TLS connection.
  EXPECT_TRUE(secure.send({"SystemSoftwareVersionGetRequest", std::nullopt, {}, {}}));

  // Without trusting the certificate, the connection is refused as a transport error.
  client::client_options untrusting = options;
  untrusting.tls.ca_file.clear();
  client::client refused(untrusting);
  const auto connected = refused.connect();
  ASSERT_FALSE(connected);
  EXPECT_TRUE(client::is_transport_failure(connected.error(), client::transport_failure::connect_failed));
  EXPECT_THAT(client::describe(connected.error()), HasSubstr("certificate verification failed"));

  // A CA file that cannot be read is named, with the reason, as over OCI-P/TLS.
  client::client_options missing_ca = options;
  missing_ca.tls.ca_file = certificate + ".missing";
  client::client unreadable(missing_ca);
  const auto not_loaded = unreadable.connect();
  ASSERT_FALSE(not_loaded);
  EXPECT_TRUE(client::is_transport_failure(not_loaded.error(), client::transport_failure::connect_failed));
  EXPECT_THAT(client::describe(not_loaded.error()),
              HasSubstr("cannot read the CA file '" + certificate + ".missing' to verify"));
  EXPECT_THAT(client::describe(not_loaded.error()), HasSubstr("No such file or directory"));

  // The wrong name is refused too, unless checks are switched off explicitly.
  client::client_options wrong_name = options;
  wrong_name.tls.server_name = "not-this-host.example.com";
  client::client mismatch(wrong_name);
  ASSERT_FALSE(mismatch.connect());
  client::client_options unchecked = wrong_name;
  unchecked.tls.verify_peer = false;
  client::client lab(unchecked);
  EXPECT_TRUE(lab.login("admin", "password"));
}

}  // namespace
}  // namespace ocip::testing
