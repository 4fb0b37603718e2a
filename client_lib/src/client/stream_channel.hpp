#pragma once
// The blocking request/reply machinery shared by OCI-P over TCP and over TLS: a private
// io_context, a deadline on every step, the framer, and bytes after a reply kept for the next one.
// Internal to client_lib/src/client: Asio appears here, never in the public headers.

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
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include "ocip/client/transport.hpp"

namespace ocip::client::detail {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;
using clock_type = std::chrono::steady_clock;

/// True for failures after which the peer is gone rather than the local side being at fault. A
/// TLS peer that closes without close_notify shows up as stream_truncated.
inline bool is_peer_close(const error_code& code) {
  return code == asio::error::eof || code == asio::error::connection_reset || code == asio::error::broken_pipe ||
         code == asio::error::connection_aborted || code == asio::ssl::error::stream_truncated;
}

/// "1500 ms", for messages.
inline std::string milliseconds_text(std::chrono::milliseconds timeout) {
  return std::to_string(timeout.count()) + " ms";
}

/// One OCI-P connection over `Stream` (tcp::socket, or an SSL stream over one) with blocking
/// calls. A subclass says how to make a fresh stream and what to do between the TCP connect and
/// the first document (the TLS handshake).
template <typename Stream>
class stream_channel {
 public:
  /// `scheme` names the transport in peer(), e.g. "tcp" gives "tcp://host:port".
  stream_channel(tcp_options options, std::string scheme)
      : options_(std::move(options)), scheme_(std::move(scheme)), framer_(options_.max_reply_bytes) {}
  virtual ~stream_channel() = default;
  stream_channel(const stream_channel&) = delete;
  stream_channel& operator=(const stream_channel&) = delete;
  stream_channel(stream_channel&&) = delete;
  stream_channel& operator=(stream_channel&&) = delete;

  /// Opens a new connection (closing any open one) within `timeout`.
  result<void, error> connect(std::chrono::milliseconds timeout) {
    try {
      return open(timeout);
    } catch (const std::exception& failure) {
      close();
      return transport_error{"connecting to " + peer() + " failed: " + failure.what(),
                             transport_failure::connect_failed};
    }
  }

  /// Sends one document and returns the next whole reply document, within `timeout`.
  result<std::string, error> exchange(const std::string& request_bytes, std::chrono::milliseconds timeout) {
    try {
      return request_reply(request_bytes, timeout);
    } catch (const std::exception& failure) {
      close();
      return transport_error{"exchange with " + peer() + " failed: " + failure.what(), transport_failure::io_error};
    }
  }

  /// Closes the connection at once and forgets any buffered bytes.
  void close() {
    if (stream_) {
      error_code ignored;
      auto& socket = stream_->lowest_layer();
      if (socket.is_open()) {
        socket.shutdown(tcp::socket::shutdown_both, ignored);
      }
      socket.close(ignored);
      // A TLS session cannot be reused on a new connection: the next connect makes a new stream.
      stream_.reset();
    }
    // A new connection starts a new byte stream: nothing from the old one may leak into it.
    framer_ = protocol::framer(options_.max_reply_bytes);
  }

  /// True while a connection is open.
  [[nodiscard]] bool is_open() const { return stream_ && stream_->lowest_layer().is_open(); }

  /// "tcp://host:port", "tls://[::1]:2209".
  [[nodiscard]] std::string peer() const {
    const bool ipv6_literal = options_.host.find(':') != std::string::npos;
    return scheme_ + "://" + (ipv6_literal ? "[" + options_.host + "]" : options_.host) + ":" +
           std::to_string(options_.port);
  }

 protected:
  /// Checks settings before anything touches the network (e.g. loads CA files).
  virtual result<void, error> prepare() { return outcome::success(); }
  /// A fresh, unconnected stream on `io`.
  virtual Stream make_stream(asio::io_context& io) = 0;
  /// Runs after the TCP connect, before the first document; the connection closes on failure.
  virtual result<void, error> after_connect(clock_type::time_point /*deadline*/,
                                            std::chrono::milliseconds /*timeout*/) {
    return outcome::success();
  }

  /// The settings given at construction.
  [[nodiscard]] const tcp_options& options() const { return options_; }
  /// The connection's stream; only while one is open.
  Stream& stream() { return *stream_; }

  /// Runs one asynchronous operation to its end on the private io_context. `start` receives the
  /// function to call with the operation's error code. The deadline cancels the operation, which
  /// then completes with operation_aborted and `timed_out` set.
  template <typename Start>
  error_code run_until(clock_type::time_point deadline, bool& timed_out, Start start) {
    std::optional<error_code> outcome;
    timed_out = false;
    timer_.expires_at(deadline);
    timer_.async_wait([this, &outcome, &timed_out](const error_code& code) {
      if (!code && !outcome) {
        timed_out = true;
        cancel_io();
      }
    });
    start([this, &outcome](const error_code& code) {
      outcome = code;
      timer_.cancel();
    });
    io_.restart();
    io_.run();  // returns once both the operation and the timer have completed
    return outcome.value_or(asio::error::operation_aborted);
  }

 private:
  void cancel_io() {
    error_code ignored;
    if (stream_) {
      stream_->lowest_layer().cancel(ignored);
    }
    resolver_.cancel();
  }

  result<void, error> open(std::chrono::milliseconds timeout) {
    close();
    if (auto ready = prepare(); !ready) {
      return ready.error();
    }
    stream_.emplace(make_stream(io_));
    const auto deadline = clock_type::now() + timeout;
    bool timed_out = false;

    tcp::resolver::results_type endpoints;
    error_code address_error;
    const auto address = asio::ip::make_address(options_.host, address_error);
    if (!address_error) {
      endpoints = tcp::resolver::results_type::create(tcp::endpoint(address, options_.port), options_.host,
                                                      std::to_string(options_.port));
    } else {
      const auto code = run_until(deadline, timed_out, [&](auto finish) {
        resolver_.async_resolve(
            options_.host, std::to_string(options_.port),
            [&endpoints, finish](const error_code& resolve_error, tcp::resolver::results_type found) {
              endpoints = std::move(found);
              finish(resolve_error);
            });
      });
      if (code) {
        close();
        if (timed_out) {
          return transport_error{"resolving " + peer() + " timed out after " + milliseconds_text(timeout),
                                 transport_failure::timeout};
        }
        return transport_error{"cannot resolve " + peer() + ": " + code.message(), transport_failure::connect_failed};
      }
    }

    const auto code = run_until(deadline, timed_out, [&](auto finish) {
      asio::async_connect(stream_->lowest_layer(), endpoints,
                          [finish](const error_code& connect_error, const tcp::endpoint&) { finish(connect_error); });
    });
    if (code) {
      close();
      if (timed_out) {
        return transport_error{"connecting to " + peer() + " timed out after " + milliseconds_text(timeout),
                               transport_failure::timeout};
      }
      return transport_error{"cannot connect to " + peer() + ": " + code.message(), transport_failure::connect_failed};
    }
    error_code ignored;
    stream_->lowest_layer().set_option(tcp::no_delay(true), ignored);
    if (auto ready = after_connect(deadline, timeout); !ready) {
      close();
      return ready.error();
    }
    spdlog::debug("ocip {}: connected to {}", scheme_, peer());
    return outcome::success();
  }

  result<std::string, error> request_reply(const std::string& request_bytes, std::chrono::milliseconds timeout) {
    if (!is_open()) {
      return transport_error{"no connection to " + peer() + ": connect first", transport_failure::not_connected};
    }
    if (auto stale = framer_.next()) {
      // A whole document before our request cannot be its answer; keeping it would shift every
      // later reply by one.
      close();
      return protocol::protocol_error{"unsolicited document from " + peer() + " arrived before the request was sent (" +
                                      std::to_string(stale->size()) + " bytes)"};
    }
    const auto deadline = clock_type::now() + timeout;
    bool timed_out = false;

    auto code = run_until(deadline, timed_out, [&](auto finish) {
      asio::async_write(*stream_, asio::buffer(request_bytes),
                        [finish](const error_code& write_error, std::size_t) { finish(write_error); });
    });
    if (code) {
      return fail_io("sending the request", code, timed_out, timeout);
    }

    std::size_t received = 0;
    while (true) {
      if (auto reply = framer_.next()) {
        spdlog::debug("ocip {}: {} bytes out, {} bytes of reply in from {}", scheme_, request_bytes.size(),
                      reply->size(), peer());
        return std::move(*reply);
      }
      if (const auto& stream_error = framer_.error()) {
        std::string message = "reply from " + peer() + " cannot be framed: " + stream_error->message;
        close();
        return protocol::protocol_error{std::move(message)};
      }
      std::size_t transferred = 0;
      code = run_until(deadline, timed_out, [&](auto finish) {
        stream_->async_read_some(asio::buffer(read_buffer_),
                                 [&transferred, finish](const error_code& read_error, std::size_t count) {
                                   transferred = count;
                                   finish(read_error);
                                 });
      });
      if (transferred > 0) {
        framer_.put(std::string_view(read_buffer_.data(), transferred));
        received += transferred;
      }
      if (code) {
        if (auto reply = framer_.next()) {
          return std::move(*reply);  // the last bytes completed the reply before the failure
        }
        const bool partial = received > 0 || !framer_.idle();
        return fail_io(partial ? "reading the reply (part received)" : "waiting for the reply", code, timed_out,
                       timeout);
      }
    }
  }

  // Maps a failed read or write to a transport error and closes the connection: after a timeout or
  // a broken stream, a later byte could not be attributed to the right request.
  transport_error fail_io(const std::string& step, const error_code& code, bool timed_out,
                          std::chrono::milliseconds timeout) {
    close();
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

  tcp_options options_;
  std::string scheme_;
  // Declared before the I/O objects so that it outlives them.
  asio::io_context io_{1};
  std::optional<Stream> stream_;
  tcp::resolver resolver_{io_};
  asio::steady_timer timer_{io_};
  protocol::framer framer_;
  std::array<char, 16 * 1024> read_buffer_{};
};

}  // namespace ocip::client::detail
