#include "ocip/client/error.hpp"

#include <type_traits>

namespace ocip::client {

const char* to_string(transport_failure kind) {
  switch (kind) {
    case transport_failure::connect_failed:
      return "connect failed";
    case transport_failure::timeout:
      return "timeout";
    case transport_failure::closed:
      return "closed by peer";
    case transport_failure::io_error:
      return "I/O error";
    case transport_failure::not_connected:
      return "not connected";
  }
  return "unknown";
}

std::string describe(const error& failure) {
  return std::visit(
      [](const auto& detail) -> std::string {
        using kind = std::decay_t<decltype(detail)>;
        if constexpr (std::is_same_v<kind, transport_error>) {
          return "transport error (" + std::string(to_string(detail.kind)) + "): " + detail.message;
        } else if constexpr (std::is_same_v<kind, protocol::protocol_error>) {
          return "protocol error: " + detail.message;
        } else {
          const auto& response = detail.response;
          std::string text = "server error";
          // Real servers put the code in the summary; say it only when the summary does not.
          // Appended piece by piece: GCC 12 at -O3 misreads `text += " " + ...` as overlapping copies.
          if (response.error_code && !protocol::error_code_from_summary(response.summary)) {
            text.append(" ").append(std::to_string(*response.error_code));
          }
          text.append(": ").append(response.summary.empty() ? std::string_view("(no summary)") : response.summary);
          if (response.detail && !response.detail->empty()) {
            text.append(" (detail: ").append(*response.detail).append(")");
          }
          return text;
        }
      },
      failure);
}

const transport_error* as_transport_error(const error& failure) {
  return std::get_if<transport_error>(&failure);
}

const protocol::protocol_error* as_protocol_error(const error& failure) {
  return std::get_if<protocol::protocol_error>(&failure);
}

const server_error* as_server_error(const error& failure) {
  return std::get_if<server_error>(&failure);
}

bool is_transport_error(const error& failure) {
  return as_transport_error(failure) != nullptr;
}

bool is_protocol_error(const error& failure) {
  return as_protocol_error(failure) != nullptr;
}

bool is_server_error(const error& failure) {
  return as_server_error(failure) != nullptr;
}

bool is_transport_failure(const error& failure, transport_failure kind) {
  const auto* transport = as_transport_error(failure);
  return transport != nullptr && transport->kind == kind;
}

std::optional<int> server_error_code(const error& failure) {
  const auto* server = as_server_error(failure);
  if (server == nullptr) {
    return std::nullopt;
  }
  if (server->response.error_code) {
    return server->response.error_code;
  }
  // A hand-made error_response may leave the code only in the summary.
  return protocol::error_code_from_summary(server->response.summary);
}

}  // namespace ocip::client
