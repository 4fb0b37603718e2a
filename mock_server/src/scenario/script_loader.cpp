// Reading scripted rules from a scenario's YAML; see script_loader.hpp and script.hpp for the model.

#include "script_loader.hpp"

#include <array>
#include <charconv>
#include <chrono>
#include <map>
#include <set>
#include <system_error>

namespace ocip::mock::scenario_yaml {
namespace {

constexpr std::array<std::string_view, 7> rule_keys{"name", "when", "times", "reply", "fault", "next_state", "changes"};
constexpr std::array<std::string_view, 5> when_keys{"command", "fields", "login_user", "transport", "state"};
/// A POST /verify body: a rule's `when:` keys and the count it expects.
constexpr std::array<std::string_view, 6> verify_keys{"command", "fields", "login_user", "transport", "state", "times"};
constexpr std::array<std::string_view, 4> condition_keys{"equals", "regex", "present", "absent"};
constexpr std::array<std::string_view, 2> reply_keys{"response", "error"};
constexpr std::array<std::string_view, 2> response_keys{"type", "fields"};
constexpr std::array<std::string_view, 3> error_keys{"code", "text", "detail"};
constexpr std::array<std::string_view, 6> fault_keys{"kind", "delay_ms", "bytes", "pause_ms", "text", "code"};
constexpr std::array<std::string_view, 10> fault_kind_names{
    "none",     "no_reply", "close_before_reply", "close_after_reply", "reset", "slice",
    "truncate", "garbage",  "http_500",           "soap_fault"};
constexpr std::array<std::string_view, 3> transport_names{"tcp", "tls", "soap"};
constexpr std::array<std::string_view, 5> change_names{"lock_device", "unlock_device", "remove_device",
                                                       "remove_endpoint", "set_configuration_option"};
constexpr std::array<std::string_view, 4> device_change_keys{"level", "service_provider", "group", "name"};
constexpr std::array<std::string_view, 2> option_change_keys{"device_type", "option"};
constexpr std::array<std::string_view, 3> level_names{"System", "Service Provider", "Group"};
constexpr std::array<std::string_view, 3> option_names{"Device Management", "Not Supported", "Legacy"};

constexpr std::string_view from_request = "from_request";
constexpr std::uint64_t max_error_code = 99999;
/// Random garbage is made in memory before it is written: a bound keeps a typo from exhausting it.
constexpr std::uint64_t max_garbage_bytes = std::uint64_t{1} << 20;

constexpr text_facet device_name_facet{40, "AccessDeviceName"};
constexpr text_facet device_type_facet{40, "AccessDeviceType"};
constexpr text_facet user_id_facet{161, "UserId"};
constexpr text_facet service_provider_id_facet{30, "ServiceProviderId"};
constexpr text_facet group_id_facet{30, "GroupId"};

/// Whether a scripted element name can be written as it is: an ASCII XML name without a prefix,
/// as every OCI-P element name is.
bool is_element_name(std::string_view name) {
  const auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  return !name.empty() && letter(name.front()) && std::all_of(name.begin(), name.end(), [&](char c) {
    return letter(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
  });
}

/// The word among `allowed` that `written` means, compared without case, spaces, hyphens or
/// underscores mattering ("service_provider" means "Service Provider").
std::optional<std::string_view> spelled(std::string_view written, names allowed) {
  for (const auto word : allowed) {
    if (normalized(word) == normalized(written)) {
      return word;
    }
  }
  return std::nullopt;
}

/// Where a rule sets or tests a state, for the check that every tested state can be reached.
struct state_use {
  std::string name;
  YAML::Node node;
  std::string path;
};

class script_reader {
 public:
  script_reader(yaml_reader& reader, world& w) : reader_(reader), world_(w) {}

  void read(const fields& root);
  std::optional<verify_query> read_verify(const YAML::Node& node);

 private:
  /// Reports at the node; a value left empty ("key:" and nothing) at its key, since yaml-cpp places
  /// an empty value where the next token starts, often on the next line.
  void report(const YAML::Node& node, std::string message) {
    if (node.IsNull()) {
      for (const auto& [value, key_mark] : empty_values_) {
        if (value.is(node)) {
          reader_.report(key_mark, std::move(message));
          return;
        }
      }
    }
    reader_.report(node, std::move(message));
  }
  /// Notes the key of every empty value under `node`, for report().
  void note_empty_values(const YAML::Node& node) {
    if (node.IsMap()) {
      for (const auto& pair : node) {
        if (pair.second.IsNull()) {
          empty_values_.emplace_back(pair.second, pair.first.Mark());
        }
        note_empty_values(pair.second);
      }
    } else if (node.IsSequence()) {
      for (const auto& each : node) {
        note_empty_values(each);
      }
    }
  }

  std::optional<rule> read_rule(const YAML::Node& node, const std::string& path, std::size_t index);
  void read_when(const YAML::Node& node, const std::string& path, request_pattern& out);
  void read_when_keys(const fields& when, const std::string& path, request_pattern& out);
  std::vector<std::string> words(const YAML::Node& node, const std::string& path, std::string_view what,
                                 std::optional<names> allowed);
  void read_conditions(const YAML::Node& node, const std::string& path, std::vector<field_condition>& out);
  std::optional<field_condition> read_condition(const std::string& field_path, const YAML::Node& node,
                                                const std::string& path);
  /// `without`: what leaving `times` out means, for the message ("no limit" for a rule).
  std::optional<std::uint64_t> read_times(const YAML::Node& node, const std::string& path, std::string_view without);
  std::optional<scripted_reply> read_reply(const YAML::Node& node, const std::string& path);
  std::optional<std::vector<protocol::element>> read_elements(const YAML::Node& node, const std::string& path);
  std::optional<protocol::element> read_element(const std::string& name, const YAML::Node& node,
                                                const std::string& path);
  std::optional<fault> read_fault(const YAML::Node& node, const std::string& path, const request_pattern& when);
  std::optional<world_change> read_change(const YAML::Node& node, const std::string& path);
  bool read_device(world_change& change, const YAML::Node& node, const std::string& path);
  std::optional<std::chrono::milliseconds> milliseconds(const fields& owner, std::string_view key);

  yaml_reader& reader_;
  world& world_;
  std::vector<state_use> tested_states_;
  std::set<std::string, std::less<>> reachable_states_;
  std::vector<std::pair<YAML::Node, YAML::Mark>> empty_values_;
};

void script_reader::read(const fields& root) {
  script& out = world_.scripting;
  if (auto initial = reader_.text(root, "initial_state", false, any_text)) {
    out.initial_state = *initial;
  }
  reachable_states_.insert(out.initial_state);
  if (const YAML::Node* rules = root.find("rules")) {
    note_empty_values(*rules);
  }
  std::map<std::string, YAML::Mark, std::less<>> names_seen;
  std::size_t index = 0;
  reader_.each_item(root, "rules", [&](const YAML::Node& node, const std::string& path) {
    // The name is checked before the rest, so that a repeated name is reported also when the rule
    // has other problems.
    bool repeated = false;
    if (node.IsMap()) {
      if (const YAML::Node name_node = node["name"]; name_node.IsDefined() && name_node.IsScalar()) {
        if (auto [existing, inserted] = names_seen.try_emplace(name_node.Scalar(), node.Mark()); !inserted) {
          report(name_node,
                 path + ".name: duplicate rule name " + in_quotes(name_node.Scalar()) + at_line(existing->second));
          repeated = true;
        }
      }
    }
    std::optional<rule> read = read_rule(node, path, index++);
    if (read && !repeated) {
      out.rules.push_back(std::move(*read));
    }
  });
  // A state no rule moves to (and that is not the initial state) can never hold: a typo.
  std::vector<std::string> known(reachable_states_.begin(), reachable_states_.end());
  for (const state_use& use : tested_states_) {
    if (!reachable_states_.contains(use.name)) {
      report(use.node, use.path + ": no rule moves to state " + in_quotes(use.name) +
                           " and it is not the initial state " + in_quotes(out.initial_state) +
                           did_you_mean(use.name, known));
    }
  }
  world_.progress = script_progress{out.initial_state, {}};
}

std::optional<rule> script_reader::read_rule(const YAML::Node& node, const std::string& path, std::size_t index) {
  auto item = reader_.open_map(node, path, rule_keys);
  if (!item) {
    return std::nullopt;
  }
  const std::size_t problems_before = reader_.problems().size();
  rule out;
  out.name = reader_.text(*item, "name", false, any_text).value_or("rules[" + std::to_string(index) + "]");
  out.where = source_location{reader_.source(), node.Mark().is_null() ? 0 : node.Mark().line + 1};
  if (const YAML::Node* when = item->find("when"); when != nullptr && !when->IsNull()) {
    read_when(*when, join_path(path, "when"), out.when);
  }
  if (const YAML::Node* times = item->find("times")) {
    out.times = read_times(*times, join_path(path, "times"), "for no limit");
  }
  if (const YAML::Node* reply = item->find("reply")) {
    if (auto read = read_reply(*reply, join_path(path, "reply"))) {
      out.reply = std::move(*read);
    }
  }
  if (const YAML::Node* failure = item->find("fault"); failure != nullptr && !failure->IsNull()) {
    out.failure = read_fault(*failure, join_path(path, "fault"), out.when);
  }
  if (auto next = reader_.text(*item, "next_state", false, any_text)) {
    reachable_states_.insert(*next);
    out.next_state = std::move(next);
  }
  reader_.each_item(*item, "changes", [&](const YAML::Node& change_node, const std::string& change_path) {
    if (auto change = read_change(change_node, change_path)) {
      out.changes.push_back(std::move(*change));
    }
  });
  if (reader_.problems().size() != problems_before) {
    return std::nullopt;
  }
  return out;
}

std::optional<verify_query> script_reader::read_verify(const YAML::Node& node) {
  note_empty_values(node);
  auto query = reader_.open_map(node, "", verify_keys);
  if (!query) {
    return std::nullopt;
  }
  verify_query out;
  read_when_keys(*query, "", out.pattern);
  if (const YAML::Node* times = query->find("times")) {
    out.times = read_times(*times, "times", "to just count");
  }
  // No check that a tested state is reachable: a verify call asks about what happened.
  return out;
}

void script_reader::read_when(const YAML::Node& node, const std::string& path, request_pattern& out) {
  if (auto when = reader_.open_map(node, path, when_keys)) {
    read_when_keys(*when, path, out);
  }
}

void script_reader::read_when_keys(const fields& when, const std::string& path, request_pattern& out) {
  if (const YAML::Node* commands = when.find("command")) {
    const std::string commands_path = join_path(path, "command");
    out.commands = words(*commands, commands_path, "a command type", std::nullopt);
    // A rule sees requests only; a response type (or a typo of one) would never match.
    for (std::size_t i = 0; i < out.commands.size(); ++i) {
      if (out.commands[i].find("Request") == std::string::npos) {
        const YAML::Node& where = commands->IsSequence() ? (*commands)[i] : *commands;
        report(where, (commands->IsSequence() ? index_path(commands_path, i) : commands_path) + ": " +
                          in_quotes(out.commands[i]) +
                          " is not a request type (request types have 'Request' in their name, e.g. "
                          "UserGetRequest22); a rule matches the commands clients send");
      }
    }
  }
  if (const YAML::Node* conditions = when.find("fields"); conditions != nullptr && !conditions->IsNull()) {
    read_conditions(*conditions, join_path(path, "fields"), out.fields);
  }
  if (const YAML::Node* login = when.find("login_user")) {
    if (login->IsScalar()) {
      out.login_user = login->Scalar();  // "" means: not logged in
    } else {
      report(*login, join_path(path, "login_user") + R"(: expected a user id (or "" for not logged in), got )" +
                         describe(*login));
    }
  }
  if (const YAML::Node* transports = when.find("transport")) {
    out.transports = words(*transports, join_path(path, "transport"), "a transport", names(transport_names));
  }
  if (const YAML::Node* states = when.find("state")) {
    const std::string states_path = join_path(path, "state");
    out.states = words(*states, states_path, "a state name", std::nullopt);
    if (states->IsScalar()) {
      tested_states_.push_back({states->Scalar(), *states, states_path});
    } else if (states->IsSequence()) {
      std::size_t index = 0;
      for (const auto& each : *states) {
        if (each.IsScalar()) {
          tested_states_.push_back({each.Scalar(), each, index_path(states_path, index)});
        }
        ++index;
      }
    }
  }
}

/// One word or a list of words (command types, transports, states); each checked against
/// `allowed` when given.
std::vector<std::string> script_reader::words(const YAML::Node& node, const std::string& path, std::string_view what,
                                              std::optional<names> allowed) {
  std::vector<std::string> out;
  const auto take = [&](const YAML::Node& each, const std::string& each_path) {
    if (!each.IsScalar() || each.Scalar().empty()) {
      report(each, each_path + ": expected " + std::string(what) + ", got " + describe(each));
      return;
    }
    const std::string& word = each.Scalar();
    if (allowed && std::find(allowed->begin(), allowed->end(), word) == allowed->end()) {
      report(each, each_path + ": " + in_quotes(word) + " is not " + std::string(what) + "; expected one of " +
                       joined(*allowed) + did_you_mean(word, *allowed));
      return;
    }
    out.push_back(word);
  };
  if (node.IsSequence()) {
    if (node.size() == 0) {
      report(node, path + ": an empty list matches nothing; leave the key out to match any");
    }
    std::size_t index = 0;
    for (const auto& each : node) {
      take(each, index_path(path, index++));
    }
  } else {
    take(node, path);
  }
  return out;
}

void script_reader::read_conditions(const YAML::Node& node, const std::string& path,
                                    std::vector<field_condition>& out) {
  if (!node.IsMap()) {
    report(node, path + ": expected a map of field path: condition, got " + describe(node));
    return;
  }
  std::set<std::string, std::less<>> seen;
  for (const auto& pair : node) {
    if (!pair.first.IsScalar()) {
      report(pair.first, path + ": field paths must be text, got " + describe(pair.first));
      continue;
    }
    const std::string& field_path = pair.first.Scalar();
    const std::string condition_path = join_path(path, field_path);
    if (field_path.empty() || field_path.front() == '/' || field_path.back() == '/' ||
        field_path.find("//") != std::string::npos) {
      report(pair.first, condition_path + ": " + in_quotes(field_path) +
                             " is not a field path; write element names separated by '/', e.g. "
                             "accessDeviceEndpoint/linePort");
      continue;
    }
    if (!seen.insert(field_path).second) {
      report(pair.first, condition_path + ": field " + in_quotes(field_path) + " appears twice in the same map");
      continue;
    }
    if (auto condition = read_condition(field_path, pair.second, condition_path)) {
      out.push_back(std::move(*condition));
    }
  }
}

std::optional<field_condition> script_reader::read_condition(const std::string& field_path, const YAML::Node& node,
                                                             const std::string& path) {
  if (node.IsScalar()) {
    return field_condition{field_path, field_condition::kind::equals, node.Scalar(), nullptr};
  }
  if (!node.IsMap()) {
    report(node, path +
                     ": expected the exact text or one of {equals: ...}, {regex: ...}, {present: true}, "
                     "{absent: true}, got " +
                     describe(node));
    return std::nullopt;
  }
  auto condition = reader_.open_map(node, path, condition_keys);
  if (!condition) {
    return std::nullopt;
  }
  if (condition->entries.size() != 1) {
    if (!condition->entries.empty() || node.size() == 0) {
      report(node, path + ": give exactly one of equals, regex, present, absent");
    }
    return std::nullopt;
  }
  const auto& [test, value] = condition->entries.front();
  const std::string test_path = join_path(path, test);
  if (test == "present" || test == "absent") {
    auto flag = reader_.boolean(*condition, test);
    if (!flag) {
      return std::nullopt;
    }
    // present: false is absent, absent: false is present.
    const bool wants_present = (test == "present") == *flag;
    return field_condition{field_path, wants_present ? field_condition::kind::present : field_condition::kind::absent,
                           "", nullptr};
  }
  if (!value.IsScalar()) {
    report(value, test_path + ": expected a text value, got " + describe(value));
    return std::nullopt;
  }
  if (test == "equals") {
    return field_condition{field_path, field_condition::kind::equals, value.Scalar(), nullptr};
  }
  auto compiled = field_condition::matching(field_path, value.Scalar());
  if (!compiled) {
    const std::string shown = value.Scalar().size() > 60 ? value.Scalar().substr(0, 60) + "..." : value.Scalar();
    report(value, test_path + ": " + in_quotes(shown) +
                      " is not a usable regular expression (ECMAScript): " + compiled.error());
    return std::nullopt;
  }
  return std::move(compiled).value();
}

std::optional<std::uint64_t> script_reader::read_times(const YAML::Node& node, const std::string& path,
                                                       std::string_view without) {
  if (node.IsScalar()) {
    const std::string& digits = node.Scalar();
    long long value = 0;
    const char* end = digits.data() + digits.size();
    auto [stop, error] = std::from_chars(digits.data(), end, value);
    if (!digits.empty() && error == std::errc() && stop == end) {
      if (value < 1) {
        report(node, path + ": must be 1 or more, got " + digits + " (leave 'times' out " + std::string(without) + ")");
        return std::nullopt;
      }
      return static_cast<std::uint64_t>(value);
    }
  }
  report(node, path + ": expected a whole number of 1 or more, got " + describe(node));
  return std::nullopt;
}

std::optional<scripted_reply> script_reader::read_reply(const YAML::Node& node, const std::string& path) {
  if (node.IsScalar() && node.Scalar() == "built_in") {
    return scripted_reply{};
  }
  if (!node.IsMap()) {
    report(node, path + ": expected built_in, {response: ...} or {error: ...}, got " + describe(node));
    return std::nullopt;
  }
  auto reply = reader_.open_map(node, path, reply_keys);
  if (!reply) {
    return std::nullopt;
  }
  if (reply->entries.size() != 1) {
    if (!reply->entries.empty() || node.size() == 0) {
      report(node, path + ": give exactly one of response, error (or write reply: built_in)");
    }
    return std::nullopt;
  }
  scripted_reply out;
  const auto& [what, value] = reply->entries.front();
  const std::string what_path = join_path(path, what);
  if (what == "response") {
    auto response = reader_.open_map(value, what_path, response_keys);
    if (!response) {
      return std::nullopt;
    }
    auto type = reader_.text(*response, "type", true, any_text);
    std::optional<std::vector<protocol::element>> elements(std::in_place);
    if (const YAML::Node* given = response->find("fields"); given != nullptr && !given->IsNull()) {
      elements = read_elements(*given, join_path(what_path, "fields"));
    }
    if (!type || type->empty() || !elements) {
      return std::nullopt;
    }
    if (*type == "ErrorResponse") {
      report(*response->find("type"),
             join_path(what_path, "type") + ": write an error reply as reply: {error: {code: ..., text: ...}}");
      return std::nullopt;
    }
    if (type->find("Response") == std::string::npos) {
      report(*response->find("type"), join_path(what_path, "type") + ": " + in_quotes(*type) +
                                          " is not a response type (response types have 'Response' in their "
                                          "name, e.g. UserGetResponse22)");
      return std::nullopt;
    }
    out.what = scripted_reply::kind::response;
    out.response = protocol::command{*type, std::nullopt, std::move(*elements), {}};
    return out;
  }
  auto error = reader_.open_map(value, what_path, error_keys);
  if (!error) {
    return std::nullopt;
  }
  // A plain int with -1 for "no usable code": GCC at -O2 takes an optional here for uninitialised.
  int code = -1;
  if (const YAML::Node* code_node = error->find("code")) {
    if (const auto read = reader_.unsigned_integer(*error, "code", true)) {
      if (*read > max_error_code) {
        report(*code_node, join_path(what_path, "code") + ": " + std::to_string(*read) +
                               " is not an error code; use a number from 0 to 99999");
      } else {
        code = static_cast<int>(*read);
      }
    }
  } else {
    report(value, what_path + ": missing required key 'code'");
  }
  auto text = reader_.text(*error, "text", true, any_text);
  auto detail = reader_.text(*error, "detail", false, any_text);
  if (code < 0 || !text || text->empty()) {
    return std::nullopt;
  }
  out.what = scripted_reply::kind::error;
  out.error_code = code;
  out.error_text = *text;
  out.error_detail = std::move(detail);
  return out;
}

std::optional<std::vector<protocol::element>> script_reader::read_elements(const YAML::Node& node,
                                                                           const std::string& path) {
  if (!node.IsMap()) {
    report(node, path + ": expected a map of element name: value, got " + describe(node));
    return std::nullopt;
  }
  std::vector<protocol::element> out;
  bool good = true;
  std::set<std::string, std::less<>> seen;
  for (const auto& pair : node) {
    if (!pair.first.IsScalar() || pair.first.Scalar().empty()) {
      report(pair.first, path + ": element names must be text, got " + describe(pair.first));
      good = false;
      continue;
    }
    const std::string& name = pair.first.Scalar();
    const std::string element_path = join_path(path, name);
    if (!is_element_name(name)) {
      report(pair.first, element_path + ": " + in_quotes(name) +
                             " is not an element name (letters, digits, '-', '_' and '.', starting with a letter "
                             "or '_')");
      good = false;
      continue;
    }
    if (!seen.insert(name).second) {
      report(pair.first, element_path + ": element " + in_quotes(name) +
                             " appears twice in the same map; write a repeated element as a list");
      good = false;
      continue;
    }
    if (pair.second.IsSequence()) {
      if (pair.second.size() == 0) {
        report(pair.second, element_path + ": an empty list writes no element; leave the key out instead");
        good = false;
        continue;
      }
      std::size_t index = 0;
      for (const auto& each : pair.second) {
        const std::string each_path = index_path(element_path, index++);
        if (each.IsSequence()) {
          report(each, each_path + ": a list inside a list has no element name; use a map");
          good = false;
          continue;
        }
        if (auto read = read_element(name, each, each_path)) {
          out.push_back(std::move(*read));
        } else {
          good = false;
        }
      }
      continue;
    }
    if (auto read = read_element(name, pair.second, element_path)) {
      out.push_back(std::move(*read));
    } else {
      good = false;
    }
  }
  if (!good) {
    return std::nullopt;
  }
  return out;
}

std::optional<protocol::element> script_reader::read_element(const std::string& name, const YAML::Node& node,
                                                             const std::string& path) {
  if (node.IsScalar()) {
    return protocol::element::leaf(name, node.Scalar());
  }
  if (node.IsMap()) {
    if (node.size() == 1 && node["nil"]) {
      const YAML::Node flag = node["nil"];
      if (!flag.IsScalar() || normalized(flag.Scalar()) != "true") {
        report(flag, join_path(path, "nil") + ": only nil: true is meaningful (leave the element out instead), got " +
                         describe(flag));
        return std::nullopt;
      }
      return protocol::element::nil_leaf(name);
    }
    auto children = read_elements(node, path);
    if (!children) {
      return std::nullopt;
    }
    return protocol::element::parent(name, std::move(*children));
  }
  report(node, path + R"(: expected a text, a map of child elements, a list or {nil: true}, got )" + describe(node) +
                   R"( (write '' for an empty element))");
  return std::nullopt;
}

std::optional<std::chrono::milliseconds> script_reader::milliseconds(const fields& owner, std::string_view key) {
  auto value = reader_.unsigned_integer(owner, key, false);
  if (!value) {
    return std::nullopt;
  }
  constexpr std::uint64_t day_ms = 24ULL * 60 * 60 * 1000;
  if (*value > day_ms) {
    report(*owner.find(key), join_path(owner.path, key) + ": " + std::to_string(*value) +
                                 " ms is more than a day; use at most " + std::to_string(day_ms));
    return std::nullopt;
  }
  return std::chrono::milliseconds(static_cast<std::int64_t>(*value));
}

std::optional<fault> script_reader::read_fault(const YAML::Node& node, const std::string& path,
                                               const request_pattern& when) {
  auto item = reader_.open_map(node, path, fault_keys);
  if (!item) {
    return std::nullopt;
  }
  const std::size_t problems_before = reader_.problems().size();
  fault out;
  const YAML::Node* kind_node = item->find("kind");
  auto kind_name = reader_.enumeration(*item, "kind", fault_kind_names, "fault kind");
  if (kind_node == nullptr) {
    report(node, path + ": missing required key 'kind'; one of " + joined(fault_kind_names));
  }
  if (auto delay = milliseconds(*item, "delay_ms")) {
    out.delay = *delay;
  }
  auto bytes = reader_.unsigned_integer(*item, "bytes", false);
  auto pause = milliseconds(*item, "pause_ms");
  auto text = reader_.text(*item, "text", false, any_text);
  auto code = reader_.text(*item, "code", false, any_text);
  if (!kind_name) {
    return std::nullopt;
  }
  out.what = *parse_fault_kind(*kind_name);
  const auto not_for = [&](std::string_view key, std::string_view which) {
    if (const YAML::Node* given = item->find(key)) {
      report(*given, join_path(path, key) + ": a " + *kind_name + " fault has no " + std::string(key) + "; only " +
                         std::string(which) + " faults use it");
    }
  };
  const bool slice = out.what == fault::kind::slice;
  const bool truncate = out.what == fault::kind::truncate;
  const bool garbage = out.what == fault::kind::garbage;
  const bool http_500 = out.what == fault::kind::http_500;
  const bool soap_fault = out.what == fault::kind::soap_fault;
  if (!slice && !truncate && !garbage) {
    not_for("bytes", "slice, truncate and garbage");
  }
  if (!slice) {
    not_for("pause_ms", "slice");
  }
  if (!garbage && !http_500 && !soap_fault) {
    not_for("text", "garbage, http_500 and soap_fault");
  }
  if (!soap_fault) {
    not_for("code", "soap_fault");
  }
  if ((slice || truncate) && !bytes) {
    if (item->find("bytes") == nullptr) {
      report(*kind_node, path + ": a " + *kind_name + " fault needs 'bytes' (" +
                             (slice ? "the size of each piece" : "how many bytes are written") + ")");
    }
  } else if (slice && *bytes == 0) {
    report(*item->find("bytes"), join_path(path, "bytes") + ": a slice needs pieces of 1 byte or more");
  }
  if (garbage && bytes && text) {
    report(*item->find("bytes"), join_path(path, "bytes") +
                                     ": a garbage fault writes either 'text' or 'bytes' "
                                     "random bytes, not both");
  } else if (garbage && !bytes && !text && item->find("bytes") == nullptr && item->find("text") == nullptr) {
    report(*kind_node, path + ": a garbage fault needs 'text' (the bytes written) or 'bytes' (how many random bytes)");
  } else if (garbage && bytes && *bytes == 0) {
    report(*item->find("bytes"), join_path(path, "bytes") + ": a garbage fault writes 1 byte or more");
  } else if (garbage && bytes && *bytes > max_garbage_bytes) {
    report(*item->find("bytes"), join_path(path, "bytes") + ": a garbage fault writes at most " +
                                     std::to_string(max_garbage_bytes) + " bytes (1 MiB), got " +
                                     std::to_string(*bytes));
  }
  if (soap_fault && !text && item->find("text") == nullptr) {
    report(*kind_node, path + ": a soap_fault needs 'text' (the faultstring)");
  }
  // A SOAP-only fault on a rule that may match a TCP or TLS command could not be carried out.
  if (http_500 || soap_fault) {
    const bool soap_only =
        !when.transports.empty() && std::all_of(when.transports.begin(), when.transports.end(),
                                                [](const std::string& transport) { return transport == "soap"; });
    if (!soap_only) {
      std::string others;
      for (const std::string& transport : when.transports) {
        others += transport == "soap" ? "" : (others.empty() ? "" : " and ") + transport;
      }
      report(*kind_node, join_path(path, "kind") + ": " + in_quotes(*kind_name) +
                             " is a SOAP-only fault, but this rule can match commands over " +
                             (others.empty() ? std::string("tcp and tls") : others) +
                             "; add 'transport: soap' under 'when'");
    }
  }
  if (reader_.problems().size() != problems_before) {
    return std::nullopt;
  }
  out.bytes = static_cast<std::size_t>(bytes.value_or(0));
  out.pause = pause.value_or(std::chrono::milliseconds(0));
  out.text = text.value_or("");
  out.code = code.value_or(soap_fault ? "soapenv:Server" : "");
  return out;
}

std::optional<world_change> script_reader::read_change(const YAML::Node& node, const std::string& path) {
  if (!node.IsMap()) {
    report(node, path + ": expected one change as a map, e.g. lock_device: from_request; got " + describe(node));
    return std::nullopt;
  }
  auto item = reader_.open_map(node, path, change_names);
  if (!item) {
    return std::nullopt;
  }
  if (item->entries.size() != 1) {
    if (!item->entries.empty() || node.size() == 0) {
      report(node, path + ": write one change per list item (one of " + joined(change_names) + ")");
    }
    return std::nullopt;
  }
  const auto& [name, value] = item->entries.front();
  const std::string value_path = join_path(path, name);
  world_change out;
  if (name == "lock_device" || name == "unlock_device" || name == "remove_device") {
    out.what = name == "lock_device"     ? world_change::kind::lock_device
               : name == "unlock_device" ? world_change::kind::unlock_device
                                         : world_change::kind::remove_device;
    if (!read_device(out, value, value_path)) {
      return std::nullopt;
    }
    return out;
  }
  if (name == "remove_endpoint") {
    out.what = world_change::kind::remove_endpoint;
    if (!value.IsScalar() || value.Scalar().empty()) {
      report(value, value_path + ": expected a user id or from_request, got " + describe(value));
      return std::nullopt;
    }
    if (value.Scalar() == from_request) {
      out.user_from_request = true;
      return out;
    }
    if (world_.find_user(value.Scalar()) == nullptr) {
      std::vector<std::string> known;
      for (const user& each : world_.users) {
        known.push_back(each.id);
      }
      report(value, value_path + ": no user " + in_quotes(value.Scalar()) + " in the scenario" +
                        did_you_mean(value.Scalar(), known));
      return std::nullopt;
    }
    out.user_id = value.Scalar();
    return out;
  }
  out.what = world_change::kind::set_configuration_option;
  auto option = reader_.open_map(value, value_path, option_change_keys);
  if (!option) {
    return std::nullopt;
  }
  auto type = reader_.text(*option, "device_type", true, device_type_facet);
  auto option_text = reader_.text(*option, "option", true, any_text);
  bool good = type && option_text;
  if (type && !type->empty() && world_.find_device_type(*type) == nullptr) {
    std::vector<std::string> known;
    for (const device_type& each : world_.device_types) {
      known.push_back(each.name);
    }
    report(*option->find("device_type"), join_path(value_path, "device_type") + ": no device type " + in_quotes(*type) +
                                             " under device_types" + did_you_mean(*type, known));
    good = false;
  }
  if (option_text && !option_text->empty()) {
    if (auto spelling = spelled(*option_text, option_names)) {
      out.option = std::string(*spelling);
    } else {
      report(*option->find("option"), join_path(value_path, "option") + ": " + in_quotes(*option_text) +
                                          " is not a configuration option; expected one of " + joined(option_names) +
                                          did_you_mean(*option_text, option_names));
      good = false;
    }
  }
  if (!good) {
    return std::nullopt;
  }
  out.device_type = *type;
  return out;
}

/// A device change's target: from_request, or a map naming one device of the scenario.
bool script_reader::read_device(world_change& change, const YAML::Node& node, const std::string& path) {
  if (node.IsScalar() && node.Scalar() == from_request) {
    change.device_from_request = true;
    return true;
  }
  if (!node.IsMap()) {
    report(node, path + ": expected from_request or {level: ..., service_provider: ..., group: ..., name: ...}, got " +
                     describe(node));
    return false;
  }
  auto target = reader_.open_map(node, path, device_change_keys);
  if (!target) {
    return false;
  }
  const std::size_t problems_before = reader_.problems().size();
  auto level_text = reader_.text(*target, "level", true, any_text);
  auto name = reader_.text(*target, "name", true, device_name_facet);
  auto provider = reader_.text(*target, "service_provider", false, service_provider_id_facet);
  auto group_id = reader_.text(*target, "group", false, group_id_facet);
  std::optional<device_level> level;
  if (level_text && !level_text->empty()) {
    if (auto spelling = spelled(*level_text, level_names)) {
      level = parse_device_level(*spelling);
    } else {
      report(*target->find("level"), join_path(path, "level") + ": " + in_quotes(*level_text) +
                                         " is not a device level; expected one of " + joined(level_names) +
                                         did_you_mean(*level_text, level_names));
    }
  }
  if (level) {
    const bool wants_provider = *level != device_level::system;
    const bool wants_group = *level == device_level::group;
    const std::string level_name(to_string(*level));
    if (wants_provider && !provider && target->find("service_provider") == nullptr) {
      report(node, path + ": a " + level_name + " device needs 'service_provider'");
    }
    if (wants_group && !group_id && target->find("group") == nullptr) {
      report(node, path + ": a Group device needs 'group'");
    }
    if (!wants_provider && provider) {
      report(*target->find("service_provider"),
             join_path(path, "service_provider") + ": a System device has no service provider; remove it");
    }
    if (!wants_group && group_id) {
      report(*target->find("group"),
             join_path(path, "group") + ": a " + level_name + " device has no group; remove it");
    }
  }
  if (reader_.problems().size() != problems_before || !level || !name) {
    return false;
  }
  const device_key key{*level, provider.value_or(""), group_id.value_or(""), *name};
  if (world_.find_device(key) == nullptr) {
    std::vector<std::string> known;
    for (const device& each : world_.devices) {
      if (each.key.level == key.level && each.key.service_provider == key.service_provider &&
          each.key.group == key.group) {
        known.push_back(each.key.name);
      }
    }
    std::string owner = key.level == device_level::system ? std::string()
                        : key.level == device_level::service_provider
                            ? " in service provider " + in_quotes(key.service_provider)
                            : " in group " + in_quotes(key.service_provider) + "/" + in_quotes(key.group);
    report(*target->find("name"), join_path(path, "name") + ": no " + std::string(to_string(key.level)) + " device " +
                                      in_quotes(key.name) + owner + did_you_mean(key.name, known));
    return false;
  }
  change.device_level = std::string(to_string(key.level));
  change.service_provider = key.service_provider;
  change.group = key.group;
  change.device_name = key.name;
  return true;
}

}  // namespace

void read_script(yaml_reader& reader, const fields& root, world& w) {
  script_reader(reader, w).read(root);
}

std::optional<verify_query> read_verify_query(yaml_reader& reader, const YAML::Node& root) {
  world unused;
  return script_reader(reader, unused).read_verify(root);
}

}  // namespace ocip::mock::scenario_yaml
