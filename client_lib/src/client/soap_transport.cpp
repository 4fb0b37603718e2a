// OCI-P over SOAP/HTTP(S) (oci-p.md §5): each document is posted as the escaped in0 text of
// processOCIMessage, the reply is taken out of processOCIMessageReturn, and the JSESSIONID cookie
// (the server keeps logins by it) is sent back on every request. Blocking calls with a deadline on
// every step, driven by a private io_context.
#include <chrono>
#include <cstddef>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <openssl/ssl.h>
#include <spdlog/spdlog.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "ocip/client/transport.hpp"
#include "ocip/protocol/soap.hpp"
#include "tls_client.hpp"

namespace ocip::client {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
namespace soap = protocol::soap;
using asio::ip::tcp;
using boost::system::error_code;
using clock_type = std::chrono::steady_clock;
using tls_stream = ssl::stream<beast::tcp_stream>;

/// Reply headers larger than this are refused: a SOAP reply carries a handful of short headers.
constexpr std::uint32_t max_reply_header_bytes = 64 * 1024;

std::string milliseconds_text(std::chrono::milliseconds timeout) {
  return std::to_string(timeout.count()) + " ms";
}

/// Failures after which the peer is gone rather than the local side being at fault. A TLS peer
/// that closes without close_notify shows up as stream_truncated.
bool is_peer_close(const error_code& code) {
  return code == asio::error::eof || code == asio::error::connection_reset || code == asio::error::broken_pipe ||
         code == asio::error::connection_aborted || code == ssl::error::stream_truncated ||
         code == http::error::end_of_stream || code == http::error::partial_message;
}

/// The value of JSESSIONID in one Set-Cookie header, if that is the cookie it sets.
std::optional<std::string> session_cookie(std::string_view set_cookie) {
  const std::string_view pair = set_cookie.substr(0, set_cookie.find(';'));
  const std::size_t equals = pair.find('=');
  if (equals == std::string_view::npos) {
    return std::nullopt;
  }
  std::string_view name = pair.substr(0, equals);
  while (!name.empty() && (name.front() == ' ' || name.front() == '\t')) {
    name.remove_prefix(1);
  }
  while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) {
    name.remove_suffix(1);
  }
  if (name != "JSESSIONID") {
    return std::nullopt;
  }
  std::string_view value = pair.substr(equals + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '"')) {
    value.remove_prefix(1);
  }
  while (!value.empty() && (value.back() == ' ' || value.back() == '"')) {
    value.remove_suffix(1);
  }
  return std::string(value);
}

/// The first line of a body, shortened and with control characters dropped, for an error message.
std::string body_excerpt(std::string_view body) {
  std::string out;
  for (const char c : body.substr(0, body.find('\n'))) {
    if (out.size() >= 160) {
      out += "...";
      break;
    }
    if (static_cast<unsigned char>(c) >= 0x20) {
      out += c;
    }
  }
  return out;
}

class soap_transport final : public transport {
 public:
  explicit soap_transport(soap_options options) : options_(std::move(options)) {}
  // The streams refer to the io_context and the TLS context: close them while those are alive.
  ~soap_transport() override { close_stream(); }
  soap_transport(const soap_transport&) = delete;
  soap_transport& operator=(const soap_transport&) = delete;
  soap_transport(soap_transport&&) = delete;
  soap_transport& operator=(soap_transport&&) = delete;

  result<void, error> connect(std::chrono::milliseconds timeout) override {
    // A new connection is a new HTTP session: the server keys logins by the cookie, and a client
    // that connects again expects to log in again, as over TCP.
    close();
    try {
      auto opened = open_stream(clock_type::now() + timeout, timeout);
      if (!opened) {
        close();
        return opened.error();
      }
    } catch (const std::exception& failure) {
      close();
      return transport_error{"connecting to " + peer() + " failed: " + failure.what(),
                             transport_failure::connect_failed};
    }
    open_ = true;
    spdlog::debug("ocip soap: connected to {}", peer());
    return outcome::success();
  }

  result<std::string, error> exchange(std::string request_bytes, std::chrono::milliseconds timeout) override {
    if (!open_) {
      return transport_error{"no connection to " + peer() + ": connect first", transport_failure::not_connected};
    }
    try {
      return post(request_bytes, timeout);
    } catch (const std::exception& failure) {
      close();
      return transport_error{"exchange with " + peer() + " failed: " + failure.what(), transport_failure::io_error};
    }
  }

  void close() override {
    close_stream();
    open_ = false;
    cookie_.clear();
  }

  [[nodiscard]] bool is_open() const override { return open_; }

  [[nodiscard]] std::string peer() const override {
    return std::string(options_.https ? "https://" : "http://") + authority() + options_.path;
  }

 private:
  /// host:port as in a URL (IPv6 literals in brackets).
  [[nodiscard]] std::string authority() const {
    const bool ipv6_literal = options_.host.find(':') != std::string::npos;
    return (ipv6_literal ? "[" + options_.host + "]" : options_.host) + ":" + std::to_string(options_.port);
  }

  /// The Host header: the port only when it is not the scheme's default.
  [[nodiscard]] std::string host_header() const {
    const bool ipv6_literal = options_.host.find(':') != std::string::npos;
    const std::string host = ipv6_literal ? "[" + options_.host + "]" : options_.host;
    const std::uint16_t default_port = options_.https ? 443 : 80;
    return options_.port == default_port ? host : host + ":" + std::to_string(options_.port);
  }

  /// The name the server's certificate must carry, also sent as SNI.
  [[nodiscard]] const std::string& checked_name() const {
    return options_.tls.server_name.empty() ? options_.host : options_.tls.server_name;
  }

  beast::tcp_stream& lowest() { return secure_ ? beast::get_lowest_layer(*secure_) : *plain_; }
  [[nodiscard]] bool has_stream() const { return secure_.has_value() || plain_.has_value(); }

  void close_stream() {
    if (has_stream()) {
      error_code ignored;
      lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
      lowest().close();
    }
    secure_.reset();
    plain_.reset();
    buffer_.clear();
    exchanges_on_stream_ = 0;
  }

  /// Runs one asynchronous operation to its end on the private io_context. The operation's own
  /// deadline (the stream's expiry, or the timer of resolve()) ends it when time is up.
  template <typename Start>
  error_code run(Start start) {
    std::optional<error_code> outcome;
    start([&outcome](const error_code& code, auto&&...) { outcome = code; });
    io_.restart();
    io_.run();
    return outcome.value_or(asio::error::operation_aborted);
  }

  /// Builds the TLS client context once, so that an unreadable CA file is a connect failure.
  result<void, error> prepare_tls() {
    if (tls_context_) {
      return outcome::success();
    }
    auto made = detail::make_client_context(options_.tls, peer(), "ocip soap");
    if (!made) {
      return made.error();
    }
    tls_context_.emplace(std::move(made).value());
    return outcome::success();
  }

  result<tcp::resolver::results_type, error> resolve(clock_type::time_point deadline,
                                                     std::chrono::milliseconds timeout) {
    error_code not_an_address;
    const auto address = asio::ip::make_address(options_.host, not_an_address);
    if (!not_an_address) {
      return tcp::resolver::results_type::create(tcp::endpoint(address, options_.port), options_.host,
                                                 std::to_string(options_.port));
    }
    tcp::resolver resolver(io_);
    asio::steady_timer timer(io_, deadline);
    bool timed_out = false;
    tcp::resolver::results_type found;
    timer.async_wait([&](const error_code& code) {
      if (!code) {
        timed_out = true;
        resolver.cancel();
      }
    });
    const error_code code = run([&](auto finish) {
      resolver.async_resolve(options_.host, std::to_string(options_.port),
                             [&, finish](const error_code& resolve_error, tcp::resolver::results_type results) {
                               found = std::move(results);
                               timer.cancel();
                               finish(resolve_error);
                             });
    });
    if (timed_out) {
      return transport_error{"resolving " + peer() + " timed out after " + milliseconds_text(timeout),
                             transport_failure::timeout};
    }
    if (code) {
      return transport_error{"cannot resolve " + peer() + ": " + code.message(), transport_failure::connect_failed};
    }
    return found;
  }

  /// Opens the TCP connection, and TLS over it for https, within the deadline.
  result<void, error> open_stream(clock_type::time_point deadline, std::chrono::milliseconds timeout) {
    close_stream();
    if (options_.https) {
      BOOST_OUTCOME_TRYV(prepare_tls());
    }
    BOOST_OUTCOME_TRY(endpoints, resolve(deadline, timeout));
    if (options_.https) {
      secure_.emplace(io_, *tls_context_);
    } else {
      plain_.emplace(io_);
    }
    lowest().expires_at(deadline);
    error_code code = run([&](auto finish) { lowest().async_connect(endpoints, finish); });
    if (code) {
      close_stream();
      if (code == beast::error::timeout) {
        return transport_error{"connecting to " + peer() + " timed out after " + milliseconds_text(timeout),
                               transport_failure::timeout};
      }
      return transport_error{"cannot connect to " + peer() + ": " + code.message(), transport_failure::connect_failed};
    }
    lowest().socket().set_option(tcp::no_delay(true), code);
    if (secure_) {
      return handshake(deadline, timeout);
    }
    return outcome::success();
  }

  result<void, error> handshake(clock_type::time_point deadline, std::chrono::milliseconds timeout) {
    SSL* session = secure_->native_handle();
    const std::string& name = checked_name();
    if (auto expected = detail::expect_server_name(session, name, options_.tls.verify_peer, peer()); !expected) {
      close_stream();
      return expected.error();
    }
    lowest().expires_at(deadline);
    const error_code code = run([&](auto finish) { secure_->async_handshake(ssl::stream_base::client, finish); });
    if (!code) {
      return outcome::success();
    }
    // Read before the stream (and with it the session) goes.
    std::optional<transport_error> rejected = detail::certificate_failure(session, options_.tls, name, peer());
    close_stream();
    if (code == beast::error::timeout) {
      return transport_error{
          "connecting to " + peer() + " (TLS handshake) timed out after " + milliseconds_text(timeout),
          transport_failure::timeout};
    }
    if (rejected) {
      return std::move(*rejected);
    }
    return transport_error{"TLS handshake with " + peer() + " failed: " + code.message(),
                           transport_failure::connect_failed};
  }

  /// Whether the kept-alive connection can carry the next request. A server closes idle
  /// keep-alive connections; anything waiting on the socket before a request is sent (its close,
  /// a TLS close_notify, stray bytes) means it cannot. Right after a TLS handshake the server's
  /// session tickets may be waiting, so a TLS connection is checked only once it has carried an
  /// exchange (whose reply read those tickets).
  bool stream_usable() {
    if (!has_stream() || !lowest().socket().is_open() || buffer_.size() != 0) {
      return false;
    }
    if (secure_ && exchanges_on_stream_ == 0) {
      return true;
    }
    auto& socket = lowest().socket();
    error_code code;
    socket.non_blocking(true, code);
    char byte = 0;
    (void)socket.receive(asio::buffer(&byte, 1), tcp::socket::message_peek, code);
    error_code ignored;
    socket.non_blocking(false, ignored);
    return code == asio::error::would_block;
  }

  /// Maps a failed write or read to a transport error and closes: after a timeout or a broken
  /// stream a late reply could not be told from the next one, and the HTTP session is lost.
  transport_error fail_io(const std::string& step, const error_code& code, std::chrono::milliseconds timeout) {
    close();
    if (code == beast::error::timeout) {
      return transport_error{step + ": " + peer() + " did not answer within " + milliseconds_text(timeout),
                             transport_failure::timeout};
    }
    if (is_peer_close(code)) {
      return transport_error{step + ": " + peer() + " closed the connection (" + code.message() + ")",
                             transport_failure::closed};
    }
    return transport_error{step + ": I/O error with " + peer() + ": " + code.message(), transport_failure::io_error};
  }

  result<std::string, error> post(const std::string& request_bytes, std::chrono::milliseconds timeout) {
    auto text = soap::document_text(request_bytes);
    if (!text) {
      return protocol::protocol_error{"request for " + peer() + " is not an OCI document: " + text.error().message};
    }
    const auto deadline = clock_type::now() + timeout;
    if (!stream_usable()) {
      // Nothing has been sent yet, so opening a new connection cannot repeat a request.
      spdlog::debug("ocip soap: reconnecting to {}", peer());
      auto reopened = open_stream(deadline, timeout);
      if (!reopened) {
        close();
        return reopened.error();
      }
    }

    http::request<http::string_body> request{http::verb::post, options_.path, 11};
    request.set(http::field::host, host_header());
    request.set(http::field::user_agent, "ocip-client");
    request.set(http::field::content_type, "text/xml; charset=utf-8");
    request.set("SOAPAction", "\"\"");
    if (!cookie_.empty()) {
      request.set(http::field::cookie, "JSESSIONID=" + cookie_);
    }
    request.keep_alive(true);
    request.body() = soap::wrap_request(text.value());
    request.prepare_payload();

    lowest().expires_at(deadline);
    error_code code = secure_ ? run([&](auto finish) { http::async_write(*secure_, request, finish); })
                              : run([&](auto finish) { http::async_write(*plain_, request, finish); });
    if (code) {
      return fail_io("sending the request", code, timeout);
    }

    http::response_parser<http::string_body> parser;
    parser.header_limit(max_reply_header_bytes);
    parser.body_limit(options_.max_reply_bytes);
    code = secure_ ? run([&](auto finish) { http::async_read(*secure_, buffer_, parser, finish); })
                   : run([&](auto finish) { http::async_read(*plain_, buffer_, parser, finish); });
    if (code == http::error::body_limit || code == http::error::header_limit ||
        (code && code.category() == http::make_error_code(http::error::bad_version).category() &&
         !is_peer_close(code))) {
      close();
      return protocol::protocol_error{"reply from " + peer() + " is not an acceptable HTTP response: " +
                                      (code == http::error::body_limit
                                           ? "body larger than " + std::to_string(options_.max_reply_bytes) + " bytes"
                                           : code.message())};
    }
    if (code) {
      return fail_io(parser.got_some() ? "reading the reply (part received)" : "waiting for the reply", code, timeout);
    }
    ++exchanges_on_stream_;
    http::response<http::string_body> response = parser.release();
    const auto [first, last] = response.equal_range(http::field::set_cookie);
    for (auto header = first; header != last; ++header) {
      if (auto value = session_cookie({header->value().data(), header->value().size()})) {
        cookie_ = std::move(*value);
      }
    }
    if (!response.keep_alive()) {
      close_stream();  // the HTTP session (the cookie) lives on; the next request reconnects
    }
    return read_reply(response);
  }

  result<std::string, error> read_reply(const http::response<http::string_body>& response) const {
    const unsigned status = response.result_int();
    auto content = soap::unwrap_response(response.body());
    if (content && content.value().refusal) {
      // The web tier refused without an OCI reply: not an ErrorResponse, and not a transport fault.
      return protocol::protocol_error{"SOAP fault from " + peer() + " (HTTP " + std::to_string(status) +
                                      "): " + soap::describe(*content.value().refusal)};
    }
    if (status != 200) {
      const std::string excerpt = body_excerpt(response.body());
      return protocol::protocol_error{"HTTP " + std::to_string(status) + " " + std::string(response.reason()) +
                                      " from " + peer() + (excerpt.empty() ? std::string() : ": " + excerpt)};
    }
    if (!content) {
      return protocol::protocol_error{"SOAP reply from " + peer() + " cannot be read: " + content.error().message};
    }
    spdlog::debug("ocip soap: {} characters of reply from {}", content.value().document_text.size(), peer());
    // The reply is characters now; the declaration inside may name ISO-8859-1, so it is replaced
    // by one naming UTF-8 and protocol::decode() reads the bytes as they are.
    return soap::document_bytes(content.value().document_text);
  }

  soap_options options_;
  // Declared before the streams so that it outlives them.
  asio::io_context io_{1};
  std::optional<ssl::context> tls_context_;
  std::optional<beast::tcp_stream> plain_;
  std::optional<tls_stream> secure_;
  beast::flat_buffer buffer_;
  std::string cookie_;  ///< the JSESSIONID value: a credential, never logged
  bool open_ = false;   ///< connect() succeeded and nothing closed the session since
  std::size_t exchanges_on_stream_ = 0;
};

}  // namespace

std::unique_ptr<transport> make_soap_transport(soap_options options) {
  return std::make_unique<soap_transport>(std::move(options));
}

}  // namespace ocip::client
