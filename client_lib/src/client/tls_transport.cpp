// OCI-P over TLS (oci-p.md §1): TLS from the first byte, then the same framing as plain TCP. The
// certificate chain and the host name are checked unless the caller switches that off.
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <string>
#include <system_error>
#include <utility>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <spdlog/spdlog.h>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>

#include "ocip/client/transport.hpp"
#include "stream_channel.hpp"

namespace ocip::client {

namespace {

namespace asio = detail::asio;
namespace ssl = asio::ssl;
using detail::clock_type;
using detail::error_code;
using tls_stream = ssl::stream<detail::tcp::socket>;

// OpenSSL's queued reasons, joined, so that a message says why (e.g. "no such file").
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

class tls_channel final : public detail::stream_channel<tls_stream> {
 public:
  tls_channel(tcp_options where, tls_options tls) : stream_channel(std::move(where), "tls"), tls_(std::move(tls)) {}
  // The stream refers to the context: close (and so destroy) it while the context is alive.
  ~tls_channel() override { close(); }
  tls_channel(const tls_channel&) = delete;
  tls_channel& operator=(const tls_channel&) = delete;
  tls_channel(tls_channel&&) = delete;
  tls_channel& operator=(tls_channel&&) = delete;

 private:
  // The name the certificate must carry: the configured one, else the host connected to.
  [[nodiscard]] const std::string& checked_name() const {
    return tls_.server_name.empty() ? options().host : tls_.server_name;
  }

  // Builds the client context once, on the first connect, so that an unreadable CA file is
  // reported as a connect failure rather than lost in a constructor.
  result<void, error> prepare() override {
    if (context_) {
      return outcome::success();
    }
    ERR_clear_error();
    ssl::context made(ssl::context::tls_client);
    SSL_CTX_set_min_proto_version(made.native_handle(), TLS1_2_VERSION);
    made.set_options(ssl::context::default_workarounds | ssl::context::no_compression);
    if (tls_.verify_peer) {
      if (auto trusted = load_trust(made); !trusted) {
        return trusted.error();
      }
    } else {
      SSL_CTX_set_verify(made.native_handle(), SSL_VERIFY_NONE, nullptr);
      spdlog::warn("ocip tls: certificate checks are switched off for {}", peer());
    }
    context_.emplace(std::move(made));
    return outcome::success();
  }

  // Turns on chain checks against the configured CA file or the system's default store.
  result<void, error> load_trust(ssl::context& made) const {
    SSL_CTX_set_verify(made.native_handle(), SSL_VERIFY_PEER, nullptr);
    error_code failure;
    std::string trust = "the system's default certificate store";
    if (tls_.ca_file.empty()) {
      made.set_default_verify_paths(failure);
    } else {
      trust = "the CA file '" + tls_.ca_file + "'";
      if (::access(tls_.ca_file.c_str(), R_OK) != 0) {
        return transport_error{
            "cannot read " + trust + " to verify " + peer() + ": " + std::generic_category().message(errno),
            transport_failure::connect_failed};
      }
      made.load_verify_file(tls_.ca_file, failure);
    }
    if (failure) {
      return transport_error{"cannot load " + trust + " to verify " + peer() + ": " + openssl_reasons(failure),
                             transport_failure::connect_failed};
    }
    return outcome::success();
  }

  tls_stream make_stream(asio::io_context& io) override { return tls_stream(io, *context_); }

  result<void, error> after_connect(clock_type::time_point deadline, std::chrono::milliseconds timeout) override {
    SSL* session = stream().native_handle();
    const std::string& name = checked_name();
    error_code not_an_address;
    (void)asio::ip::make_address(name, not_an_address);
    const bool address_literal = !not_an_address;
    // SNI carries host names only; RFC 6066 forbids address literals there.
    bool configured = address_literal || SSL_set_tlsext_host_name(session, name.c_str()) == 1;
    if (configured && tls_.verify_peer) {
      // OpenSSL's own name check (rather than an Asio verify callback) records a precise verify
      // result, "hostname mismatch", for the message below.
      X509_VERIFY_PARAM* checks = SSL_get0_param(session);
      X509_VERIFY_PARAM_set_hostflags(checks, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
      configured = address_literal ? X509_VERIFY_PARAM_set1_ip_asc(checks, name.c_str()) == 1
                                   : X509_VERIFY_PARAM_set1_host(checks, name.c_str(), name.size()) == 1;
    }
    if (!configured) {
      return transport_error{
          "cannot use '" + name + "' as the TLS server name for " + peer() + ": " + openssl_reasons(error_code()),
          transport_failure::connect_failed};
    }

    bool timed_out = false;
    const auto code = run_until(deadline, timed_out, [&](auto finish) {
      stream().async_handshake(ssl::stream_base::client,
                               [finish](const error_code& handshake_error) { finish(handshake_error); });
    });
    if (!code) {
      return outcome::success();
    }
    if (timed_out) {
      return transport_error{
          "connecting to " + peer() + " (TLS handshake) timed out after " + detail::milliseconds_text(timeout),
          transport_failure::timeout};
    }
    const long verdict = SSL_get_verify_result(session);
    if (tls_.verify_peer && verdict != X509_V_OK) {
      const std::string trusted = tls_.ca_file.empty() ? "the system's default store" : "'" + tls_.ca_file + "'";
      return transport_error{"certificate verification failed for " + peer() + " (expected name '" + name +
                                 "', trusting " + trusted + "): " + X509_verify_cert_error_string(verdict),
                             transport_failure::connect_failed};
    }
    if (detail::is_peer_close(code)) {
      return transport_error{
          "TLS handshake with " + peer() + " failed: the server closed the connection (" + code.message() + ")",
          transport_failure::connect_failed};
    }
    return transport_error{"TLS handshake with " + peer() + " failed: " + code.message(),
                           transport_failure::connect_failed};
  }

  tls_options tls_;
  std::optional<ssl::context> context_;
};

class tls_transport final : public transport {
 public:
  tls_transport(tcp_options where, tls_options tls)
      : channel_(std::make_unique<tls_channel>(std::move(where), std::move(tls))) {}

  result<void, error> connect(std::chrono::milliseconds timeout) override { return channel_->connect(timeout); }
  result<std::string, error> exchange(std::string request_bytes, std::chrono::milliseconds timeout) override {
    return channel_->exchange(request_bytes, timeout);
  }
  void close() override { channel_->close(); }
  [[nodiscard]] bool is_open() const override { return channel_->is_open(); }
  [[nodiscard]] std::string peer() const override { return channel_->peer(); }

 private:
  std::unique_ptr<tls_channel> channel_;
};

}  // namespace

std::unique_ptr<transport> make_tls_transport(tcp_options where, tls_options tls) {
  return std::make_unique<tls_transport>(std::move(where), std::move(tls));
}

}  // namespace ocip::client
