// ocip-mock: parses arguments, installs signal handling, runs the server. Nothing else lives here.
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <thread>

#include <pthread.h>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <boost/program_options.hpp>

#include "ocip/mock/scenario.hpp"
#include "ocip/mock/server.hpp"

namespace po = boost::program_options;

namespace {

constexpr const char* usage_head =
    "ocip-mock: a scriptable mock BroadWorks OCI-P server.\n"
    "\n"
    "Serves OCI-P over TCP the way a real Application Server does, from a world described in a\n"
    "YAML scenario (see scenarios/README.md). Without --scenario it serves the built-in default\n"
    "scenario. At start it prints the scenario it loaded and one line per listener, e.g.\n"
    "'listening tcp 127.0.0.1:2208' and 'listening admin 127.0.0.1:2280'. SIGINT or SIGTERM stop it.\n"
    "\n"
    "Usage: ocip-mock [options]\n";

}  // namespace

int main(int argc, char** argv) {
  std::string scenario_path;
  std::string listen_text;
  std::string tls_listen_text;
  std::string http_listen_text;
  std::string https_listen_text;
  std::string admin_listen_text;
  std::string watch_state;
  ocip::mock::server_options server_options;
  std::string log_level;
  // Signed, so that "-1" is read as -1 and refused, not wrapped around to a huge size.
  std::int64_t max_document_bytes = 0;
  std::int64_t idle_timeout_seconds = 0;
  std::int64_t journal_size = 0;

  po::options_description options("Options");
  options.add_options()("help,h", "print this help and exit")(
      "scenario,s", po::value(&scenario_path)->value_name("FILE"),
      "YAML scenario to serve (default: the built-in scenarios/default.yaml)")(
      "listen,l", po::value(&listen_text)->default_value("127.0.0.1:2208")->value_name("ADDR:PORT"),
      "OCI-P over TCP listener; port 0 picks a free port, IPv6 as [::1]:2208")(
      "tls-listen", po::value(&tls_listen_text)->value_name("ADDR:PORT"),
      "also serve OCI-P over TLS here (real servers use 2209)")(
      "http-listen", po::value(&http_listen_text)->value_name("ADDR:PORT"),
      "also serve OCI-P over SOAP/HTTP here (POST /webservice/services/ProvisioningService)")(
      "https-listen", po::value(&https_listen_text)->value_name("ADDR:PORT"), "also serve OCI-P over SOAP/HTTPS here")(
      "tls-cert", po::value(&server_options.tls_certificate_file)->value_name("FILE"),
      "PEM certificate (chain) for --tls-listen and --https-listen; without it a self-signed "
      "certificate for localhost, 127.0.0.1 and ::1 is generated at start-up")(
      "tls-key", po::value(&server_options.tls_private_key_file)->value_name("FILE"), "PEM private key of --tls-cert")(
      "tls-cert-out", po::value(&server_options.generated_certificate_file)->value_name("FILE"),
      "where to write a generated certificate's PEM for clients to trust (default: a new file in "
      "the temporary folder; its path is printed at start)")(
      "schema-dir", po::value(&server_options.schema_dir)->value_name("DIR"),
      "validate every request command against the OCI schema set in DIR (OCICommandRoot.xsd); "
      "an invalid one gets [Error 6004], as from a real server")(
      "idle-timeout", po::value(&idle_timeout_seconds)->default_value(1800)->value_name("SECONDS"),
      "close a connection that sends nothing for this long")(
      "max-document-bytes", po::value(&max_document_bytes)->default_value(4 * 1024 * 1024)->value_name("N"),
      "close a connection whose document grows past this size")(
      "admin-listen", po::value(&admin_listen_text)->default_value("127.0.0.1:2280")->value_name("ADDR:PORT|off"),
      "the admin HTTP API (GET /health, /world, /journal; POST /reset, /scenario, /devices/lock, "
      "/devices/unlock, /verify; DELETE /journal); port 0 picks a free port, 'off' turns it off; "
      "loopback addresses only, unless --admin-allow-remote")(
      "admin-allow-remote", "let --admin-listen take a non-loopback address (the API has no authentication)")(
      "journal-size", po::value(&journal_size)->default_value(1000)->value_name("N"),
      "how many exchanges the request journal keeps, the oldest going first (0: none; at most 1000000)")(
      "watch",
      "reload --scenario FILE when it changes; a version with problems is reported and the "
      "running world stays")(
      "watch-state", po::value(&watch_state)->default_value("reset")->value_name("reset|keep"),
      "on reload, start the world again from the file (reset) or keep what requests changed (keep)")(
      "log-level", po::value(&log_level)->default_value("info")->value_name("LEVEL"),
      "trace, debug, info, warn, error or off (logs go to standard error; secrets never)")(
      "check", "load and validate the scenario, report problems, and exit");

  po::variables_map given;
  try {
    po::store(po::command_line_parser(argc, argv).options(options).run(), given);
    po::notify(given);
  } catch (const po::error& e) {
    std::cerr << "ocip-mock: " << e.what() << "\nTry 'ocip-mock --help'.\n";
    return 2;
  }
  if (given.count("help") != 0U) {
    std::cout << usage_head << "\n" << options << "\n";
    return 0;
  }

  auto logger = spdlog::stderr_color_mt("ocip-mock");
  spdlog::set_default_logger(logger);
  const auto level = spdlog::level::from_str(log_level);
  if (level == spdlog::level::off && log_level != "off") {
    std::cerr << "ocip-mock: --log-level '" << log_level << "' is not one of trace, debug, info, warn, error, off\n";
    return 2;
  }
  spdlog::set_level(level);

  const auto endpoint_option = [](const char* option, const std::string& text,
                                  std::optional<ocip::mock::endpoint>& into) {
    if (text.empty()) {
      return true;
    }
    auto parsed = ocip::mock::parse_endpoint(text);
    if (!parsed) {
      std::cerr << "ocip-mock: --" << option << " " << parsed.error() << "\n";
      return false;
    }
    into = parsed.value();
    return true;
  };
  std::optional<ocip::mock::endpoint> tcp;
  if (!endpoint_option("listen", listen_text, tcp) ||
      !endpoint_option("tls-listen", tls_listen_text, server_options.tls) ||
      !endpoint_option("http-listen", http_listen_text, server_options.http) ||
      !endpoint_option("https-listen", https_listen_text, server_options.https)) {
    return 2;
  }
  if (admin_listen_text != "off" && !endpoint_option("admin-listen", admin_listen_text, server_options.admin)) {
    return 2;
  }
  const auto in_range = [](const char* option, std::int64_t value, std::int64_t lowest, std::int64_t highest) {
    if (value < lowest || value > highest) {
      std::cerr << "ocip-mock: --" << option << " " << value << " is out of range; give " << lowest << " to " << highest
                << "\n";
      return false;
    }
    return true;
  };
  if (!in_range("idle-timeout", idle_timeout_seconds, 1, 30LL * 24 * 3600) ||
      !in_range("max-document-bytes", max_document_bytes, 1024, 1LL << 30) ||
      !in_range("journal-size", journal_size, 0, 1000000)) {
    return 2;
  }
  server_options.journal_capacity = static_cast<std::size_t>(journal_size);
  server_options.admin_allow_remote = given.count("admin-allow-remote") != 0U;
  if (watch_state != "reset" && watch_state != "keep") {
    std::cerr << "ocip-mock: --watch-state '" << watch_state << "' is not one of reset, keep\n";
    return 2;
  }
  if (given.count("watch") != 0U) {
    if (scenario_path.empty()) {
      std::cerr << "ocip-mock: --watch needs --scenario FILE (the built-in scenario does not change)\n";
      return 2;
    }
    server_options.watch_file = scenario_path;
    server_options.watch_keep_state = watch_state == "keep";
  }
  if (server_options.tls_certificate_file.empty() != server_options.tls_private_key_file.empty()) {
    std::cerr << "ocip-mock: --tls-cert and --tls-key go together\n";
    return 2;
  }

  auto loaded =
      scenario_path.empty()
          ? ocip::result<ocip::mock::scenario, ocip::mock::scenario_error>(ocip::mock::load_default_scenario())
          : ocip::mock::load_scenario_file(scenario_path);
  if (!loaded) {
    std::cerr << "ocip-mock: the scenario has problems" << (given.count("check") != 0U ? ":\n" : "; not starting:\n")
              << loaded.error().to_string() << "\n";
    return 1;
  }
  if (given.count("check") != 0U) {
    std::cout << "scenario " << loaded.value().source << " is valid\n";
    return 0;
  }
  const std::string source = loaded.value().source;
  const std::string name = loaded.value().name;

  server_options.tcp = *tcp;
  server_options.max_document_bytes = static_cast<std::size_t>(max_document_bytes);
  server_options.idle_timeout = std::chrono::seconds(idle_timeout_seconds);

  // Block the stop signals in every thread; this one waits for them with sigwait.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  ocip::mock::server mock(std::move(loaded).value(), server_options);
  if (auto started = mock.start(); !started) {
    std::cerr << "ocip-mock: " << started.error() << "\n";
    return 1;
  }
  std::cout << "scenario " << (scenario_path.empty() ? "built-in default" : source)
            << (name.empty() ? "" : " (" + name + ")") << "\n";
  for (const auto& listener : mock.listeners()) {
    std::cout << "listening " << listener.kind << " " << listener.bound.to_string() << "\n";
  }
  if (!mock.generated_certificate_file().empty()) {
    std::cout << "tls certificate " << mock.generated_certificate_file() << "\n";
  }
  std::cout << std::flush;

  std::thread serving([&mock] { mock.run(); });
  int received = 0;
  sigwait(&stop_signals, &received);
  spdlog::info("{} received; stopping", received == SIGINT ? "SIGINT" : "SIGTERM");
  mock.stop();
  serving.join();
  return 0;
}
