#pragma once
/// The three ways a client call can fail, kept apart in types: the transport broke, the peer's bytes
/// were not a valid answer, or the server answered with an OCI-P ErrorResponse.

#include <optional>
#include <string>
#include <variant>

#include "ocip/protocol/message.hpp"
#include "ocip/protocol/result.hpp"

namespace ocip::client {

/// What went wrong below the protocol, so callers can react without parsing messages.
enum class transport_failure {
  connect_failed,  ///< resolving or connecting failed (refused, unreachable, bad host name)
  timeout,         ///< the connect or command deadline passed
  closed,          ///< the peer closed the connection (also before any reply: not a login failure)
  io_error,        ///< any other read or write failure
  not_connected,   ///< the call needs an open connection and there is none
};

/// The transport failed: no valid exchange took place.
struct transport_error {
  std::string message;                                   ///< what failed and where (host:port, step)
  transport_failure kind = transport_failure::io_error;  ///< the failure's category
};

/// The server answered with an ErrorResponse: a successful exchange carrying a refusal.
struct server_error {
  protocol::error_response response;  ///< code (from the summary when errorCode is absent), texts
};

/// Any failure of a client call.
using error = std::variant<transport_error, protocol::protocol_error, server_error>;

/// A one-line description for people, naming the kind of failure.
[[nodiscard]] std::string describe(const error& failure);

/// The short name of a transport failure kind, e.g. "timeout".
[[nodiscard]] const char* to_string(transport_failure kind);

/// The transport error, or nullptr when the failure is of another kind.
[[nodiscard]] const transport_error* as_transport_error(const error& failure);
/// The protocol error, or nullptr when the failure is of another kind.
[[nodiscard]] const protocol::protocol_error* as_protocol_error(const error& failure);
/// The server error, or nullptr when the failure is of another kind.
[[nodiscard]] const server_error* as_server_error(const error& failure);

/// True when the transport failed.
[[nodiscard]] bool is_transport_error(const error& failure);
/// True when the peer's answer was not valid OCI-P or not the expected one.
[[nodiscard]] bool is_protocol_error(const error& failure);
/// True when the server refused with an ErrorResponse.
[[nodiscard]] bool is_server_error(const error& failure);
/// True when the transport failed for this reason.
[[nodiscard]] bool is_transport_failure(const error& failure, transport_failure kind);

/// The OCI-P error code of a server error (e.g. 4962), if the failure is one and carries a code.
[[nodiscard]] std::optional<int> server_error_code(const error& failure);

}  // namespace ocip::client
