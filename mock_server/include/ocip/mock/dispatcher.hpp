#pragma once
/// The mock's decisions: a request document and the connection's login state in, a reply out.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ocip/mock/schema.hpp"
#include "ocip/mock/token_source.hpp"
#include "ocip/mock/world.hpp"
#include "ocip/protocol/message.hpp"

namespace ocip::mock {

/// Who a session is logged in as.
struct principal {
  /// The loginType a real server reports for this login.
  enum class kind { system, provisioning, service_provider, group, user };

  std::string id;
  kind type = kind::user;
  std::string service_provider;  ///< empty for system and provisioning administrators
  std::string group;             ///< set for group administrators and users
};

/// Login state of one OCI session id on one connection.
struct session_state {
  std::optional<principal> login;    ///< set after a successful login
  std::optional<std::string> nonce;  ///< issued by AuthenticationRequest, used once by a login
  std::string nonce_user_id;         ///< the user id the nonce was issued for
};

/// Login state of one connection, keyed by session id: a session id is valid only on the
/// connection that logged in, and each connection has its own.
struct connection_state {
  std::map<std::string, session_state, std::less<>> sessions;
  /// The server's number for this connection (over SOAP: this HTTP session), from 1; 0: unnumbered.
  std::uint64_t id = 0;
  std::string transport = "tcp";  ///< "tcp", "tls" or "soap"
  std::string remote;             ///< peer address and port, for logs
  /// The peer's IP address alone (no port), for the trusted-address check of session-less
  /// documents; empty (peer unknown): trusted by no list.
  std::string peer_address;
};

/// How one request command was decided, for the journal.
struct command_trace {
  std::string rule;               ///< name of the rule that matched it; empty: none did
  std::optional<near_miss> miss;  ///< when no rule matched: the closest rule and what differed
  std::string login_user;         ///< the session's login id when the command arrived; empty: none
  std::string state;              ///< the scenario state when the command arrived
};

/// What to do with a request document.
struct dispatch_result {
  std::optional<protocol::document> reply;  ///< the reply, if one is to be written
  bool close_after = false;                 ///< close the connection (after writing any reply)
  /// How the reply misbehaves on the wire, from the first matched rule that has a fault.
  std::optional<fault> failure;
  std::vector<command_trace> trace;  ///< one per request command, in order
};

/// Decides every request against the world. Holds no I/O: sessions only move bytes.
class dispatcher {
 public:
  /// Uses the world and settings as they are at each call (the world may change between calls).
  /// With a validator, every request command is checked against the vendor schema first.
  dispatcher(world& w, token_source& tokens, std::shared_ptr<const schema_validator> validator = nullptr);

  /// Validates request commands from now on (nullptr: no longer). Call between dispatches only.
  void set_schema_validator(std::shared_ptr<const schema_validator> validator);

  /// Sees every decided exchange: the request, the connection as it is after the decision, the
  /// result and how long deciding took. Called on the dispatching thread, after each dispatch().
  using observer = std::function<void(const protocol::document& request, const connection_state& connection,
                                      const dispatch_result& result, std::chrono::microseconds took)>;

  /// Sets the observer (an empty function: none). Call between dispatches only.
  void set_observer(observer watch);

  /// The reply to one request document on a connection.
  [[nodiscard]] dispatch_result dispatch(const protocol::document& request, connection_state& connection);

 private:
  dispatch_result decide(const protocol::document& request, connection_state& connection);

  observer observer_;
  world& world_;
  token_source& tokens_;
  std::shared_ptr<const schema_validator> validator_;
};

}  // namespace ocip::mock
