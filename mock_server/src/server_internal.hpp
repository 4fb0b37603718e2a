#pragma once
// What the server's listeners and sessions share. Internal to mock_server/src: Asio appears here,
// never in the public headers.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <list>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "ocip/mock/dispatcher.hpp"
#include "ocip/mock/journal.hpp"
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

/// The scenario being served and the live world, for the admin API and the scenario watcher.
/// Every call is made on the server's thread.
class scenario_control {
 public:
  virtual ~scenario_control() = default;
  /// The scenario as loaded (the world a reset goes back to).
  [[nodiscard]] virtual const scenario& current() const = 0;
  /// The live world, as requests have changed it.
  [[nodiscard]] virtual world& live() = 0;
  /// Puts the live world back as the current scenario describes it (see server::reset).
  virtual void reset() = 0;
  /// Serves another scenario (see server::replace_scenario).
  virtual void replace(scenario next, bool keep_state) = 0;
  /// The request journal.
  [[nodiscard]] virtual journal& exchanges() = 0;
  /// Every bound listener.
  [[nodiscard]] virtual std::vector<listener_info> bound_listeners() const = 0;

 protected:
  scenario_control() = default;
  scenario_control(const scenario_control&) = default;
  scenario_control& operator=(const scenario_control&) = default;
};

/// What every listener and session of one server uses. All of it lives on the server's one thread.
struct server_context {
  asio::io_context& io;
  dispatcher& decide;
  const server_options& options;
  connection_registry& registry;
  scenario_control& control;
  std::uint64_t connections_numbered = 0;  ///< the last number given to a connection (connection_state::id)

  /// The next connection number, from 1.
  std::uint64_t number_connection() { return ++connections_numbered; }
};

/// One bound listener: its kind, its acceptor and the address it actually listens on.
struct bound_listener {
  std::string kind;
  tcp::acceptor acceptor;
  endpoint bound;
};

/// The server's listeners, so that stop() can close every one of them.
class listener_set {
 public:
  /// Binds a listener of this kind and accepts on it; `serve` gets each accepted socket.
  result<void, std::string> listen(asio::io_context& io, std::string kind, const endpoint& where,
                                   std::function<void(tcp::socket)> serve);
  /// Every bound listener, in the order they were opened.
  [[nodiscard]] std::vector<listener_info> bound() const;
  /// Stops accepting on every listener.
  void close_all();

 private:
  std::vector<std::unique_ptr<bound_listener>> listeners_;
};

/// The TLS identity of the TLS and HTTPS listeners: the configured certificate and key, or a
/// self-signed certificate made at start-up.
struct tls_identity {
  std::shared_ptr<asio::ssl::context> context;
  std::string generated_certificate_file;  ///< where a generated certificate was written, else empty
};

/// Loads or generates the server's TLS identity (tls_listener.cpp).
result<tls_identity, std::string> make_tls_identity(const server_options& options);

/// Opens the OCI-P over TLS listener (tls_listener.cpp).
result<void, std::string> start_tls_listener(server_context& context, listener_set& listeners, asio::ssl::context& tls);

/// Opens a SOAP listener: HTTP when `tls` is null, HTTPS otherwise (http_listener.cpp).
result<void, std::string> start_http_listener(server_context& context, listener_set& listeners,
                                              asio::ssl::context* tls);

/// Opens the admin API's listener on options.admin (admin_service.cpp).
result<void, std::string> start_admin_listener(server_context& context, listener_set& listeners);

/// Watches a scenario file and serves each new version that loads (scenario_watch.cpp).
void start_scenario_watch(server_context& context, const std::filesystem::path& file, bool keep_state,
                          std::chrono::milliseconds interval);

/// "127.0.0.1:40123" for a peer, or "unknown peer".
std::string describe_peer(const tcp::socket::lowest_layer_type& socket);

/// The peer's IP address alone ("127.0.0.1", "::1"), or empty when the socket has no peer.
std::string peer_ip_address(const tcp::socket::lowest_layer_type& socket);

/// Opens, binds and listens; the error names the listener kind and the address.
result<void, std::string> open_acceptor(tcp::acceptor& acceptor, const endpoint& where, std::string_view kind);

/// Accepts connections until the acceptor closes, handing each socket to `on_accept`.
asio::awaitable<void> accept_loop(tcp::acceptor& acceptor, std::string kind,
                                  std::function<void(tcp::socket)> on_accept);

}  // namespace ocip::mock::detail
