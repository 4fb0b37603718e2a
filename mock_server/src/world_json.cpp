#include "world_json.hpp"

#include <ctime>
#include <functional>
#include <map>

namespace ocip::mock::detail {
namespace {

/// "Group acme/sales/polycom-01", "Service Provider acme/lobby-01", "System sys-01".
std::string device_label(const device_key& key) {
  std::string label = std::string(to_string(key.level)) + " ";
  if (key.level != device_level::system) {
    label += key.service_provider + "/";
  }
  if (key.level == device_level::group) {
    label += key.group + "/";
  }
  return label + key.name;
}

void write_elements(json_writer& out, const std::vector<protocol::element>& elements) {
  out.begin_array();
  for (const protocol::element& each : elements) {
    out.begin_object().member("name", each.name);
    if (!each.xsi_type.empty()) {
      out.member("xsi_type", each.xsi_type);
    }
    if (each.nil) {
      out.member("nil", true);
    } else if (!each.children.empty()) {
      out.key("children");
      write_elements(out, each.children);
    } else {
      out.member("text", each.text);
    }
    out.end_object();
  }
  out.end_array();
}

/// ISO 8601 in UTC with milliseconds: 2026-12-04T05:01:02.123Z.
std::string utc_text(std::chrono::system_clock::time_point at) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(at);
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  std::array<char, 32> text{};
  const std::size_t length = std::strftime(text.data(), text.size(), "%Y-%m-%dT%H:%M:%S", &parts);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count() % 1000;
  std::string out(text.data(), length);
  out += '.';
  out += static_cast<char>('0' + millis / 100);
  out += static_cast<char>('0' + millis / 10 % 10);
  out += static_cast<char>('0' + millis % 10);
  return out + "Z";
}

void write_user(json_writer& out, const user& u) {
  out.begin_object()
      .member("id", u.id)
      .member("service_provider", u.service_provider)
      .member("group", u.group)
      .member("first_name", u.first_name)
      .member("last_name", u.last_name);
  out.key("line_ports").begin_array();
  for (const line_port& port : u.line_ports) {
    out.begin_object().member("line_port", port.id).key("device");
    write_device_key(out, port.device);
    out.end_object();
  }
  out.end_array();
  out.key("trunk_group");
  if (u.trunk_group) {
    out.value(*u.trunk_group);
  } else {
    out.null();
  }
  out.key("trunk_line_port");
  if (u.trunk_line_port.empty()) {
    out.null();
  } else {
    out.value(u.trunk_line_port);
  }
  out.end_object();
}

void write_device(json_writer& out, const device& d) {
  out.begin_object().key("key");
  write_device_key(out, d.key);
  out.member("type", d.device_type).member("locked", d.locked).key("mac_address");
  if (d.mac_address.empty()) {
    out.null();
  } else {
    out.value(d.mac_address);
  }
  out.end_object();
}

void write_settings(json_writer& out, const settings& mock) {
  out.begin_object();
  out.key("token_seed");
  if (mock.token_seed) {
    out.value(*mock.token_seed);
  } else {
    out.null();
  }
  out.member("before_login", to_string(mock.before_login)).member("software_version", mock.software_version);
  out.member("logout", mock.logout == logout_behaviour::reply              ? "reply"
                       : mock.logout == logout_behaviour::reply_then_close ? "reply_then_close"
                                                                           : "close");
  out.key("trusted_addresses").begin_array();
  for (const auto& address : mock.trusted_addresses) {
    out.value(address);
  }
  out.end_array();
  out.key("sso_errors").begin_object();
  for (const auto& [refusal, reply] : mock.sso_errors) {
    out.key(to_string(refusal)).begin_object().member("code", reply.code).member("text", reply.text).end_object();
  }
  out.end_object().end_object();
}

/// Each item of a list by its identity, with a fingerprint of everything a user would notice.
template <typename Item>
std::map<std::string, std::string> fingerprints(const std::vector<Item>& items,
                                                const std::function<std::string(const Item&)>& identity,
                                                const std::function<void(json_writer&, const Item&)>& write,
                                                const std::function<std::string(const Item&)>& hidden = nullptr) {
  std::map<std::string, std::string> out;
  for (const Item& each : items) {
    json_writer text;
    write(text, each);
    out[identity(each)] = text.text() + (hidden ? "\x1f" + hidden(each) : std::string());
  }
  return out;
}

/// "added a, b; removed c; changed d" for one list, or empty when it is the same.
std::string list_difference(const std::map<std::string, std::string>& before,
                            const std::map<std::string, std::string>& after) {
  std::string added;
  std::string removed;
  std::string changed;
  const auto append = [](std::string& to, const std::string& name) { to += (to.empty() ? "" : ", ") + name; };
  for (const auto& [name, print] : after) {
    const auto old = before.find(name);
    if (old == before.end()) {
      append(added, name);
    } else if (old->second != print) {
      append(changed, name);
    }
  }
  for (const auto& [name, print] : before) {
    if (!after.contains(name)) {
      append(removed, name);
    }
  }
  std::string out;
  for (const auto& [word, names] : {std::pair{"added", &added}, {"removed", &removed}, {"changed", &changed}}) {
    if (!names->empty()) {
      out += (out.empty() ? "" : "; ") + std::string(word) + " " + *names;
    }
  }
  return out;
}

}  // namespace

void write_device_key(json_writer& out, const device_key& key) {
  out.begin_object().member("level", to_string(key.level));
  if (key.level != device_level::system) {
    out.member("service_provider", key.service_provider);
  }
  if (key.level == device_level::group) {
    out.member("group", key.group);
  }
  out.member("name", key.name).end_object();
}

void write_world(json_writer& out, const world& w) {
  out.begin_object();
  out.key("service_providers").begin_array();
  for (const auto& each : w.service_providers) {
    out.begin_object().member("id", each.id).member("enterprise", each.is_enterprise).end_object();
  }
  out.end_array();
  out.key("groups").begin_array();
  for (const auto& each : w.groups) {
    out.begin_object()
        .member("service_provider", each.service_provider)
        .member("id", each.id)
        .member("user_domain", each.user_domain)
        .end_object();
  }
  out.end_array();
  out.key("device_types").begin_array();
  for (const auto& each : w.device_types) {
    out.begin_object().member("name", each.name).member("configuration_option", to_string(each.option)).end_object();
  }
  out.end_array();
  out.key("devices").begin_array();
  for (const auto& each : w.devices) {
    write_device(out, each);
  }
  out.end_array();
  out.key("trunk_groups").begin_array();
  for (const auto& each : w.trunk_groups) {
    out.begin_object()
        .member("service_provider", each.service_provider)
        .member("group", each.group)
        .member("name", each.name)
        .key("device");
    write_device_key(out, each.access_device);
    out.end_object();
  }
  out.end_array();
  out.key("users").begin_array();
  for (const auto& each : w.users) {
    write_user(out, each);
  }
  out.end_array();
  out.key("administrators").begin_array();
  for (const auto& each : w.administrators) {
    out.begin_object().member("id", each.id).member("kind", to_string(each.kind));
    if (!each.service_provider.empty()) {
      out.member("service_provider", each.service_provider);
    }
    if (!each.group.empty()) {
      out.member("group", each.group);
    }
    out.end_object();
  }
  out.end_array();
  out.key("mock");
  write_settings(out, w.mock);
  out.member("state", w.progress.state);
  out.key("rules").begin_array();
  for (std::size_t i = 0; i < w.scripting.rules.size(); ++i) {
    const rule& each = w.scripting.rules[i];
    out.begin_object()
        .member("name", each.name)
        .member("where", each.where.to_string())
        .member("matched", i < w.progress.matches.size() ? w.progress.matches[i] : std::uint64_t{0});
    out.key("times");
    if (each.times) {
      out.value(*each.times);
    } else {
      out.null();
    }
    out.end_object();
  }
  out.end_array();
  out.end_object();
}

void write_command(json_writer& out, const protocol::command& cmd) {
  out.begin_object().member("type", cmd.type);
  if (cmd.echo && !cmd.echo->empty()) {
    out.member("echo", *cmd.echo);
  }
  out.key("fields");
  write_elements(out, cmd.fields);
  out.end_object();
}

void write_fault(json_writer& out, const fault& failure) {
  out.begin_object().member("kind", to_string(failure.what));
  if (failure.delay.count() != 0) {
    out.member("delay_ms", static_cast<std::int64_t>(failure.delay.count()));
  }
  switch (failure.what) {
    case fault::kind::slice:
      out.member("bytes", std::uint64_t{failure.bytes})
          .member("pause_ms", static_cast<std::int64_t>(failure.pause.count()));
      break;
    case fault::kind::truncate:
      out.member("bytes", std::uint64_t{failure.bytes});
      break;
    case fault::kind::garbage:
      if (failure.text.empty()) {
        out.member("bytes", std::uint64_t{failure.bytes});
      } else {
        out.member("text", failure.text);
      }
      break;
    case fault::kind::http_500:
      out.member("text", failure.text);
      break;
    case fault::kind::soap_fault:
      out.member("code", failure.code).member("text", failure.text);
      break;
    default:
      break;
  }
  out.end_object();
}

void write_journal_entry(json_writer& out, const journal_entry& entry) {
  out.begin_object()
      .member("id", entry.id)
      .member("at", utc_text(entry.at))
      .member("connection", entry.connection)
      .member("transport", entry.transport)
      .member("remote", entry.remote)
      .member("addressed_as", entry.addressed_as)
      .member("took_us", static_cast<std::int64_t>(entry.took.count()));
  out.key("commands").begin_array();
  for (const journal_command& cmd : entry.commands) {
    out.begin_object().key("request");
    write_command(out, cmd.request);
    out.key("reply");
    if (cmd.reply) {
      write_command(out, *cmd.reply);
    } else {
      out.null();
    }
    out.member("login_user", cmd.login_user).member("state", cmd.state);
    out.key("rule");
    if (cmd.rule.empty()) {
      out.null();
    } else {
      out.value(cmd.rule);
    }
    if (cmd.miss) {
      out.key("near_miss").begin_object().member("rule", cmd.miss->rule).key("differences").begin_array();
      for (const auto& difference : cmd.miss->differences) {
        out.value(difference);
      }
      out.end_array().end_object();
    }
    out.end_object();
  }
  out.end_array();
  out.key("fault");
  if (entry.failure) {
    write_fault(out, *entry.failure);
  } else {
    out.null();
  }
  out.member("closed_after", entry.closed_after).end_object();
}

std::vector<std::string> world_differences(const world& before, const world& after) {
  std::vector<std::string> lines;
  const auto compare = [&](std::string_view list, const std::map<std::string, std::string>& old_items,
                           const std::map<std::string, std::string>& new_items) {
    if (std::string difference = list_difference(old_items, new_items); !difference.empty()) {
      lines.push_back(std::string(list) + ": " + difference);
    }
  };
  const auto by_sp = [](const service_provider& each) { return each.id; };
  const auto write_sp = [](json_writer& out, const service_provider& each) {
    out.begin_object().member("enterprise", each.is_enterprise).end_object();
  };
  compare("service providers", fingerprints<service_provider>(before.service_providers, by_sp, write_sp),
          fingerprints<service_provider>(after.service_providers, by_sp, write_sp));
  const auto by_group = [](const group& each) { return each.service_provider + "/" + each.id; };
  const auto write_group = [](json_writer& out, const group& each) { out.value(each.user_domain); };
  compare("groups", fingerprints<group>(before.groups, by_group, write_group),
          fingerprints<group>(after.groups, by_group, write_group));
  const auto by_type = [](const device_type& each) { return each.name; };
  const auto write_type = [](json_writer& out, const device_type& each) { out.value(to_string(each.option)); };
  compare("device types", fingerprints<device_type>(before.device_types, by_type, write_type),
          fingerprints<device_type>(after.device_types, by_type, write_type));
  const auto by_device = [](const device& each) { return device_label(each.key); };
  compare("devices", fingerprints<device>(before.devices, by_device, write_device),
          fingerprints<device>(after.devices, by_device, write_device));
  const auto by_trunk = [](const trunk_group& each) {
    return each.service_provider + "/" + each.group + "/" + each.name;
  };
  const auto write_trunk = [](json_writer& out, const trunk_group& each) { write_device_key(out, each.access_device); };
  compare("trunk groups", fingerprints<trunk_group>(before.trunk_groups, by_trunk, write_trunk),
          fingerprints<trunk_group>(after.trunk_groups, by_trunk, write_trunk));
  const auto by_user = [](const user& each) { return each.id; };
  const auto password_of_user = [](const user& each) { return each.password; };
  compare("users", fingerprints<user>(before.users, by_user, write_user, password_of_user),
          fingerprints<user>(after.users, by_user, write_user, password_of_user));
  const auto by_admin = [](const administrator& each) { return each.id; };
  const auto write_admin = [](json_writer& out, const administrator& each) {
    out.begin_object()
        .member("kind", to_string(each.kind))
        .member("service_provider", each.service_provider)
        .member("group", each.group)
        .end_object();
  };
  const auto password_of_admin = [](const administrator& each) { return each.password; };
  compare("administrators",
          fingerprints<administrator>(before.administrators, by_admin, write_admin, password_of_admin),
          fingerprints<administrator>(after.administrators, by_admin, write_admin, password_of_admin));

  json_writer old_settings;
  write_settings(old_settings, before.mock);
  json_writer new_settings;
  write_settings(new_settings, after.mock);
  if (old_settings.text() != new_settings.text()) {
    lines.emplace_back("mock settings: changed");
  }
  std::vector<std::string> old_rules;
  std::vector<std::string> new_rules;
  for (const auto& each : before.scripting.rules) {
    old_rules.push_back(each.name + "@" + each.where.to_string());
  }
  for (const auto& each : after.scripting.rules) {
    new_rules.push_back(each.name + "@" + each.where.to_string());
  }
  if (old_rules != new_rules || before.scripting.initial_state != after.scripting.initial_state) {
    lines.push_back("rules: " + std::to_string(old_rules.size()) + " -> " + std::to_string(new_rules.size()));
  }
  return lines;
}

}  // namespace ocip::mock::detail
