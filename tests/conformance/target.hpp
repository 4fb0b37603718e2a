#pragma once
/// The conformance target: which server to test and which of its users and devices play each role.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ocip/protocol/result.hpp"

namespace ocip::conformance {

/// Someone who logs in.
struct account {
  std::string user_id;
  std::string password;  ///< from the file, or from the environment variable it names
};

/// An access device as UserSingleSignOnCreateDeviceTokenRequest names it.
struct device_ref {
  std::string level;  ///< "System", "Service Provider" or "Group"
  std::string name;
};

/// A user and the device the role is about.
struct user_on_device {
  std::string user_id;
  device_ref device;
};

/// Everything the suite needs to know about the server under test.
struct target {
  std::string source;  ///< the target file, or "built-in (mock)"

  bool in_process_mock = false;  ///< start ocip-mock inside the suite instead of connecting out
  std::string mock_scenario;     ///< scenario file for the in-process mock; empty: the default one
  std::string mock_schema_dir;   ///< the in-process mock validates requests against this schema set

  std::string host = "127.0.0.1";
  std::uint16_t port = 2208;
  /// The transports to run every case over: the file's one transport, or for the in-process mock
  /// each of tcp, tls, soap and soaps (each on its own listener).
  std::vector<std::string> transports{"tcp"};
  /// Where each transport listens, when it differs from host:port (the in-process mock).
  std::map<std::string, std::uint16_t, std::less<>> ports;
  std::string ca_file;      ///< TLS and HTTPS: PEM of the CAs to trust; empty: the system's store
  std::string server_name;  ///< TLS and HTTPS: name the certificate must carry; empty: host
  bool verify_peer = true;  ///< TLS and HTTPS: false only for a lab server with an untrusted certificate
  std::string soap_path = "/webservice/services/ProvisioningService";  ///< SOAP service path
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds command_timeout{10000};

  account admin;               ///< logs in and asks for tokens; its scope covers every role's user
  account out_of_scope_admin;  ///< an administrator whose scope does not include owner.user_id

  user_on_device owner;                 ///< owns a line port on an unlocked Device Management device
  std::string non_owner;                ///< has no line port on owner.device
  user_on_device trunk_user;            ///< trunk user; device is its trunk group's access device
  user_on_device locked;                ///< owns a line port on a locked device
  user_on_device no_device_management;  ///< owns a line port on a device whose type lacks Device Management
  std::string unknown_user = "conformance-no-such-user@example.invalid";
  std::string unknown_device = "conformance-no-such-device";

  /// The codes the server uses for the three refusals, when the file states them.
  std::optional<int> no_line_port_code;
  std::optional<int> device_locked_code;
  std::optional<int> no_device_management_code;
};

/// Reads a target file; the error names file:line:column and the field.
[[nodiscard]] result<target, std::string> load_target_file(const std::string& path);
/// Parses target text; `source_name` names it in errors.
[[nodiscard]] result<target, std::string> load_target_text(std::string_view yaml_text, std::string_view source_name);
/// The target that describes the in-process mock serving scenarios/default.yaml.
[[nodiscard]] target built_in_mock_target();

}  // namespace ocip::conformance
