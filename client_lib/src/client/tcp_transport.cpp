#include <string>
#include <utility>

#include "ocip/client/transport.hpp"
#include "stream_channel.hpp"

namespace ocip::client {

// Plain TCP needs nothing beyond the shared channel: a bare socket and no handshake.
struct tcp_transport::impl final : detail::stream_channel<detail::tcp::socket> {
  explicit impl(tcp_options settings) : stream_channel(std::move(settings), "tcp") {}

 private:
  detail::tcp::socket make_stream(detail::asio::io_context& io) override { return detail::tcp::socket(io); }
};

tcp_transport::tcp_transport(tcp_options options) : impl_(std::make_unique<impl>(std::move(options))) {}

tcp_transport::~tcp_transport() = default;

tcp_transport::tcp_transport(tcp_transport&&) noexcept = default;

tcp_transport& tcp_transport::operator=(tcp_transport&&) noexcept = default;

result<void, error> tcp_transport::connect(std::chrono::milliseconds timeout) {
  if (!impl_) {
    return transport_error{"connect on a moved-from transport", transport_failure::not_connected};
  }
  return impl_->connect(timeout);
}

result<std::string, error> tcp_transport::exchange(std::string request_bytes, std::chrono::milliseconds timeout) {
  if (!impl_) {
    return transport_error{"exchange on a moved-from transport", transport_failure::not_connected};
  }
  return impl_->exchange(request_bytes, timeout);
}

void tcp_transport::close() {
  if (impl_) {
    impl_->close();
  }
}

bool tcp_transport::is_open() const {
  return impl_ && impl_->is_open();
}

std::string tcp_transport::peer() const {
  return impl_ ? impl_->peer() : "tcp://(moved-from)";
}

}  // namespace ocip::client
