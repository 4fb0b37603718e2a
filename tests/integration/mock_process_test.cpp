// ocip-mock as a user runs it: a separate process, its start-up lines, exit codes and signals.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "http_connection.hpp"
#include "raw_socket.hpp"

extern char** environ;

namespace ocip::testing {
namespace {

/// ocip-mock started with arguments, its standard output and error read through pipes.
class mock_process {
 public:
  explicit mock_process(std::vector<std::string> arguments) {
    int out[2];
    int err[2];
    if (::pipe(out) != 0 || ::pipe(err) != 0) {
      ADD_FAILURE() << "pipe failed";
      return;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err[1], 2);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    posix_spawn_file_actions_addclose(&actions, err[0]);
    arguments.insert(arguments.begin(), OCIP_MOCK_BINARY);
    std::vector<char*> argv;
    for (auto& argument : arguments) {
      argv.push_back(argument.data());
    }
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, OCIP_MOCK_BINARY, &actions, nullptr, argv.data(), environ) != 0) {
      ADD_FAILURE() << "cannot start " << OCIP_MOCK_BINARY;
      pid_ = -1;
    }
    posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);
    ::close(err[1]);
    out_ = out[0];
    err_ = err[0];
  }

  ~mock_process() {
    if (pid_ > 0 && !exit_status_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    ::close(out_);
    ::close(err_);
  }
  mock_process(const mock_process&) = delete;
  mock_process& operator=(const mock_process&) = delete;

  /// Reads standard output until a line matches, for at most ten seconds; the matching line's groups.
  std::optional<std::smatch> wait_for_line(const std::regex& pattern) {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < give_up) {
      for (std::size_t end = stdout_.find('\n'); end != std::string::npos; end = stdout_.find('\n')) {
        line_ = stdout_.substr(0, end);
        stdout_.erase(0, end + 1);
        std::smatch match;
        if (std::regex_match(line_, match, pattern)) {
          return match;
        }
      }
      if (!read_some(out_, stdout_, 200)) {
        break;
      }
    }
    return std::nullopt;
  }

  /// Waits up to ten seconds for the process to end; its exit code, or -1 (killed, or still running).
  int wait_for_exit() {
    for (int i = 0; i < 200 && !exit_status_; ++i) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        exit_status_ = status;
        break;
      }
      drain();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    drain();
    if (!exit_status_ || !WIFEXITED(*exit_status_)) {
      return -1;
    }
    return WEXITSTATUS(*exit_status_);
  }

  /// Reads standard error until it holds `text`, for at most ten seconds; true when it does.
  bool wait_for_error_text(std::string_view text) {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (stderr_.find(text, error_seen_) == std::string::npos && std::chrono::steady_clock::now() < give_up) {
      if (!read_some(err_, stderr_, 200)) {
        break;
      }
    }
    const std::size_t found = stderr_.find(text, error_seen_);
    if (found == std::string::npos) {
      return false;
    }
    error_seen_ = found + text.size();  // the next wait looks after this
    return true;
  }

  void signal(int number) const { ::kill(pid_, number); }
  const std::string& standard_output() const { return stdout_; }
  const std::string& standard_error() const { return stderr_; }

 private:
  static bool read_some(int fd, std::string& into, int timeout_ms) {
    pollfd ready{fd, POLLIN, 0};
    if (::poll(&ready, 1, timeout_ms) <= 0) {
      return true;  // nothing yet
    }
    char buffer[4096];
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got <= 0) {
      return false;
    }
    into.append(buffer, static_cast<std::size_t>(got));
    return true;
  }
  /// Reads whatever both pipes hold now (each until it is empty or closed).
  void drain() {
    for (auto [fd, into] : {std::pair{out_, &stdout_}, std::pair{err_, &stderr_}}) {
      for (std::size_t before = into->size() + 1; before != into->size();) {
        before = into->size();
        if (!read_some(fd, *into, 0)) {
          break;
        }
      }
    }
  }

  pid_t pid_ = -1;
  int out_ = -1;
  int err_ = -1;
  std::string stdout_;
  std::string stderr_;
  std::string line_;
  std::size_t error_seen_ = 0;
  std::optional<int> exit_status_;
};

const std::regex listening_tcp("listening tcp 127\\.0\\.0\\.1:([0-9]+)");

TEST(MockProcess, HelpNamesEveryOption) {
  mock_process mock({"--help"});
  EXPECT_EQ(mock.wait_for_exit(), 0);
  for (const char* option :
       {"--scenario", "--listen", "--tls-listen", "--http-listen", "--https-listen", "--tls-cert", "--tls-key",
        "--tls-cert-out", "--schema-dir", "--idle-timeout", "--max-document-bytes", "--log-level", "--check",
        "--admin-listen", "--admin-allow-remote", "--journal-size", "--watch", "--watch-state", "--help"}) {
    EXPECT_NE(mock.standard_output().find(option), std::string::npos) << option;
  }
}

void serve_then_stop_with(int signal_number) {
  mock_process mock({"--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0"});
  const auto listening = mock.wait_for_line(listening_tcp);
  ASSERT_TRUE(listening.has_value()) << mock.standard_output() << mock.standard_error();
  const auto port = static_cast<std::uint16_t>(std::stoi((*listening)[1].str()));

  raw_socket peer(port);
  ASSERT_TRUE(peer.connected());
  ASSERT_TRUE(peer.send(
      "<BroadsoftDocument protocol=\"OCI\" xmlns=\"C\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
      "<sessionId xmlns=\"\">p</sessionId><command xsi:type=\"LoginRequest22V5\" xmlns=\"\">"
      "<userId>admin</userId><password>password</password></command></BroadsoftDocument>"));
  EXPECT_NE(peer.read_documents(1).find("LoginResponse22V5"), std::string::npos);

  mock.signal(signal_number);
  EXPECT_EQ(mock.wait_for_exit(), 0) << mock.standard_error();
  EXPECT_TRUE(peer.closed_by_peer());
  EXPECT_EQ(mock.standard_error().find("password</"), std::string::npos) << "a password reached the log";
}

TEST(MockProcess, StopsCleanlyOnSigterm) {
  serve_then_stop_with(SIGTERM);
}

TEST(MockProcess, StopsCleanlyOnSigint) {
  serve_then_stop_with(SIGINT);
}

TEST(MockProcess, StartUpNamesTheScenario) {
  mock_process mock({"--listen", "127.0.0.1:0", "--admin-listen", "off", "--scenario",
                     std::string(OCIP_SCENARIO_DIR) + "/minimal.yaml"});
  EXPECT_TRUE(mock.wait_for_line(std::regex("scenario .*minimal\\.yaml.*")).has_value()) << mock.standard_output();
  mock.signal(SIGTERM);
  EXPECT_EQ(mock.wait_for_exit(), 0);
}

TEST(MockProcess, InvalidScenarioRefusesToStartWithFileLineAndColumn) {
  const auto path = std::filesystem::temp_directory_path() / ("ocip-invalid-" + std::to_string(::getpid()) + ".yaml");
  std::ofstream(path) << "version: 1\nservice_providers:\n  - id: acme\n    colour: blue\n";
  mock_process mock({"--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0", "--scenario", path.string()});
  EXPECT_EQ(mock.wait_for_exit(), 1);
  EXPECT_NE(mock.standard_error().find(path.string() + ":4:5:"), std::string::npos) << mock.standard_error();
  EXPECT_NE(mock.standard_error().find("colour"), std::string::npos) << mock.standard_error();
  std::filesystem::remove(path);
}

TEST(MockProcess, CheckValidatesWithoutServing) {
  mock_process mock({"--check", "--scenario", std::string(OCIP_SCENARIO_DIR) + "/default.yaml"});
  EXPECT_EQ(mock.wait_for_exit(), 0);
  EXPECT_NE(mock.standard_output().find("is valid"), std::string::npos) << mock.standard_output();
}

TEST(MockProcess, BadArgumentsAreUsageErrors) {
  mock_process bad_listen({"--listen", "127.0.0.1:99999"});
  EXPECT_EQ(bad_listen.wait_for_exit(), 2);
  EXPECT_NE(bad_listen.standard_error().find("--listen"), std::string::npos) << bad_listen.standard_error();
  mock_process negative_journal({"--journal-size", "-1"});
  EXPECT_EQ(negative_journal.wait_for_exit(), 2);
  EXPECT_NE(negative_journal.standard_error().find("--journal-size -1 is out of range; give 0 to 1000000"),
            std::string::npos)
      << negative_journal.standard_error();
  mock_process tiny_documents({"--max-document-bytes", "10"});
  EXPECT_EQ(tiny_documents.wait_for_exit(), 2);
  EXPECT_NE(tiny_documents.standard_error().find("--max-document-bytes 10 is out of range"), std::string::npos)
      << tiny_documents.standard_error();
  mock_process unknown({"--frobnicate"});
  EXPECT_EQ(unknown.wait_for_exit(), 2);
  EXPECT_NE(unknown.standard_error().find("--help"), std::string::npos) << unknown.standard_error();
}

TEST(MockProcess, AdminAndWatchArgumentsAreChecked) {
  mock_process remote({"--listen", "127.0.0.1:0", "--admin-listen", "0.0.0.0:0"});
  EXPECT_EQ(remote.wait_for_exit(), 1);
  EXPECT_NE(remote.standard_error().find("--admin-allow-remote"), std::string::npos) << remote.standard_error();
  mock_process watch_without_file({"--watch"});
  EXPECT_EQ(watch_without_file.wait_for_exit(), 2);
  EXPECT_NE(watch_without_file.standard_error().find("--scenario"), std::string::npos)
      << watch_without_file.standard_error();
  mock_process bad_state({"--watch-state", "sometimes"});
  EXPECT_EQ(bad_state.wait_for_exit(), 2);
  EXPECT_NE(bad_state.standard_error().find("reset, keep"), std::string::npos) << bad_state.standard_error();
}

/// The minimal scenario, with desk-01 locked or not.
std::string minimal_scenario(bool locked) {
  return std::string("version: 1\nname: watched\n") +
         "device_types:\n  - name: Polycom VVX 450\n"
         "service_providers:\n  - id: acme\n    groups:\n      - id: sales\n        user_domain: example.com\n"
         "        devices:\n          - name: desk-01\n            type: Polycom VVX 450\n" +
         (locked ? "            locked: true\n" : "") +
         "        users:\n          - id: alice@example.com\n            password: alice-lab-pw\n"
         "            line_ports:\n              - {device: desk-01, line_port: alice_1@example.com}\n"
         "administrators:\n  - {id: admin, password: admin-lab-pw, kind: system}\n";
}

/// alice's token request for desk-01 on a connection logged in as admin: the reply's text.
std::string token_reply(std::uint16_t port) {
  raw_socket peer(port);
  const std::string head =
      "<BroadsoftDocument protocol=\"OCI\" xmlns=\"C\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
      "<sessionId xmlns=\"\">w</sessionId>";
  peer.send(head +
            "<command xsi:type=\"LoginRequest22V5\" xmlns=\"\"><userId>admin</userId><password>admin-lab-pw</password>"
            "</command></BroadsoftDocument>");
  peer.read_documents(1);
  peer.send(head +
            "<command xsi:type=\"UserSingleSignOnCreateDeviceTokenRequest\" xmlns=\"\"><userId>alice@example.com"
            "</userId><deviceLevel>Group</deviceLevel><deviceName>desk-01</deviceName></command></BroadsoftDocument>");
  return peer.read_documents(1);
}

TEST(MockProcess, WatchServesAChangedScenarioAndKeepsTheRunningOneWhenAnEditIsBroken) {
  const auto path = std::filesystem::temp_directory_path() / ("ocip-watched-" + std::to_string(::getpid()) + ".yaml");
  std::ofstream(path) << minimal_scenario(false);
  mock_process mock({"--listen", "127.0.0.1:0", "--admin-listen", "off", "--scenario", path.string(), "--watch"});
  const auto listening = mock.wait_for_line(listening_tcp);
  ASSERT_TRUE(listening.has_value()) << mock.standard_output() << mock.standard_error();
  const auto port = static_cast<std::uint16_t>(std::stoi((*listening)[1].str()));
  ASSERT_NE(token_reply(port).find("UserSingleSignOnCreateDeviceTokenResponse"), std::string::npos);

  // A broken edit: reported with file, line and column; the running world stays.
  std::ofstream(path) << minimal_scenario(false) << "colour: blue\n";
  ASSERT_TRUE(mock.wait_for_error_text(path.string() + ":20:1: colour: unknown key")) << mock.standard_error();
  EXPECT_NE(mock.standard_error().find("still serving the version loaded before"), std::string::npos);
  EXPECT_NE(token_reply(port).find("UserSingleSignOnCreateDeviceTokenResponse"), std::string::npos);

  // A good edit is served at once, and the log says what changed.
  std::ofstream(path) << minimal_scenario(true);
  ASSERT_TRUE(mock.wait_for_error_text("devices: changed Group acme/sales/desk-01")) << mock.standard_error();
  EXPECT_NE(token_reply(port).find("[Error 9102]"), std::string::npos);

  mock.signal(SIGTERM);
  EXPECT_EQ(mock.wait_for_exit(), 0) << mock.standard_error();
  EXPECT_EQ(mock.standard_error().find("admin-lab-pw"), std::string::npos) << "a password reached the log";
  std::filesystem::remove(path);
}

TEST(MockProcess, WatchKeepingStateSaysWhichChangesWaitForAReset) {
  const auto path = std::filesystem::temp_directory_path() / ("ocip-keep-" + std::to_string(::getpid()) + ".yaml");
  std::ofstream(path) << minimal_scenario(false);
  mock_process mock({"--listen", "127.0.0.1:0", "--admin-listen", "off", "--scenario", path.string(), "--watch",
                     "--watch-state", "keep"});
  const auto listening = mock.wait_for_line(listening_tcp);
  ASSERT_TRUE(listening.has_value()) << mock.standard_output() << mock.standard_error();
  const auto port = static_cast<std::uint16_t>(std::stoi((*listening)[1].str()));

  // desk-01 locked in the file, and a mock setting changed: only the setting is applied.
  std::ofstream(path) << minimal_scenario(true) << "mock:\n  software_version: \"99.1\"\n";
  ASSERT_TRUE(
      mock.wait_for_error_text("rules and mock settings replaced, live world kept\n  mock settings: changed\n"
                               " not applied to the live world (POST /reset applies them):\n"
                               "  devices: changed Group acme/sales/desk-01"))
      << mock.standard_error();
  EXPECT_NE(token_reply(port).find("UserSingleSignOnCreateDeviceTokenResponse"), std::string::npos)
      << "the live world got the file's lock";

  mock.signal(SIGTERM);
  EXPECT_EQ(mock.wait_for_exit(), 0) << mock.standard_error();
  std::filesystem::remove(path);
}

TEST(MockProcess, UndoingABrokenEditKeepsTheLiveWorld) {
  const auto path = std::filesystem::temp_directory_path() / ("ocip-undo-" + std::to_string(::getpid()) + ".yaml");
  std::ofstream(path) << minimal_scenario(false);
  mock_process mock(
      {"--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0", "--scenario", path.string(), "--watch"});
  const auto listening = mock.wait_for_line(listening_tcp);
  ASSERT_TRUE(listening.has_value()) << mock.standard_output() << mock.standard_error();
  const auto port = static_cast<std::uint16_t>(std::stoi((*listening)[1].str()));
  const auto admin = mock.wait_for_line(std::regex("listening admin 127\\.0\\.0\\.1:([0-9]+)"));
  ASSERT_TRUE(admin.has_value()) << mock.standard_output();

  // The live world changes: desk-01 locked over the admin API.
  http_connection lock(static_cast<std::uint16_t>(std::stoi((*admin)[1].str())));
  ASSERT_TRUE(
      lock.send("POST /devices/lock?device=desk-01&service_provider=acme&group=sales HTTP/1.1\r\n"
                "Host: 127.0.0.1\r\nContent-Length: 0\r\n\r\n"));
  const auto locked = lock.read_reply();
  ASSERT_TRUE(locked.has_value());
  ASSERT_EQ(locked->status, 200) << locked->body;
  EXPECT_NE(token_reply(port).find("[Error 9102]"), std::string::npos);

  // A broken edit, then the file put back as it was: nothing is reloaded, the lock stays.
  std::ofstream(path) << minimal_scenario(false) << "colour: blue\n";
  ASSERT_TRUE(mock.wait_for_error_text("colour: unknown key")) << mock.standard_error();
  std::ofstream(path) << minimal_scenario(false);
  ASSERT_TRUE(mock.wait_for_error_text("is back to the version being served; nothing changes"))
      << mock.standard_error();
  EXPECT_NE(token_reply(port).find("[Error 9102]"), std::string::npos) << "the live world was reset";
  EXPECT_EQ(mock.standard_error().find("world reset"), std::string::npos) << mock.standard_error();

  mock.signal(SIGTERM);
  EXPECT_EQ(mock.wait_for_exit(), 0) << mock.standard_error();
  std::filesystem::remove(path);
}

TEST(MockProcess, AFaultIsLoggedWithItsRuleAndNoSecret) {
  const auto path = std::filesystem::temp_directory_path() / ("ocip-fault-" + std::to_string(::getpid()) + ".yaml");
  std::ofstream(path) << minimal_scenario(false)
                      << "rules:\n"
                         "  - name: slow-token\n"
                         "    when: {command: UserSingleSignOnCreateDeviceTokenRequest}\n"
                         "    times: 1\n"
                         "    fault: {kind: close_after_reply, delay_ms: 20}\n";
  mock_process mock({"--listen", "127.0.0.1:0", "--admin-listen", "off", "--scenario", path.string()});
  const auto listening = mock.wait_for_line(listening_tcp);
  ASSERT_TRUE(listening.has_value()) << mock.standard_output() << mock.standard_error();
  const auto port = static_cast<std::uint16_t>(std::stoi((*listening)[1].str()));
  const std::string reply = token_reply(port);
  const std::size_t token_at = reply.find("<deviceToken>");
  ASSERT_NE(token_at, std::string::npos) << reply;
  const std::string token = reply.substr(token_at + 13, 64);

  EXPECT_TRUE(mock.wait_for_error_text("fault close_after_reply after 20 ms from rule 'slow-token'"))
      << mock.standard_error();
  EXPECT_TRUE(mock.wait_for_error_text("closing after the")) << mock.standard_error();
  mock.signal(SIGTERM);
  EXPECT_EQ(mock.wait_for_exit(), 0) << mock.standard_error();
  EXPECT_EQ(mock.standard_error().find(token), std::string::npos) << "a token reached the log";
  EXPECT_EQ(mock.standard_error().find("admin-lab-pw"), std::string::npos) << "a password reached the log";
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace ocip::testing
