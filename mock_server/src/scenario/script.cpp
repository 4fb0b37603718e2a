#include "ocip/mock/script.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <stdexcept>
#include <utility>

#include <boost/regex.hpp>

namespace ocip::mock {

class compiled_pattern {
 public:
  explicit compiled_pattern(const std::string& pattern) : expression_(pattern, boost::regex::ECMAScript) {}
  [[nodiscard]] const boost::regex& expression() const { return expression_; }

 private:
  boost::regex expression_;
};

namespace {

std::string single_quoted(std::string_view text) {
  return "'" + std::string(text) + "'";
}

std::string any_of(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) {
    out += out.empty() ? "" : " or ";
    out += name;
  }
  return out;
}

bool contains(const std::vector<std::string>& names, std::string_view wanted) {
  return std::find(names.begin(), names.end(), wanted) != names.end();
}

/// Why one field condition fails, or nullopt when it holds.
std::optional<std::string> field_mismatch(const field_condition& condition, const protocol::command& request) {
  const protocol::element* field = find_field(request, condition.path);
  const std::string label = "field " + condition.path;
  const std::string_view leaf = std::string_view(condition.path).substr(condition.path.rfind('/') + 1);
  if (is_secret_element(leaf) &&
      (condition.test == field_condition::kind::equals || condition.test == field_condition::kind::regex)) {
    // A password or token: say that it differs, never what either side holds.
    const bool holds = field != nullptr && (condition.test == field_condition::kind::equals
                                                ? field->text == condition.value && field->children.empty()
                                                : condition.matches_text(field->text) == true);
    return holds ? std::nullopt
                 : std::optional<std::string>(label + (field == nullptr ? ": wanted a value, got absent"
                                                                        : ": differs (a secret: values not shown)"));
  }
  switch (condition.test) {
    case field_condition::kind::present:
      return field != nullptr ? std::nullopt : std::optional<std::string>(label + ": wanted present, got absent");
    case field_condition::kind::absent:
      return field == nullptr ? std::nullopt : std::optional<std::string>(label + ": wanted absent, got present");
    case field_condition::kind::equals:
      if (field == nullptr) {
        return label + ": wanted " + single_quoted(condition.value) + ", got absent";
      }
      if (field->text != condition.value || !field->children.empty()) {
        return label + ": wanted " + single_quoted(condition.value) + ", got " + single_quoted(field->text);
      }
      return std::nullopt;
    case field_condition::kind::regex:
      if (field == nullptr) {
        return label + ": wanted to match /" + condition.value + "/, got absent";
      }
      if (const std::optional<bool> matched = condition.matches_text(field->text); !matched) {
        return label + ": matching /" + condition.value + "/ against its " + std::to_string(field->text.size()) +
               " characters gave up (too costly); counted as not matching";
      } else if (!*matched) {
        return label + ": wanted to match /" + condition.value + "/, got " + single_quoted(field->text);
      }
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

bool is_secret_element(std::string_view name) {
  std::string lowered(name);
  std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  // Passwords of every kind (password, plainTextPassword, signedPassword, newPassword,
  // mobilityManagerProvisioningPassword, ...) and tokens (deviceToken, loginToken, ...).
  return lowered.find("password") != std::string::npos || lowered.ends_with("token") ||
         lowered.find("secret") != std::string::npos;
}

result<field_condition, std::string> field_condition::matching(std::string path, std::string pattern) {
  if (pattern.size() > max_pattern_length) {
    return "a regular expression of " + std::to_string(pattern.size()) + " characters; at most " +
           std::to_string(max_pattern_length) + " are allowed";
  }
  field_condition condition{std::move(path), kind::regex, pattern, nullptr};
  try {
    condition.compiled = std::make_shared<const compiled_pattern>(pattern);
  } catch (const std::runtime_error& error) {  // boost::regex_error, or its parser running out of room
    return std::string(error.what());
  }
  return condition;
}

std::optional<bool> field_condition::matches_text(std::string_view text) const {
  if (test != kind::regex || !compiled) {
    return false;
  }
  try {
    return boost::regex_match(text.begin(), text.end(), compiled->expression());
  } catch (const std::runtime_error&) {  // the match's complexity or memory bound was reached
    return std::nullopt;
  }
}

const protocol::element* find_field(const protocol::command& request, std::string_view path) {
  std::size_t slash = path.find('/');
  const protocol::element* current = request.field(path.substr(0, slash));
  while (current != nullptr && slash != std::string_view::npos) {
    path.remove_prefix(slash + 1);
    slash = path.find('/');
    current = current->child(path.substr(0, slash));
  }
  return current;
}

std::vector<std::string> mismatches(const request_pattern& pattern, const protocol::command& request,
                                    const match_context& context) {
  std::vector<std::string> found;
  if (!pattern.commands.empty() && !contains(pattern.commands, request.type)) {
    found.push_back("command: wanted " + any_of(pattern.commands) + ", got " + request.type);
  }
  for (const auto& condition : pattern.fields) {
    if (auto differs = field_mismatch(condition, request)) {
      found.push_back(std::move(*differs));
    }
  }
  if (pattern.login_user && *pattern.login_user != context.login_user) {
    const auto describe = [](std::string_view user) {
      return user.empty() ? std::string("no login") : single_quoted(user);
    };
    found.push_back("user: wanted " + describe(*pattern.login_user) + ", got " + describe(context.login_user));
  }
  if (!pattern.transports.empty() && !contains(pattern.transports, context.transport)) {
    found.push_back("transport: wanted " + any_of(pattern.transports) + ", got " + std::string(context.transport));
  }
  if (!pattern.states.empty() && !contains(pattern.states, context.state)) {
    found.push_back("state: wanted " + any_of(pattern.states) + ", got " + std::string(context.state));
  }
  return found;
}

bool matches(const request_pattern& pattern, const protocol::command& request, const match_context& context) {
  return mismatches(pattern, request, context).empty();
}

std::optional<near_miss> closest_rule(const script& rules, const script_progress& progress,
                                      const protocol::command& request, const match_context& context) {
  std::optional<near_miss> best;
  for (std::size_t index = 0; index < rules.rules.size(); ++index) {
    const rule& each = rules.rules[index];
    if (!each.when.commands.empty() && !contains(each.when.commands, request.type)) {
      continue;
    }
    std::vector<std::string> differences = mismatches(each.when, request, context);
    if (differences.empty()) {
      // It matches, so it missed only because its uses are spent.
      const std::uint64_t used = index < progress.matches.size() ? progress.matches[index] : 0;
      return near_miss{each.name,
                       {"times: used up (matched " + std::to_string(used) + " of " +
                        std::to_string(each.times.value_or(used)) + " times)"}};
    }
    if (!best || differences.size() < best->differences.size()) {
      best = near_miss{each.name, std::move(differences)};
    }
  }
  return best;
}

std::string source_location::to_string() const {
  return file + ":" + std::to_string(line);
}

namespace {
constexpr std::array<std::pair<fault::kind, std::string_view>, 10> fault_names{{
    {fault::kind::none, "none"},
    {fault::kind::no_reply, "no_reply"},
    {fault::kind::close_before_reply, "close_before_reply"},
    {fault::kind::close_after_reply, "close_after_reply"},
    {fault::kind::reset, "reset"},
    {fault::kind::slice, "slice"},
    {fault::kind::truncate, "truncate"},
    {fault::kind::garbage, "garbage"},
    {fault::kind::http_500, "http_500"},
    {fault::kind::soap_fault, "soap_fault"},
}};
}  // namespace

std::string_view to_string(fault::kind kind) {
  for (const auto& [each, name] : fault_names) {
    if (each == kind) {
      return name;
    }
  }
  return "none";
}

std::optional<fault::kind> parse_fault_kind(std::string_view text) {
  for (const auto& [each, name] : fault_names) {
    if (name == text) {
      return each;
    }
  }
  return std::nullopt;
}

}  // namespace ocip::mock
