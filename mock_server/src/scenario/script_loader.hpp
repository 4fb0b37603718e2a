#pragma once
// Reading a scenario's scripted rules (`initial_state`, `rules`) from YAML. Internal to
// mock_server/src/scenario.

#include "ocip/mock/world.hpp"
#include "yaml_reader.hpp"

namespace ocip::mock::scenario_yaml {

/// Reads `initial_state` and `rules` of the scenario's root map into `w.scripting` (and starts
/// `w.progress` at the initial state). The world's device types, devices and users must be read
/// already: changes that name them are checked against them. Problems go to `reader`.
void read_script(yaml_reader& reader, const fields& root, world& w);

/// Reads a POST /verify body: a map with the keys of a rule's `when:` and an optional `times`.
/// Problems go to `reader`; nothing when the node is no map.
std::optional<verify_query> read_verify_query(yaml_reader& reader, const YAML::Node& root);

}  // namespace ocip::mock::scenario_yaml
