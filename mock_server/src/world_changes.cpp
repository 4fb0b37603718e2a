#include "world_changes.hpp"

#include "ocip/mock/sso_rules.hpp"

namespace ocip::mock::detail {
namespace {

/// The device a world change names: given in full, or (device_from_request) the one the request
/// names by deviceLevel and deviceName, looked up in the reach of the request's userId.
device* device_of_change(world& w, const world_change& change, const protocol::command& cmd) {
  if (!change.device_from_request) {
    const std::optional<device_level> level = parse_device_level(change.device_level);
    if (!level) {
      return nullptr;
    }
    return w.find_device(device_key{*level, change.service_provider, change.group, change.device_name});
  }
  const std::optional<device_level> level = parse_device_level(cmd.field_text("deviceLevel").value_or(""));
  const std::string_view name = cmd.field_text("deviceName").value_or("");
  const user* owner = w.find_user(cmd.field_text("userId").value_or(""));
  if (!level || owner == nullptr) {
    return nullptr;
  }
  const device* found = find_device_in_reach(w, *owner, *level, name);
  return found == nullptr ? nullptr : w.find_device(found->key);
}

}  // namespace

void apply_changes(world& w, const rule& matched, const protocol::command& cmd) {
  for (const world_change& change : matched.changes) {
    device* target = device_of_change(w, change, cmd);
    if (target == nullptr) {
      continue;
    }
    switch (change.what) {
      case world_change::kind::lock_device:
        w.lock_device(target->key);
        break;
      case world_change::kind::unlock_device:
        w.unlock_device(target->key);
        break;
    }
  }
}

}  // namespace ocip::mock::detail
