// The conformance target file (YAML). yaml-cpp is used in this file only, within the suite.
#include "target.hpp"

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

namespace ocip::conformance {
namespace {

/// Thrown inside this file only; load_target_text turns it into an error value.
struct target_problem {
  std::string message;
};

class reader {
 public:
  explicit reader(std::string source) : source_(std::move(source)) {}

  [[noreturn]] void fail(const YAML::Node& node, const std::string& path, const std::string& what) const {
    std::ostringstream out;
    out << source_;
    if (node.IsDefined() && node.Mark().line >= 0) {
      out << ":" << node.Mark().line + 1 << ":" << node.Mark().column + 1;
    }
    out << ": " << path << ": " << what;
    throw target_problem{out.str()};
  }

  void only_keys(const YAML::Node& map, const std::string& path, const std::set<std::string>& allowed) const {
    if (!map.IsMap()) {
      fail(map, path, "expected a mapping");
    }
    for (const auto& entry : map) {
      const auto key = entry.first.as<std::string>();
      if (allowed.count(key) == 0U) {
        std::string known;
        for (const auto& name : allowed) {
          known += (known.empty() ? "" : ", ") + name;
        }
        fail(entry.first, path, "unknown key '" + key + "' (known: " + known + ")");
      }
    }
  }

  std::string text(const YAML::Node& map, const std::string& path, const std::string& key) const {
    const YAML::Node node = map[key];
    if (!node.IsDefined() || node.IsNull()) {
      fail(map, path, "missing '" + key + "'");
    }
    if (!node.IsScalar() || node.Scalar().empty()) {
      fail(node, path + "." + key, "expected a non-empty text");
    }
    return node.Scalar();
  }

  template <typename Integer>
  Integer number(const YAML::Node& map, const std::string& path, const std::string& key, Integer fallback,
                 long long low, long long high) const {
    const YAML::Node node = map[key];
    if (!node.IsDefined() || node.IsNull()) {
      return fallback;
    }
    long long value = 0;
    if (!node.IsScalar() || !YAML::convert<long long>::decode(node, value) || value < low || value > high) {
      fail(node, path + "." + key,
           "expected a whole number from " + std::to_string(low) + " to " + std::to_string(high));
    }
    return static_cast<Integer>(value);
  }

  account account_at(const YAML::Node& map, const std::string& path) const {
    only_keys(map, path, {"user_id", "password", "password_env"});
    account result{text(map, path, "user_id"), {}};
    if (map["password_env"]) {
      const std::string variable = text(map, path, "password_env");
      const char* value = std::getenv(variable.c_str());
      if (value == nullptr || *value == '\0') {
        fail(map["password_env"], path + ".password_env", "environment variable " + variable + " is not set");
      }
      result.password = value;
    } else {
      result.password = text(map, path, "password");
    }
    return result;
  }

  device_ref device_at(const YAML::Node& map, const std::string& path) const {
    only_keys(map, path, {"level", "name"});
    device_ref device{text(map, path, "level"), text(map, path, "name")};
    if (device.level != "System" && device.level != "Service Provider" && device.level != "Group") {
      fail(map["level"], path + ".level", "'" + device.level + "' is not System, Service Provider or Group");
    }
    return device;
  }

  user_on_device user_on_device_at(const YAML::Node& map, const std::string& path) const {
    only_keys(map, path, {"user_id", "device"});
    return {text(map, path, "user_id"), device_at(map["device"], path + ".device")};
  }

  const std::string& source() const { return source_; }

 private:
  std::string source_;
};

target parse(const YAML::Node& root, const reader& read) {
  read.only_keys(root, "target", {"version", "server", "accounts", "roles", "refusal_codes"});
  if (read.number<int>(root, "target", "version", 0, 0, 1000) != 1) {
    read.fail(root, "version", "the target file format version must be 1");
  }
  target t;
  t.source = read.source();

  const YAML::Node server = root["server"];
  read.only_keys(server, "server",
                 {"mock", "scenario", "host", "port", "transport", "connect_timeout_ms", "command_timeout_ms", "tls",
                  "soap_path"});
  t.in_process_mock = server["mock"] && server["mock"].as<bool>(false);
  const std::set<std::string> known_transports{"tcp", "tls", "soap", "soaps"};
  if (t.in_process_mock) {
    if (server["scenario"]) {
      t.mock_scenario = read.text(server, "server", "scenario");
    }
    t.transports = {"tcp", "tls", "soap", "soaps"};  // the mock serves them all; every case runs over each
  } else {
    t.host = read.text(server, "server", "host");
    t.transports = {server["transport"] ? read.text(server, "server", "transport") : std::string("tcp")};
    if (known_transports.count(t.transports.front()) == 0U) {
      read.fail(server["transport"], "server.transport",
                "'" + t.transports.front() + "' is not one of tcp, tls, soap, soaps");
    }
    const std::uint16_t default_port = t.transports.front() == "tls"     ? 2209
                                       : t.transports.front() == "soap"  ? 80
                                       : t.transports.front() == "soaps" ? 443
                                                                         : 2208;
    t.port = read.number<std::uint16_t>(server, "server", "port", default_port, 1, 65535);
  }
  if (const YAML::Node tls = server["tls"]; tls) {
    read.only_keys(tls, "server.tls", {"ca_file", "server_name", "verify_peer"});
    if (tls["ca_file"]) {
      t.ca_file = read.text(tls, "server.tls", "ca_file");
    }
    if (tls["server_name"]) {
      t.server_name = read.text(tls, "server.tls", "server_name");
    }
    if (tls["verify_peer"] && !YAML::convert<bool>::decode(tls["verify_peer"], t.verify_peer)) {
      read.fail(tls["verify_peer"], "server.tls.verify_peer", "expected true or false");
    }
  }
  if (server["soap_path"]) {
    t.soap_path = read.text(server, "server", "soap_path");
  }
  t.connect_timeout =
      std::chrono::milliseconds(read.number<long long>(server, "server", "connect_timeout_ms", 5000, 1, 600000));
  t.command_timeout =
      std::chrono::milliseconds(read.number<long long>(server, "server", "command_timeout_ms", 10000, 1, 600000));

  const YAML::Node accounts = root["accounts"];
  read.only_keys(accounts, "accounts", {"admin", "out_of_scope_admin"});
  t.admin = read.account_at(accounts["admin"], "accounts.admin");
  t.out_of_scope_admin = read.account_at(accounts["out_of_scope_admin"], "accounts.out_of_scope_admin");

  const YAML::Node roles = root["roles"];
  read.only_keys(
      roles, "roles",
      {"owner", "non_owner", "trunk_user", "locked", "no_device_management", "unknown_user", "unknown_device"});
  t.owner = read.user_on_device_at(roles["owner"], "roles.owner");
  t.non_owner = read.text(roles, "roles", "non_owner");
  t.trunk_user = read.user_on_device_at(roles["trunk_user"], "roles.trunk_user");
  t.locked = read.user_on_device_at(roles["locked"], "roles.locked");
  t.no_device_management = read.user_on_device_at(roles["no_device_management"], "roles.no_device_management");
  if (roles["unknown_user"]) {
    t.unknown_user = read.text(roles, "roles", "unknown_user");
  }
  if (roles["unknown_device"]) {
    t.unknown_device = read.text(roles, "roles", "unknown_device");
  }

  if (const YAML::Node codes = root["refusal_codes"]; codes) {
    read.only_keys(codes, "refusal_codes",
                   {"no_line_port_on_device", "device_locked", "device_management_not_supported"});
    const auto code = [&](const char* key) -> std::optional<int> {
      if (!codes[key]) {
        return std::nullopt;
      }
      return read.number<int>(codes, "refusal_codes", key, 0, 1, 99999);
    };
    t.no_line_port_code = code("no_line_port_on_device");
    t.device_locked_code = code("device_locked");
    t.no_device_management_code = code("device_management_not_supported");
  }
  return t;
}

/// The roles of scenarios/default.yaml, as the in-process mock serves it.
constexpr std::string_view built_in_target_text = R"yaml(
version: 1
server:
  mock: true
accounts:
  admin: {user_id: admin, password: password}
  out_of_scope_admin: {user_id: support-admin@example.com, password: support-admin-lab-pw}
roles:
  owner: {user_id: alice@example.com, device: {level: Group, name: polycom-01}}
  non_owner: bob@example.com
  trunk_user: {user_id: pbx@example.com, device: {level: Group, name: sbc-01}}
  locked: {user_id: carol@example.com, device: {level: Group, name: polycom-locked-01}}
  no_device_management: {user_id: dave@example.com, device: {level: Group, name: ata-01}}
refusal_codes:
  no_line_port_on_device: 9101
  device_locked: 9102
  device_management_not_supported: 9103
)yaml";

}  // namespace

result<target, std::string> load_target_text(std::string_view yaml_text, std::string_view source_name) {
  const reader read{std::string(source_name)};
  try {
    return parse(YAML::Load(std::string(yaml_text)), read);
  } catch (const target_problem& problem) {
    return problem.message;
  } catch (const YAML::Exception& e) {
    std::ostringstream out;
    out << source_name << ":" << e.mark.line + 1 << ":" << e.mark.column + 1 << ": " << e.msg;
    return out.str();
  }
}

result<target, std::string> load_target_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return path + ": cannot read the target file";
  }
  std::ostringstream text;
  text << in.rdbuf();
  return load_target_text(text.str(), path);
}

target built_in_mock_target() {
  auto loaded = load_target_text(built_in_target_text, "built-in (mock)");
  if (!loaded) {
    // The built-in text is fixed; a failure here is a bug in this file.
    std::abort();
  }
  return std::move(loaded).value();
}

}  // namespace ocip::conformance
