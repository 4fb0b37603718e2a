// OCI-P over TLS (oci-p.md §1, the port 2209 style): TLS from the first byte, then the same framing
// and dispatch as plain TCP.
#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <utility>

#include <openssl/ssl.h>
#include <spdlog/spdlog.h>
#include <boost/asio/ssl/stream.hpp>

#include "server_internal.hpp"
#include "stream_session.hpp"

namespace ocip::mock::detail {

namespace {

using tls_stream = asio::ssl::stream<tcp::socket>;

/// One OCI-P connection over TLS: the server handshake, then documents as over TCP.
class tls_session final : public stream_session<tls_stream> {
 public:
  tls_session(tcp::socket socket, asio::ssl::context& tls, server_context& context)
      : stream_session(tls_stream(std::move(socket), tls), context, "tls"),
        // A peer that never completes the handshake is both silent and not reading: the shorter
        // of the two limits applies.
        handshake_timeout_(std::min(context.options.write_timeout, context.options.idle_timeout)) {}

 private:
  asio::awaitable<bool> before_first_document() override {
    set_deadline(handshake_timeout_);
    boost::system::error_code ec;
    co_await stream().async_handshake(asio::ssl::stream_base::server, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      // Plain-text clients, scanners and clients that reject our certificate end here: an
      // everyday event for this one connection, not a server problem.
      spdlog::info("tls connection from {}: handshake failed ({}); closing", state().remote, ec.message());
      co_return false;
    }
    SSL* session = stream().native_handle();
    spdlog::info("tls connection from {}: {} {}", state().remote, SSL_get_version(session),
                 SSL_get_cipher_name(session));
    co_return true;
  }

  std::chrono::milliseconds handshake_timeout_;
};

}  // namespace

result<void, std::string> start_tls_listener(server_context& context, listener_set& listeners,
                                             asio::ssl::context& tls) {
  if (!context.options.tls) {
    return std::string("tls listener: no address to listen on");
  }
  return listeners.listen(context.io, "tls", *context.options.tls, [&context, &tls](tcp::socket socket) {
    std::make_shared<tls_session>(std::move(socket), tls, context)->start();
  });
}

}  // namespace ocip::mock::detail
