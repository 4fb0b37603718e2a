// OCI-P over TLS (oci-p.md §1): TLS from the first byte, then the same framing as plain TCP. The
// certificate chain and the host name are checked unless the caller switches that off.
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include <openssl/ssl.h>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>

#include "ocip/client/transport.hpp"
#include "stream_channel.hpp"
#include "tls_client.hpp"

namespace ocip::client {

namespace {

namespace asio = detail::asio;
namespace ssl = asio::ssl;
using detail::clock_type;
using detail::error_code;
using tls_stream = ssl::stream<detail::tcp::socket>;

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
    auto made = detail::make_client_context(tls_, peer(), "ocip tls");
    if (!made) {
      return made.error();
    }
    context_.emplace(std::move(made).value());
    return outcome::success();
  }

  tls_stream make_stream(asio::io_context& io) override { return tls_stream(io, *context_); }

  result<void, error> after_connect(clock_type::time_point deadline, std::chrono::milliseconds timeout) override {
    SSL* session = stream().native_handle();
    const std::string& name = checked_name();
    if (auto expected = detail::expect_server_name(session, name, tls_.verify_peer, peer()); !expected) {
      return expected.error();
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
    if (auto rejected = detail::certificate_failure(session, tls_, name, peer())) {
      return std::move(*rejected);
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
