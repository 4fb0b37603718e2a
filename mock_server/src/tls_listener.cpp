// Placeholder until OCI-P over TLS lands.
#include "server_internal.hpp"

namespace ocip::mock::detail {

result<tls_identity, std::string> make_tls_identity(const server_options&) {
  return std::string("TLS is not available in this build");
}

result<void, std::string> start_tls_listener(server_context&, listener_set&, asio::ssl::context&) {
  return std::string("tls listener: not available in this build");
}

}  // namespace ocip::mock::detail
