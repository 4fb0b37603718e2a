#pragma once
// Reading YAML maps, lists and values with every problem reported as file:line:column and field
// path. Internal to mock_server/src/scenario: the scenario loader and the script reader share it,
// and yaml-cpp stays inside this folder.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "ocip/mock/scenario.hpp"

namespace ocip::mock::scenario_yaml {

using names = std::span<const std::string_view>;

// ---- words -------------------------------------------------------------------------------------

/// Edit distance counting a swap of two neighbours as one edit ("naem" is one from "name").
[[nodiscard]] std::size_t edit_distance(std::string_view a, std::string_view b);

/// Lower case with spaces and hyphens as underscores, so "Service Provider" meets "service_provider".
[[nodiscard]] std::string normalized(std::string_view word);

/// The candidate a typo most likely meant, if one is close enough to suggest.
template <typename Candidates>
std::optional<std::string> closest(std::string_view word, const Candidates& candidates) {
  const std::string wanted = normalized(word);
  std::optional<std::string> best;
  std::size_t best_distance = std::max<std::size_t>(1, wanted.size() / 3) + 1;
  for (const auto& candidate : candidates) {
    const std::size_t distance = edit_distance(wanted, normalized(candidate));
    if (distance < best_distance) {
      best_distance = distance;
      best = std::string(candidate);
    }
  }
  return best;
}

/// " (did you mean 'X'?)" for the closest candidate, or nothing.
template <typename Candidates>
std::string did_you_mean(std::string_view word, const Candidates& candidates) {
  auto suggestion = closest(word, candidates);
  return suggestion ? " (did you mean '" + *suggestion + "'?)" : std::string();
}

/// The words separated by ", ".
[[nodiscard]] std::string joined(names words);
/// The text in single quotes.
[[nodiscard]] std::string in_quotes(std::string_view text);
/// " (first at line N)", or nothing for a null mark.
[[nodiscard]] std::string at_line(const YAML::Mark& mark);
/// What a node is, for messages: "a map", "a list", "the value 'x'", "nothing".
[[nodiscard]] std::string describe(const YAML::Node& node);
/// "path.key" ("key" at the top).
[[nodiscard]] std::string join_path(const std::string& path, std::string_view key);
/// "path[index]".
[[nodiscard]] std::string index_path(const std::string& path, std::size_t index);

/// Facets of a text field: its schema type's length limits (0: unbounded).
struct text_facet {
  std::size_t max_length = 0;
  std::string_view schema_type;  ///< for the message, e.g. "AccessDeviceName"
};

inline constexpr text_facet any_text{};

/// The fields of one YAML map, looked up by key after unknown and repeated keys were reported.
struct fields {
  YAML::Node map;
  std::string path;
  std::vector<std::pair<std::string, YAML::Node>> entries;

  [[nodiscard]] const YAML::Node* find(std::string_view key) const {
    for (const auto& [name, value] : entries) {
      if (name == key) {
        return &value;
      }
    }
    return nullptr;
  }
};

/// Reads the shapes of a scenario and collects its problems.
class yaml_reader {
 public:
  explicit yaml_reader(std::string source) : source_(std::move(source)) {}

  /// Every problem reported so far, in report order.
  std::vector<scenario_problem>& problems() { return problems_; }
  /// The file name problems carry.
  [[nodiscard]] const std::string& source() const { return source_; }

  void report(const YAML::Mark& mark, std::string message);
  void report(const YAML::Node& node, std::string message) { report(node.Mark(), std::move(message)); }

  /// The map's entries; unknown keys (with a suggestion) and repeated keys are reported and left out.
  std::optional<fields> open_map(const YAML::Node& node, const std::string& path, names known);
  /// Calls each(item, "path.key[i]") for every item of the list at `key`; absent or empty: none.
  template <typename Each>
  void each_item(const fields& owner, std::string_view key, Each&& each);
  /// A non-empty text value within the facet's length.
  std::optional<std::string> text(const fields& owner, std::string_view key, bool required, text_facet facet);
  std::optional<bool> boolean(const fields& owner, std::string_view key);
  std::optional<std::uint64_t> unsigned_integer(const fields& owner, std::string_view key, bool required);
  /// One of the allowed words (a suggestion when it is close to one).
  std::optional<std::string> enumeration(const fields& owner, std::string_view key, names allowed,
                                         std::string_view what);

 private:
  std::string source_;
  std::vector<scenario_problem> problems_;
};

template <typename Each>
void yaml_reader::each_item(const fields& owner, std::string_view key, Each&& each) {
  const YAML::Node* list = owner.find(key);
  if (list == nullptr || list->IsNull()) {
    return;  // absent and empty lists mean the same: none
  }
  const std::string path = join_path(owner.path, key);
  if (!list->IsSequence()) {
    report(*list, path + ": expected a list (items starting with '- '), got " + describe(*list));
    return;
  }
  std::size_t index = 0;
  for (const auto& item : *list) {
    each(item, index_path(path, index));
    ++index;
  }
}

}  // namespace ocip::mock::scenario_yaml
