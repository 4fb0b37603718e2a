#pragma once
/// Transports move one encoded OCI-P document out and one whole reply document back. They know
/// nothing of sessions or commands, so TCP, TLS and SOAP/HTTP fit behind the same interface.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "ocip/client/error.hpp"
#include "ocip/protocol/framer.hpp"
#include "ocip/protocol/result.hpp"

namespace ocip::client {

/// A request/reply channel to one OCI-P server.
class transport {
 public:
  virtual ~transport() = default;

  /// Opens the connection, giving up after `timeout`. Opening an open transport reopens it.
  [[nodiscard]] virtual result<void, error> connect(std::chrono::milliseconds timeout) = 0;

  /// Sends one encoded document and returns the bytes of the next whole reply document, all within
  /// `timeout`. After a timeout or a broken stream the transport closes itself, because a late
  /// reply would otherwise be taken for the answer to the next request.
  [[nodiscard]] virtual result<std::string, error> exchange(std::string request_bytes,
                                                            std::chrono::milliseconds timeout) = 0;

  /// Closes the connection; safe to call at any time, any number of times.
  virtual void close() = 0;

  /// True while a connection is open.
  [[nodiscard]] virtual bool is_open() const = 0;

  /// Where this transport talks to, for messages, e.g. "tcp://127.0.0.1:2208".
  [[nodiscard]] virtual std::string peer() const = 0;

 protected:
  transport() = default;
  transport(const transport&) = default;
  transport& operator=(const transport&) = default;
};

/// Settings of a plain TCP transport.
struct tcp_options {
  std::string host = "127.0.0.1";  ///< name or address of the server
  std::uint16_t port = 2208;       ///< OCI-P over TCP listens on 2208 by default
  /// Largest reply document accepted; a longer one is a protocol error and closes the connection.
  std::size_t max_reply_bytes = protocol::framer::default_max_document_bytes;
};

/// OCI-P over plain TCP (oci-p.md §1-2). Blocking calls with deadlines, driven by a private
/// io_context; replies are framed by XML structure, and bytes after a reply (such as the LF a
/// server sends separately) are kept for the next one.
class tcp_transport final : public transport {
 public:
  /// A transport for this server; nothing happens on the network until connect().
  explicit tcp_transport(tcp_options options);
  ~tcp_transport() override;

  tcp_transport(const tcp_transport&) = delete;
  tcp_transport& operator=(const tcp_transport&) = delete;
  /// Moving keeps the connection.
  tcp_transport(tcp_transport&&) noexcept;
  /// Moving keeps the connection; the previous one of the target is closed.
  tcp_transport& operator=(tcp_transport&&) noexcept;

  /// Opens the connection, giving up after `timeout`.
  [[nodiscard]] result<void, error> connect(std::chrono::milliseconds timeout) override;
  /// Sends one encoded document and returns the next whole reply document, within `timeout`.
  [[nodiscard]] result<std::string, error> exchange(std::string request_bytes,
                                                    std::chrono::milliseconds timeout) override;
  /// Closes the connection and forgets any buffered bytes.
  void close() override;
  /// True while a connection is open.
  [[nodiscard]] bool is_open() const override;
  /// "tcp://host:port".
  [[nodiscard]] std::string peer() const override;

 private:
  struct impl;  // keeps Asio out of this header
  std::unique_ptr<impl> impl_;
};

/// Certificate checks of a TLS connection. Verification is on unless switched off explicitly.
struct tls_options {
  /// PEM file of the certificate authorities to trust; empty: the system's default store.
  std::string ca_file;
  /// Check the server's certificate chain and that it names the host. Switch off only in a lab.
  bool verify_peer = true;
  /// Name to check the certificate against (and send as SNI); empty: the host connected to.
  std::string server_name;
};

/// OCI-P over TLS (oci-p.md §1): TLS from the first byte, then the same framing as plain TCP.
[[nodiscard]] std::unique_ptr<transport> make_tls_transport(tcp_options where, tls_options tls);

/// Settings of a SOAP/HTTP transport (oci-p.md §5).
struct soap_options {
  std::string host = "127.0.0.1";                                              ///< name or address of the web server
  std::uint16_t port = 80;                                                     ///< 80 for http, 443 for https
  std::string path = "/webservice/services/ProvisioningService";               ///< the service's path
  bool https = false;                                                          ///< HTTPS instead of HTTP
  tls_options tls;                                                             ///< certificate checks when https
  std::size_t max_reply_bytes = protocol::framer::default_max_document_bytes;  ///< largest reply body
};

/// OCI-P over SOAP: each document is posted as the escaped `in0` text of processOCIMessage; the
/// session cookie (JSESSIONID) is kept and sent back.
[[nodiscard]] std::unique_ptr<transport> make_soap_transport(soap_options options);

}  // namespace ocip::client
