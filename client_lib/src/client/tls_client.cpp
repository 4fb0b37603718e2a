#include "tls_client.hpp"

#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <utility>

#include <openssl/err.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <spdlog/spdlog.h>
#include <boost/asio/ip/address.hpp>

namespace ocip::client::detail {

namespace ssl = boost::asio::ssl;
using boost::system::error_code;

std::string openssl_reasons(const error_code& fallback) {
  std::string reasons;
  while (const unsigned long code = ERR_get_error()) {
    const char* reason = ERR_reason_error_string(code);
    if (!reasons.empty()) {
      reasons += "; ";
    }
    if (ERR_SYSTEM_ERROR(code)) {
      reasons += std::generic_category().message(ERR_GET_REASON(code));  // OpenSSL keeps errno as the reason
    } else {
      reasons += reason != nullptr ? reason : "OpenSSL error " + std::to_string(code);
    }
  }
  return reasons.empty() ? fallback.message() : reasons;
}

result<ssl::context, transport_error> make_client_context(const tls_options& tls, const std::string& peer,
                                                          std::string_view log_prefix) {
  ERR_clear_error();  // so that the reasons quoted below are this context's
  ssl::context made(ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(made.native_handle(), TLS1_2_VERSION);
  made.set_options(ssl::context::default_workarounds | ssl::context::no_compression);
  if (!tls.verify_peer) {
    SSL_CTX_set_verify(made.native_handle(), SSL_VERIFY_NONE, nullptr);
    spdlog::warn("{}: certificate checks are switched off for {}", log_prefix, peer);
    return made;
  }
  SSL_CTX_set_verify(made.native_handle(), SSL_VERIFY_PEER, nullptr);
  error_code failure;
  std::string trust = "the system's default certificate store";
  if (tls.ca_file.empty()) {
    made.set_default_verify_paths(failure);
  } else {
    trust = "the CA file '" + tls.ca_file + "'";
    // OpenSSL's reasons for a file it cannot open are vague; errno says it plainly.
    if (::access(tls.ca_file.c_str(), R_OK) != 0) {
      return transport_error{
          "cannot read " + trust + " to verify " + peer + ": " + std::generic_category().message(errno),
          transport_failure::connect_failed};
    }
    made.load_verify_file(tls.ca_file, failure);
  }
  if (failure) {
    return transport_error{"cannot load " + trust + " to verify " + peer + ": " + openssl_reasons(failure),
                           transport_failure::connect_failed};
  }
  return made;
}

result<void, transport_error> expect_server_name(SSL* session, const std::string& name, bool verify_peer,
                                                 const std::string& peer) {
  error_code not_an_address;
  (void)boost::asio::ip::make_address(name, not_an_address);
  const bool address_literal = !not_an_address;
  bool configured = address_literal || SSL_set_tlsext_host_name(session, name.c_str()) == 1;
  if (configured && verify_peer) {
    // OpenSSL's own name check (rather than an Asio verify callback) records a precise verify
    // result, "hostname mismatch", for certificate_failure().
    X509_VERIFY_PARAM* checks = SSL_get0_param(session);
    X509_VERIFY_PARAM_set_hostflags(checks, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    configured = address_literal ? X509_VERIFY_PARAM_set1_ip_asc(checks, name.c_str()) == 1
                                 : X509_VERIFY_PARAM_set1_host(checks, name.c_str(), name.size()) == 1;
  }
  if (!configured) {
    return transport_error{
        "cannot use '" + name + "' as the TLS server name for " + peer + ": " + openssl_reasons(error_code()),
        transport_failure::connect_failed};
  }
  return outcome::success();
}

std::optional<transport_error> certificate_failure(const SSL* session, const tls_options& tls, const std::string& name,
                                                   const std::string& peer) {
  const long verdict = SSL_get_verify_result(session);
  if (!tls.verify_peer || verdict == X509_V_OK) {
    return std::nullopt;
  }
  const std::string trusted = tls.ca_file.empty() ? "the system's default store" : "'" + tls.ca_file + "'";
  return transport_error{"certificate verification failed for " + peer + " (expected name '" + name + "', trusting " +
                             trusted + "): " + X509_verify_cert_error_string(verdict),
                         transport_failure::connect_failed};
}

}  // namespace ocip::client::detail
