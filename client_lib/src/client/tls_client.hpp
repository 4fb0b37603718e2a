#pragma once
// The TLS client setup shared by OCI-P over TLS and SOAP over HTTPS: the context and its trust
// store, the name the server's certificate must carry, and what to say when the checks fail.
// Internal to client_lib/src/client.

#include <optional>
#include <string>
#include <string_view>

#include <openssl/ssl.h>
#include <boost/asio/ssl/context.hpp>
#include <boost/system/error_code.hpp>

#include "ocip/client/transport.hpp"

namespace ocip::client::detail {

/// OpenSSL's queued reasons, joined ("no such file"; the errno text for system errors), or the
/// fallback's message when none is queued. Empties OpenSSL's error queue.
[[nodiscard]] std::string openssl_reasons(const boost::system::error_code& fallback);

/// A TLS 1.2+ client context that checks the server's chain against `tls.ca_file`, or the system's
/// default store when that is empty. With verify_peer off it checks nothing, and a warning that
/// starts with `log_prefix` ("ocip tls") names `peer`. The error names the trust store and why it
/// could not be used.
[[nodiscard]] result<boost::asio::ssl::context, transport_error> make_client_context(const tls_options& tls,
                                                                                     const std::string& peer,
                                                                                     std::string_view log_prefix);

/// Sets on a session, before its handshake, the name the server's certificate must carry: SNI
/// for a host name (never an address literal, RFC 6066) and, with verify_peer, OpenSSL's own
/// check of that name or address, which records a precise verify result ("hostname mismatch").
[[nodiscard]] result<void, transport_error> expect_server_name(SSL* session, const std::string& name, bool verify_peer,
                                                               const std::string& peer);

/// After a failed handshake: the error naming the verify result, the expected name and the trust
/// store when the certificate checks are on and failed; nullopt when the failure was elsewhere.
[[nodiscard]] std::optional<transport_error> certificate_failure(const SSL* session, const tls_options& tls,
                                                                 const std::string& name, const std::string& peer);

}  // namespace ocip::client::detail
