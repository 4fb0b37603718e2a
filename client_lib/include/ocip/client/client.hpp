#pragma once
/// The session-aware OCI-P client: one session id, one connection, login flows, commands.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ocip/client/commands.hpp"
#include "ocip/client/error.hpp"
#include "ocip/client/transport.hpp"
#include "ocip/protocol/framer.hpp"
#include "ocip/protocol/message.hpp"
#include "ocip/protocol/result.hpp"

namespace ocip::client {

/// Which login exchange login() performs (oci-p.md §4).
enum class login_flow {
  login_22v5,  ///< LoginRequest22V5{userId, password} -> LoginResponse22V5
  nonce,       ///< AuthenticationRequest -> nonce, then LoginRequest14sp4{signedPassword}
};

/// Which transport a client made from options alone uses (oci-p.md §1).
enum class transport_kind {
  tcp,    ///< OCI-P over plain TCP (port 2208)
  tls,    ///< OCI-P over TLS from the first byte (port 2209)
  soap,   ///< OCI-P over SOAP/HTTP (port 80)
  soaps,  ///< OCI-P over SOAP/HTTPS (port 443)
};

/// Settings of a client.
struct client_options {
  std::string host = "127.0.0.1";                  ///< server name or address
  std::uint16_t port = 2208;                       ///< 2208 for TCP; set 2209, 80 or 443 for the others
  transport_kind transport = transport_kind::tcp;  ///< how to reach the server
  tls_options tls;                                 ///< certificate checks for tls and soaps
  std::string soap_path = "/webservice/services/ProvisioningService";  ///< SOAP endpoint path
  std::chrono::milliseconds connect_timeout{5000};                     ///< bound on opening the connection
  std::chrono::milliseconds command_timeout{10000};                    ///< bound on one request/reply exchange
  login_flow flow = login_flow::login_22v5;                            ///< how login() authenticates
  std::string session_id;                                              ///< empty: a fresh random id, unique per client
  /// Largest reply document accepted.
  std::size_t max_reply_bytes = protocol::framer::default_max_document_bytes;
};

/// The transport that options describe (not yet connected).
[[nodiscard]] std::unique_ptr<transport> make_transport(const client_options& options);

/// A new session id: a random (version 4) UUID drawn from the system's cryptographic source.
[[nodiscard]] std::string generate_session_id();

/// An OCI-P session over one transport. Not thread-safe: one call at a time.
///
/// Every reply is checked before it is handed out: it must decode, carry our session id, answer
/// each request with one command, and keep each request's echo. An ErrorResponse always becomes a
/// server_error, never a success.
class client {
 public:
  /// A client talking to options.host:options.port over options.transport.
  explicit client(client_options options);
  /// A client over any transport (TLS, SOAP, or a test double); host and port are then unused.
  client(client_options options, std::unique_ptr<transport> channel);
  ~client();

  client(const client&) = delete;
  client& operator=(const client&) = delete;
  /// Moving keeps the connection and the session.
  client(client&&) noexcept;
  /// Moving keeps the connection and the session.
  client& operator=(client&&) noexcept;

  /// Opens the connection (within connect_timeout). A new connection has no login.
  [[nodiscard]] result<void, error> connect();

  /// Logs in with the configured flow, connecting first when no connection is open.
  [[nodiscard]] result<login_info, error> login(std::string_view user_id, std::string_view password);

  /// Sends one command and returns the reply, whatever its type except ErrorResponse.
  [[nodiscard]] result<protocol::command, error> send(protocol::command request);

  /// Sends one command and returns the reply only if its decoded type is `expected_type`.
  [[nodiscard]] result<protocol::command, error> send(protocol::command request, std::string_view expected_type);

  /// Sends 1 to 15 commands in one document. The outer error is a failure of the whole exchange
  /// (including a reply with another number of commands); each inner result is one reply, in
  /// request order, a server_error for an ErrorResponse.
  [[nodiscard]] result<std::vector<result<protocol::command, error>>, error> send_all(
      std::vector<protocol::command> requests);

  /// Asks for a Single Sign-On device token (oci-p.md §7).
  [[nodiscard]] result<device_token, error> create_device_token(const device_token_request& request);

  /// Sends LogoutRequest{userId} for the logged-in user and closes the connection. A
  /// SuccessResponse and a server closing the connection both count as a logout. Without a login
  /// it only closes the connection.
  [[nodiscard]] result<void, error> logout();

  /// Closes the connection; the login is gone with it.
  void close();

  /// The session id sent in every document.
  [[nodiscard]] const std::string& session_id() const { return session_id_; }
  /// The user of the current login, if logged in.
  [[nodiscard]] const std::optional<std::string>& user_id() const { return user_id_; }
  /// True after a successful login on the current connection.
  [[nodiscard]] bool logged_in() const { return user_id_.has_value(); }
  /// True while the transport has an open connection.
  [[nodiscard]] bool connected() const;
  /// The settings this client was made with (session_id as given, possibly empty).
  [[nodiscard]] const client_options& options() const { return options_; }

 private:
  // One document out, one validated document back.
  [[nodiscard]] result<protocol::document, error> round_trip(const std::vector<protocol::command>& requests);
  // The reply to one request, checked against it.
  [[nodiscard]] result<protocol::command, error> check_reply(const protocol::command& request, protocol::command reply,
                                                             std::string_view expected_type) const;
  [[nodiscard]] result<login_info, error> login_22v5(std::string_view user_id, std::string_view password);
  [[nodiscard]] result<login_info, error> login_nonce(std::string_view user_id, std::string_view password);

  client_options options_;
  std::unique_ptr<transport> transport_;
  std::string session_id_;
  std::optional<std::string> user_id_;
};

}  // namespace ocip::client
