#pragma once
// What the server's listeners and sessions share. Internal to mock_server/src: Asio appears here,
// never in the public headers.

#include <functional>
#include <list>
#include <memory>
#include <string>
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "ocip/mock/dispatcher.hpp"
#include "ocip/mock/server.hpp"

namespace ocip::mock::detail {

namespace asio = boost::asio;
using asio::ip::tcp;

/// Anything stop() must close: a live connection.
class closable {
 public:
  virtual ~closable() = default;
  /// Closes at once; pending reads and writes end with an error.
  virtual void close() = 0;

 protected:
  closable() = default;
  closable(const closable&) = default;
  closable& operator=(const closable&) = default;
};

/// The live connections, so that stop() can close every one of them.
class connection_registry {
 public:
  /// Remembers a connection without keeping it alive.
  void add(const std::shared_ptr<closable>& connection) {
    live_.remove_if([](const std::weak_ptr<closable>& weak) { return weak.expired(); });
    live_.push_back(connection);
  }
  /// Closes every connection still alive.
  void close_all() {
    for (const auto& weak : live_) {
      if (auto connection = weak.lock()) {
        connection->close();
      }
    }
    live_.clear();
  }

 private:
  std::list<std::weak_ptr<closable>> live_;
};

/// What every listener and session of one server uses. All of it lives on the server's one thread.
struct server_context {
  asio::io_context& io;
  dispatcher& decide;
  const server_options& options;
  connection_registry& registry;
};

/// "127.0.0.1:40123" for a peer, or "unknown peer".
std::string describe_peer(const tcp::socket::lowest_layer_type& socket);

/// Opens, binds and listens; the error names the listener kind and the address.
result<void, std::string> open_acceptor(tcp::acceptor& acceptor, const endpoint& where, std::string_view kind);

/// Accepts connections until the acceptor closes, handing each socket to `on_accept`.
asio::awaitable<void> accept_loop(tcp::acceptor& acceptor, std::string kind,
                                  std::function<void(tcp::socket)> on_accept);

}  // namespace ocip::mock::detail
