#pragma once
// Starts an in-process ocip-mock on a free loopback port for one test, and stops it after.

#include <thread>

#include <gtest/gtest.h>

#include "ocip/mock/scenario.hpp"
#include "ocip/mock/server.hpp"

namespace ocip::testing {

/// The mock on the default scenario (or given scenario text), served on its own thread.
class running_mock {
 public:
  explicit running_mock(std::string_view scenario_text = {}) : running_mock(load(scenario_text)) {}

  /// The mock on a scenario made in code (e.g. the default one with rules added).
  explicit running_mock(mock::scenario loaded) {
    mock::server_options options;
    options.tcp = {"127.0.0.1", 0};
    options.tls = mock::endpoint{"127.0.0.1", 0};    // with a generated certificate
    options.http = mock::endpoint{"127.0.0.1", 0};   // SOAP
    options.https = mock::endpoint{"127.0.0.1", 0};  // SOAP over TLS, with the same certificate
    options.admin = mock::endpoint{"127.0.0.1", 0};
    options.max_document_bytes = 64 * 1024;
    options.idle_timeout = std::chrono::seconds(20);
    server_.emplace(std::move(loaded), options);
    auto started = server_->start();
    if (!started) {
      ADD_FAILURE() << started.error();
      return;
    }
    thread_ = std::thread([this] { server_->run(); });
  }
  ~running_mock() {
    server_->stop();
    if (thread_.joinable()) {
      thread_.join();
    }
  }
  running_mock(const running_mock&) = delete;
  running_mock& operator=(const running_mock&) = delete;

  /// The TCP listener's port.
  [[nodiscard]] std::uint16_t port() const { return server_->tcp_endpoint().port; }
  /// The port of the listener of this kind ("tcp", "tls", "http", "https", "admin"), or 0.
  [[nodiscard]] std::uint16_t port(std::string_view kind) const {
    for (const auto& listener : server_->listeners()) {
      if (listener.kind == kind) {
        return listener.bound.port;
      }
    }
    return 0;
  }
  /// The generated certificate's PEM file, for TLS clients to trust.
  [[nodiscard]] std::string certificate_file() const { return server_->generated_certificate_file(); }
  mock::server& server() { return *server_; }

 private:
  static mock::scenario load(std::string_view scenario_text) {
    auto loaded = scenario_text.empty() ? result<mock::scenario, mock::scenario_error>(mock::load_default_scenario())
                                        : mock::load_scenario_text(scenario_text, "test scenario");
    if (!loaded) {
      ADD_FAILURE() << loaded.error().to_string();
      return mock::load_default_scenario();
    }
    return std::move(loaded).value();
  }

  std::optional<mock::server> server_;
  std::thread thread_;
};

}  // namespace ocip::testing
