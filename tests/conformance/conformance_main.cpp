// ocip-conformance: runs the conformance cases against the in-process mock (no arguments) or against
// the OCI-P server a target file names (--target FILE). GoogleTest flags work as usual, e.g.
// --gtest_output=xml:report.xml for a JUnit-style report.
#include <cstring>
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

const target& current_target() { return the_target; }

}  // namespace ocip::conformance

namespace {

constexpr const char* usage =
    "ocip-conformance: checks that an OCI-P server behaves as BroadWorks does for login, documents\n"
    "and Single Sign-On device tokens.\n"
    "\n"
    "Usage: ocip-conformance [--target FILE] [GoogleTest flags]\n"
    "\n"
    "  (no --target)    start ocip-mock in-process on a free loopback port, serving the default\n"
    "                   scenario, and run against it\n"
    "  --target FILE    run against the server a YAML target file describes: address, transport,\n"
    "                   credentials and which users and devices play each role (see\n"
    "                   tests/conformance/README.md)\n"
    "  --help           this text; --gtest_help lists the GoogleTest flags, e.g.\n"
    "                   --gtest_output=xml:conformance.xml (JUnit XML), --gtest_filter=SSO*\n";

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);

  std::optional<std::string> target_path;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
      std::cout << usage;
      return 0;
    }
    if (std::strcmp(argv[i], "--target") == 0 && i + 1 < argc) {
      target_path = argv[++i];
    } else if (std::strncmp(argv[i], "--target=", 9) == 0) {
      target_path = argv[i] + 9;
    } else {
      std::cerr << "ocip-conformance: unknown argument '" << argv[i] << "'\n" << usage;
      return 2;
    }
  }

  using ocip::conformance::the_target;
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

  std::optional<ocip::mock::server> mock;
  std::thread serving;
  if (the_target.in_process_mock) {
    auto scenario = the_target.mock_scenario.empty()
                        ? ocip::result<ocip::mock::scenario, ocip::mock::scenario_error>(ocip::mock::load_default_scenario())
                        : ocip::mock::load_scenario_file(the_target.mock_scenario);
    if (!scenario) {
      std::cerr << "ocip-conformance: the mock's scenario has problems:\n" << scenario.error().to_string() << "\n";
      return 2;
    }
    // The report is the suite's output; the in-process mock only speaks up about problems.
    spdlog::set_level(spdlog::level::warn);
    ocip::mock::server_options options;
    options.tcp = {"127.0.0.1", 0};
    mock.emplace(std::move(scenario).value(), options);
    if (auto started = mock->start(); !started) {
      std::cerr << "ocip-conformance: cannot start the mock: " << started.error() << "\n";
      return 2;
    }
    the_target.host = mock->tcp_endpoint().address;
    the_target.port = mock->tcp_endpoint().port;
    serving = std::thread([&mock] { mock->run(); });
  }
  std::cout << "ocip-conformance: target " << the_target.source << ": " << the_target.transport << " "
            << the_target.host << ":" << the_target.port << (the_target.in_process_mock ? " (in-process mock)" : "")
            << std::endl;

  const int failed = RUN_ALL_TESTS();
  if (mock) {
    mock->stop();
    serving.join();
  }
  return failed;
}
