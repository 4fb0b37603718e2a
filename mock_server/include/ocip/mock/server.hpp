#pragma once
/// The embeddable mock server: listeners and sessions that move bytes to and from the dispatcher.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ocip/mock/scenario.hpp"
#include "ocip/protocol/result.hpp"

namespace ocip::mock {

/// An address and port, as given or as bound.
struct endpoint {
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;

  /// "127.0.0.1:2208", or "[::1]:2208" for IPv6.
  [[nodiscard]] std::string to_string() const;
};

/// Parses "ADDR:PORT" (IPv6 as "[ADDR]:PORT"); the error names what is wrong.
[[nodiscard]] result<endpoint, std::string> parse_endpoint(std::string_view text);

/// A listener as bound: its kind ("tcp", "tls", "http", "https") and where it listens.
struct listener_info {
  std::string kind;
  endpoint bound;
};

/// How the server listens and guards its connections.
struct server_options {
  endpoint tcp{"127.0.0.1", 2208};  ///< OCI-P over TCP; port 0 picks a free port
  std::optional<endpoint> tls;      ///< OCI-P over TLS (the 2209 style), when set
  std::optional<endpoint> http;     ///< SOAP over HTTP, when set
  std::optional<endpoint> https;    ///< SOAP over HTTPS, when set
  /// PEM certificate (chain) for TLS and HTTPS; empty: a self-signed one for localhost/127.0.0.1
  /// is generated at start-up.
  std::string tls_certificate_file;
  std::string tls_private_key_file;  ///< PEM private key of tls_certificate_file
  /// Where a generated certificate's PEM is written, for clients to trust; empty: a new file in
  /// the system's temporary folder.
  std::string generated_certificate_file;
  /// Folder of the vendor OCI schema set; when set, every request command is validated against it.
  std::string schema_dir;
  /// The admin HTTP API (health, world, reset, scenario, locks, journal, verify), when set.
  std::optional<endpoint> admin;
  /// Lets the admin API listen on an address other than loopback (it has no authentication).
  bool admin_allow_remote = false;
  /// How many exchanges the request journal keeps (the oldest go first); 0: none are kept.
  std::size_t journal_capacity = 1000;
  /// A scenario file to watch: when it changes and loads, it is served (see replace_scenario); when
  /// it has problems, they are logged and the running world stays. Empty: no watching.
  std::filesystem::path watch_file;
  bool watch_keep_state = false;                                      ///< a reload keeps the live world (else: reset)
  std::chrono::milliseconds watch_interval{500};                      ///< how often the watched file is looked at
  std::size_t max_document_bytes = 4 * 1024 * 1024;                   ///< larger documents close the connection
  std::chrono::milliseconds idle_timeout{std::chrono::minutes(30)};   ///< no bytes for this long: close
  std::chrono::milliseconds write_timeout{std::chrono::seconds(30)};  ///< a peer that does not read
};

/// The mock OCI-P server. start() binds; run() serves until stop(), which may be called from any
/// thread, any number of times.
class server {
 public:
  server(scenario loaded, server_options options);
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  /// Binds every listener; afterwards tcp_endpoint() tells the bound port.
  [[nodiscard]] result<void, std::string> start();
  /// Every bound listener, in the order they were opened (valid after start()).
  [[nodiscard]] std::vector<listener_info> listeners() const;
  /// The file holding a generated TLS certificate's PEM, or empty when none was generated.
  [[nodiscard]] std::string generated_certificate_file() const;
  /// The TCP listener's bound address and port (valid after start()).
  [[nodiscard]] endpoint tcp_endpoint() const;
  /// Serves until stop(); call from one thread.
  void run();
  /// Closes the listeners and every live connection; idempotent and thread-safe.
  void stop();

  /// Puts the world back as the current scenario describes it: its devices, users and locks, the
  /// script's state and rule counts, and (with a token seed) the token sequence. Logins and
  /// connections stay. Thread-safe: it runs on the server's thread, after the requests already
  /// being decided.
  void reset();
  /// Serves another scenario from now on. `keep_state`: the live world (what provisioning and rules
  /// changed, the script's state) stays and only the scenario's rules and mock settings are
  /// replaced; otherwise the world becomes the new scenario's. Thread-safe, as reset().
  void replace_scenario(scenario next, bool keep_state);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace ocip::mock
