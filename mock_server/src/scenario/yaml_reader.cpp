// Reading YAML shapes with located problems; see yaml_reader.hpp.

#include "yaml_reader.hpp"

#include <charconv>
#include <map>
#include <system_error>

#include "ocip/protocol/xml_text.hpp"

namespace ocip::mock::scenario_yaml {

// ---- words -------------------------------------------------------------------------------------

/// Edit distance counting a swap of two neighbours as one edit ("naem" is one from "name"); the
/// words compared are keys and short names, so quadratic is fine.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  const std::size_t width = b.size() + 1;
  std::vector<std::size_t> table((a.size() + 1) * width);
  auto at = [&](std::size_t i, std::size_t j) -> std::size_t& { return table[i * width + j]; };
  for (std::size_t i = 0; i <= a.size(); ++i) {
    at(i, 0) = i;
  }
  for (std::size_t j = 0; j <= b.size(); ++j) {
    at(0, j) = j;
  }
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      at(i, j) = std::min({at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        at(i, j) = std::min(at(i, j), at(i - 2, j - 2) + 1);
      }
    }
  }
  return at(a.size(), b.size());
}

/// Lower case with spaces and hyphens as underscores, so "Service Provider" meets "service_provider".
std::string normalized(std::string_view word) {
  std::string out;
  out.reserve(word.size());
  for (char c : word) {
    if (c == ' ' || c == '-') {
      out += '_';
    } else if (c >= 'A' && c <= 'Z') {
      out += static_cast<char>(c - 'A' + 'a');
    } else {
      out += c;
    }
  }
  return out;
}

std::string joined(names words) {
  std::string out;
  for (auto word : words) {
    out += out.empty() ? "" : ", ";
    out += word;
  }
  return out;
}

std::string in_quotes(std::string_view text) {
  return "'" + std::string(text) + "'";
}

std::string at_line(const YAML::Mark& mark) {
  return mark.is_null() ? std::string() : " (first at line " + std::to_string(mark.line + 1) + ")";
}

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return "the value " + in_quotes(node.Scalar());
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      break;
  }
  return "nothing";
}

std::string join_path(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string index_path(const std::string& path, std::size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

namespace {

/// Keys people put in the wrong place, with where they belong.
std::optional<std::string_view> misplaced_root_key_hint(std::string_view key) {
  static const std::map<std::string_view, std::string_view> hints{
      {"groups", "groups belong to a service provider: service_providers[].groups"},
      {"users", "users belong to a group: service_providers[].groups[].users"},
      {"trunk_groups", "trunk groups belong to a group: service_providers[].groups[].trunk_groups"},
      {"admins", "did you mean 'administrators'?"},
      {"token_seed", "mock settings go under 'mock:'"},
      {"sso_errors", "mock settings go under 'mock:'"},
      {"before_login", "mock settings go under 'mock:'"},
      {"software_version", "mock settings go under 'mock:'"},
      {"logout", "mock settings go under 'mock:'"},
      {"trusted_addresses", "mock settings go under 'mock:'"},
  };
  auto hint = hints.find(key);
  return hint == hints.end() ? std::nullopt : std::optional<std::string_view>(hint->second);
}

}  // namespace

void yaml_reader::report(const YAML::Mark& mark, std::string message) {
  scenario_problem problem;
  problem.file = source_;
  problem.line = mark.is_null() ? 1 : mark.line + 1;
  problem.column = mark.is_null() ? 1 : mark.column + 1;
  problem.message = std::move(message);
  problems_.push_back(std::move(problem));
}

std::optional<fields> yaml_reader::open_map(const YAML::Node& node, const std::string& path, names known) {
  // At the top the message needs no path: "expected a map ...", not ": expected a map ...".
  const std::string at = path.empty() ? std::string() : path + ": ";
  if (!node.IsMap()) {
    report(node, at + "expected a map of key: value pairs, got " + describe(node));
    return std::nullopt;
  }
  fields result{node, path, {}};
  for (const auto& pair : node) {
    const YAML::Node& key = pair.first;
    if (!key.IsScalar()) {
      report(key, at + "keys must be plain words, got " + describe(key));
      continue;
    }
    const std::string& name = key.Scalar();
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      std::string message = join_path(path, name) + ": unknown key " + in_quotes(name);
      auto hint = path.empty() ? misplaced_root_key_hint(name) : std::nullopt;
      if (hint) {
        message += " (" + std::string(*hint) + ")";
      } else if (auto suggestion = closest(name, known)) {
        message += " (did you mean '" + *suggestion + "'?)";
      } else {
        message += "; known keys here: " + joined(known);
      }
      report(key, std::move(message));
      continue;
    }
    if (result.find(name) != nullptr) {
      report(key, join_path(path, name) + ": key " + in_quotes(name) + " appears twice in the same map");
      continue;
    }
    result.entries.emplace_back(name, pair.second);
  }
  return result;
}

std::optional<std::string> yaml_reader::text(const fields& owner, std::string_view key, bool required,
                                             text_facet facet) {
  const YAML::Node* node = owner.find(key);
  const std::string path = join_path(owner.path, key);
  if (node == nullptr) {
    if (required) {
      report(owner.map, owner.path.empty() ? "missing required key " + in_quotes(key)
                                           : owner.path + ": missing required key " + in_quotes(key));
    }
    return std::nullopt;
  }
  if (!node->IsScalar()) {
    report(*node, path + ": expected a text value, got " + describe(*node));
    return std::nullopt;
  }
  std::string value = node->Scalar();
  if (value.empty()) {
    report(*node, path + ": must not be empty");
  } else if (facet.max_length != 0 && protocol::utf8_character_count(value) > facet.max_length) {
    report(*node, path + ": " + in_quotes(value) + " is " + std::to_string(protocol::utf8_character_count(value)) +
                      " characters long; at most " + std::to_string(facet.max_length) + " are allowed (schema " +
                      std::string(facet.schema_type) + ")");
  }
  return value;
}

std::optional<bool> yaml_reader::boolean(const fields& owner, std::string_view key) {
  const YAML::Node* node = owner.find(key);
  if (node == nullptr) {
    return std::nullopt;
  }
  const std::string path = join_path(owner.path, key);
  if (node->IsScalar()) {
    const std::string word = normalized(node->Scalar());
    if (word == "true") {
      return true;
    }
    if (word == "false") {
      return false;
    }
  }
  report(*node, path + ": expected true or false, got " + describe(*node));
  return std::nullopt;
}

std::optional<std::uint64_t> yaml_reader::unsigned_integer(const fields& owner, std::string_view key, bool required) {
  const YAML::Node* node = owner.find(key);
  const std::string path = join_path(owner.path, key);
  if (node == nullptr) {
    if (required) {
      report(owner.map, (owner.path.empty() ? "" : owner.path + ": ") + "missing required key " + in_quotes(key));
    }
    return std::nullopt;
  }
  if (node->IsScalar()) {
    const std::string& digits = node->Scalar();
    std::uint64_t value = 0;
    const char* end = digits.data() + digits.size();
    auto [stop, error] = std::from_chars(digits.data(), end, value);
    if (!digits.empty() && error == std::errc() && stop == end) {
      return value;
    }
    if (error == std::errc::result_out_of_range) {
      report(*node, path + ": " + in_quotes(digits) + " is too large (at most 18446744073709551615)");
      return std::nullopt;
    }
  }
  report(*node, path + ": expected a whole number of 0 or more, got " + describe(*node));
  return std::nullopt;
}

std::optional<std::string> yaml_reader::enumeration(const fields& owner, std::string_view key, names allowed,
                                                    std::string_view what) {
  const YAML::Node* node = owner.find(key);
  if (node == nullptr) {
    return std::nullopt;
  }
  const std::string path = join_path(owner.path, key);
  if (!node->IsScalar()) {
    report(*node, path + ": expected one of " + joined(allowed) + ", got " + describe(*node));
    return std::nullopt;
  }
  const std::string& value = node->Scalar();
  if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) {
    return value;
  }
  report(*node, path + ": " + in_quotes(value) + " is not a " + std::string(what) + "; expected one of " +
                    joined(allowed) + did_you_mean(value, allowed));
  return std::nullopt;
}

}  // namespace ocip::mock::scenario_yaml
