// Scripted faults (script.hpp, fault) carried out on the wire, seen from the client side: raw
// sockets where the bytes matter, the client library where its behaviour does. Over TCP every
// kind, over TLS slice and reset, over SOAP the kinds that make sense there.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "http_connection.hpp"
#include "loopback.hpp"
#include "mock_fixture.hpp"
#include "ocip/client/client.hpp"
#include "ocip/protocol/soap.hpp"

namespace ocip::testing {
namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

// ---------------------------------------------------------------------------------------------
// Scenarios with fault rules

/// A fault of this kind with its numbers.
mock::fault make_fault(mock::fault::kind what, std::size_t bytes = 0, std::chrono::milliseconds pause = 0ms,
                       std::string text = {}) {
  mock::fault out;
  out.what = what;
  out.bytes = bytes;
  out.pause = pause;
  out.text = std::move(text);
  return out;
}

/// A rule: requests of type `command` are answered as built in, misbehaving as `failure` says.
mock::rule fault_rule(std::string command, mock::fault failure, std::optional<std::uint64_t> times = 1) {
  mock::rule out;
  out.name = "fault-" + std::string(mock::to_string(failure.what));
  out.when.commands = {std::move(command)};
  out.times = times;
  out.failure = std::move(failure);
  return out;
}

/// The default scenario with these rules.
mock::scenario with_rules(std::vector<mock::rule> rules) {
  mock::scenario loaded = mock::load_default_scenario();
  loaded.initial.scripting.rules = std::move(rules);
  return loaded;
}

constexpr std::string_view authentication_command =
    R"(<command xsi:type="AuthenticationRequest" xmlns=""><userId>admin</userId></command>)";

/// One OCI document as a client writes it, holding one command.
std::string oci_document(std::string_view session_id, std::string_view command) {
  return R"(<?xml version="1.0" encoding="UTF-8"?><BroadsoftDocument protocol="OCI" xmlns="C" )"
         R"(xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><sessionId xmlns="">)" +
         std::string(session_id) + "</sessionId>" + std::string(command) + "</BroadsoftDocument>\n";
}

/// An AuthenticationRequest document (answered before login, over every transport).
std::string authentication_document(std::string_view session_id = "faults-1") {
  return oci_document(session_id, authentication_command);
}

/// A whole HTTP POST carrying an AuthenticationRequest in a SOAP envelope.
std::string soap_authentication_post() {
  const std::string body = protocol::soap::wrap_request(authentication_document());
  return "POST /webservice/services/ProvisioningService HTTP/1.1\r\nHost: 127.0.0.1\r\n"
         "Content-Type: text/xml; charset=utf-8\r\nSOAPAction: \"\"\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

int occurrences(std::string_view text, std::string_view what) {
  int count = 0;
  for (std::size_t at = text.find(what); at != std::string_view::npos; at = text.find(what, at + what.size())) {
    ++count;
  }
  return count;
}

bool ends_a_document(const std::string& bytes) {
  return bytes.ends_with("</BroadsoftDocument>\n");
}

// ---------------------------------------------------------------------------------------------
// Raw peers

/// How a read ended.
enum class ending {
  enough,   ///< the caller had what it wanted
  eof,      ///< the peer closed (FIN, or TLS close)
  reset,    ///< ECONNRESET
  timeout,  ///< nothing arrived within the read timeout
  other,    ///< any other failure
};

/// What a read received: every chunk as one recv (or SSL_read) returned it, and how it ended.
struct reading {
  std::vector<std::string> chunks;
  ending end = ending::other;

  [[nodiscard]] std::string all() const {
    std::string out;
    for (const auto& chunk : chunks) {
      out += chunk;
    }
    return out;
  }
};

using enough_test = std::function<bool(const std::string&)>;

/// One loopback TCP connection with bounded reads.
class tcp_peer {
 public:
  explicit tcp_peer(std::uint16_t port, std::chrono::milliseconds read_timeout = 3s) {
    const loopback_connection connection = connect_loopback(port, read_timeout);
    fd_ = connection.fd;
    connected_ = connection.connected;
  }
  ~tcp_peer() { ::close(fd_); }
  tcp_peer(const tcp_peer&) = delete;
  tcp_peer& operator=(const tcp_peer&) = delete;

  [[nodiscard]] bool connected() const { return connected_; }
  [[nodiscard]] int fd() const { return fd_; }

  void set_read_timeout(std::chrono::milliseconds timeout) { testing::set_read_timeout(fd_, timeout); }

  bool send(std::string_view bytes) { return send_all(fd_, bytes); }

  /// Reads until `enough` holds for what arrived, the stream ends, or a read times out.
  reading read(const enough_test& enough) {
    reading out;
    std::string so_far;
    for (;;) {
      char buffer[65536];
      const ssize_t got = ::recv(fd_, buffer, sizeof buffer, 0);
      if (got == 0) {
        out.end = ending::eof;
        return out;
      }
      if (got < 0) {
        out.end = errno == ECONNRESET                         ? ending::reset
                  : (errno == EAGAIN || errno == EWOULDBLOCK) ? ending::timeout
                                                              : ending::other;
        return out;
      }
      out.chunks.emplace_back(buffer, static_cast<std::size_t>(got));
      so_far += out.chunks.back();
      if (enough(so_far)) {
        out.end = ending::enough;
        return out;
      }
    }
  }

  /// Reads until the stream ends or a read times out.
  reading read_to_end() {
    return read([](const std::string&) { return false; });
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

struct ssl_ctx_free_t {
  void operator()(SSL_CTX* context) const { SSL_CTX_free(context); }
};
struct ssl_free_t {
  void operator()(SSL* session) const { SSL_free(session); }
};

/// A raw OpenSSL client over a tcp_peer: every SSL_read's result is kept as one chunk, which is
/// one TLS record's data.
class tls_peer {
 public:
  explicit tls_peer(std::uint16_t port) : socket_(port) {
    context_.reset(SSL_CTX_new(TLS_client_method()));
    SSL_CTX_set_verify(context_.get(), SSL_VERIFY_NONE, nullptr);  // the bytes matter here, not the identity
    session_.reset(SSL_new(context_.get()));
    SSL_set_fd(session_.get(), socket_.fd());
    handshake_done_ = socket_.connected() && SSL_connect(session_.get()) == 1;
  }

  [[nodiscard]] bool ready() const { return handshake_done_; }

  bool send(std::string_view bytes) {
    return SSL_write(session_.get(), bytes.data(), static_cast<int>(bytes.size())) == static_cast<int>(bytes.size());
  }

  reading read(const enough_test& enough) {
    reading out;
    std::string so_far;
    for (;;) {
      char buffer[65536];
      errno = 0;
      ERR_clear_error();
      const int got = SSL_read(session_.get(), buffer, sizeof buffer);
      if (got <= 0) {
        const int reason = SSL_get_error(session_.get(), got);
        if (reason == SSL_ERROR_ZERO_RETURN) {
          out.end = ending::eof;
        } else if (reason == SSL_ERROR_SYSCALL && errno == ECONNRESET) {
          out.end = ending::reset;
        } else if (reason == SSL_ERROR_WANT_READ || errno == EAGAIN) {
          out.end = ending::timeout;
        } else if (reason == SSL_ERROR_SSL || reason == SSL_ERROR_SYSCALL) {
          out.end = ending::eof;  // the TCP connection closed without close_notify
        } else {
          out.end = ending::other;
        }
        return out;
      }
      out.chunks.emplace_back(buffer, static_cast<std::size_t>(got));
      so_far += out.chunks.back();
      if (enough(so_far)) {
        out.end = ending::enough;
        return out;
      }
    }
  }

 private:
  tcp_peer socket_;
  std::unique_ptr<SSL_CTX, ssl_ctx_free_t> context_;
  std::unique_ptr<SSL, ssl_free_t> session_;
  bool handshake_done_ = false;
};

// ---------------------------------------------------------------------------------------------
// Client options

client::client_options client_options(running_mock& mock, client::transport_kind transport) {
  client::client_options options;
  options.transport = transport;
  switch (transport) {
    case client::transport_kind::tcp:
      options.port = mock.port();
      break;
    case client::transport_kind::tls:
      options.port = mock.port("tls");
      break;
    case client::transport_kind::soaps:
      options.port = mock.port("https");
      break;
    default:
      options.port = mock.port("http");
      break;
  }
  options.tls.ca_file = mock.certificate_file();
  options.tls.server_name = "localhost";
  options.connect_timeout = 2s;
  options.command_timeout = 3s;
  return options;
}

/// Milliseconds since `start`.
std::chrono::milliseconds since(clock_type::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - start);
}

// ---------------------------------------------------------------------------------------------
// TCP

/// A client logging in over `transport` while the mock's rule gives the login `failure`: the
/// login must fail as a closed connection.
void expect_login_closed(mock::fault failure, client::transport_kind transport) {
  running_mock login_mock{with_rules({fault_rule("LoginRequest22V5", std::move(failure))})};
  client::client alice(client_options(login_mock, transport));
  const auto login = alice.login("alice@example.com", "alice-lab-pw");
  ASSERT_FALSE(login) << "the login worked despite the fault";
  EXPECT_TRUE(client::is_transport_failure(login.error(), client::transport_failure::closed))
      << client::describe(login.error());
  EXPECT_FALSE(alice.logged_in());
}

TEST(FaultsTcp, DelayHoldsTheReplyBackThenItArrivesWhole) {
  mock::fault slow = make_fault(mock::fault::kind::none);
  slow.delay = 150ms;
  running_mock mock{with_rules({fault_rule("LoginRequest22V5", slow)})};
  client::client alice(client_options(mock, client::transport_kind::tcp));
  const auto started = clock_type::now();
  const auto login = alice.login("alice@example.com", "alice-lab-pw");
  const auto took = since(started);
  ASSERT_TRUE(login) << client::describe(login.error());
  EXPECT_GE(took, 150ms);
  EXPECT_EQ(alice.user_id(), "alice@example.com");
}

TEST(FaultsTcp, ADelayDoesNotHoldUpOtherConnections) {
  mock::fault slow = make_fault(mock::fault::kind::none);
  slow.delay = 1500ms;
  running_mock mock{with_rules({fault_rule("AuthenticationRequest", slow)})};
  tcp_peer delayed(mock.port());
  ASSERT_TRUE(delayed.send(authentication_document("delayed")));
  std::this_thread::sleep_for(50ms);  // the delayed request is decided first
  tcp_peer other(mock.port());
  ASSERT_TRUE(other.send(authentication_document("other")));
  const reading answered = other.read(ends_a_document);
  EXPECT_EQ(answered.end, ending::enough);
  EXPECT_NE(answered.all().find("AuthenticationResponse"), std::string::npos);
  // The other connection was answered while the delayed one still waits; then it gets its reply.
  delayed.set_read_timeout(10ms);
  EXPECT_EQ(delayed.read(ends_a_document).end, ending::timeout);
  delayed.set_read_timeout(3s);
  const reading late = delayed.read(ends_a_document);
  EXPECT_EQ(late.end, ending::enough);
  EXPECT_NE(late.all().find("<sessionId xmlns=\"\">delayed</sessionId>"), std::string::npos);
}

TEST(FaultsTcp, NoReplyWritesNothingAndKeepsServingTheConnection) {
  running_mock mock{with_rules({fault_rule("AuthenticationRequest", make_fault(mock::fault::kind::no_reply))})};
  tcp_peer peer(mock.port(), 300ms);
  ASSERT_TRUE(peer.send(authentication_document("first")));
  const reading silence = peer.read(ends_a_document);
  EXPECT_EQ(silence.end, ending::timeout);
  EXPECT_TRUE(silence.chunks.empty());
  // The rule is spent: the next document on the same connection is answered.
  peer.set_read_timeout(3s);
  ASSERT_TRUE(peer.send(authentication_document("second")));
  const reading answered = peer.read(ends_a_document);
  EXPECT_EQ(answered.end, ending::enough);
  EXPECT_EQ(occurrences(answered.all(), "</BroadsoftDocument>"), 1);
  EXPECT_NE(answered.all().find("<sessionId xmlns=\"\">second</sessionId>"), std::string::npos);
}

TEST(FaultsTcp, NoReplyMakesTheClientsDeadlinePass) {
  running_mock mock{with_rules({fault_rule("LoginRequest22V5", make_fault(mock::fault::kind::no_reply))})};
  client::client_options options = client_options(mock, client::transport_kind::tcp);
  options.command_timeout = 300ms;
  client::client alice(options);
  const auto started = clock_type::now();
  const auto login = alice.login("alice@example.com", "alice-lab-pw");
  ASSERT_FALSE(login);
  EXPECT_TRUE(client::is_transport_failure(login.error(), client::transport_failure::timeout))
      << client::describe(login.error());
  EXPECT_GE(since(started), 300ms);
}

TEST(FaultsTcp, CloseBeforeReplyClosesWithoutAByte) {
  running_mock mock{
      with_rules({fault_rule("AuthenticationRequest", make_fault(mock::fault::kind::close_before_reply))})};
  tcp_peer peer(mock.port());
  ASSERT_TRUE(peer.send(authentication_document()));
  const reading got = peer.read_to_end();
  EXPECT_EQ(got.end, ending::eof);
  EXPECT_EQ(got.all(), "");

  expect_login_closed(make_fault(mock::fault::kind::close_before_reply), client::transport_kind::tcp);
}

TEST(FaultsTcp, CloseAfterReplyWritesTheWholeReplyThenCloses) {
  running_mock mock{
      with_rules({fault_rule("AuthenticationRequest", make_fault(mock::fault::kind::close_after_reply))})};
  tcp_peer peer(mock.port());
  ASSERT_TRUE(peer.send(authentication_document()));
  const reading got = peer.read_to_end();
  EXPECT_EQ(got.end, ending::eof);
  const std::string bytes = got.all();
  EXPECT_TRUE(bytes.starts_with("<?xml")) << bytes;
  EXPECT_TRUE(ends_a_document(bytes)) << bytes;
  EXPECT_NE(bytes.find("AuthenticationResponse"), std::string::npos);
}

TEST(FaultsTcp, ResetIsSeenAsConnectionReset) {
  running_mock mock{with_rules({fault_rule("AuthenticationRequest", make_fault(mock::fault::kind::reset))})};
  tcp_peer peer(mock.port());
  ASSERT_TRUE(peer.send(authentication_document()));
  const reading got = peer.read_to_end();
  EXPECT_EQ(got.end, ending::reset);
  EXPECT_EQ(got.all(), "");

  expect_login_closed(make_fault(mock::fault::kind::reset), client::transport_kind::tcp);
}

TEST(FaultsTcp, SliceSendsPiecesOfTheGivenSizeWithPausesBetween) {
  constexpr std::size_t piece = 50;
  constexpr auto pause = 40ms;
  running_mock mock{
      with_rules({fault_rule("AuthenticationRequest", make_fault(mock::fault::kind::slice, piece, pause))})};
  tcp_peer peer(mock.port());
  const auto started = clock_type::now();
  ASSERT_TRUE(peer.send(authentication_document()));
  const reading got = peer.read(ends_a_document);
  const auto took = since(started);
  ASSERT_EQ(got.end, ending::enough);
  const std::string bytes = got.all();
  EXPECT_TRUE(bytes.starts_with("<?xml")) << bytes;
  EXPECT_NE(bytes.find("AuthenticationResponse"), std::string::npos);
  const std::size_t pieces = (bytes.size() + piece - 1) / piece;
  ASSERT_GE(pieces, 4U);
  // Pieces arrive separately; a slow reader may find two waiting at once, never part of one.
  EXPECT_GE(got.chunks.size(), 2U);
  for (std::size_t i = 0; i + 1 < got.chunks.size(); ++i) {
    EXPECT_EQ(got.chunks[i].size() % piece, 0U) << "chunk " << i << " of " << got.chunks.size();
  }
  EXPECT_EQ(got.chunks.front().size() % piece, 0U);
  EXPECT_GE(took, pause * static_cast<int>(pieces - 1));
}

TEST(FaultsTcp, ASlicedReplyIsStillReadWholeByTheClient) {
  running_mock mock{
      with_rules({fault_rule("LoginRequest22V5", make_fault(mock::fault::kind::slice, 7, 2ms), std::nullopt)})};
  client::client alice(client_options(mock, client::transport_kind::tcp));
  const auto login = alice.login("alice@example.com", "alice-lab-pw");
  ASSERT_TRUE(login) << client::describe(login.error());
  EXPECT_EQ(alice.user_id(), "alice@example.com");
}

TEST(FaultsTcp, TruncateWritesTheFirstBytesThenCloses) {
  running_mock mock{with_rules({fault_rule("AuthenticationRequest", make_fault(mock::fault::kind::truncate, 40))})};
  tcp_peer peer(mock.port());
  ASSERT_TRUE(peer.send(authentication_document()));
  const reading cut = peer.read_to_end();
  EXPECT_EQ(cut.end, ending::eof);
  // The rule is spent: a whole reply on a new connection shows what the 40 bytes were cut from.
  tcp_peer again(mock.port());
  ASSERT_TRUE(again.send(authentication_document()));
  const std::string whole = again.read(ends_a_document).all();
  ASSERT_GT(whole.size(), 40U);
  EXPECT_EQ(cut.all(), whole.substr(0, 40));

  expect_login_closed(make_fault(mock::fault::kind::truncate, 60), client::transport_kind::tcp);
}

TEST(FaultsTcp, GarbageTextReplacesTheReplyAndTheConnectionStaysOpen) {
  const std::string junk = "HTTP/1.0 502 Bad Gateway\r\n\r\nnot OCI-P\n";
  running_mock mock{
      with_rules({fault_rule("AuthenticationRequest", make_fault(mock::fault::kind::garbage, 0, 0ms, junk))})};
  tcp_peer peer(mock.port());
  ASSERT_TRUE(peer.send(authentication_document("first")));
  const reading got = peer.read([&](const std::string& so_far) { return so_far.size() >= junk.size(); });
  EXPECT_EQ(got.end, ending::enough);
  EXPECT_EQ(got.all(), junk);
  ASSERT_TRUE(peer.send(authentication_document("second")));
  const reading next = peer.read(ends_a_document);
  EXPECT_EQ(next.end, ending::enough);
  EXPECT_NE(next.all().find("<sessionId xmlns=\"\">second</sessionId>"), std::string::npos);
}

TEST(FaultsTcp, RandomGarbageIsThatManyBytesNoXmlMayContain) {
  running_mock mock{with_rules({fault_rule("AuthenticationRequest", make_fault(mock::fault::kind::garbage, 24))})};
  tcp_peer peer(mock.port(), 500ms);
  ASSERT_TRUE(peer.send(authentication_document()));
  const reading got = peer.read_to_end();
  EXPECT_EQ(got.end, ending::timeout);  // nothing more, and the connection stays open
  const std::string bytes = got.all();
  ASSERT_EQ(bytes.size(), 24U);
  for (const char byte : bytes) {
    const auto value = static_cast<unsigned char>(byte);
    EXPECT_TRUE(value >= 0x01 && value < 0x20 && value != '\t' && value != '\n' && value != '\r')
        << "byte " << static_cast<int>(value);
  }
}

TEST(FaultsTcp, GarbageIsAProtocolErrorForTheClient) {
  running_mock mock{
      with_rules({fault_rule("LoginRequest22V5", make_fault(mock::fault::kind::garbage, 0, 0ms, "surprise!"))})};
  client::client alice(client_options(mock, client::transport_kind::tcp));
  const auto login = alice.login("alice@example.com", "alice-lab-pw");
  ASSERT_FALSE(login);
  EXPECT_TRUE(client::is_protocol_error(login.error())) << client::describe(login.error());
}

TEST(FaultsTcp, SoapOnlyFaultsLeaveTheReplyUnchanged) {
  running_mock mock{with_rules(
      {fault_rule("AuthenticationRequest", make_fault(mock::fault::kind::http_500, 0, 0ms, "busy"), std::nullopt)})};
  tcp_peer peer(mock.port());
  ASSERT_TRUE(peer.send(authentication_document()));
  const reading got = peer.read(ends_a_document);
  EXPECT_EQ(got.end, ending::enough);
  EXPECT_NE(got.all().find("AuthenticationResponse"), std::string::npos);
}

TEST(FaultsTcp, StopClosesASessionWaitingInADelayPromptly) {
  mock::fault slow = make_fault(mock::fault::kind::none);
  slow.delay = 30s;
  running_mock mock{with_rules({fault_rule("AuthenticationRequest", slow, std::nullopt)})};
  tcp_peer tcp(mock.port());
  ASSERT_TRUE(tcp.send(authentication_document()));
  http_connection soap(mock.port("http"));
  ASSERT_TRUE(soap.send(soap_authentication_post()));
  std::this_thread::sleep_for(100ms);  // both are waiting in the delay now
  const auto started = clock_type::now();
  mock.server().stop();
  const reading got = tcp.read_to_end();
  EXPECT_TRUE(got.end == ending::eof || got.end == ending::reset);
  EXPECT_EQ(got.all(), "");
  EXPECT_TRUE(soap.closed_by_peer());
  EXPECT_LT(since(started), 3s);  // far below the 30 s delay
}

// ---------------------------------------------------------------------------------------------
// TLS

TEST(FaultsTls, SliceMakesOneRecordPerPiece) {
  constexpr std::size_t piece = 16;
  running_mock mock{
      with_rules({fault_rule("AuthenticationRequest", make_fault(mock::fault::kind::slice, piece, 1ms))})};
  tls_peer peer(mock.port("tls"));
  ASSERT_TRUE(peer.ready());
  ASSERT_TRUE(peer.send(authentication_document()));
  const reading got = peer.read(ends_a_document);
  ASSERT_EQ(got.end, ending::enough);
  const std::string bytes = got.all();
  EXPECT_TRUE(bytes.starts_with("<?xml")) << bytes;
  EXPECT_NE(bytes.find("AuthenticationResponse"), std::string::npos);
  EXPECT_EQ(got.chunks.size(), (bytes.size() + piece - 1) / piece);
  for (std::size_t i = 0; i + 1 < got.chunks.size(); ++i) {
    EXPECT_EQ(got.chunks[i].size(), piece) << "record " << i;
  }
}

TEST(FaultsTls, ASlicedReplyIsStillReadWholeByTheClient) {
  running_mock mock{
      with_rules({fault_rule("LoginRequest22V5", make_fault(mock::fault::kind::slice, 10, 2ms), std::nullopt)})};
  client::client alice(client_options(mock, client::transport_kind::tls));
  const auto login = alice.login("alice@example.com", "alice-lab-pw");
  ASSERT_TRUE(login) << client::describe(login.error());
  EXPECT_EQ(alice.user_id(), "alice@example.com");
}

TEST(FaultsTls, ResetIsSeenAsConnectionResetUnderTls) {
  running_mock mock{with_rules({fault_rule("AuthenticationRequest", make_fault(mock::fault::kind::reset))})};
  tls_peer peer(mock.port("tls"));
  ASSERT_TRUE(peer.ready());
  ASSERT_TRUE(peer.send(authentication_document()));
  const reading got = peer.read(ends_a_document);
  EXPECT_EQ(got.end, ending::reset);
  EXPECT_EQ(got.all(), "");

  expect_login_closed(make_fault(mock::fault::kind::reset), client::transport_kind::tls);
}

// ---------------------------------------------------------------------------------------------
// SOAP

// ---------------------------------------------------------------------------------------------
// SOAP over HTTPS: the same faults, written through TLS

TEST(FaultsSoaps, ASlicedAnswerIsStillReadWholeByTheClient) {
  running_mock mock{with_rules({fault_rule("UserSingleSignOnCreateDeviceTokenRequest",
                                           make_fault(mock::fault::kind::slice, 16, 2ms), std::nullopt)})};
  client::client alice(client_options(mock, client::transport_kind::soaps));
  ASSERT_TRUE(alice.login("alice@example.com", "alice-lab-pw"));
  const auto token = alice.create_device_token({"alice@example.com", "Group", "polycom-01"});
  ASSERT_TRUE(token) << client::describe(token.error());
  EXPECT_EQ(token.value().value.size(), 64U);
}

TEST(FaultsSoaps, Http500IsAProtocolErrorNamingTheStatus) {
  running_mock mock{with_rules(
      {fault_rule("LoginRequest22V5", make_fault(mock::fault::kind::http_500, 0, 0ms, "Service Unavailable"))})};
  client::client alice(client_options(mock, client::transport_kind::soaps));
  const auto login = alice.login("alice@example.com", "alice-lab-pw");
  ASSERT_FALSE(login);
  ASSERT_TRUE(client::is_protocol_error(login.error())) << client::describe(login.error());
  EXPECT_NE(client::describe(login.error()).find("HTTP 500"), std::string::npos) << client::describe(login.error());
  EXPECT_TRUE(alice.login("alice@example.com", "alice-lab-pw")) << "the rule is spent";
}

TEST(FaultsSoaps, SoapFaultReachesTheClientWithItsCode) {
  mock::fault refused = make_fault(mock::fault::kind::soap_fault, 0, 0ms, "Too many sessions");
  refused.code = "soapenv:Server.userException";
  running_mock mock{with_rules({fault_rule("LoginRequest22V5", refused)})};
  client::client alice(client_options(mock, client::transport_kind::soaps));
  const auto login = alice.login("alice@example.com", "alice-lab-pw");
  ASSERT_FALSE(login);
  const std::string message = client::describe(login.error());
  EXPECT_NE(message.find("soapenv:Server.userException"), std::string::npos) << message;
  EXPECT_NE(message.find("Too many sessions"), std::string::npos) << message;
}

TEST(FaultsSoaps, TruncateAndResetEndTheConnection) {
  expect_login_closed(make_fault(mock::fault::kind::truncate, 100), client::transport_kind::soaps);

  expect_login_closed(make_fault(mock::fault::kind::reset), client::transport_kind::soaps);
}

TEST(FaultsSoap, Http500AnswersWithThePlainText) {
  running_mock mock{with_rules({fault_rule(
      "AuthenticationRequest", make_fault(mock::fault::kind::http_500, 0, 0ms, "Service Unavailable: try later"))})};
  http_connection raw(mock.port("http"));
  ASSERT_TRUE(raw.send(soap_authentication_post()));
  const auto reply = raw.read_reply();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 500);
  EXPECT_EQ(reply->body, "Service Unavailable: try later");
  EXPECT_TRUE(reply->header("content-type").starts_with("text/plain")) << reply->header("content-type");

  running_mock login_mock{with_rules(
      {fault_rule("LoginRequest22V5", make_fault(mock::fault::kind::http_500, 0, 0ms, "Service Unavailable"))})};
  client::client alice(client_options(login_mock, client::transport_kind::soap));
  const auto login = alice.login("alice@example.com", "alice-lab-pw");
  ASSERT_FALSE(login);
  ASSERT_TRUE(client::is_protocol_error(login.error())) << client::describe(login.error());
  const std::string message = client::describe(login.error());
  EXPECT_NE(message.find("HTTP 500"), std::string::npos) << message;
  EXPECT_NE(message.find("Service Unavailable"), std::string::npos) << message;
  // The rule is spent: the same client logs in next time.
  const auto again = alice.login("alice@example.com", "alice-lab-pw");
  EXPECT_TRUE(again) << client::describe(again.error());
}

TEST(FaultsSoap, SoapFaultCarriesTheCodeAndText) {
  mock::fault refused = make_fault(mock::fault::kind::soap_fault, 0, 0ms, "Too many sessions");
  refused.code = "soapenv:Server.userException";
  running_mock mock{
      with_rules({fault_rule("AuthenticationRequest", make_fault(mock::fault::kind::soap_fault, 0, 0ms, "Busy")),
                  fault_rule("LoginRequest22V5", refused)})};
  http_connection raw(mock.port("http"));
  ASSERT_TRUE(raw.send(soap_authentication_post()));
  const auto reply = raw.read_reply();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 500);
  const auto content = protocol::soap::unwrap_response(reply->body);
  ASSERT_TRUE(content) << reply->body;
  ASSERT_TRUE(content.value().refusal);
  EXPECT_EQ(content.value().refusal->code, "soapenv:Server");  // the default code
  EXPECT_EQ(content.value().refusal->string, "Busy");

  client::client alice(client_options(mock, client::transport_kind::soap));
  const auto login = alice.login("alice@example.com", "alice-lab-pw");
  ASSERT_FALSE(login);
  ASSERT_TRUE(client::is_protocol_error(login.error())) << client::describe(login.error());
  const std::string message = client::describe(login.error());
  EXPECT_NE(message.find("Too many sessions"), std::string::npos) << message;
  EXPECT_NE(message.find("soapenv:Server.userException"), std::string::npos) << message;
}

TEST(FaultsSoap, DelayHoldsTheAnswerBack) {
  mock::fault slow = make_fault(mock::fault::kind::none);
  slow.delay = 150ms;
  running_mock mock{with_rules({fault_rule("LoginRequest22V5", slow)})};
  client::client alice(client_options(mock, client::transport_kind::soap));
  const auto started = clock_type::now();
  const auto login = alice.login("alice@example.com", "alice-lab-pw");
  const auto took = since(started);
  ASSERT_TRUE(login) << client::describe(login.error());
  EXPECT_GE(took, 150ms);
}

TEST(FaultsSoap, NoReplyLeavesTheRequestUnansweredAndServesTheNext) {
  running_mock mock{with_rules({fault_rule("AuthenticationRequest", make_fault(mock::fault::kind::no_reply))})};
  tcp_peer raw(mock.port("http"), 300ms);
  ASSERT_TRUE(raw.send(soap_authentication_post()));
  const reading silence = raw.read_to_end();
  EXPECT_EQ(silence.end, ending::timeout);
  EXPECT_TRUE(silence.chunks.empty());
  raw.set_read_timeout(3s);
  ASSERT_TRUE(raw.send(soap_authentication_post()));
  const reading answered =
      raw.read([](const std::string& so_far) { return so_far.find("</soapenv:Envelope>") != std::string::npos; });
  EXPECT_EQ(answered.end, ending::enough);
  EXPECT_TRUE(answered.all().starts_with("HTTP/1.1 200 OK\r\n")) << answered.all();

  running_mock login_mock{with_rules({fault_rule("LoginRequest22V5", make_fault(mock::fault::kind::no_reply))})};
  client::client_options options = client_options(login_mock, client::transport_kind::soap);
  options.command_timeout = 300ms;
  client::client alice(options);
  const auto login = alice.login("alice@example.com", "alice-lab-pw");
  ASSERT_FALSE(login);
  EXPECT_TRUE(client::is_transport_failure(login.error(), client::transport_failure::timeout))
      << client::describe(login.error());
}

TEST(FaultsSoap, CloseBeforeReplyClosesWithoutAnAnswer) {
  running_mock mock{
      with_rules({fault_rule("AuthenticationRequest", make_fault(mock::fault::kind::close_before_reply))})};
  tcp_peer raw(mock.port("http"));
  ASSERT_TRUE(raw.send(soap_authentication_post()));
  const reading got = raw.read_to_end();
  EXPECT_EQ(got.end, ending::eof);
  EXPECT_EQ(got.all(), "");

  expect_login_closed(make_fault(mock::fault::kind::close_before_reply), client::transport_kind::soap);
}

TEST(FaultsSoap, CloseAfterReplyAnswersThenCloses) {
  running_mock mock{
      with_rules({fault_rule("AuthenticationRequest", make_fault(mock::fault::kind::close_after_reply))})};
  http_connection raw(mock.port("http"));
  ASSERT_TRUE(raw.send(soap_authentication_post()));
  const auto reply = raw.read_reply();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_NE(reply->body.find("AuthenticationResponse"), std::string::npos);
  EXPECT_TRUE(raw.closed_by_peer());
}

TEST(FaultsSoap, ResetIsSeenAsConnectionReset) {
  running_mock mock{with_rules({fault_rule("AuthenticationRequest", make_fault(mock::fault::kind::reset))})};
  tcp_peer raw(mock.port("http"));
  ASSERT_TRUE(raw.send(soap_authentication_post()));
  const reading got = raw.read_to_end();
  EXPECT_EQ(got.end, ending::reset);
  EXPECT_EQ(got.all(), "");
}

TEST(FaultsSoap, TruncateCutsTheHttpResponse) {
  running_mock mock{with_rules({fault_rule("AuthenticationRequest", make_fault(mock::fault::kind::truncate, 30))})};
  tcp_peer raw(mock.port("http"));
  ASSERT_TRUE(raw.send(soap_authentication_post()));
  const reading got = raw.read_to_end();
  EXPECT_EQ(got.end, ending::eof);
  const std::string bytes = got.all();
  EXPECT_EQ(bytes.size(), 30U);
  EXPECT_TRUE(bytes.starts_with("HTTP/1.1 200 OK\r\n")) << bytes;

  expect_login_closed(make_fault(mock::fault::kind::truncate, 100), client::transport_kind::soap);
}

TEST(FaultsSoap, GarbageReplacesTheHttpResponse) {
  const std::string junk = "\x01\x02 not HTTP at all \x03";
  running_mock mock{
      with_rules({fault_rule("AuthenticationRequest", make_fault(mock::fault::kind::garbage, 0, 0ms, junk))})};
  tcp_peer raw(mock.port("http"), 500ms);
  ASSERT_TRUE(raw.send(soap_authentication_post()));
  const reading got = raw.read_to_end();
  EXPECT_EQ(got.end, ending::timeout);  // the connection stays open
  EXPECT_EQ(got.all(), junk);

  running_mock login_mock{
      with_rules({fault_rule("LoginRequest22V5", make_fault(mock::fault::kind::garbage, 0, 0ms, "garbage!\r\n\r\n"))})};
  client::client alice(client_options(login_mock, client::transport_kind::soap));
  const auto login = alice.login("alice@example.com", "alice-lab-pw");
  ASSERT_FALSE(login);
  EXPECT_TRUE(client::is_protocol_error(login.error())) << client::describe(login.error());
}

TEST(FaultsSoap, SliceSendsTheHttpResponseInPieces) {
  constexpr std::size_t piece = 64;
  running_mock mock{
      with_rules({fault_rule("AuthenticationRequest", make_fault(mock::fault::kind::slice, piece, 20ms))})};
  tcp_peer raw(mock.port("http"));
  ASSERT_TRUE(raw.send(soap_authentication_post()));
  const reading got =
      raw.read([](const std::string& so_far) { return so_far.find("</soapenv:Envelope>") != std::string::npos; });
  ASSERT_EQ(got.end, ending::enough);
  EXPECT_TRUE(got.all().starts_with("HTTP/1.1 200 OK\r\n"));
  EXPECT_GE(got.chunks.size(), 2U);
  for (std::size_t i = 0; i + 1 < got.chunks.size(); ++i) {
    EXPECT_EQ(got.chunks[i].size() % piece, 0U) << "chunk " << i;
  }

  running_mock login_mock{
      with_rules({fault_rule("LoginRequest22V5", make_fault(mock::fault::kind::slice, 25, 2ms), std::nullopt)})};
  client::client alice(client_options(login_mock, client::transport_kind::soap));
  const auto login = alice.login("alice@example.com", "alice-lab-pw");
  EXPECT_TRUE(login) << client::describe(login.error());
}

// ---------------------------------------------------------------------------------------------
// scenarios/flaky-network.yaml

mock::scenario flaky_network() {
  auto loaded = mock::load_scenario_file(std::filesystem::path(OCIP_SCENARIO_DIR) / "flaky-network.yaml");
  if (!loaded) {
    ADD_FAILURE() << loaded.error().to_string();
    return mock::load_default_scenario();
  }
  return std::move(loaded).value();
}

TEST(FaultsScenario, FlakyNetworkAsAClientSeesIt) {
  running_mock mock{flaky_network()};
  const client::device_token_request desk{"alice@example.com", "Group", "desk-01"};
  client::client_options options = client_options(mock, client::transport_kind::tcp);
  options.command_timeout = 500ms;
  client::client alice(options);

  // 1. The first login comes late, but whole.
  const auto started = clock_type::now();
  const auto login = alice.login("alice@example.com", "alice-lab-pw");
  ASSERT_TRUE(login) << client::describe(login.error());
  EXPECT_GE(since(started), 100ms);

  // 2. The first token arrives in pieces and is read whole.
  const auto sliced = alice.create_device_token(desk);
  ASSERT_TRUE(sliced) << client::describe(sliced.error());
  EXPECT_EQ(sliced.value().value.size(), 64U);

  // 3. The second is never answered: the client's deadline passes.
  const auto lost = alice.create_device_token(desk);
  ASSERT_FALSE(lost);
  EXPECT_TRUE(client::is_transport_failure(lost.error(), client::transport_failure::timeout))
      << client::describe(lost.error());

  // 4. After a new login (not delayed: that rule is spent), the third is cut short.
  const auto relogin = alice.login("alice@example.com", "alice-lab-pw");
  ASSERT_TRUE(relogin) << client::describe(relogin.error());
  const auto cut = alice.create_device_token(desk);
  ASSERT_FALSE(cut);
  EXPECT_TRUE(client::is_transport_failure(cut.error(), client::transport_failure::closed))
      << client::describe(cut.error());

  // 5. From then on tokens come as usual; the first keep-alive probe finds the connection reset.
  const auto third_login = alice.login("alice@example.com", "alice-lab-pw");
  ASSERT_TRUE(third_login) << client::describe(third_login.error());
  const auto fine = alice.create_device_token(desk);
  ASSERT_TRUE(fine) << client::describe(fine.error());
  EXPECT_NE(fine.value().value, sliced.value().value);
  const auto probe = alice.send(protocol::command{"AvailabilityTestRequest", std::nullopt, {}, {}});
  ASSERT_FALSE(probe);
  EXPECT_TRUE(client::is_transport_error(probe.error())) << client::describe(probe.error());

  // Over SOAP the first token request gets HTTP 500, the next a token.
  client::client soap(client_options(mock, client::transport_kind::soap));
  const auto soap_login = soap.login("alice@example.com", "alice-lab-pw");
  ASSERT_TRUE(soap_login) << client::describe(soap_login.error());
  const auto busy = soap.create_device_token(desk);
  ASSERT_FALSE(busy);
  ASSERT_TRUE(client::is_protocol_error(busy.error())) << client::describe(busy.error());
  EXPECT_NE(client::describe(busy.error()).find("HTTP 500"), std::string::npos) << client::describe(busy.error());
  const auto served = soap.create_device_token(desk);
  EXPECT_TRUE(served) << client::describe(served.error());
}

}  // namespace
}  // namespace ocip::testing
