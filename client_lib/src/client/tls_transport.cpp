// Placeholder until OCI-P over TLS lands: every call fails as a transport error.
#include "ocip/client/transport.hpp"

namespace ocip::client {

namespace {
class unavailable_transport final : public transport {
 public:
  explicit unavailable_transport(std::string what) : what_(std::move(what)) {}
  result<void, error> connect(std::chrono::milliseconds) override { return fail(); }
  result<std::string, error> exchange(std::string, std::chrono::milliseconds) override { return fail(); }
  void close() override {}
  bool is_open() const override { return false; }
  std::string peer() const override { return what_; }

 private:
  error fail() const { return transport_error{what_ + ": not available in this build", transport_failure::not_connected}; }
  std::string what_;
};
}  // namespace

std::unique_ptr<transport> make_tls_transport(tcp_options where, tls_options) {
  return std::make_unique<unavailable_transport>("tls://" + where.host + ":" + std::to_string(where.port));
}

std::unique_ptr<transport> make_soap_transport(soap_options options) {
  return std::make_unique<unavailable_transport>("soap://" + options.host + ":" + std::to_string(options.port));
}

}  // namespace ocip::client
