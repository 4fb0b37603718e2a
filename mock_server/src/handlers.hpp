#pragma once
// What the dispatcher's command handlers share: the request they answer, the world they act on,
// the route tables that name them, and the replies several of them write. Internal to
// mock_server/src: the dispatcher finds a handler by command type and calls it.

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "ocip/mock/dispatcher.hpp"
#include "ocip/mock/token_source.hpp"
#include "ocip/mock/world.hpp"
#include "ocip/protocol/message.hpp"

namespace ocip::mock::detail {

/// One request command with everything its handler may look at.
struct request {
  const protocol::command& cmd;
  const std::string& session_id;
  session_state& session;
  connection_state& connection;
};

/// What handlers act on: the live world and the token source.
struct handler_context {
  world& w;
  token_source& tokens;
};

/// Answers one request command. Runs after login and validation checks have passed.
using handler = protocol::command (*)(handler_context& context, const request& req);

/// A request type the mock answers, and whether it needs a logged-in session.
struct route {
  std::string_view type;
  handler handle;
  bool needs_login;
};

/// Login flows, connectivity checks and the device token (dispatcher.cpp).
[[nodiscard]] std::span<const route> session_routes();
/// Provisioning commands that build and change the world (provisioning.cpp).
[[nodiscard]] std::span<const route> provisioning_routes();

/// An ErrorResponse as real servers write it: "[Error code] text", optional detail.
[[nodiscard]] protocol::command error_command(int code, std::string_view text,
                                              std::optional<std::string> detail = std::nullopt);
/// What a real server answers for a request that breaks the schema (oci-p.md §6): 6004.
[[nodiscard]] protocol::command validation_error(std::string detail);
/// `[Error 5404] Unauthorized transaction.`: out of the login's scope.
[[nodiscard]] protocol::command unauthorized();

/// A required leaf field checked against the schema's length facets; the error is the real server's 6004.
struct field_check {
  std::optional<std::string> value;
  std::optional<protocol::command> error;
};

/// The text of a required leaf field of `cmd`, counted in characters against [min_length, max_length].
[[nodiscard]] field_check required_text(const protocol::command& cmd, std::string_view name, std::size_t min_length,
                                        std::size_t max_length);

/// True when the principal may act on this user (oci-p.md §4: administrators inside their scope,
/// users on themselves).
[[nodiscard]] bool may_act_on(const principal& who, const user& target);

}  // namespace ocip::mock::detail
