#include "ocip/mock/server.hpp"

#include <array>
#include <charconv>
#include <list>
#include <mutex>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include "ocip/mock/dispatcher.hpp"
#include "ocip/mock/token_source.hpp"
#include "ocip/protocol/codec.hpp"
#include "ocip/protocol/framer.hpp"

namespace ocip::mock {

namespace asio = boost::asio;
using asio::ip::tcp;
using std::chrono::steady_clock;

std::string endpoint::to_string() const {
  if (address.find(':') != std::string::npos) {
    return "[" + address + "]:" + std::to_string(port);
  }
  return address + ":" + std::to_string(port);
}

result<endpoint, std::string> parse_endpoint(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) {
    return "'" + std::string(text) + "' is not ADDR:PORT (e.g. 127.0.0.1:2208 or [::1]:2208)";
  }
  std::string_view address = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  if (address.front() == '[') {
    if (address.back() != ']') {
      return "'" + std::string(text) + "': an IPv6 address must be written [ADDR]:PORT";
    }
    address = address.substr(1, address.size() - 2);
  }
  unsigned int port = 0;
  const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc{} || end != port_text.data() + port_text.size() || port > 65535) {
    return "'" + std::string(text) + "': port '" + std::string(port_text) + "' is not a number from 0 to 65535";
  }
  if (address == "localhost") {
    address = "127.0.0.1";  // the one name accepted; listeners take addresses, not host names
  }
  boost::system::error_code address_error;
  const auto parsed = asio::ip::make_address(std::string(address), address_error);
  if (address_error) {
    return "'" + std::string(text) + "': '" + std::string(address) + "' is not an IP address";
  }
  return endpoint{parsed.to_string(), static_cast<std::uint16_t>(port)};
}

namespace {

/// One client connection: reads bytes, frames documents, writes each reply in one write.
class tcp_connection : public std::enable_shared_from_this<tcp_connection> {
 public:
  tcp_connection(tcp::socket socket, dispatcher& decide, const server_options& options)
      : socket_(std::move(socket)), timer_(socket_.get_executor()), dispatcher_(decide), options_(options),
        framer_(options.max_document_bytes) {
    boost::system::error_code ec;
    const auto peer = socket_.remote_endpoint(ec);
    state_.transport = "tcp";
    state_.remote = ec ? std::string("unknown peer") : peer.address().to_string() + ":" + std::to_string(peer.port());
  }

  /// Starts serving; the connection keeps itself alive until it closes.
  void start() {
    auto self = shared_from_this();
    asio::co_spawn(socket_.get_executor(), [self]() { return self->serve(); }, asio::detached);
    asio::co_spawn(socket_.get_executor(), [self]() { return self->watchdog(); }, asio::detached);
  }

  /// Closes the socket; pending reads and writes end, and so does the connection.
  void close() {
    closed_ = true;
    boost::system::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    timer_.cancel();
  }

 private:
  asio::awaitable<void> serve() {
    spdlog::info("tcp connection from {}", state_.remote);
    std::array<char, 16384> buffer{};
    while (!closed_) {
      deadline_ = steady_clock::now() + options_.idle_timeout;
      boost::system::error_code ec;
      const std::size_t count =
          co_await socket_.async_read_some(asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        spdlog::info("tcp connection from {} ended: {}", state_.remote,
                     ec == asio::error::eof ? std::string("closed by peer") : ec.message());
        break;
      }
      framer_.put(std::string_view(buffer.data(), count));
      if (!co_await answer_ready_documents()) {
        break;
      }
      if (framer_.error()) {
        spdlog::warn("tcp connection from {}: {}; closing", state_.remote, framer_.error()->message);
        break;
      }
    }
    close();
  }

  /// Answers every whole document received so far, in arrival order. False: close the connection.
  asio::awaitable<bool> answer_ready_documents() {
    while (auto bytes = framer_.next()) {
      auto request = protocol::decode(*bytes);
      if (!request) {
        spdlog::warn("tcp connection from {}: unreadable document ({}); closing", state_.remote,
                     request.error().message);
        co_return false;
      }
      dispatch_result decided = dispatcher_.dispatch(request.value(), state_);
      log_exchange(request.value(), decided);
      if (decided.reply) {
        // Declaration, document and the final LF go out in one write (§2).
        const std::string reply = protocol::encode(*decided.reply, protocol::wire_style::server);
        deadline_ = steady_clock::now() + options_.write_timeout;
        boost::system::error_code ec;
        co_await asio::async_write(socket_, asio::buffer(reply), asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
          spdlog::info("tcp connection from {}: write failed: {}", state_.remote, ec.message());
          co_return false;
        }
      }
      if (decided.close_after) {
        spdlog::info("tcp connection from {}: closing as the scenario says", state_.remote);
        co_return false;
      }
    }
    co_return true;
  }

  /// One line per command: what was asked and what was answered. Names and codes only: bodies
  /// carry passwords and tokens, and session ids are credentials too.
  void log_exchange(const protocol::document& request, const dispatch_result& decided) const {
    for (std::size_t i = 0; i < request.commands.size(); ++i) {
      std::string answer = "no reply";
      if (decided.reply && i < decided.reply->commands.size()) {
        const protocol::command& reply = decided.reply->commands[i];
        answer = reply.type;
        if (reply.type == "ErrorResponse") {
          const auto code = protocol::error_response::from_command(reply).error_code;
          answer += code ? " " + std::to_string(*code) : std::string();
        }
      } else if (decided.reply && !decided.reply->commands.empty()) {
        answer = "answered by the document's first reply";
      }
      spdlog::info("tcp {}: {} -> {}", state_.remote, request.commands[i].type, answer);
    }
  }

  /// Closes the connection when a read or write outlives its deadline.
  asio::awaitable<void> watchdog() {
    while (!closed_) {
      timer_.expires_at(deadline_);
      boost::system::error_code ec;
      co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (!closed_ && deadline_ <= steady_clock::now()) {
        spdlog::info("tcp connection from {}: timed out; closing", state_.remote);
        close();
      }
    }
  }

  tcp::socket socket_;
  asio::steady_timer timer_;
  steady_clock::time_point deadline_ = steady_clock::now();
  dispatcher& dispatcher_;
  const server_options& options_;
  protocol::framer framer_;
  connection_state state_;
  bool closed_ = false;
};

}  // namespace

struct server::impl {
  impl(scenario loaded, server_options opts)
      : current(std::move(loaded)), live(current.initial), options(std::move(opts)),
        tokens(live.mock.token_seed), decide(live, tokens), acceptor(io) {}

  asio::awaitable<void> accept_loop() {
    while (acceptor.is_open()) {
      boost::system::error_code ec;
      tcp::socket socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        if (ec == asio::error::operation_aborted || !acceptor.is_open()) {
          break;
        }
        // Out of descriptors and the like: say so, pause, and keep serving the others.
        spdlog::warn("accept failed: {}", ec.message());
        asio::steady_timer pause(io, std::chrono::milliseconds(100));
        co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        continue;
      }
      auto connection = std::make_shared<tcp_connection>(std::move(socket), decide, options);
      connections.remove_if([](const std::weak_ptr<tcp_connection>& weak) { return weak.expired(); });
      connections.push_back(connection);
      connection->start();
    }
  }

  scenario current;
  world live;
  server_options options;
  token_source tokens;
  dispatcher decide;
  asio::io_context io{1};
  tcp::acceptor acceptor;
  std::list<std::weak_ptr<tcp_connection>> connections;
  endpoint bound;
  std::once_flag stopped;
};

server::server(scenario loaded, server_options options)
    : impl_(std::make_unique<impl>(std::move(loaded), std::move(options))) {}

server::~server() = default;

result<void, std::string> server::start() {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(impl_->options.tcp.address, ec);
  if (ec) {
    return "tcp listener: '" + impl_->options.tcp.address + "' is not an IP address";
  }
  const tcp::endpoint wanted(address, impl_->options.tcp.port);
  auto& acceptor = impl_->acceptor;
  if (acceptor.open(wanted.protocol(), ec); !ec) {
    acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  }
  if (!ec) {
    acceptor.bind(wanted, ec);
  }
  if (!ec) {
    acceptor.listen(asio::socket_base::max_listen_connections, ec);
  }
  if (ec) {
    return "tcp listener on " + impl_->options.tcp.to_string() + ": " + ec.message();
  }
  const auto local = acceptor.local_endpoint(ec);
  impl_->bound = endpoint{local.address().to_string(), local.port()};
  asio::co_spawn(impl_->io, impl_->accept_loop(), asio::detached);
  return outcome::success();
}

endpoint server::tcp_endpoint() const { return impl_->bound; }

void server::run() { impl_->io.run(); }

void server::stop() {
  std::call_once(impl_->stopped, [this] {
    asio::post(impl_->io, [this] {
      boost::system::error_code ignored;
      impl_->acceptor.close(ignored);
      for (const auto& weak : impl_->connections) {
        if (auto connection = weak.lock()) {
          connection->close();
        }
      }
    });
  });
}

}  // namespace ocip::mock
