// ocip-conformance: runs the conformance cases against the in-process mock (no --target) or against
// the OCI-P server a target file names (--target FILE). GoogleTest flags work as usual, e.g.
// --gtest_output=xml:report.xml for a JUnit-style report.
#include <cstring>
#include <filesystem>
#include <iostream>
#include <optional>
#include <thread>

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include "ocip/mock/scenario.hpp"
#include "ocip/mock/server.hpp"
#include "suite.hpp"

namespace ocip::conformance {
namespace {
target the_target;
}  // namespace

const target& current_target() {
  return the_target;
}

}  // namespace ocip::conformance

namespace {

constexpr const char* usage =
    "ocip-conformance: checks that an OCI-P server behaves as BroadWorks does for login, documents\n"
    "and Single Sign-On device tokens.\n"
    "\n"
    "Usage: ocip-conformance [--target FILE] [--mock-schema-dir DIR] [GoogleTest flags]\n"
    "\n"
    "  (no --target)          start ocip-mock in-process on free loopback ports (TCP, TLS with a\n"
    "                         generated certificate, SOAP over HTTP and HTTPS), serving the default\n"
    "                         scenario, and run every case over each transport\n"
    "  --target FILE          run against the server a YAML target file describes: address,\n"
    "                         transport, credentials and which users and devices play each role\n"
    "                         (see tests/conformance/README.md)\n"
    "  --mock-schema-dir DIR  the in-process mock validates every request against the OCI schema\n"
    "                         set in DIR, as a real server does; exits 77 (skipped) when DIR is absent\n"
    "  --help                 this text; --gtest_help lists the GoogleTest flags, e.g.\n"
    "                         --gtest_output=xml:conformance.xml (JUnit XML), --gtest_filter='*SSO*'\n";

/// Exit status for "skipped" (ctest's SKIP_RETURN_CODE).
constexpr int skipped = 77;

/// Starts the in-process mock on free loopback ports and records them in the target.
bool start_mock(std::optional<ocip::mock::server>& mock, ocip::conformance::target& t) {
  auto scenario =
      t.mock_scenario.empty()
          ? ocip::result<ocip::mock::scenario, ocip::mock::scenario_error>(ocip::mock::load_default_scenario())
          : ocip::mock::load_scenario_file(t.mock_scenario);
  if (!scenario) {
    std::cerr << "ocip-conformance: the mock's scenario has problems:\n" << scenario.error().to_string() << "\n";
    return false;
  }
  // The report is the suite's output; the in-process mock only speaks up about problems.
  spdlog::set_level(spdlog::level::warn);
  ocip::mock::server_options options;
  options.tcp = {"127.0.0.1", 0};
  options.tls = ocip::mock::endpoint{"127.0.0.1", 0};
  options.http = ocip::mock::endpoint{"127.0.0.1", 0};
  options.https = ocip::mock::endpoint{"127.0.0.1", 0};
  options.schema_dir = t.mock_schema_dir;
  mock.emplace(std::move(scenario).value(), options);
  if (auto started = mock->start(); !started) {
    std::cerr << "ocip-conformance: cannot start the mock: " << started.error() << "\n";
    return false;
  }
  t.host = "127.0.0.1";
  for (const auto& listener : mock->listeners()) {
    const std::string transport = listener.kind == "http" ? "soap" : listener.kind == "https" ? "soaps" : listener.kind;
    t.ports[transport] = listener.bound.port;
  }
  t.ca_file = mock->generated_certificate_file();
  t.server_name = "localhost";
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  using ocip::conformance::the_target;

  // The suite's own arguments are read before GoogleTest's, because the cases are instantiated
  // over the target's transports when GoogleTest initialises.
  std::optional<std::string> target_path;
  std::optional<std::string> schema_dir;
  for (int i = 1; i < argc; ++i) {
    const std::string_view argument = argv[i];
    if (argument == "--help" || argument == "-h") {
      std::cout << usage;
      return 0;
    }
    if ((argument == "--target" || argument == "--mock-schema-dir") && i + 1 < argc) {
      (argument == "--target" ? target_path : schema_dir) = argv[++i];
    } else if (argument.rfind("--target=", 0) == 0) {
      target_path = std::string(argument.substr(9));
    } else if (argument.rfind("--mock-schema-dir=", 0) == 0) {
      schema_dir = std::string(argument.substr(18));
    } else if (argument.rfind("--gtest_", 0) != 0) {
      std::cerr << "ocip-conformance: unknown argument '" << argument << "'\n" << usage;
      return 2;
    }
  }

  if (target_path) {
    auto loaded = ocip::conformance::load_target_file(*target_path);
    if (!loaded) {
      std::cerr << "ocip-conformance: " << loaded.error() << "\n";
      return 2;
    }
    the_target = std::move(loaded).value();
  } else {
    the_target = ocip::conformance::built_in_mock_target();
  }
  if (schema_dir) {
    if (!the_target.in_process_mock) {
      std::cerr << "ocip-conformance: --mock-schema-dir is for the in-process mock, not for --target servers\n";
      return 2;
    }
    if (!std::filesystem::is_directory(*schema_dir)) {
      std::cout << "ocip-conformance: schema folder " << *schema_dir << " is absent: skipped\n";
      return skipped;
    }
    the_target.mock_schema_dir = *schema_dir;
  }

  ::testing::InitGoogleTest(&argc, argv);

  std::optional<ocip::mock::server> mock;
  std::thread serving;
  if (the_target.in_process_mock) {
    if (!start_mock(mock, the_target)) {
      return 2;
    }
    serving = std::thread([&mock] { mock->run(); });
  }
  std::cout << "ocip-conformance: target " << the_target.source << ":";
  for (const auto& transport : the_target.transports) {
    std::cout << " " << transport << " " << the_target.host << ":"
              << (the_target.ports.count(transport) != 0U ? the_target.ports.at(transport) : the_target.port);
  }
  std::cout << (the_target.in_process_mock ? " (in-process mock" : "")
            << (the_target.mock_schema_dir.empty() ? "" : ", validating requests against the schema")
            << (the_target.in_process_mock ? ")" : "") << std::endl;

  const int failed = RUN_ALL_TESTS();
  if (mock) {
    mock->stop();
    serving.join();
  }
  return failed;
}
