// The certificate the mock generates when none is configured: what it names, how long it is valid,
// where it is written, and that its private key is never written.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "ocip/mock/scenario.hpp"
#include "ocip/mock/server.hpp"

namespace ocip::mock {
namespace {

/// A unique path in the temporary folder, removed at the end of the test.
class temp_path {
 public:
  temp_path() {
    std::random_device entropy;
    path_ = (std::filesystem::temp_directory_path() /
             ("ocip-identity-test-" + std::to_string(entropy()) + std::to_string(entropy()) + ".pem"))
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

struct certificate_deleter {
  void operator()(X509* certificate) const { X509_free(certificate); }
};
using certificate_ptr = std::unique_ptr<X509, certificate_deleter>;

server_options tls_options(const std::string& certificate_out) {
  server_options options;
  options.tcp = {"127.0.0.1", 0};
  options.tls = endpoint{"127.0.0.1", 0};
  options.generated_certificate_file = certificate_out;
  return options;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

certificate_ptr parse_certificate(const std::string& pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> memory(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())),
                                                   &BIO_free);
  return certificate_ptr(PEM_read_bio_X509(memory.get(), nullptr, nullptr, nullptr));
}

/// Seconds from `from` to `to` (either null: now).
long long seconds_between(const ASN1_TIME* from, const ASN1_TIME* to) {
  int days = 0;
  int seconds = 0;
  EXPECT_EQ(ASN1_TIME_diff(&days, &seconds, from, to), 1);
  return static_cast<long long>(days) * 86400 + seconds;
}

TEST(TlsIdentity, GeneratedCertificateIsASelfSignedCaForLocalhostAndTheLoopbackAddresses) {
  const temp_path out;
  server mock(load_default_scenario(), tls_options(out.path()));
  const auto started = mock.start();
  ASSERT_TRUE(started) << started.error();
  EXPECT_EQ(mock.generated_certificate_file(), out.path());

  const certificate_ptr certificate = parse_certificate(read_text(out.path()));
  ASSERT_TRUE(certificate);
  X509* cert = certificate.get();
  EXPECT_EQ(X509_get_version(cert), X509_VERSION_3);
  char common_name[64] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, common_name, sizeof common_name);
  EXPECT_STREQ(common_name, "localhost");
  EXPECT_EQ(X509_check_host(cert, "localhost", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(cert, "127.0.0.1", 0), 1);
  EXPECT_EQ(X509_check_ip_asc(cert, "::1", 0), 1);
  EXPECT_EQ(X509_check_host(cert, "example.com", 0, 0, nullptr), 0);
  EXPECT_EQ(X509_check_ip_asc(cert, "10.0.0.1", 0), 0);
  EXPECT_EQ(X509_check_ca(cert), 1);  // basicConstraints CA:TRUE
  EXPECT_EQ(X509_check_issued(cert, cert), X509_V_OK);
  EXPECT_EQ(X509_verify(cert, X509_get0_pubkey(cert)), 1);
  EXPECT_EQ(X509_check_purpose(cert, X509_PURPOSE_SSL_SERVER, 0), 1);

  // Valid from an hour ago for 30 days (a minute's slack for a slow start).
  const long long since_start = -seconds_between(nullptr, X509_get0_notBefore(cert));
  EXPECT_GE(since_start, 3600);
  EXPECT_LE(since_start, 3660);
  const long long until_end = seconds_between(nullptr, X509_get0_notAfter(cert));
  EXPECT_LE(until_end, 30LL * 86400);
  EXPECT_GE(until_end, 30LL * 86400 - 60);
}

TEST(TlsIdentity, OnlyTheCertificateIsWrittenNeverTheKey) {
  const temp_path out;
  server mock(load_default_scenario(), tls_options(out.path()));
  ASSERT_TRUE(mock.start());
  const std::string pem = read_text(out.path());
  EXPECT_EQ(pem.rfind("-----BEGIN CERTIFICATE-----\n", 0), 0U) << pem;
  EXPECT_EQ(pem.find("-----BEGIN CERTIFICATE-----", 1), std::string::npos) << pem;
  EXPECT_EQ(pem.find("PRIVATE KEY"), std::string::npos) << pem;
}

TEST(TlsIdentity, EachStartMakesANewKeyAndSerial) {
  const temp_path first_out;
  const temp_path second_out;
  server first(load_default_scenario(), tls_options(first_out.path()));
  server second(load_default_scenario(), tls_options(second_out.path()));
  ASSERT_TRUE(first.start());
  ASSERT_TRUE(second.start());
  const certificate_ptr one = parse_certificate(read_text(first_out.path()));
  const certificate_ptr two = parse_certificate(read_text(second_out.path()));
  ASSERT_TRUE(one && two);
  EXPECT_NE(ASN1_INTEGER_cmp(X509_get0_serialNumber(one.get()), X509_get0_serialNumber(two.get())), 0);
  EXPECT_NE(EVP_PKEY_eq(X509_get0_pubkey(one.get()), X509_get0_pubkey(two.get())), 1);
}

TEST(TlsIdentity, WithoutAPathTheCertificateGoesToTheTempFolderAndLeavesWithTheServer) {
  std::string written;
  {
    server mock(load_default_scenario(), tls_options(""));
    ASSERT_TRUE(mock.start());
    written = mock.generated_certificate_file();
    const std::filesystem::path path(written);
    EXPECT_TRUE(std::filesystem::equivalent(path.parent_path(), std::filesystem::temp_directory_path())) << written;
    EXPECT_EQ(path.filename().string().rfind("ocip-mock-", 0), 0U) << written;
    EXPECT_EQ(path.extension(), ".pem") << written;
    EXPECT_TRUE(parse_certificate(read_text(written)));
  }
  EXPECT_FALSE(std::filesystem::exists(written)) << written;
}

TEST(TlsIdentity, ACallerNamedFileIsKeptAfterTheServer) {
  const temp_path out;
  {
    server mock(load_default_scenario(), tls_options(out.path()));
    ASSERT_TRUE(mock.start());
  }
  EXPECT_TRUE(parse_certificate(read_text(out.path())));
}

TEST(TlsIdentity, NoCertificateIsMadeWithoutATlsListener) {
  server_options options;
  options.tcp = {"127.0.0.1", 0};
  server mock(load_default_scenario(), options);
  ASSERT_TRUE(mock.start());
  EXPECT_EQ(mock.generated_certificate_file(), "");
}

TEST(TlsIdentity, AnUnwritableCertificatePathIsAStartErrorNamingIt) {
  const std::string nowhere = (std::filesystem::temp_directory_path() / "ocip-no-such-folder-4711" / "c.pem").string();
  server mock(load_default_scenario(), tls_options(nowhere));
  const auto started = mock.start();
  ASSERT_FALSE(started);
  EXPECT_NE(started.error().find("'" + nowhere + "'"), std::string::npos) << started.error();
}

TEST(TlsIdentity, ACertificateWithoutAKeyIsAStartError) {
  const temp_path out;
  server mock(load_default_scenario(), tls_options(""));
  ASSERT_TRUE(mock.start());
  server_options options = tls_options(out.path());
  options.tls_certificate_file = mock.generated_certificate_file();  // a real certificate, no key given
  server half(load_default_scenario(), options);
  const auto started = half.start();
  ASSERT_FALSE(started);
  EXPECT_NE(started.error().find("go together"), std::string::npos) << started.error();
}

}  // namespace
}  // namespace ocip::mock
