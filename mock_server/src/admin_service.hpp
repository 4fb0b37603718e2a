#pragma once
// The admin HTTP API, one request at a time: health, the live world, reset, loading another
// scenario, device locks, the request journal and verification. JSON out; no I/O here (the HTTP
// sessions of http_listener.cpp move the bytes). Internal to mock_server/src.

#include <string>
#include <string_view>

#include "http_service.hpp"
#include "server_internal.hpp"

namespace ocip::mock::detail {

/// The admin API. Every call runs on the server's thread, between requests, so it reads and
/// changes the live world without locks.
class admin_service final : public http_service {
 public:
  explicit admin_service(scenario_control& control);

  /// Answers one whole HTTP request.
  http_outcome handle(const http_request& request, const http_peer& peer) override;

  /// The JSON answer to one request.
  [[nodiscard]] http_response answer(const http_request& request);

 private:
  http_response health(const http_request& request) const;
  http_response world_state(const http_request& request) const;
  http_response reset(const http_request& request, std::string_view query);
  http_response load_scenario(const http_request& request, std::string_view query);
  http_response set_lock(const http_request& request, std::string_view query, bool locked);
  http_response journal_entries(const http_request& request, std::string_view query) const;
  http_response clear_journal(const http_request& request);
  http_response verify(const http_request& request, std::string_view query) const;

  scenario_control& control_;
};

}  // namespace ocip::mock::detail
