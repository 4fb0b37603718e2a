// OCI-P over TLS (oci-p.md §1): the client library and a raw OpenSSL peer against the in-process
// mock's TLS listener, with the certificate the mock generates and with one configured for it.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <regex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "ocip/client/client.hpp"
#include "ocip/mock/scenario.hpp"
#include "ocip/mock/server.hpp"
#include "raw_socket.hpp"

namespace ocip::testing {
namespace {

/// A path in the temporary folder, unique to this test run, removed at the end of the test.
class temp_path {
 public:
  explicit temp_path(std::string_view stem) {
    std::random_device entropy;
    path_ = (std::filesystem::temp_directory_path() /
             (std::string(stem) + "-" + std::to_string(entropy()) + std::to_string(entropy()) + ".pem"))
                .string();
  }
  ~temp_path() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  temp_path(const temp_path&) = delete;
  temp_path& operator=(const temp_path&) = delete;

  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
};

/// A certificate and key made by the test, to prove that a configured identity is the one served.
struct test_identity {
  temp_path certificate{"ocip-test-cert"};
  temp_path key{"ocip-test-key"};
  std::string serial_hex;  ///< as OpenSSL prints it, to recognise the certificate on the wire
};

template <auto release>
struct openssl_deleter {
  template <typename T>
  void operator()(T* object) const {
    release(object);
  }
};
struct openssl_string_deleter {
  void operator()(char* text) const { OPENSSL_free(text); }
};
struct file_closer {
  void operator()(FILE* file) const { std::fclose(file); }
};

/// A self-signed P-256 certificate for `dns_name`, with a random serial, written with its key.
void make_test_identity(test_identity& identity, const char* common_name, const char* dns_name) {
  std::unique_ptr<EVP_PKEY, openssl_deleter<EVP_PKEY_free>> key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  std::unique_ptr<X509, openssl_deleter<X509_free>> certificate(X509_new());
  std::unique_ptr<BIGNUM, openssl_deleter<BN_free>> serial(BN_new());
  ASSERT_TRUE(key && certificate && serial);
  ASSERT_EQ(BN_rand(serial.get(), 64, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY), 1);
  ASSERT_NE(BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(certificate.get())), nullptr);
  std::unique_ptr<char, openssl_string_deleter> serial_hex(BN_bn2hex(serial.get()));
  identity.serial_hex = serial_hex.get();
  ASSERT_EQ(X509_set_version(certificate.get(), X509_VERSION_3), 1);
  X509_gmtime_adj(X509_getm_notBefore(certificate.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(certificate.get()), 3600);
  ASSERT_EQ(X509_set_pubkey(certificate.get(), key.get()), 1);
  X509_NAME* name = X509_get_subject_name(certificate.get());
  ASSERT_EQ(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(common_name),
                                       -1, -1, 0),
            1);
  ASSERT_EQ(X509_set_issuer_name(certificate.get(), name), 1);
  X509V3_CTX settings;
  X509V3_set_ctx_nodb(&settings);
  X509V3_set_ctx(&settings, certificate.get(), certificate.get(), nullptr, nullptr, 0);
  const std::string alternative_name = std::string("DNS:") + dns_name;
  for (const auto& [nid, value] : {std::pair{NID_subject_alt_name, alternative_name.c_str()},
                                   std::pair{NID_basic_constraints, "critical,CA:TRUE"}}) {
    std::unique_ptr<X509_EXTENSION, openssl_deleter<X509_EXTENSION_free>> extension(
        X509V3_EXT_conf_nid(nullptr, &settings, nid, value));
    ASSERT_TRUE(extension);
    ASSERT_EQ(X509_add_ext(certificate.get(), extension.get(), -1), 1);
  }
  ASSERT_GT(X509_sign(certificate.get(), key.get(), EVP_sha256()), 0);

  std::unique_ptr<FILE, file_closer> certificate_out(std::fopen(identity.certificate.path().c_str(), "w"));
  std::unique_ptr<FILE, file_closer> key_out(std::fopen(identity.key.path().c_str(), "w"));
  ASSERT_TRUE(certificate_out && key_out);
  ASSERT_EQ(PEM_write_X509(certificate_out.get(), certificate.get()), 1);
  ASSERT_EQ(PEM_write_PrivateKey(key_out.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr), 1);
}

/// The mock with a TCP and a TLS listener on free loopback ports, served on its own thread.
class tls_mock {
 public:
  /// Options for a mock whose certificate is generated and written to `certificate_out`.
  static mock::server_options generating(const temp_path& certificate_out) {
    mock::server_options options;
    options.tcp = {"127.0.0.1", 0};
    options.tls = mock::endpoint{"127.0.0.1", 0};
    options.generated_certificate_file = certificate_out.path();
    options.max_document_bytes = std::size_t{64} * 1024;
    options.idle_timeout = std::chrono::seconds(20);
    return options;
  }

  explicit tls_mock(const mock::server_options& options) : server_(mock::load_default_scenario(), options) {
    auto started = server_.start();
    if (!started) {
      ADD_FAILURE() << started.error();
      return;
    }
    thread_ = std::thread([this] { server_.run(); });
  }
  ~tls_mock() { stop(); }
  tls_mock(const tls_mock&) = delete;
  tls_mock& operator=(const tls_mock&) = delete;

  /// Stops the server and waits for it: returns only once every connection is closed.
  void stop() {
    server_.stop();
    if (thread_.joinable()) {
      thread_.join();
    }
  }

  [[nodiscard]] std::uint16_t port(std::string_view kind) const {
    for (const auto& each : server_.listeners()) {
      if (each.kind == kind) {
        return each.bound.port;
      }
    }
    ADD_FAILURE() << "no " << kind << " listener";
    return 0;
  }
  [[nodiscard]] std::uint16_t tls_port() const { return port("tls"); }
  mock::server& server() { return server_; }

 private:
  mock::server server_;
  std::thread thread_;
};

client::client_options tls_client(std::uint16_t port, client::tls_options tls, std::string host = "127.0.0.1") {
  client::client_options options;
  options.transport = client::transport_kind::tls;
  options.host = std::move(host);
  options.port = port;
  options.tls = std::move(tls);
  options.connect_timeout = std::chrono::seconds(3);
  options.command_timeout = std::chrono::seconds(5);
  return options;
}

/// One TLS connection made with OpenSSL directly, for tests that control every byte. The socket's
/// two-second send and receive timeouts bound every step, the handshake included.
class raw_tls_peer {
 public:
  raw_tls_peer(std::uint16_t port, const std::string& ca_file, const std::string& server_name) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    const timeval timeout{2, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    const int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      return;
    }
    context_.reset(SSL_CTX_new(TLS_client_method()));
    SSL_CTX_set_verify(context_.get(), SSL_VERIFY_PEER, nullptr);
    if (SSL_CTX_load_verify_locations(context_.get(), ca_file.c_str(), nullptr) != 1) {
      return;
    }
    session_.reset(SSL_new(context_.get()));
    SSL_set_fd(session_.get(), fd_);
    SSL_set_tlsext_host_name(session_.get(), server_name.c_str());
    SSL_set1_host(session_.get(), server_name.c_str());
    handshake_done_ = SSL_connect(session_.get()) == 1;
  }
  ~raw_tls_peer() {
    session_.reset();
    ::close(fd_);
  }
  raw_tls_peer(const raw_tls_peer&) = delete;
  raw_tls_peer& operator=(const raw_tls_peer&) = delete;

  /// True when the TCP connect and a verified TLS handshake both succeeded.
  [[nodiscard]] bool handshake_done() const { return handshake_done_; }

  /// The serial of the certificate the server presented, in hex.
  [[nodiscard]] std::string peer_serial_hex() const {
    std::unique_ptr<X509, openssl_deleter<X509_free>> certificate(SSL_get1_peer_certificate(session_.get()));
    if (!certificate) {
      return {};
    }
    std::unique_ptr<BIGNUM, openssl_deleter<BN_free>> serial(
        ASN1_INTEGER_to_BN(X509_get0_serialNumber(certificate.get()), nullptr));
    std::unique_ptr<char, openssl_string_deleter> hex(BN_bn2hex(serial.get()));
    return hex.get();
  }

  /// Writes the bytes in TLS records of at most `piece` bytes each.
  bool send(std::string_view bytes, std::size_t piece = std::size_t{16} * 1024) {
    while (!bytes.empty()) {
      const int size = static_cast<int>(std::min(piece, bytes.size()));
      if (SSL_write(session_.get(), bytes.data(), size) != size) {
        return false;
      }
      bytes.remove_prefix(static_cast<std::size_t>(size));
    }
    return true;
  }

  /// Reads until `count` whole server documents have arrived, the peer closes, or a read times out.
  std::string read_documents(int count) {
    std::string received;
    while (occurrences(received, "</BroadsoftDocument>\n") < count) {
      char buffer[4096];
      const int got = SSL_read(session_.get(), buffer, sizeof buffer);
      if (got <= 0) {
        break;
      }
      received.append(buffer, static_cast<std::size_t>(got));
    }
    return received;
  }

  /// True when the server ends the connection; false when nothing happens within the timeout.
  bool closed_by_peer() {
    char buffer[256];
    for (;;) {
      const int got = SSL_read(session_.get(), buffer, sizeof buffer);
      if (got <= 0) {
        return SSL_get_error(session_.get(), got) != SSL_ERROR_WANT_READ;  // WANT_READ: the timeout
      }
    }
  }

  static int occurrences(std::string_view text, std::string_view what) {
    int count = 0;
    for (std::size_t at = text.find(what); at != std::string_view::npos; at = text.find(what, at + what.size())) {
      ++count;
    }
    return count;
  }

 private:
  int fd_ = -1;
  std::unique_ptr<SSL_CTX, openssl_deleter<SSL_CTX_free>> context_;
  std::unique_ptr<SSL, openssl_deleter<SSL_free>> session_;
  bool handshake_done_ = false;
};

std::string login_request(std::string_view session) {
  return std::string(
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<BroadsoftDocument protocol=\"OCI\" xmlns=\"C\" "
             "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><sessionId xmlns=\"\">") +
         std::string(session) +
         "</sessionId><command xsi:type=\"LoginRequest22V5\" xmlns=\"\"><userId>admin</userId>"
         "<password>password</password></command></BroadsoftDocument>\n";
}

std::string token_request(std::string_view session, std::string_view echo, std::string_view user,
                          std::string_view device) {
  return std::string(
             "<BroadsoftDocument protocol=\"OCI\" xmlns=\"C\" "
             "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><sessionId xmlns=\"\">") +
         std::string(session) + "</sessionId><command echo=\"" + std::string(echo) +
         "\" xsi:type=\"UserSingleSignOnCreateDeviceTokenRequest\" xmlns=\"\"><userId>" + std::string(user) +
         "</userId><deviceLevel>Group</deviceLevel><deviceName>" + std::string(device) +
         "</deviceName></command></BroadsoftDocument>";
}

std::string expected_admin_login_reply(std::string_view session) {
  return "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<BroadsoftDocument protocol=\"OCI\" xmlns=\"C\" "
         "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><sessionId xmlns=\"\">" +
         std::string(session) +
         "</sessionId><command echo=\"\" xsi:type=\"LoginResponse22V5\" xmlns=\"\"><loginType>System</loginType>"
         "<locale>en_US</locale><encoding>ISO-8859-1</encoding><isEnterprise>false</isEnterprise>"
         "<userDomain>localhost</userDomain></command></BroadsoftDocument>\n";
}

std::vector<std::string> split_replies(const std::string& stream) {
  std::vector<std::string> replies;
  constexpr std::string_view end = "</BroadsoftDocument>\n";
  std::size_t start = 0;
  for (std::size_t at = stream.find(end); at != std::string::npos; at = stream.find(end, start)) {
    replies.push_back(stream.substr(start, at + end.size() - start));
    start = at + end.size();
  }
  return replies;
}

/// The transport error of a failed call, or a test failure.
client::transport_error transport_failure_of(const client::error& failure) {
  const client::transport_error* transport = client::as_transport_error(failure);
  EXPECT_NE(transport, nullptr) << client::describe(failure);
  return transport != nullptr ? *transport : client::transport_error{};
}

TEST(Tls, ClientTrustingTheGeneratedCertificateLogsInAndGetsAToken) {
  const temp_path certificate("ocip-test-generated");
  tls_mock mock(tls_mock::generating(certificate));
  EXPECT_EQ(mock.server().generated_certificate_file(), certificate.path());

  client::client admin(tls_client(mock.tls_port(), {certificate.path(), true, "localhost"}));
  const auto login = admin.login("admin", "password");
  ASSERT_TRUE(login) << client::describe(login.error());
  EXPECT_EQ(login.value().login_type, "System");
  const auto token = admin.create_device_token({"alice@example.com", "Group", "polycom-01"});
  ASSERT_TRUE(token) << client::describe(token.error());
  EXPECT_TRUE(std::regex_match(token.value().value, std::regex("[0-9a-f]{64}"))) << token.value().value;
  EXPECT_TRUE(admin.logout());
}

TEST(Tls, ConnectingByAddressIsVerifiedAgainstTheAddressInTheCertificate) {
  const temp_path certificate("ocip-test-generated");
  tls_mock mock(tls_mock::generating(certificate));
  client::client user(tls_client(mock.tls_port(), {certificate.path(), true, ""}, "127.0.0.1"));
  const auto login = user.login("alice@example.com", "alice-lab-pw");
  ASSERT_TRUE(login) << client::describe(login.error());
  EXPECT_EQ(login.value().login_type, "User");
}

TEST(Tls, WithoutTrustingTheCertificateVerificationFailsBeforeAnyDocumentIsSent) {
  const temp_path certificate("ocip-test-generated");
  tls_mock mock(tls_mock::generating(certificate));
  client::client admin(tls_client(mock.tls_port(), {"", true, "localhost"}));  // the system store only
  const auto login = admin.login("admin", "password");
  ASSERT_FALSE(login);
  const auto failure = transport_failure_of(login.error());
  EXPECT_EQ(failure.kind, client::transport_failure::connect_failed);
  EXPECT_NE(failure.message.find("certificate verification failed"), std::string::npos) << failure.message;
  EXPECT_NE(failure.message.find("tls://127.0.0.1:" + std::to_string(mock.tls_port())), std::string::npos)
      << failure.message;
  EXPECT_NE(failure.message.find("self-signed certificate"), std::string::npos) << failure.message;
  EXPECT_FALSE(admin.logged_in());
  EXPECT_FALSE(admin.connected());
}

TEST(Tls, SwitchingVerificationOffIsTheLabOptOut) {
  const temp_path certificate("ocip-test-generated");
  tls_mock mock(tls_mock::generating(certificate));
  // Neither the certificate nor the name would pass the checks.
  client::client admin(tls_client(mock.tls_port(), {"", false, "not-the-mock.example"}));
  const auto login = admin.login("admin", "password");
  ASSERT_TRUE(login) << client::describe(login.error());
  EXPECT_TRUE(admin.create_device_token({"alice@example.com", "Group", "polycom-01"}));
}

TEST(Tls, AServerNameTheCertificateDoesNotCarryFails) {
  const temp_path certificate("ocip-test-generated");
  tls_mock mock(tls_mock::generating(certificate));
  client::client admin(tls_client(mock.tls_port(), {certificate.path(), true, "ocip.example.com"}));
  const auto connected = admin.connect();
  ASSERT_FALSE(connected);
  const auto failure = transport_failure_of(connected.error());
  EXPECT_EQ(failure.kind, client::transport_failure::connect_failed);
  EXPECT_NE(failure.message.find("certificate verification failed"), std::string::npos) << failure.message;
  EXPECT_NE(failure.message.find("'ocip.example.com'"), std::string::npos) << failure.message;
  EXPECT_NE(failure.message.find("hostname mismatch"), std::string::npos) << failure.message;
}

TEST(Tls, AnUnreadableCaFileIsAConnectFailureNamingTheFile) {
  const temp_path certificate("ocip-test-generated");
  tls_mock mock(tls_mock::generating(certificate));
  const temp_path missing("ocip-test-missing-ca");
  client::client admin(tls_client(mock.tls_port(), {missing.path(), true, "localhost"}));
  const auto connected = admin.connect();
  ASSERT_FALSE(connected);
  const auto failure = transport_failure_of(connected.error());
  EXPECT_EQ(failure.kind, client::transport_failure::connect_failed);
  EXPECT_NE(failure.message.find("'" + missing.path() + "'"), std::string::npos) << failure.message;
  EXPECT_NE(failure.message.find("No such file or directory"), std::string::npos) << failure.message;
}

TEST(Tls, PlainTcpClientOnTheTlsPortGetsATransportErrorAndOthersAreStillServed) {
  const temp_path certificate("ocip-test-generated");
  tls_mock mock(tls_mock::generating(certificate));
  client::client before(tls_client(mock.tls_port(), {certificate.path(), true, "localhost"}));
  ASSERT_TRUE(before.login("admin", "password"));

  client::client_options plain_options = tls_client(mock.tls_port(), {});
  plain_options.transport = client::transport_kind::tcp;
  client::client plain(plain_options);
  const auto refused = plain.login("admin", "password");
  ASSERT_FALSE(refused);
  const auto failure = transport_failure_of(refused.error());
  EXPECT_TRUE(failure.kind == client::transport_failure::closed || failure.kind == client::transport_failure::io_error)
      << failure.message;
  EXPECT_FALSE(plain.logged_in());

  EXPECT_TRUE(before.create_device_token({"alice@example.com", "Group", "polycom-01"}));
  client::client after(tls_client(mock.tls_port(), {certificate.path(), true, "localhost"}));
  EXPECT_TRUE(after.login("admin", "password"));
}

TEST(Tls, ReconnectingMakesAFreshTlsSession) {
  const temp_path certificate("ocip-test-generated");
  tls_mock mock(tls_mock::generating(certificate));
  client::client admin(tls_client(mock.tls_port(), {certificate.path(), true, "localhost"}));
  ASSERT_TRUE(admin.login("admin", "password"));
  admin.close();
  EXPECT_FALSE(admin.connected());
  const auto again = admin.login("admin", "password");
  ASSERT_TRUE(again) << client::describe(again.error());
  EXPECT_TRUE(admin.create_device_token({"alice@example.com", "Group", "polycom-01"}));
}

TEST(Tls, RawPeerGetsTheSameBytesAsOverTcpEvenOneByteARecord) {
  const temp_path certificate("ocip-test-generated");
  tls_mock mock(tls_mock::generating(certificate));
  raw_tls_peer peer(mock.tls_port(), certificate.path(), "localhost");
  ASSERT_TRUE(peer.handshake_done());
  ASSERT_TRUE(peer.send(login_request("record-by-record"), 1));
  EXPECT_EQ(peer.read_documents(1), expected_admin_login_reply("record-by-record"));
}

TEST(Tls, PipelinedDocumentsInOneWriteAreAnsweredInArrivalOrder) {
  const temp_path certificate("ocip-test-generated");
  tls_mock mock(tls_mock::generating(certificate));
  raw_tls_peer peer(mock.tls_port(), certificate.path(), "localhost");
  ASSERT_TRUE(peer.handshake_done());
  const std::string stream = login_request("pipe") + token_request("pipe", "owner", "alice@example.com", "polycom-01") +
                             " \n" + token_request("pipe", "locked", "carol@example.com", "polycom-locked-01") +
                             token_request("pipe", "no-dm", "dave@example.com", "ata-01") + "\r\n";
  ASSERT_TRUE(peer.send(stream));
  const std::vector<std::string> replies = split_replies(peer.read_documents(4));
  ASSERT_EQ(replies.size(), 4U);
  EXPECT_EQ(replies[0], expected_admin_login_reply("pipe"));
  EXPECT_NE(replies[1].find("echo=\"owner\" xsi:type=\"UserSingleSignOnCreateDeviceTokenResponse\""), std::string::npos)
      << replies[1];
  EXPECT_NE(replies[2].find("echo=\"locked\""), std::string::npos) << replies[2];
  EXPECT_NE(replies[2].find("[Error 9102]"), std::string::npos) << replies[2];
  EXPECT_NE(replies[3].find("echo=\"no-dm\""), std::string::npos) << replies[3];
  EXPECT_NE(replies[3].find("[Error 9103]"), std::string::npos) << replies[3];
}

TEST(Tls, ConfiguredCertificateAndKeyAreTheOnesServed) {
  test_identity identity;
  make_test_identity(identity, "ocip-configured-test", "configured.test");
  const temp_path unused("ocip-test-not-generated");
  mock::server_options options = tls_mock::generating(unused);
  options.tls_certificate_file = identity.certificate.path();
  options.tls_private_key_file = identity.key.path();
  tls_mock mock(options);
  EXPECT_EQ(mock.server().generated_certificate_file(), "");
  EXPECT_FALSE(std::filesystem::exists(unused.path()));

  raw_tls_peer peer(mock.tls_port(), identity.certificate.path(), "configured.test");
  ASSERT_TRUE(peer.handshake_done());
  EXPECT_EQ(peer.peer_serial_hex(), identity.serial_hex);

  client::client admin(tls_client(mock.tls_port(), {identity.certificate.path(), true, "configured.test"}));
  const auto login = admin.login("admin", "password");
  ASSERT_TRUE(login) << client::describe(login.error());
}

TEST(Tls, MissingCertificateFileIsAStartErrorNamingTheFile) {
  const temp_path missing_certificate("ocip-test-missing-cert");
  const temp_path missing_key("ocip-test-missing-key");
  const temp_path unused("ocip-test-not-generated");
  mock::server_options options = tls_mock::generating(unused);
  options.tls_certificate_file = missing_certificate.path();
  options.tls_private_key_file = missing_key.path();
  mock::server server(mock::load_default_scenario(), options);
  const auto started = server.start();
  ASSERT_FALSE(started);
  EXPECT_NE(started.error().find("'" + missing_certificate.path() + "'"), std::string::npos) << started.error();
  EXPECT_NE(started.error().find("No such file or directory"), std::string::npos) << started.error();
}

TEST(Tls, KeyOfAnotherCertificateIsAStartErrorNamingTheKeyFile) {
  test_identity first;
  make_test_identity(first, "first", "first.test");
  test_identity second;
  make_test_identity(second, "second", "second.test");
  const temp_path unused("ocip-test-not-generated");
  mock::server_options options = tls_mock::generating(unused);
  options.tls_certificate_file = first.certificate.path();
  options.tls_private_key_file = second.key.path();
  mock::server server(mock::load_default_scenario(), options);
  const auto started = server.start();
  ASSERT_FALSE(started);
  EXPECT_NE(started.error().find("'" + second.key.path() + "'"), std::string::npos) << started.error();
}

TEST(Tls, StopClosesALiveTlsConnection) {
  const temp_path certificate("ocip-test-generated");
  tls_mock mock(tls_mock::generating(certificate));
  raw_tls_peer peer(mock.tls_port(), certificate.path(), "localhost");
  ASSERT_TRUE(peer.handshake_done());
  ASSERT_TRUE(peer.send(login_request("stopping")));
  ASSERT_EQ(split_replies(peer.read_documents(1)).size(), 1U);
  mock.stop();  // returns only once the server has closed every connection
  EXPECT_TRUE(peer.closed_by_peer());
}

TEST(Tls, APeerThatNeverStartsTheHandshakeIsClosedAtTheDeadline) {
  const temp_path certificate("ocip-test-generated");
  mock::server_options options = tls_mock::generating(certificate);
  options.idle_timeout = std::chrono::milliseconds(300);  // also bounds the handshake
  tls_mock mock(options);
  raw_socket silent(mock.tls_port());
  ASSERT_TRUE(silent.connected());
  EXPECT_TRUE(silent.closed_by_peer());  // within the socket's two-second read timeout
}

TEST(Tls, AServerThatNeverAnswersTheHandshakeIsAConnectTimeout) {
  // A plain listening socket: the TCP connect succeeds, the ClientHello is never answered.
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::listen(listener, 4), 0);
  socklen_t length = sizeof address;
  ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length), 0);

  client::client_options options = tls_client(ntohs(address.sin_port), {"", false, ""});
  options.connect_timeout = std::chrono::milliseconds(300);
  client::client admin(options);
  const auto connected = admin.connect();
  ::close(listener);
  ASSERT_FALSE(connected);
  const auto failure = transport_failure_of(connected.error());
  EXPECT_EQ(failure.kind, client::transport_failure::timeout) << failure.message;
  EXPECT_NE(failure.message.find("TLS handshake"), std::string::npos) << failure.message;
}

}  // namespace
}  // namespace ocip::testing
