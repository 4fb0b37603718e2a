#include "ocip/mock/server.hpp"

#include <charconv>
#include <mutex>

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>

#include "ocip/mock/dispatcher.hpp"
#include "ocip/mock/token_source.hpp"
#include "server_internal.hpp"
#include "stream_session.hpp"

namespace ocip::mock {

namespace asio = boost::asio;
using asio::ip::tcp;

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

namespace detail {

std::string describe_peer(const tcp::socket::lowest_layer_type& socket) {
  boost::system::error_code ec;
  const auto peer = socket.remote_endpoint(ec);
  if (ec) {
    return "unknown peer";
  }
  return endpoint{peer.address().to_string(), peer.port()}.to_string();
}

std::string peer_ip_address(const tcp::socket::lowest_layer_type& socket) {
  boost::system::error_code ec;
  const auto peer = socket.remote_endpoint(ec);
  return ec ? std::string() : peer.address().to_string();
}

result<void, std::string> open_acceptor(tcp::acceptor& acceptor, const endpoint& where, std::string_view kind) {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(where.address, ec);
  if (ec) {
    return std::string(kind) + " listener: '" + where.address + "' is not an IP address";
  }
  const tcp::endpoint wanted(address, where.port);
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
    return std::string(kind) + " listener on " + where.to_string() + ": " + ec.message();
  }
  return outcome::success();
}

asio::awaitable<void> accept_loop(tcp::acceptor& acceptor, std::string kind,
                                  std::function<void(tcp::socket)> on_accept) {
  while (acceptor.is_open()) {
    boost::system::error_code ec;
    tcp::socket socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) {
        break;
      }
      // Out of descriptors and the like: say so, pause, and keep serving the others.
      spdlog::warn("{} accept failed: {}", kind, ec.message());
      asio::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(100));
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    on_accept(std::move(socket));
  }
}

result<void, std::string> listener_set::listen(asio::io_context& io, std::string kind, const endpoint& where,
                                               std::function<void(tcp::socket)> serve) {
  auto& added = *listeners_.emplace_back(std::make_unique<bound_listener>(bound_listener{kind, tcp::acceptor(io), {}}));
  if (auto opened = open_acceptor(added.acceptor, where, kind); !opened) {
    return opened.error();
  }
  boost::system::error_code ec;
  const auto local = added.acceptor.local_endpoint(ec);
  added.bound = endpoint{local.address().to_string(), local.port()};
  asio::co_spawn(io, accept_loop(added.acceptor, std::move(kind), std::move(serve)), asio::detached);
  return outcome::success();
}

std::vector<listener_info> listener_set::bound() const {
  std::vector<listener_info> result;
  for (const auto& each : listeners_) {
    result.push_back({each->kind, each->bound});
  }
  return result;
}

void listener_set::close_all() {
  boost::system::error_code ignored;
  for (const auto& each : listeners_) {
    each->acceptor.close(ignored);
  }
}

}  // namespace detail

struct server::impl final : detail::scenario_control {
  impl(scenario loaded, server_options opts)
      : current_scenario(std::move(loaded)),
        live_world(fresh_world(current_scenario)),
        options(std::move(opts)),
        tokens(live_world.mock.token_seed),
        decide(live_world, tokens),
        exchanges_(options.journal_capacity),
        context{io, decide, options, registry, *this} {
    decide.set_observer(
        [this](const protocol::document& request, const connection_state& connection, const dispatch_result& result,
               std::chrono::microseconds took) { exchanges_.record(request, connection, result, took); });
  }

  /// The world a scenario starts with: its script at its initial state, no rule used yet.
  static world fresh_world(const scenario& from) {
    world fresh = from.initial;
    fresh.progress = script_progress{fresh.scripting.initial_state, {}};
    return fresh;
  }

  [[nodiscard]] const scenario& current() const override { return current_scenario; }

  [[nodiscard]] world& live() override { return live_world; }

  void reset() override {
    live_world = fresh_world(current_scenario);
    tokens = token_source(live_world.mock.token_seed);
    spdlog::info("world reset to scenario {}", current_scenario.source);
  }

  void replace(scenario next, bool keep_state) override {
    current_scenario = std::move(next);
    if (!keep_state) {
      reset();
      return;
    }
    const bool same_rules = live_world.scripting.rules.size() == current_scenario.initial.scripting.rules.size();
    live_world.mock = current_scenario.initial.mock;
    live_world.scripting = current_scenario.initial.scripting;
    if (!same_rules) {
      live_world.progress.matches.clear();  // counts follow rules by position: start them again
    }
    spdlog::info("serving scenario {}; live world kept", current_scenario.source);
  }

  [[nodiscard]] journal& exchanges() override { return exchanges_; }

  [[nodiscard]] std::vector<listener_info> bound_listeners() const override { return listeners.bound(); }

  scenario current_scenario;
  world live_world;
  server_options options;
  token_source tokens;
  dispatcher decide;
  journal exchanges_;
  asio::io_context io{1};
  detail::connection_registry registry;
  detail::server_context context;
  detail::listener_set listeners;
  detail::tls_identity tls;
  std::once_flag stopped;
};

server::server(scenario loaded, server_options options)
    : impl_(std::make_unique<impl>(std::move(loaded), std::move(options))) {}

server::~server() = default;

namespace {

/// True for 127.0.0.0/8 and ::1 (and ::ffff:127.x.y.z).
bool is_loopback(const std::string& address) {
  boost::system::error_code ec;
  const auto parsed = asio::ip::make_address(address, ec);
  if (ec) {
    return false;
  }
  if (parsed.is_v6() && parsed.to_v6().is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, parsed.to_v6()).is_loopback();
  }
  return parsed.is_loopback();
}

}  // namespace

result<void, std::string> server::start() {
  if (impl_->options.admin && !impl_->options.admin_allow_remote && !is_loopback(impl_->options.admin->address)) {
    return "admin listener on " + impl_->options.admin->to_string() +
           ": the admin API has no authentication, so it listens on loopback only (127.0.0.1 or ::1); "
           "pass --admin-allow-remote to listen there anyway";
  }
  if (!impl_->options.schema_dir.empty()) {
    // Loaded here, not in the constructor, so that a bad folder is reported by start().
    auto validator = schema_validator::load(impl_->options.schema_dir);
    if (!validator) {
      return "schema: " + validator.error();
    }
    impl_->decide.set_schema_validator(std::move(validator).value());
  }
  auto& context = impl_->context;
  const server_options& options = impl_->options;
  auto opened = impl_->listeners.listen(impl_->io, "tcp", options.tcp, [&context](detail::tcp::socket socket) {
    std::make_shared<detail::stream_session<detail::tcp::socket>>(std::move(socket), context, "tcp")->start();
  });
  if (opened && (options.tls || options.https)) {
    auto identity = detail::make_tls_identity(options);
    if (!identity) {
      return identity.error();
    }
    impl_->tls = std::move(identity).value();
  }
  if (opened && options.tls) {
    opened = detail::start_tls_listener(context, impl_->listeners, *impl_->tls.context);
  }
  if (opened && options.http) {
    opened = detail::start_http_listener(context, impl_->listeners, nullptr);
  }
  if (opened && options.https) {
    opened = detail::start_http_listener(context, impl_->listeners, impl_->tls.context.get());
  }
  if (opened && options.admin) {
    opened = detail::start_admin_listener(context, impl_->listeners);
  }
  if (opened && !options.watch_file.empty()) {
    detail::start_scenario_watch(context, options.watch_file, options.watch_keep_state, options.watch_interval);
  }
  return opened;
}

std::vector<listener_info> server::listeners() const {
  return impl_->listeners.bound();
}

std::string server::generated_certificate_file() const {
  return impl_->tls.generated_certificate_file;
}

endpoint server::tcp_endpoint() const {
  for (const auto& each : impl_->listeners.bound()) {
    if (each.kind == "tcp") {
      return each.bound;
    }
  }
  return {};
}

void server::run() {
  impl_->io.run();
}

void server::reset() {
  asio::post(impl_->io, [this] { impl_->reset(); });
}

void server::replace_scenario(scenario next, bool keep_state) {
  asio::post(impl_->io,
             [this, next = std::move(next), keep_state]() mutable { impl_->replace(std::move(next), keep_state); });
}

void server::stop() {
  std::call_once(impl_->stopped, [this] {
    asio::post(impl_->io, [this] {
      impl_->listeners.close_all();
      impl_->registry.close_all();
    });
  });
}

}  // namespace ocip::mock
