// Placeholder until SOAP over HTTP lands.
#include "server_internal.hpp"

namespace ocip::mock::detail {

result<void, std::string> start_http_listener(server_context&, listener_set&, asio::ssl::context* tls) {
  return std::string(tls != nullptr ? "https" : "http") + " listener: not available in this build";
}

}  // namespace ocip::mock::detail
