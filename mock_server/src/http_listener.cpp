// The SOAP listeners (oci-p.md §5): HTTP and HTTPS sessions that read requests with a deadline and
// a size limit, hand each to the SOAP service and write its answer, or misbehave as a scripted
// rule's fault says. Decisions live in soap_service.cpp; this file only moves bytes.
#include <algorithm>
#include <array>
#include <chrono>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>

#include <spdlog/spdlog.h>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "fault_writer.hpp"
#include "server_internal.hpp"
#include "soap_service.hpp"

namespace ocip::mock::detail {

namespace beast = boost::beast;

namespace {

/// Request headers larger than this get 431: SOAP clients send a handful of short headers.
constexpr std::uint32_t max_header_bytes = 16 * 1024;

/// After an error response that closes the connection, unread request bytes are drained for at
/// most this long (or this many bytes): closing with unread data makes the kernel send a reset,
/// which can destroy the response before the client reads it.
constexpr std::chrono::seconds linger_time{2};
constexpr std::size_t linger_bytes = std::size_t{1024} * 1024;

using tls_stream = asio::ssl::stream<beast::tcp_stream>;

/// One HTTP or HTTPS connection. `Stream` is beast::tcp_stream or an SSL stream over one.
template <typename Stream>
class http_session : public closable, public std::enable_shared_from_this<http_session<Stream>> {
 public:
  http_session(Stream stream, server_context& context, std::shared_ptr<http_service> service, std::string kind)
      : stream_(std::move(stream)),
        pause_timer_(beast::get_lowest_layer(stream_).get_executor()),
        context_(context),
        service_(std::move(service)),
        kind_(std::move(kind)) {
    const auto& socket = beast::get_lowest_layer(stream_).socket();
    peer_.remote = describe_peer(socket);
    peer_.address = peer_ip_address(socket);
    boost::system::error_code ec;
    const auto local = socket.local_endpoint(ec);
    if (!ec) {
      peer_.local = endpoint{local.address().to_string(), local.port()}.to_string();
    }
  }

  /// Starts serving; the session keeps itself alive until it closes.
  void start() {
    context_.registry.add(this->shared_from_this());
    auto self = this->shared_from_this();
    asio::co_spawn(
        beast::get_lowest_layer(stream_).get_executor(), [self]() { return self->serve(); }, asio::detached);
  }

  void close() override {
    closed_ = true;
    boost::system::error_code ignored;
    auto& socket = beast::get_lowest_layer(stream_).socket();
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(stream_).close();
    pause_timer_.cancel();
  }

 private:
  static constexpr bool secure = std::is_same_v<Stream, tls_stream>;

  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

  asio::awaitable<void> serve() {
    spdlog::info("{} connection from {}", kind_, peer_.remote);
    // co_await stays out of conditions: GCC 12 miscompiles some of those (SIGILL at run time).
    const bool ready = co_await handshake();
    if (ready) {
      co_await answer_requests();
    }
    close();
  }

  asio::awaitable<bool> handshake() {
    if constexpr (secure) {
      lowest().expires_after(std::min(context_.options.idle_timeout, context_.options.write_timeout));
      boost::system::error_code ec;
      co_await stream_.async_handshake(asio::ssl::stream_base::server, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        spdlog::info("{} connection from {}: TLS handshake failed: {}", kind_, peer_.remote,
                     ec == beast::error::timeout ? std::string("timed out") : ec.message());
        co_return false;
      }
    }
    co_return true;
  }

  asio::awaitable<void> answer_requests() {
    beast::flat_buffer buffer;
    while (!closed_) {
      http::request_parser<http::string_body> parser;
      parser.header_limit(max_header_bytes);
      parser.body_limit(context_.options.max_document_bytes);
      // Waiting for the next request, and reading it, is bounded by the idle timeout.
      lowest().expires_after(context_.options.idle_timeout);
      boost::system::error_code ec;
      co_await http::async_read_header(stream_, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
      if (!ec && !parser.is_done()) {
        const auto expect = parser.get()[http::field::expect];
        if (beast::iequals(expect, "100-continue")) {
          // curl waits for this before sending a body over 1 KiB.
          http::response<http::empty_body> go_on{http::status::continue_, parser.get().version()};
          lowest().expires_after(context_.options.write_timeout);
          co_await http::async_write(stream_, go_on, asio::redirect_error(asio::use_awaitable, ec));
        }
        if (!ec) {
          lowest().expires_after(context_.options.idle_timeout);
          co_await http::async_read(stream_, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
        }
      }
      if (ec) {
        co_await answer_unreadable(ec);
        co_return;
      }
      const http_request request = parser.release();
      http_outcome outcome = service_->handle(request, peer_);
      if (outcome.failure && kind_ != "admin") {
        const bool keep_serving = co_await answer_with_fault(outcome);
        if (!keep_serving) {
          co_return;
        }
        continue;
      }
      if (!outcome.response) {
        co_return;  // the scenario closes the connection without a reply
      }
      if (outcome.close_after) {
        outcome.response->keep_alive(false);
      }
      const bool keep_alive = outcome.response->keep_alive();
      const bool written = co_await write(*outcome.response);
      if (!written) {
        co_return;
      }
      if (!keep_alive) {
        co_await linger();
        co_return;
      }
    }
  }

  /// Answers one request as its fault says (the SOAP service has already put an http_500 or
  /// soap_fault answer in place of the reply). False: the session ends.
  asio::awaitable<bool> answer_with_fault(http_outcome& outcome) {
    fault failure = *outcome.failure;
    spdlog::info("{} connection from {}: fault {}", kind_, peer_.remote, describe_fault(failure));
    if (failure.what == fault::kind::http_500 || failure.what == fault::kind::soap_fault) {
      failure.what = fault::kind::none;
    }
    const bool waited = co_await pause_for(pause_timer_, failure.delay);
    if (!waited) {
      co_return false;
    }
    switch (failure.what) {
      case fault::kind::no_reply:
        // Nothing is written; the connection stays open and the next request is read.
        co_return outcome.response.has_value() && !outcome.close_after;
      case fault::kind::close_before_reply:
        spdlog::info("{} connection from {}: closing before the answer as the fault says", kind_, peer_.remote);
        co_return false;
      case fault::kind::reset:
        spdlog::info("{} connection from {}: resetting the connection as the fault says", kind_, peer_.remote);
        reset();
        co_return false;
      default:
        break;
    }
    if (!outcome.response) {
      co_return false;  // the scenario closes the connection without a reply
    }
    if (outcome.close_after) {
      outcome.response->keep_alive(false);
    }
    const bool keep_alive = outcome.response->keep_alive();
    // The whole HTTP response (status line, headers, body) as bytes, to misbehave on.
    std::ostringstream serialized;
    serialized << *outcome.response;
    std::string bytes = std::move(serialized).str();
    std::size_t piece = 0;
    std::chrono::milliseconds pause{0};
    if (failure.what == fault::kind::garbage) {
      bytes = garbage_bytes(failure);
    } else if (failure.what == fault::kind::truncate) {
      bytes.resize(std::min(failure.bytes, bytes.size()));
    } else if (failure.what == fault::kind::slice) {
      piece = failure.bytes;
      pause = failure.pause;
      boost::system::error_code ignored;
      lowest().socket().set_option(tcp::no_delay(true), ignored);  // Nagle would merge small pieces
    }
    const auto write_deadline = context_.options.write_timeout + pause;
    const boost::system::error_code ec = co_await write_in_pieces(stream_, pause_timer_, bytes, piece, pause,
                                                                  [&] { lowest().expires_after(write_deadline); });
    if (ec) {
      if (!closed_) {
        spdlog::info("{} connection from {}: write failed: {}", kind_, peer_.remote,
                     ec == beast::error::timeout ? std::string("timed out") : ec.message());
      }
      co_return false;
    }
    if (failure.what == fault::kind::truncate) {
      spdlog::info("{} connection from {}: closing after the truncated answer as the fault says", kind_, peer_.remote);
      co_return false;
    }
    if (failure.what == fault::kind::close_after_reply || !keep_alive) {
      if (failure.what == fault::kind::close_after_reply) {
        spdlog::info("{} connection from {}: closing after the answer as the fault says", kind_, peer_.remote);
      }
      co_await linger();
      co_return false;
    }
    co_return true;
  }

  /// Resets the connection (TCP RST; over HTTPS without close_notify) and ends the session.
  void reset() {
    closed_ = true;
    reset_socket(lowest().socket());
    pause_timer_.cancel();
  }

  /// A request that could not be read: the peer left, timed out, or sent something that is not
  /// HTTP or too large. The last two get an answer before the connection closes.
  asio::awaitable<void> answer_unreadable(const boost::system::error_code& ec) {
    if (closed_ || ec == asio::error::operation_aborted) {
      co_return;
    }
    if (ec == http::error::end_of_stream || ec == http::error::partial_message || ec == asio::error::eof ||
        ec == asio::error::connection_reset) {
      spdlog::info("{} connection from {} ended: closed by peer", kind_, peer_.remote);
      co_return;
    }
    if (ec == beast::error::timeout) {
      spdlog::info("{} connection from {}: timed out; closing", kind_, peer_.remote);
      co_return;
    }
    if (ec.category() != http::make_error_code(http::error::bad_method).category()) {
      spdlog::info("{} connection from {} ended: {}", kind_, peer_.remote, ec.message());
      co_return;
    }
    http_response response;
    if (ec == http::error::body_limit) {
      spdlog::warn("{} connection from {}: request body over {} bytes; closing", kind_, peer_.remote,
                   context_.options.max_document_bytes);
      response = unreadable_request(
          http::status::payload_too_large,
          "request body larger than " + std::to_string(context_.options.max_document_bytes) + " bytes");
    } else if (ec == http::error::header_limit) {
      spdlog::warn("{} connection from {}: request header over {} bytes; closing", kind_, peer_.remote,
                   max_header_bytes);
      response = unreadable_request(http::status::request_header_fields_too_large,
                                    "request header larger than " + std::to_string(max_header_bytes) + " bytes");
    } else {
      spdlog::warn("{} connection from {}: malformed HTTP request ({}); closing", kind_, peer_.remote, ec.message());
      response = unreadable_request(http::status::bad_request, "malformed HTTP request: " + ec.message());
    }
    const bool written = co_await write(response);
    if (written) {
      co_await linger();
    }
  }

  /// Writes one response within the write timeout; false when that failed (the session then ends).
  asio::awaitable<bool> write(http_response& response) {
    lowest().expires_after(context_.options.write_timeout);
    boost::system::error_code ec;
    co_await http::async_write(stream_, response, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      spdlog::info("{} connection from {}: write failed: {}", kind_, peer_.remote,
                   ec == beast::error::timeout ? std::string("timed out") : ec.message());
      co_return false;
    }
    co_return true;
  }

  /// Ends the connection so that the last response reaches the peer: TLS close_notify, then no
  /// more sending, then what the peer still sends is read and dropped for a bounded time.
  asio::awaitable<void> linger() {
    boost::system::error_code ec;
    if constexpr (secure) {
      lowest().expires_after(linger_time);
      co_await stream_.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
    }
    if (closed_) {
      co_return;
    }
    lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
    lowest().expires_after(linger_time);
    std::array<char, 4096> sink{};
    std::size_t drained = 0;
    while (!closed_ && drained < linger_bytes) {
      const std::size_t count =
          co_await lowest().async_read_some(asio::buffer(sink), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        break;
      }
      drained += count;
    }
  }

  Stream stream_;
  asio::steady_timer pause_timer_;  ///< a fault's delay and the pauses between slices
  server_context& context_;
  std::shared_ptr<http_service> service_;
  std::string kind_;
  http_peer peer_;
  bool closed_ = false;
};

}  // namespace

http_response unreadable_request(http::status status, std::string_view why) {
  http_response response{status, 11};
  response.set(http::field::server, "ocip-mock");
  response.set(http::field::content_type, "text/plain; charset=utf-8");
  response.keep_alive(false);
  response.body() = std::string(why) + "\n";
  response.prepare_payload();
  return response;
}

result<void, std::string> start_http_service_listener(server_context& context, listener_set& listeners,
                                                      const std::string& kind, const endpoint& where,
                                                      asio::ssl::context* tls, std::shared_ptr<http_service> service) {
  return listeners.listen(context.io, kind, where, [&context, service, tls, kind](tcp::socket socket) {
    if (tls != nullptr) {
      std::make_shared<http_session<tls_stream>>(tls_stream(beast::tcp_stream(std::move(socket)), *tls), context,
                                                 service, kind)
          ->start();
    } else {
      std::make_shared<http_session<beast::tcp_stream>>(beast::tcp_stream(std::move(socket)), context, service, kind)
          ->start();
    }
  });
}

result<void, std::string> start_http_listener(server_context& context, listener_set& listeners,
                                              asio::ssl::context* tls) {
  const bool secure = tls != nullptr;
  const std::optional<endpoint>& where = secure ? context.options.https : context.options.http;
  std::string kind = secure ? "https" : "http";
  if (!where) {
    return kind + " listener: no address configured";
  }
  return start_http_service_listener(context, listeners, kind, *where, tls,
                                     std::make_shared<soap_service>(context, secure));
}

}  // namespace ocip::mock::detail
