#pragma once
// What the HTTP listeners serve: one whole request in, what to write (or not) out. The SOAP
// service and the admin API implement it; http_listener.cpp moves the bytes. Internal to
// mock_server/src.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>

#include "ocip/mock/script.hpp"
#include "server_internal.hpp"

namespace ocip::mock::detail {

namespace http = boost::beast::http;

/// The HTTP request and response types of the HTTP services.
using http_request = http::request<http::string_body>;
using http_response = http::response<http::string_body>;

/// Where a request came in, for addresses in answers and for logs.
struct http_peer {
  std::string remote;   ///< "127.0.0.1:40123", for logs
  std::string address;  ///< the peer's IP address alone, for the trusted-address check
  std::string local;    ///< the listener's address as the client reached it, "127.0.0.1:8080"
};

/// What to do with one request.
struct http_outcome {
  http_outcome(std::optional<http_response> answer, bool close, std::optional<fault> misbehaviour = std::nullopt)
      : response(std::move(answer)), close_after(close), failure(std::move(misbehaviour)) {}

  std::optional<http_response> response;  ///< nullopt: close the connection without an answer
  bool close_after = false;               ///< close the connection after the response
  /// How the answer misbehaves on the wire (a scripted rule's fault); unset: it does not.
  std::optional<fault> failure;
};

/// Answers the requests of one HTTP listener. Called on the server's thread, one request at a time.
class http_service {
 public:
  virtual ~http_service() = default;
  http_service(const http_service&) = delete;
  http_service& operator=(const http_service&) = delete;

  /// Answers one whole HTTP request.
  virtual http_outcome handle(const http_request& request, const http_peer& peer) = 0;

 protected:
  http_service() = default;
};

/// A plain-text error response for a request that could not be read (400, 413, 431); it closes
/// the connection.
[[nodiscard]] http_response unreadable_request(http::status status, std::string_view why);

/// Opens an HTTP listener (HTTPS when `tls` is set) of this kind ("http", "https", "admin") that
/// hands every request to `service` (http_listener.cpp).
result<void, std::string> start_http_service_listener(server_context& context, listener_set& listeners,
                                                      const std::string& kind, const endpoint& where,
                                                      asio::ssl::context* tls, std::shared_ptr<http_service> service);

}  // namespace ocip::mock::detail
