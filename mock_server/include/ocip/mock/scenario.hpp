#pragma once
/// Loading a YAML scenario (format version 1) into a world, with every problem reported.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ocip/mock/world.hpp"
#include "ocip/protocol/result.hpp"

namespace ocip::mock {

/// One problem found in a scenario, located in its file.
struct scenario_problem {
  std::string file;     ///< file name as given (or "<default>" for the embedded scenario)
  int line = 0;         ///< 1-based; 0 when the problem is the whole file (e.g. it cannot be read)
  int column = 0;       ///< 1-based; 0 with line 0
  std::string message;  ///< plain explanation naming the field, e.g. "devices[2].type: unknown device type 'X'"

  /// "file:line:column: message", or "file: message" when there is no line
  [[nodiscard]] std::string to_string() const;
};

/// Every problem a scenario has (loading reports all of them, not just the first).
struct scenario_error {
  std::vector<scenario_problem> problems;

  /// All problems in file order, one per line.
  [[nodiscard]] std::string to_string() const;
};

/// A loaded scenario.
struct scenario {
  std::string name;         ///< `name:` in the file
  std::string description;  ///< `description:` in the file
  std::string source;       ///< where it came from (path, or "<default>")
  world initial;            ///< the world as the file describes it
};

/// What the admin API's POST /verify asks: how many journalled commands match a pattern, and
/// whether that is `times`.
struct verify_query {
  request_pattern pattern;             ///< written as a rule's `when:` is
  std::optional<std::uint64_t> times;  ///< the count expected; unset: just count
};

/// Parses a verify query from YAML or JSON text (a map with the keys of a rule's `when:` and an
/// optional `times`); `source_name` names it in problems.
[[nodiscard]] result<verify_query, scenario_error> parse_verify_query(std::string_view text,
                                                                      std::string_view source_name);

/// Parses scenario text; `source_name` names it in problems.
[[nodiscard]] result<scenario, scenario_error> load_scenario_text(std::string_view yaml_text,
                                                                  std::string_view source_name);
/// Reads and parses a scenario file; problems name it as given (an unreadable file: its path and the OS error).
[[nodiscard]] result<scenario, scenario_error> load_scenario_file(const std::filesystem::path& path);
/// The embedded default scenario (scenarios/default.yaml, compiled in).
[[nodiscard]] std::string_view default_scenario_text();
/// Loads the embedded default scenario; it is tested to be valid (an invalid one aborts with its problems).
[[nodiscard]] scenario load_default_scenario();

}  // namespace ocip::mock
