#pragma once
// The world, the journal and messages as JSON, for the admin API; and what changed between two
// worlds, for the scenario watcher's log. Internal to mock_server/src.

#include <string>
#include <vector>

#include "json_writer.hpp"
#include "ocip/mock/journal.hpp"
#include "ocip/mock/scenario.hpp"
#include "ocip/mock/world.hpp"

namespace ocip::mock::detail {

/// A device's identity: {"level": "Group", "service_provider": …, "group": …, "name": …}.
void write_device_key(json_writer& out, const device_key& key);
/// The world as it is, without passwords: its lists, the script's state and each rule's match count.
void write_world(json_writer& out, const world& w);
/// One command: {"type": …, "echo": …, "fields": [{"name": …, "text": …} | {"name": …, "children": […]} | {"name": …,
/// "nil": true}]}.
void write_command(json_writer& out, const protocol::command& cmd);
/// A fault: {"kind": …, "delay_ms": …, …}, only the keys its kind uses.
void write_fault(json_writer& out, const fault& failure);
/// One journal entry, as GET /journal lists it.
void write_journal_entry(json_writer& out, const journal_entry& entry);

/// What differs between two worlds, one line per list that changed, e.g.
/// "devices: added Group acme/sales/polycom-03; removed System sys-01" or "rules: 2 -> 3".
/// Empty when nothing a user would notice changed.
[[nodiscard]] std::vector<std::string> world_differences(const world& before, const world& after);

}  // namespace ocip::mock::detail
