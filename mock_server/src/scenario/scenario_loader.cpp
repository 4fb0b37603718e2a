// The YAML scenario loader. With yaml_reader.cpp and script_loader.cpp (the rules) the only files
// that talk to yaml-cpp: its nodes and exceptions stay here and come out as a world or as scenario
// problems with file:line:column.

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <span>
#include <sstream>
#include <system_error>
#include <utility>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include "ocip/mock/scenario.hpp"
#include "ocip/protocol/xml_text.hpp"
#include "script_loader.hpp"
#include "yaml_reader.hpp"

namespace ocip::mock {

// Declared with the settings in world.hpp; lives here because the loader checks
// mock.trusted_addresses with it, and the dispatcher compares peers with the same form.
std::optional<std::string> canonical_ip_address(std::string_view text) {
  const std::string address(text);
  std::array<unsigned char, sizeof(in6_addr)> binary{};
  std::array<char, INET6_ADDRSTRLEN> written{};
  if (::inet_pton(AF_INET, address.c_str(), binary.data()) == 1) {
    return std::string(::inet_ntop(AF_INET, binary.data(), written.data(), written.size()));
  }
  if (::inet_pton(AF_INET6, address.c_str(), binary.data()) != 1) {
    return std::nullopt;
  }
  // ::ffff:a.b.c.d is how a dual-stack listener sees an IPv4 peer: compare it as a.b.c.d.
  constexpr std::array<unsigned char, 12> mapped_prefix{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
  if (std::equal(mapped_prefix.begin(), mapped_prefix.end(), binary.begin())) {
    return std::string(::inet_ntop(AF_INET, binary.data() + mapped_prefix.size(), written.data(), written.size()));
  }
  return std::string(::inet_ntop(AF_INET6, binary.data(), written.data(), written.size()));
}

std::string scenario_problem::to_string() const {
  if (line <= 0) {
    return file + ": " + message;
  }
  return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

std::string scenario_error::to_string() const {
  std::string all;
  for (const auto& problem : problems) {
    if (!all.empty()) {
      all += '\n';
    }
    all += problem.to_string();
  }
  return all;
}

namespace {

using scenario_yaml::any_text;
using scenario_yaml::at_line;
using scenario_yaml::describe;
using scenario_yaml::did_you_mean;
using scenario_yaml::fields;
using scenario_yaml::in_quotes;
using scenario_yaml::join_path;
using scenario_yaml::joined;
using scenario_yaml::names;
using scenario_yaml::text_facet;
using scenario_yaml::yaml_reader;

// ---- the vocabulary of format version 1 --------------------------------------------------------

constexpr std::array<std::string_view, 10> root_keys{
    "version",           "name",           "description", "device_types",  "devices",
    "service_providers", "administrators", "mock",        "initial_state", "rules"};
constexpr std::array<std::string_view, 2> device_type_keys{"name", "configuration_option"};
constexpr std::array<std::string_view, 4> device_keys{"name", "type", "locked", "mac_address"};
constexpr std::array<std::string_view, 4> service_provider_keys{"id", "enterprise", "devices", "groups"};
constexpr std::array<std::string_view, 5> group_keys{"id", "user_domain", "devices", "trunk_groups", "users"};
constexpr std::array<std::string_view, 3> trunk_group_keys{"name", "device", "device_level"};
constexpr std::array<std::string_view, 7> user_keys{"id",         "password",    "first_name",     "last_name",
                                                    "line_ports", "trunk_group", "trunk_line_port"};
constexpr std::array<std::string_view, 3> line_port_keys{"device", "device_level", "line_port"};
constexpr std::array<std::string_view, 5> administrator_keys{"id", "password", "kind", "service_provider", "group"};
constexpr std::array<std::string_view, 6> mock_keys{"token_seed",       "sso_errors", "before_login",
                                                    "software_version", "logout",     "trusted_addresses"};
constexpr std::array<std::string_view, 3> sso_error_names{"no_line_port_on_device", "device_locked",
                                                          "device_management_not_supported"};
constexpr std::array<std::string_view, 2> sso_error_keys{"code", "text"};

constexpr std::array<std::string_view, 3> device_level_names{"system", "service_provider", "group"};
constexpr std::array<std::string_view, 3> option_names{"device_management", "not_supported", "legacy"};
constexpr std::array<std::string_view, 4> kind_names{"system", "provisioning", "service_provider", "group"};
constexpr std::array<std::string_view, 2> before_login_names{"error_response", "close_connection"};
constexpr std::array<std::string_view, 3> logout_names{"reply", "reply_then_close", "close"};

constexpr text_facet device_name_facet{40, "AccessDeviceName"};
constexpr text_facet device_type_facet{40, "AccessDeviceType"};
constexpr text_facet user_id_facet{161, "UserId"};
constexpr text_facet password_facet{60, "Password"};
constexpr text_facet service_provider_id_facet{30, "ServiceProviderId"};
constexpr text_facet group_id_facet{30, "GroupId"};
constexpr text_facet domain_facet{80, "NetAddress"};
constexpr text_facet name_facet{30, "FirstName/LastName"};
constexpr text_facet trunk_group_facet{30, "TrunkGroupName"};
constexpr text_facet line_port_facet{161, "AccessDeviceEndpointLinePort"};
constexpr text_facet mac_address_facet{12, "AccessDeviceMACAddress"};

/// A device reference as written, resolved against the referrer's reach.
struct device_reference {
  device_key key;
  std::string owner_service_provider;  ///< the referrer's, for hints about other levels
  std::string owner_group;
  YAML::Node name_node;
  std::string name_path;
};

/// What was defined where, for duplicate and reference checks.
struct definition {
  YAML::Mark mark;
};

class loader : public yaml_reader {
 public:
  explicit loader(std::string source) : yaml_reader(std::move(source)) {}

  scenario load(std::string_view text);

 private:
  // -- sections
  void read_device_types(const fields& root);
  void read_devices(const fields& owner, const device_key& owner_key);
  void read_service_providers(const fields& root);
  void read_group(const YAML::Node& node, const std::string& path, const std::string& service_provider_id);
  void read_trunk_groups(const fields& group_fields, const group& owner);
  void read_users(const fields& group_fields, const group& owner);
  void read_line_port(const YAML::Node& node, const std::string& path, user& owner);
  /// Records a line port as used (reporting a repeat or bad characters at `node`); false when it was used already.
  bool claim_line_port(const std::string& id, const YAML::Node& node, const std::string& path);
  void read_administrators(const fields& root);
  void read_mock(const fields& root);
  void read_trusted_addresses(const fields& mock);

  // -- references
  std::optional<device_reference> device_reference_of(const fields& item, std::string_view name_key,
                                                      const group& owner);
  bool device_exists(const device_reference& reference);
  std::string owner_description(const device_key& key) const;

  world world_;

  std::map<std::string, definition, std::less<>> device_types_;
  std::map<device_key, definition> devices_;
  std::map<std::string, definition, std::less<>> service_providers_;
  std::map<std::pair<std::string, std::string>, definition> groups_;
  std::map<std::tuple<std::string, std::string, std::string>, definition> trunk_groups_;
  std::map<std::string, definition, std::less<>> users_;
  std::map<std::string, definition, std::less<>> line_ports_;
  std::map<std::string, definition, std::less<>> administrators_;
};

// ---- sections ----------------------------------------------------------------------------------

void loader::read_device_types(const fields& root) {
  each_item(root, "device_types", [&](const YAML::Node& node, const std::string& path) {
    auto item = open_map(node, path, device_type_keys);
    if (!item) {
      return;
    }
    auto name = text(*item, "name", true, device_type_facet);
    device_type type;
    if (auto option = enumeration(*item, "configuration_option", option_names, "configuration option")) {
      type.option = *option == "not_supported" ? configuration_option::not_supported
                    : *option == "legacy"      ? configuration_option::legacy
                                               : configuration_option::device_management;
    }
    if (!name) {
      return;
    }
    const YAML::Node& name_node = *item->find("name");
    auto [existing, inserted] = device_types_.try_emplace(*name, definition{name_node.Mark()});
    if (!inserted) {
      report(name_node, path + ".name: duplicate device type " + in_quotes(*name) + at_line(existing->second.mark));
      return;
    }
    type.name = *name;
    world_.device_types.push_back(std::move(type));
  });
}

std::string loader::owner_description(const device_key& key) const {
  switch (key.level) {
    case device_level::system:
      return "the system";
    case device_level::service_provider:
      return "service provider " + in_quotes(key.service_provider);
    case device_level::group:
      break;
  }
  return "group " + in_quotes(key.service_provider) + "/" + in_quotes(key.group);
}

void loader::read_devices(const fields& owner, const device_key& owner_key) {
  each_item(owner, "devices", [&](const YAML::Node& node, const std::string& path) {
    auto item = open_map(node, path, device_keys);
    if (!item) {
      return;
    }
    auto name = text(*item, "name", true, device_name_facet);
    auto type = text(*item, "type", true, device_type_facet);
    auto locked = boolean(*item, "locked");
    auto mac_address = text(*item, "mac_address", false, mac_address_facet);
    if (type && !type->empty() && !device_types_.contains(*type)) {
      std::vector<std::string> known;
      for (const auto& [known_name, where] : device_types_) {
        known.push_back(known_name);
      }
      report(*item->find("type"), path + ".type: unknown device type " + in_quotes(*type) +
                                      " (device types are listed under device_types)" + did_you_mean(*type, known));
    }
    if (!name) {
      return;
    }
    device d;
    d.key = owner_key;
    d.key.name = *name;
    d.device_type = type.value_or("");
    d.locked = locked.value_or(false);
    d.mac_address = mac_address.value_or("");
    const YAML::Node& name_node = *item->find("name");
    auto [existing, inserted] = devices_.try_emplace(d.key, definition{name_node.Mark()});
    if (!inserted) {
      report(name_node, path + ".name: duplicate device name " + in_quotes(*name) + " in " +
                            owner_description(owner_key) + at_line(existing->second.mark));
      return;
    }
    world_.devices.push_back(std::move(d));
  });
}

void loader::read_service_providers(const fields& root) {
  each_item(root, "service_providers", [&](const YAML::Node& node, const std::string& path) {
    auto item = open_map(node, path, service_provider_keys);
    if (!item) {
      return;
    }
    auto id = text(*item, "id", true, service_provider_id_facet);
    auto enterprise = boolean(*item, "enterprise");
    if (!id) {
      return;  // without an id nothing inside can be owned; the missing id is reported
    }
    const YAML::Node& id_node = *item->find("id");
    auto [existing, inserted] = service_providers_.try_emplace(*id, definition{id_node.Mark()});
    if (!inserted) {
      report(id_node, path + ".id: duplicate service provider id " + in_quotes(*id) + at_line(existing->second.mark));
      return;
    }
    world_.service_providers.push_back(service_provider{*id, enterprise.value_or(false)});

    device_key owner_key;
    owner_key.level = device_level::service_provider;
    owner_key.service_provider = *id;
    read_devices(*item, owner_key);
    each_item(*item, "groups", [&](const YAML::Node& group_node, const std::string& group_path) {
      read_group(group_node, group_path, *id);
    });
  });
}

void loader::read_group(const YAML::Node& node, const std::string& path, const std::string& service_provider_id) {
  auto item = open_map(node, path, group_keys);
  if (!item) {
    return;
  }
  auto id = text(*item, "id", true, group_id_facet);
  auto user_domain = text(*item, "user_domain", true, domain_facet);
  if (!id) {
    return;
  }
  const YAML::Node& id_node = *item->find("id");
  auto [existing, inserted] = groups_.try_emplace(std::pair(service_provider_id, *id), definition{id_node.Mark()});
  if (!inserted) {
    report(id_node, path + ".id: duplicate group id " + in_quotes(*id) + " in service provider " +
                        in_quotes(service_provider_id) + at_line(existing->second.mark));
    return;
  }
  group g{service_provider_id, *id, user_domain.value_or("")};
  world_.groups.push_back(g);

  device_key owner_key;
  owner_key.level = device_level::group;
  owner_key.service_provider = service_provider_id;
  owner_key.group = *id;
  read_devices(*item, owner_key);
  read_trunk_groups(*item, g);
  read_users(*item, g);
}

std::optional<device_reference> loader::device_reference_of(const fields& item, std::string_view name_key,
                                                            const group& owner) {
  auto name = text(item, name_key, true, device_name_facet);
  auto level = enumeration(item, "device_level", device_level_names, "device level");
  if (!name || name->empty()) {
    return std::nullopt;
  }
  if (!level && item.find("device_level") != nullptr) {
    return std::nullopt;  // a bad level is reported; guessing one would add a second, confusing problem
  }
  device_reference reference;
  reference.key.name = *name;
  reference.key.level = level == "system"             ? device_level::system
                        : level == "service_provider" ? device_level::service_provider
                                                      : device_level::group;
  if (reference.key.level != device_level::system) {
    reference.key.service_provider = owner.service_provider;
  }
  if (reference.key.level == device_level::group) {
    reference.key.group = owner.id;
  }
  reference.owner_service_provider = owner.service_provider;
  reference.owner_group = owner.id;
  reference.name_node = *item.find(name_key);
  reference.name_path = join_path(item.path, name_key);
  return reference;
}

bool loader::device_exists(const device_reference& reference) {
  if (devices_.contains(reference.key)) {
    return true;
  }
  const device_key& key = reference.key;
  std::string message =
      reference.name_path + ": no " + std::string(to_string(key.level)) + " device " + in_quotes(key.name);
  if (key.level != device_level::system) {
    message += " in " + owner_description(key);
  }
  // The usual slip is a device defined at another level than the reference says.
  for (auto other : {device_level::group, device_level::service_provider, device_level::system}) {
    device_key elsewhere = key;
    elsewhere.level = other;
    elsewhere.service_provider = other == device_level::system ? "" : reference.owner_service_provider;
    elsewhere.group = other == device_level::group ? reference.owner_group : "";
    if (other != key.level && devices_.contains(elsewhere)) {
      message += "; there is a " + std::string(to_string(other)) + " device of that name, so write device_level: " +
                 std::string(device_level_names[static_cast<std::size_t>(other)]);
      report(reference.name_node, std::move(message));
      return false;
    }
  }
  std::vector<std::string> in_reach;
  for (const auto& [known, where] : devices_) {
    if (known.level == key.level && known.service_provider == key.service_provider && known.group == key.group) {
      in_reach.push_back(known.name);
    }
  }
  report(reference.name_node, message + did_you_mean(key.name, in_reach));
  return false;
}

void loader::read_trunk_groups(const fields& group_fields, const group& owner) {
  each_item(group_fields, "trunk_groups", [&](const YAML::Node& node, const std::string& path) {
    auto item = open_map(node, path, trunk_group_keys);
    if (!item) {
      return;
    }
    auto name = text(*item, "name", true, trunk_group_facet);
    auto reference = device_reference_of(*item, "device", owner);
    if (reference) {
      device_exists(*reference);
    }
    if (!name) {
      return;
    }
    const YAML::Node& name_node = *item->find("name");
    auto [existing, inserted] =
        trunk_groups_.try_emplace(std::tuple(owner.service_provider, owner.id, *name), definition{name_node.Mark()});
    if (!inserted) {
      report(name_node, path + ".name: duplicate trunk group name " + in_quotes(*name) + " in group " +
                            in_quotes(owner.service_provider) + "/" + in_quotes(owner.id) +
                            at_line(existing->second.mark));
      return;
    }
    trunk_group trunk;
    trunk.service_provider = owner.service_provider;
    trunk.group = owner.id;
    trunk.name = *name;
    if (reference) {
      trunk.access_device = reference->key;
    }
    world_.trunk_groups.push_back(std::move(trunk));
  });
}

/// The part of a user id before '@', which names the user when the scenario gives no name.
std::string user_portion(const std::string& user_id) {
  std::string portion = user_id.substr(0, user_id.find('@'));
  // Keep the default within the 30-character name facet without splitting a UTF-8 sequence.
  std::size_t kept = 0;
  std::size_t characters = 0;
  while (kept < portion.size()) {
    std::size_t next = kept + 1;
    while (next < portion.size() && (static_cast<unsigned char>(portion[next]) & 0xC0) == 0x80) {
      ++next;
    }
    if (++characters > 30) {
      break;
    }
    kept = next;
  }
  portion.resize(kept);
  return portion;
}

void loader::read_users(const fields& group_fields, const group& owner) {
  each_item(group_fields, "users", [&](const YAML::Node& node, const std::string& path) {
    auto item = open_map(node, path, user_keys);
    if (!item) {
      return;
    }
    user u;
    u.service_provider = owner.service_provider;
    u.group = owner.id;
    auto id = text(*item, "id", true, user_id_facet);
    auto password = text(*item, "password", true, password_facet);
    auto first_name = text(*item, "first_name", false, name_facet);
    auto last_name = text(*item, "last_name", false, name_facet);
    u.id = id.value_or("");
    u.password = password.value_or("");
    u.first_name = first_name.value_or(user_portion(u.id));
    u.last_name = last_name.value_or(user_portion(u.id));

    each_item(*item, "line_ports", [&](const YAML::Node& port_node, const std::string& port_path) {
      read_line_port(port_node, port_path, u);
    });
    if (auto trunk_name = text(*item, "trunk_group", false, trunk_group_facet)) {
      const YAML::Node& trunk_node = *item->find("trunk_group");
      if (item->find("line_ports") != nullptr && !item->find("line_ports")->IsNull()) {
        report(trunk_node, path + ".trunk_group: a user's endpoint is either line_ports or trunk_group, not both");
      }
      if (!trunk_name->empty() && !trunk_groups_.contains(std::tuple(owner.service_provider, owner.id, *trunk_name))) {
        std::vector<std::string> known;
        for (const auto& [key, where] : trunk_groups_) {
          if (std::get<0>(key) == owner.service_provider && std::get<1>(key) == owner.id) {
            known.push_back(std::get<2>(key));
          }
        }
        report(trunk_node, path + ".trunk_group: no trunk group " + in_quotes(*trunk_name) + " in group " +
                               in_quotes(owner.service_provider) + "/" + in_quotes(owner.id) +
                               did_you_mean(*trunk_name, known));
      }
      u.trunk_group = *trunk_name;
    }
    if (const YAML::Node* port_node = item->find("trunk_line_port")) {
      if (!u.trunk_group) {
        report(*port_node, path + ".trunk_line_port: only a trunk user (with trunk_group) has a trunk line port");
      } else if (auto port = text(*item, "trunk_line_port", false, line_port_facet); port && !port->empty()) {
        if (claim_line_port(*port, *port_node, path + ".trunk_line_port")) {
          u.trunk_line_port = *port;
        }
      }
    }
    if (!id || id->empty()) {
      return;
    }
    const YAML::Node& id_node = *item->find("id");
    auto [existing, inserted] = users_.try_emplace(*id, definition{id_node.Mark()});
    if (!inserted) {
      report(id_node, path + ".id: duplicate user id " + in_quotes(*id) + at_line(existing->second.mark));
      return;
    }
    world_.users.push_back(std::move(u));
  });
}

/// Schema AccessDeviceEndpointLinePort: letters, digits and -_.!~*'()@, optionally a leading '+'.
bool valid_line_port_characters(std::string_view line_port) {
  if (line_port.starts_with('+')) {
    line_port.remove_prefix(1);
  }
  constexpr std::string_view marks = "-_.!~*'()@";
  return std::all_of(line_port.begin(), line_port.end(), [&](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           marks.find(c) != std::string_view::npos;
  });
}

bool loader::claim_line_port(const std::string& id, const YAML::Node& node, const std::string& path) {
  if (!valid_line_port_characters(id)) {
    report(node,
           path + ": " + in_quotes(id) +
               " may hold only letters, digits, -_.!~*'()@ and a leading + (schema AccessDeviceEndpointLinePort)");
  }
  auto [existing, inserted] = line_ports_.try_emplace(id, definition{node.Mark()});
  if (!inserted) {
    report(node, path + ": line port " + in_quotes(id) + " is already used; a line port belongs to one endpoint only" +
                     at_line(existing->second.mark));
    return false;
  }
  return true;
}

void loader::read_line_port(const YAML::Node& node, const std::string& path, user& owner) {
  auto item = open_map(node, path, line_port_keys);
  if (!item) {
    return;
  }
  const group owner_group{owner.service_provider, owner.group, ""};
  auto reference = device_reference_of(*item, "device", owner_group);
  bool resolved = reference && device_exists(*reference);
  auto id = text(*item, "line_port", true, line_port_facet);
  if (!id || id->empty()) {
    return;
  }
  if (!claim_line_port(*id, *item->find("line_port"), path + ".line_port")) {
    return;
  }
  if (resolved) {
    owner.line_ports.push_back(line_port{reference->key, *id});
  }
}

void loader::read_administrators(const fields& root) {
  each_item(root, "administrators", [&](const YAML::Node& node, const std::string& path) {
    auto item = open_map(node, path, administrator_keys);
    if (!item) {
      return;
    }
    administrator admin;
    auto id = text(*item, "id", true, user_id_facet);
    auto password = text(*item, "password", true, password_facet);
    auto kind = enumeration(*item, "kind", kind_names, "kind of administrator");
    if (kind == std::nullopt && item->find("kind") == nullptr) {
      report(item->map, path + ": missing required key 'kind' (one of " + joined(kind_names) + ")");
    }
    auto service_provider_id = text(*item, "service_provider", false, service_provider_id_facet);
    auto group_id = text(*item, "group", false, group_id_facet);
    admin.id = id.value_or("");
    admin.password = password.value_or("");
    if (kind) {
      admin.kind = *kind == "provisioning"       ? admin_kind::provisioning
                   : *kind == "service_provider" ? admin_kind::service_provider
                   : *kind == "group"            ? admin_kind::group
                                                 : admin_kind::system;
      const bool wants_service_provider = admin.kind == admin_kind::service_provider || admin.kind == admin_kind::group;
      const bool wants_group = admin.kind == admin_kind::group;
      if (wants_service_provider && !service_provider_id) {
        report(item->map, path + ": a " + *kind + " administrator needs 'service_provider' (its scope)");
      }
      if (wants_group && !group_id) {
        report(item->map, path + ": a group administrator needs 'group' (its scope)");
      }
      if (!wants_service_provider && service_provider_id) {
        report(*item->find("service_provider"),
               path + ".service_provider: a " + *kind + " administrator has no service provider scope; remove it");
      }
      if (!wants_group && group_id) {
        report(*item->find("group"), path + ".group: only a group administrator has a group scope; remove it");
      }
      if (wants_service_provider && service_provider_id && !service_provider_id->empty()) {
        if (!service_providers_.contains(*service_provider_id)) {
          std::vector<std::string> known;
          for (const auto& [known_id, where] : service_providers_) {
            known.push_back(known_id);
          }
          report(*item->find("service_provider"), path + ".service_provider: no service provider " +
                                                      in_quotes(*service_provider_id) +
                                                      did_you_mean(*service_provider_id, known));
        } else if (wants_group && group_id && !group_id->empty() &&
                   !groups_.contains(std::pair(*service_provider_id, *group_id))) {
          std::vector<std::string> known;
          for (const auto& [key, where] : groups_) {
            if (key.first == *service_provider_id) {
              known.push_back(key.second);
            }
          }
          report(*item->find("group"), path + ".group: no group " + in_quotes(*group_id) + " in service provider " +
                                           in_quotes(*service_provider_id) + did_you_mean(*group_id, known));
        }
      }
      if (wants_service_provider) {
        admin.service_provider = service_provider_id.value_or("");
      }
      if (wants_group) {
        admin.group = group_id.value_or("");
      }
    }
    if (!id || id->empty()) {
      return;
    }
    const YAML::Node& id_node = *item->find("id");
    if (auto as_user = users_.find(*id); as_user != users_.end()) {
      report(id_node, path + ".id: " + in_quotes(*id) + " is also the id of a user (line " +
                          std::to_string(as_user->second.mark.line + 1) +
                          "); users and administrators both log in, so their ids must differ");
      return;
    }
    auto [existing, inserted] = administrators_.try_emplace(*id, definition{id_node.Mark()});
    if (!inserted) {
      report(id_node, path + ".id: duplicate administrator id " + in_quotes(*id) + at_line(existing->second.mark));
      return;
    }
    world_.administrators.push_back(std::move(admin));
  });
}

void loader::read_trusted_addresses(const fields& mock) {
  std::map<std::string, YAML::Mark, std::less<>> seen;
  each_item(mock, "trusted_addresses", [&](const YAML::Node& node, const std::string& path) {
    if (!node.IsScalar()) {
      report(node, path + ": expected an IP address (e.g. 127.0.0.1 or ::1), got " + describe(node));
      return;
    }
    const std::string& written = node.Scalar();
    const std::optional<std::string> address = canonical_ip_address(written);
    if (!address) {
      report(node, path + ": " + in_quotes(written) +
                       " is not an IP address (write addresses, e.g. 127.0.0.1 or ::1; no host names, ports or "
                       "networks)");
      return;
    }
    auto [existing, inserted] = seen.try_emplace(*address, node.Mark());
    if (!inserted) {
      report(node, path + ": " + in_quotes(written) + " is listed twice" + at_line(existing->second));
      return;
    }
    world_.mock.trusted_addresses.push_back(*address);
  });
}

void loader::read_mock(const fields& root) {
  const YAML::Node* node = root.find("mock");
  if (node == nullptr || node->IsNull()) {
    return;
  }
  auto mock = open_map(*node, "mock", mock_keys);
  if (!mock) {
    return;
  }
  settings& out = world_.mock;
  out.token_seed = unsigned_integer(*mock, "token_seed", false);
  if (auto behaviour = enumeration(*mock, "before_login", before_login_names, "before-login behaviour")) {
    out.before_login = *behaviour == "close_connection" ? before_login_behaviour::close_connection
                                                        : before_login_behaviour::error_response;
  }
  if (auto version = text(*mock, "software_version", false, any_text)) {
    out.software_version = *version;
  }
  if (auto behaviour = enumeration(*mock, "logout", logout_names, "logout behaviour")) {
    out.logout = *behaviour == "close"              ? logout_behaviour::close
                 : *behaviour == "reply_then_close" ? logout_behaviour::reply_then_close
                                                    : logout_behaviour::reply;
  }
  read_trusted_addresses(*mock);
  const YAML::Node* errors = mock->find("sso_errors");
  if (errors == nullptr || errors->IsNull()) {
    return;
  }
  auto overrides = open_map(*errors, "mock.sso_errors", sso_error_names);
  if (!overrides) {
    return;
  }
  for (const auto& [name, reply_node] : overrides->entries) {
    auto reply = open_map(reply_node, join_path(overrides->path, name), sso_error_keys);
    if (!reply) {
      continue;
    }
    auto code = unsigned_integer(*reply, "code", true);
    auto reply_text = text(*reply, "text", true, any_text);
    if (code && *code > 99999) {
      report(*reply->find("code"),
             reply->path + ".code: " + std::to_string(*code) + " is not an error code; use a number from 0 to 99999");
      continue;
    }
    if (!code || !reply_text) {
      continue;
    }
    const sso_refusal refusal = name == "device_locked" ? sso_refusal::device_locked
                                : name == "device_management_not_supported"
                                    ? sso_refusal::device_management_not_supported
                                    : sso_refusal::no_line_port_on_device;
    out.sso_errors[refusal] = error_reply{static_cast<int>(*code), *reply_text};
  }
}

// ---- the whole file ----------------------------------------------------------------------------

/// Notes where each document and its content start, building nothing.
class document_events final : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override {
    start_ = mark;
    root_pending_ = true;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t /*anchor*/) override { node_at(mark); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t /*anchor*/) override {
    node_at(mark);
    if (!first_alias_) {
      first_alias_ = mark;
    }
  }
  void OnScalar(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t /*anchor*/,
                const std::string& /*value*/) override {
    node_at(mark);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t /*anchor*/,
                       YAML::EmitterStyle::value /*style*/) override {
    node_at(mark);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t /*anchor*/,
                  YAML::EmitterStyle::value /*style*/) override {
    node_at(mark);
  }
  void OnMapEnd() override {}

  /// Where the last document started.
  [[nodiscard]] const YAML::Mark& start() const { return start_; }
  /// Where the last document's content (its root node) starts.
  [[nodiscard]] const YAML::Mark& root() const { return root_; }
  /// Where the first alias ('*name') of any document so far stands.
  [[nodiscard]] const std::optional<YAML::Mark>& first_alias() const { return first_alias_; }

 private:
  void node_at(const YAML::Mark& mark) {
    if (root_pending_) {
      root_ = mark;
      root_pending_ = false;
    }
  }

  YAML::Mark start_;
  YAML::Mark root_;
  bool root_pending_ = false;
  std::optional<YAML::Mark> first_alias_;
};

/// The documents of a YAML stream, as far as the loader needs to know them before reading the first.
struct yaml_outline {
  std::size_t documents = 0;
  YAML::Mark second_root;              ///< where the second document's content starts
  std::optional<YAML::Mark> stuck_at;  ///< where the parser stopped making progress
  std::optional<YAML::Mark> alias_at;  ///< where the first alias stands
};

/// Why aliases are refused: a node that contains itself, or ten aliases of ten aliases of ..., would
/// make reading the file never end or exhaust memory.
constexpr std::string_view alias_refusal =
    "YAML aliases ('*name') are not supported: write the value out (an alias can make a file "
    "that never finishes loading)";

/// Reads every document's events (a syntax error anywhere throws YAML::ParserException). This is
/// also a guard: yaml-cpp 0.7 returns the same empty document over and over when a document starts
/// with a stray ',', so YAML::LoadAll would fill memory until the process dies. A document that
/// starts where the one before it started has consumed nothing, and ends the pass.
yaml_outline outline_of(const std::string& text) {
  std::istringstream stream(text);
  YAML::Parser parser(stream);
  document_events events;
  yaml_outline out;
  std::optional<int> previous_start;
  while (parser.HandleNextDocument(events)) {
    if (previous_start == events.start().pos) {
      out.stuck_at = events.start();
      break;
    }
    previous_start = events.start().pos;
    ++out.documents;
    if (out.documents == 2) {
      out.second_root = events.root();
    }
  }
  out.alias_at = events.first_alias();
  return out;
}

/// What stands at a mark, for a syntax error: "','", or "text" when that is no printable ASCII character.
std::string shown_at(std::string_view text, const YAML::Mark& mark) {
  const auto pos = static_cast<std::size_t>(mark.pos);
  if (mark.pos < 0 || pos >= text.size() || text[pos] < ' ' || text[pos] > '~') {
    return "text";
  }
  return in_quotes(text.substr(pos, 1));
}

/// The file name without folders and extension, the scenario's name when it gives none.
std::string stem_of(std::string_view source) {
  const auto slash = source.find_last_of("/\\");
  if (slash != std::string_view::npos) {
    source.remove_prefix(slash + 1);
  }
  const auto dot = source.rfind('.');
  if (dot != std::string_view::npos && dot != 0) {
    source = source.substr(0, dot);
  }
  return std::string(source);
}

scenario loader::load(std::string_view text_in) {
  scenario loaded;
  loaded.source = source();
  const std::string text_copy(text_in);
  yaml_outline outline;
  YAML::Node document;
  try {
    outline = outline_of(text_copy);
    if (outline.stuck_at) {
      report(*outline.stuck_at,
             "YAML syntax error: unexpected " + shown_at(text_in, *outline.stuck_at) + " where a value should start");
      return loaded;
    }
    if (outline.alias_at) {
      report(*outline.alias_at, std::string(alias_refusal));
      return loaded;
    }
    if (outline.documents != 0) {
      document = YAML::Load(text_copy);  // the first document only
    }
  } catch (const YAML::Exception& error) {
    report(error.mark, "YAML syntax error: " + error.msg);
    return loaded;
  }
  if (outline.documents == 0 || document.IsNull()) {
    report(YAML::Mark(), "the scenario is empty; it must be a map that starts with 'version: 1'");
    return loaded;
  }
  if (outline.documents > 1) {
    report(outline.second_root, "a scenario file holds one YAML document; remove the '---' and what follows");
  }
  auto root = open_map(document, "", root_keys);
  if (!root) {
    return loaded;
  }

  const YAML::Node* version = root->find("version");
  if (version == nullptr) {
    report(root->map, "missing required key 'version'; write 'version: 1' (the scenario format version)");
  } else if (!version->IsScalar() || version->Scalar() != "1") {
    report(*version, "version: this mock reads scenario format version 1, got " + describe(*version));
  }
  loaded.name = text(*root, "name", false, any_text).value_or(stem_of(source()));
  loaded.description = text(*root, "description", false, any_text).value_or("");

  // Order matters only for references: what is referred to is read before what refers to it.
  read_device_types(*root);
  device_key system_owner;
  system_owner.level = device_level::system;
  read_devices(*root, system_owner);
  read_service_providers(*root);
  read_administrators(*root);
  read_mock(*root);
  scenario_yaml::read_script(*this, *root, world_);  // after everything a rule's changes may name

  loaded.initial = std::move(world_);
  return loaded;
}

result<scenario, scenario_error> load_with(loader& reader, std::string_view text) {
  scenario loaded;
  try {
    loaded = reader.load(text);
  } catch (const YAML::Exception& error) {
    // A yaml-cpp call the loader guards against threw anyway: still a located problem, never a crash.
    scenario_problem problem{"", error.mark.line + 1, error.mark.column + 1, "cannot read scenario: " + error.msg};
    reader.problems().push_back(std::move(problem));
  } catch (const std::exception& error) {
    reader.problems().push_back(scenario_problem{"", 0, 0, std::string("cannot read scenario: ") + error.what()});
  }
  auto& problems = reader.problems();
  if (problems.empty()) {
    return loaded;
  }
  std::stable_sort(problems.begin(), problems.end(), [](const scenario_problem& a, const scenario_problem& b) {
    return std::pair(a.line, a.column) < std::pair(b.line, b.column);
  });
  return scenario_error{std::move(problems)};
}

}  // namespace

result<verify_query, scenario_error> parse_verify_query(std::string_view text, std::string_view source_name) {
  scenario_yaml::yaml_reader reader{std::string(source_name)};
  std::optional<verify_query> query;
  try {
    const std::string text_copy(text);
    const yaml_outline outline = outline_of(text_copy);  // also the guard against a stray ','
    if (outline.stuck_at) {
      reader.report(*outline.stuck_at,
                    "syntax error: unexpected " + shown_at(text, *outline.stuck_at) + " where a value should start");
    } else if (outline.alias_at) {
      reader.report(*outline.alias_at, std::string(alias_refusal));
    } else if (outline.documents != 1) {
      reader.report(outline.second_root, outline.documents == 0 ? "the pattern is empty; send a JSON or YAML map"
                                                                : "send one pattern, not several YAML documents");
    } else if (const YAML::Node root = YAML::Load(text_copy); !root.IsMap()) {
      reader.report(
          root, "expected a map such as {\"command\": \"UserGetRequest23V2\", \"times\": 1}, got " + describe(root));
    } else if (root["when"].IsDefined()) {
      reader.report(root["when"],
                    "when: write the keys of a rule's 'when:' (command, fields, login_user, transport, "
                    "state) at the top of the pattern, next to 'times'");
    } else {
      query = scenario_yaml::read_verify_query(reader, root);
    }
  } catch (const YAML::Exception& error) {
    reader.report(error.mark, "syntax error: " + error.msg);
  }
  if (!reader.problems().empty() || !query) {
    return scenario_error{std::move(reader.problems())};
  }
  return std::move(*query);
}

result<scenario, scenario_error> load_scenario_text(std::string_view yaml_text, std::string_view source_name) {
  loader reader{std::string(source_name)};
  auto loaded = load_with(reader, yaml_text);
  if (loaded.has_error()) {
    for (auto& problem : loaded.error().problems) {
      problem.file = std::string(source_name);
    }
  }
  return loaded;
}

result<scenario, scenario_error> load_scenario_file(const std::filesystem::path& path) {
  const std::string name = path.string();
  auto fail = [&](int error_number) {
    return scenario_error{
        {scenario_problem{name, 0, 0, "cannot read scenario file: " + std::generic_category().message(error_number)}}};
  };
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(name.c_str(), "rb"), &std::fclose);
  if (!file) {
    return fail(errno);
  }
  std::string content;
  std::array<char, 8192> buffer{};
  while (true) {
    const std::size_t got = std::fread(buffer.data(), 1, buffer.size(), file.get());
    content.append(buffer.data(), got);
    if (got < buffer.size()) {
      if (std::ferror(file.get()) != 0) {
        return fail(errno != 0 ? errno : EIO);
      }
      break;
    }
  }
  return load_scenario_text(content, name);
}

scenario load_default_scenario() {
  auto loaded = load_scenario_text(default_scenario_text(), "<default>");
  if (loaded.has_error()) {
    // The embedded scenario is checked by the tests; reaching this is a build that skipped them.
    std::cerr << "the embedded default scenario is invalid:\n" << loaded.error().to_string() << '\n';
    std::abort();
  }
  return std::move(loaded).value();
}

}  // namespace ocip::mock
