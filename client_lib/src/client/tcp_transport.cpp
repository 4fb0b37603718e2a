#include <array>
#include <chrono>
#include <exception>
#include <optional>
#include <string>
#include <utility>

#include <spdlog/spdlog.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include "ocip/client/transport.hpp"

namespace ocip::client {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;
using clock_type = std::chrono::steady_clock;

namespace {

// Failures after which the peer is gone rather than the local side being at fault.
bool is_peer_close(const error_code& code) {
  return code == asio::error::eof || code == asio::error::connection_reset || code == asio::error::broken_pipe ||
         code == asio::error::connection_aborted;
}

std::string milliseconds_text(std::chrono::milliseconds timeout) {
  return std::to_string(timeout.count()) + " ms";
}

}  // namespace

struct tcp_transport::impl {
  explicit impl(tcp_options settings) : options(std::move(settings)), framer(options.max_reply_bytes) {}

  tcp_options options;
  // Declared before the I/O objects so that it outlives them.
  asio::io_context io{1};
  tcp::socket socket{io};
  tcp::resolver resolver{io};
  asio::steady_timer timer{io};
  protocol::framer framer;
  std::array<char, 16 * 1024> read_buffer{};

  [[nodiscard]] std::string peer() const {
    const bool ipv6_literal = options.host.find(':') != std::string::npos;
    return "tcp://" + (ipv6_literal ? "[" + options.host + "]" : options.host) + ":" + std::to_string(options.port);
  }

  void cancel_io() {
    error_code ignored;
    socket.cancel(ignored);
    resolver.cancel();
  }

  void close_socket() {
    error_code ignored;
    if (socket.is_open()) {
      socket.shutdown(tcp::socket::shutdown_both, ignored);
    }
    socket.close(ignored);
    // A new connection starts a new byte stream: nothing from the old one may leak into it.
    framer = protocol::framer(options.max_reply_bytes);
  }

  // Runs one asynchronous operation to its end on the private io_context. `start` receives the
  // function to call with the operation's error code. The deadline cancels the operation, which
  // then completes with operation_aborted and `timed_out` set.
  template <typename Start>
  error_code run_until(clock_type::time_point deadline, bool& timed_out, Start start) {
    std::optional<error_code> outcome;
    timed_out = false;
    timer.expires_at(deadline);
    timer.async_wait([this, &outcome, &timed_out](const error_code& code) {
      if (!code && !outcome) {
        timed_out = true;
        cancel_io();
      }
    });
    start([this, &outcome](const error_code& code) {
      outcome = code;
      timer.cancel();
    });
    io.restart();
    io.run();  // returns once both the operation and the timer have completed
    return outcome.value_or(asio::error::operation_aborted);
  }

  result<void, error> connect(std::chrono::milliseconds timeout) {
    close_socket();
    const auto deadline = clock_type::now() + timeout;
    bool timed_out = false;

    tcp::resolver::results_type endpoints;
    error_code address_error;
    const auto address = asio::ip::make_address(options.host, address_error);
    if (!address_error) {
      endpoints = tcp::resolver::results_type::create(tcp::endpoint(address, options.port), options.host,
                                                      std::to_string(options.port));
    } else {
      const auto code = run_until(deadline, timed_out, [&](auto finish) {
        resolver.async_resolve(
            options.host, std::to_string(options.port),
            [&endpoints, finish](const error_code& resolve_error, tcp::resolver::results_type found) {
              endpoints = std::move(found);
              finish(resolve_error);
            });
      });
      if (code) {
        if (timed_out) {
          return transport_error{"resolving " + peer() + " timed out after " + milliseconds_text(timeout),
                                 transport_failure::timeout};
        }
        return transport_error{"cannot resolve " + peer() + ": " + code.message(), transport_failure::connect_failed};
      }
    }

    const auto code = run_until(deadline, timed_out, [&](auto finish) {
      asio::async_connect(socket, endpoints,
                          [finish](const error_code& connect_error, const tcp::endpoint&) { finish(connect_error); });
    });
    if (code) {
      close_socket();
      if (timed_out) {
        return transport_error{"connecting to " + peer() + " timed out after " + milliseconds_text(timeout),
                               transport_failure::timeout};
      }
      return transport_error{"cannot connect to " + peer() + ": " + code.message(), transport_failure::connect_failed};
    }
    error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    spdlog::debug("ocip tcp: connected to {}", peer());
    return outcome::success();
  }

  result<std::string, error> exchange(const std::string& request_bytes, std::chrono::milliseconds timeout) {
    if (!socket.is_open()) {
      return transport_error{"no connection to " + peer() + ": connect first", transport_failure::not_connected};
    }
    if (auto stale = framer.next()) {
      // A whole document before our request cannot be its answer; keeping it would shift every
      // later reply by one.
      close_socket();
      return protocol::protocol_error{"unsolicited document from " + peer() + " arrived before the request was sent (" +
                                      std::to_string(stale->size()) + " bytes)"};
    }
    const auto deadline = clock_type::now() + timeout;
    bool timed_out = false;

    auto code = run_until(deadline, timed_out, [&](auto finish) {
      asio::async_write(socket, asio::buffer(request_bytes),
                        [finish](const error_code& write_error, std::size_t) { finish(write_error); });
    });
    if (code) {
      return fail_io("sending the request", code, timed_out, timeout);
    }

    std::size_t received = 0;
    while (true) {
      if (auto reply = framer.next()) {
        spdlog::debug("ocip tcp: {} bytes out, {} bytes of reply in from {}", request_bytes.size(), reply->size(),
                      peer());
        return std::move(*reply);
      }
      if (const auto& stream_error = framer.error()) {
        std::string message = "reply from " + peer() + " cannot be framed: " + stream_error->message;
        close_socket();
        return protocol::protocol_error{std::move(message)};
      }
      std::size_t transferred = 0;
      code = run_until(deadline, timed_out, [&](auto finish) {
        socket.async_read_some(asio::buffer(read_buffer),
                               [&transferred, finish](const error_code& read_error, std::size_t count) {
                                 transferred = count;
                                 finish(read_error);
                               });
      });
      if (transferred > 0) {
        framer.put(std::string_view(read_buffer.data(), transferred));
        received += transferred;
      }
      if (code) {
        if (auto reply = framer.next()) {
          return std::move(*reply);  // the last bytes completed the reply before the failure
        }
        const bool partial = received > 0 || !framer.idle();
        return fail_io(partial ? "reading the reply (part received)" : "waiting for the reply", code, timed_out,
                       timeout);
      }
    }
  }

  // Maps a failed read or write to a transport error and closes the connection: after a timeout or
  // a broken stream, a later byte could not be attributed to the right request.
  transport_error fail_io(const std::string& step, const error_code& code, bool timed_out,
                          std::chrono::milliseconds timeout) {
    close_socket();
    if (timed_out) {
      return transport_error{step + ": " + peer() + " did not answer within " + milliseconds_text(timeout),
                             transport_failure::timeout};
    }
    if (is_peer_close(code)) {
      return transport_error{step + ": " + peer() + " closed the connection (" + code.message() + ")",
                             transport_failure::closed};
    }
    return transport_error{step + ": I/O error with " + peer() + ": " + code.message(), transport_failure::io_error};
  }
};

tcp_transport::tcp_transport(tcp_options options) : impl_(std::make_unique<impl>(std::move(options))) {}

tcp_transport::~tcp_transport() = default;

tcp_transport::tcp_transport(tcp_transport&&) noexcept = default;

tcp_transport& tcp_transport::operator=(tcp_transport&&) noexcept = default;

result<void, error> tcp_transport::connect(std::chrono::milliseconds timeout) {
  if (!impl_) {
    return transport_error{"connect on a moved-from transport", transport_failure::not_connected};
  }
  try {
    return impl_->connect(timeout);
  } catch (const std::exception& failure) {
    impl_->close_socket();
    return transport_error{"connecting to " + impl_->peer() + " failed: " + failure.what(),
                           transport_failure::connect_failed};
  }
}

result<std::string, error> tcp_transport::exchange(std::string request_bytes, std::chrono::milliseconds timeout) {
  if (!impl_) {
    return transport_error{"exchange on a moved-from transport", transport_failure::not_connected};
  }
  try {
    return impl_->exchange(request_bytes, timeout);
  } catch (const std::exception& failure) {
    impl_->close_socket();
    return transport_error{"exchange with " + impl_->peer() + " failed: " + failure.what(),
                           transport_failure::io_error};
  }
}

void tcp_transport::close() {
  if (impl_) {
    impl_->close_socket();
  }
}

bool tcp_transport::is_open() const {
  return impl_ && impl_->socket.is_open();
}

std::string tcp_transport::peer() const {
  return impl_ ? impl_->peer() : "tcp://(moved-from)";
}

}  // namespace ocip::client
