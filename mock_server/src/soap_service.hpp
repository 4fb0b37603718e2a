#pragma once
// OCI-P over SOAP, one HTTP request at a time (oci-p.md §5): routing, the WSDL, the SOAP envelope
// around the dispatcher, and the login state of each HTTP session cookie. No I/O: the HTTP
// sessions of http_listener.cpp only move bytes. Internal to mock_server/src.

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "http_service.hpp"
#include "ocip/protocol/soap.hpp"
#include "server_internal.hpp"

namespace ocip::mock::detail {

/// Login state of SOAP clients, by JSESSIONID cookie: logins live as long as the cookie, across TCP
/// connections. Bounded in time (idle cookies expire) and in number (the least recently used goes).
class soap_session_store {
 public:
  /// Cookies unused for `idle_timeout` expire; at most `capacity` are kept.
  soap_session_store(std::chrono::milliseconds idle_timeout, std::size_t capacity);

  /// The state of a live cookie, marked as used now; nullptr when unknown or expired.
  std::shared_ptr<connection_state> find(std::string_view cookie);
  /// A new, empty state under a new unguessable cookie, which is returned with it.
  std::pair<std::string, std::shared_ptr<connection_state>> create();
  /// Forgets a cookie (its logins end).
  void forget(std::string_view cookie);
  /// How many cookies are live.
  [[nodiscard]] std::size_t size() const { return entries_.size(); }

 private:
  using clock = std::chrono::steady_clock;
  struct entry {
    std::shared_ptr<connection_state> state;
    clock::time_point last_used;
  };

  void drop_expired(clock::time_point now);
  void drop_least_recently_used();

  std::chrono::milliseconds idle_timeout_;
  std::size_t capacity_;
  std::unordered_map<std::string, entry> entries_;
  clock::time_point last_sweep_{};
};

/// The SOAP service of one listener.
class soap_service final : public http_service {
 public:
  /// `secure`: the listener is HTTPS (the WSDL's address then starts with https).
  soap_service(server_context& context, bool secure);

  /// Answers one whole HTTP request.
  http_outcome handle(const http_request& request, const http_peer& peer) override;

 private:
  http_outcome handle_post(const http_request& request, const http_peer& peer);
  http_response wsdl_response(const http_request& request, std::string_view path, const http_peer& peer) const;
  http_response fault_response(const http_request& request, const protocol::soap::fault& refusal) const;

  server_context& context_;
  bool secure_;
  soap_session_store sessions_;
};

}  // namespace ocip::mock::detail
