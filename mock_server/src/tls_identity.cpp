// The server's TLS identity: the configured certificate and key, or a self-signed certificate for
// localhost made at start-up so that TLS works with no set-up. The private key never leaves memory.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <spdlog/spdlog.h>

#include "server_internal.hpp"

namespace ocip::mock::detail {

namespace {

namespace ssl = asio::ssl;

template <auto release>
struct openssl_deleter {
  template <typename T>
  void operator()(T* object) const {
    release(object);
  }
};
using key_ptr = std::unique_ptr<EVP_PKEY, openssl_deleter<EVP_PKEY_free>>;
using certificate_ptr = std::unique_ptr<X509, openssl_deleter<X509_free>>;
using extension_ptr = std::unique_ptr<X509_EXTENSION, openssl_deleter<X509_EXTENSION_free>>;
using bignum_ptr = std::unique_ptr<BIGNUM, openssl_deleter<BN_free>>;
using bio_ptr = std::unique_ptr<BIO, openssl_deleter<BIO_free_all>>;

constexpr long one_hour_seconds = 60L * 60L;
constexpr long validity_seconds = 30L * 24L * one_hour_seconds;
// Every name a local client may use to reach the mock; the certificate must match each of them.
constexpr const char* subject_alternative_names = "DNS:localhost,IP:127.0.0.1,IP:::1";

// OpenSSL's queued reasons, joined and without repeats, so that a message says why.
std::string openssl_reasons() {
  std::vector<std::string> seen;
  std::string joined;
  while (const unsigned long code = ERR_get_error()) {
    const char* text = ERR_reason_error_string(code);
    std::string reason = text != nullptr ? text : "OpenSSL error " + std::to_string(code);
    if (ERR_SYSTEM_ERROR(code)) {
      reason = std::generic_category().message(ERR_GET_REASON(code));  // OpenSSL keeps errno as the reason
    }
    if (std::find(seen.begin(), seen.end(), reason) != seen.end()) {
      continue;
    }
    joined += (joined.empty() ? "" : "; ") + reason;
    seen.push_back(std::move(reason));
  }
  return joined.empty() ? "unknown OpenSSL error" : joined;
}

// A server context that speaks TLS 1.2 and later only.
std::shared_ptr<ssl::context> new_server_context(std::function<void(ssl::context*)> on_release) {
  auto* made = new ssl::context(ssl::context::tls_server);
  std::shared_ptr<ssl::context> context(made, std::move(on_release));
  SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_compression | ssl::context::single_dh_use);
  return context;
}

result<tls_identity, std::string> load_configured(const server_options& options) {
  const std::string& certificate_file = options.tls_certificate_file;
  const std::string& key_file = options.tls_private_key_file;
  if (certificate_file.empty() || key_file.empty()) {
    return std::string("tls: a certificate file and a private key file go together (certificate '") + certificate_file +
           "', key '" + key_file + "')";
  }
  // Say plainly when a file cannot even be opened, before OpenSSL's terser reasons.
  for (const auto& [what, path] : {std::pair{"certificate", &certificate_file}, std::pair{"private key", &key_file}}) {
    if (::access(path->c_str(), R_OK) != 0) {
      return std::string("tls ") + what + " file '" + *path +
             "' cannot be read: " + std::generic_category().message(errno);
    }
  }
  ERR_clear_error();
  auto context = new_server_context([](ssl::context* released) { delete released; });
  SSL_CTX* native = context->native_handle();
  if (SSL_CTX_use_certificate_chain_file(native, certificate_file.c_str()) != 1) {
    return "tls certificate file '" + certificate_file + "' cannot be used: " + openssl_reasons();
  }
  if (SSL_CTX_use_PrivateKey_file(native, key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    return "tls private key file '" + key_file + "' cannot be used: " + openssl_reasons();
  }
  if (SSL_CTX_check_private_key(native) != 1) {
    return "tls private key file '" + key_file + "' does not belong to the certificate in '" + certificate_file +
           "': " + openssl_reasons();
  }
  spdlog::info("tls: serving the certificate from {}", certificate_file);
  return tls_identity{std::move(context), {}};
}

bool add_extension(X509* certificate, int nid, const char* value) {
  X509V3_CTX settings;
  X509V3_set_ctx_nodb(&settings);
  X509V3_set_ctx(&settings, certificate, certificate, nullptr, nullptr, 0);
  const extension_ptr extension(X509V3_EXT_conf_nid(nullptr, &settings, nid, value));
  return extension && X509_add_ext(certificate, extension.get(), -1) == 1;
}

// A fresh P-256 key and a self-signed v3 certificate for it. The certificate is its own CA
// (CA:TRUE) so that clients can name its PEM as their trusted CA file.
result<std::pair<key_ptr, certificate_ptr>, std::string> make_self_signed() {
  key_ptr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  certificate_ptr certificate(X509_new());
  const bignum_ptr serial(BN_new());
  if (!key || !certificate || !serial) {
    return "tls: cannot generate a key for the self-signed certificate: " + openssl_reasons();
  }
  X509_NAME* name = X509_get_subject_name(certificate.get());
  // A random positive serial of 127 bits: unique enough that clients never confuse two runs.
  const bool built = X509_set_version(certificate.get(), X509_VERSION_3) == 1 &&
                     BN_rand(serial.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) == 1 &&
                     BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(certificate.get())) != nullptr &&
                     // An hour into the past tolerates clients whose clocks run a little behind.
                     X509_gmtime_adj(X509_getm_notBefore(certificate.get()), -one_hour_seconds) != nullptr &&
                     X509_gmtime_adj(X509_getm_notAfter(certificate.get()), validity_seconds) != nullptr &&
                     X509_set_pubkey(certificate.get(), key.get()) == 1 &&
                     X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                                                reinterpret_cast<const unsigned char*>("ocip-mock"), -1, -1, 0) == 1 &&
                     X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                                reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0) == 1 &&
                     X509_set_issuer_name(certificate.get(), name) == 1 &&
                     add_extension(certificate.get(), NID_basic_constraints, "critical,CA:TRUE") &&
                     add_extension(certificate.get(), NID_key_usage, "critical,digitalSignature,keyCertSign") &&
                     add_extension(certificate.get(), NID_ext_key_usage, "serverAuth") &&
                     add_extension(certificate.get(), NID_subject_alt_name, subject_alternative_names) &&
                     add_extension(certificate.get(), NID_subject_key_identifier, "hash") &&
                     add_extension(certificate.get(), NID_authority_key_identifier, "keyid:always") &&
                     X509_sign(certificate.get(), key.get(), EVP_sha256()) > 0;
  if (!built) {
    return "tls: cannot build the self-signed certificate: " + openssl_reasons();
  }
  return std::make_pair(std::move(key), std::move(certificate));
}

// The certificate's PEM text, into `pem` (result<string, string> cannot tell value from error).
result<void, std::string> certificate_pem(X509* certificate, std::string& pem) {
  const bio_ptr memory(BIO_new(BIO_s_mem()));
  if (!memory || PEM_write_bio_X509(memory.get(), certificate) != 1) {
    return "tls: cannot write the certificate as PEM: " + openssl_reasons();
  }
  char* data = nullptr;
  const long size = BIO_get_mem_data(memory.get(), &data);
  pem.assign(data, static_cast<std::size_t>(size));
  return outcome::success();
}

result<void, std::string> write_all(int descriptor, const std::string& text, const std::string& path) {
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t count = ::write(descriptor, text.data() + written, text.size() - written);
    if (count < 0 && errno == EINTR) {
      continue;
    }
    if (count <= 0) {
      return "tls: cannot write the certificate to '" + path + "': " + std::generic_category().message(errno);
    }
    written += static_cast<std::size_t>(count);
  }
  return outcome::success();
}

// Writes the certificate (public data only) where clients can read it. An empty `wanted` makes a
// new file in the temporary folder. `path` receives the path written.
result<void, std::string> publish_certificate(const std::string& pem, const std::string& wanted, std::string& path) {
  path = wanted;
  int descriptor = -1;
  if (path.empty()) {
    std::error_code no_temp;
    const auto folder = std::filesystem::temp_directory_path(no_temp);
    path = ((no_temp ? std::filesystem::path("/tmp") : folder) / "ocip-mock-XXXXXX.pem").string();
    descriptor = ::mkstemps(path.data(), 4);  // 4: keep the ".pem" suffix
  } else {
    descriptor = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  }
  if (descriptor < 0) {
    return "tls: cannot create the certificate file '" + path + "': " + std::generic_category().message(errno);
  }
  // A certificate is public: let other local users' clients trust it too.
  ::fchmod(descriptor, 0644);
  auto written = write_all(descriptor, pem, path);
  if (::close(descriptor) != 0 && written) {
    written = "tls: cannot write the certificate to '" + path + "': " + std::generic_category().message(errno);
  }
  if (!written) {
    if (wanted.empty()) {
      std::remove(path.c_str());  // an empty file of ours would only mislead
    }
    return written.error();
  }
  return outcome::success();
}

result<tls_identity, std::string> generate(const server_options& options) {
  ERR_clear_error();
  auto made = make_self_signed();
  if (!made) {
    return made.error();
  }
  auto& [key, certificate] = made.value();
  std::string pem;
  if (auto written = certificate_pem(certificate.get(), pem); !written) {
    return written.error();
  }
  std::string path;
  if (auto published = publish_certificate(pem, options.generated_certificate_file, path); !published) {
    return published.error();
  }
  // A file we named ourselves in the temporary folder goes when the last listener using the
  // identity does; a file the caller named is theirs to keep.
  std::function<void(ssl::context*)> release = [](ssl::context* released) { delete released; };
  if (options.generated_certificate_file.empty()) {
    release = [temporary = path](ssl::context* released) {
      delete released;
      std::remove(temporary.c_str());
    };
  }
  auto context = new_server_context(std::move(release));
  SSL_CTX* native = context->native_handle();
  if (SSL_CTX_use_certificate(native, certificate.get()) != 1 || SSL_CTX_use_PrivateKey(native, key.get()) != 1 ||
      SSL_CTX_check_private_key(native) != 1) {
    return "tls: cannot use the generated certificate: " + openssl_reasons();
  }
  spdlog::info(
      "tls: generated a self-signed certificate for localhost, 127.0.0.1 and ::1 (valid 30 days), "
      "written to {}",
      path);
  return tls_identity{std::move(context), path};
}

}  // namespace

result<tls_identity, std::string> make_tls_identity(const server_options& options) {
  if (options.tls_certificate_file.empty() && options.tls_private_key_file.empty()) {
    return generate(options);
  }
  return load_configured(options);
}

}  // namespace ocip::mock::detail
