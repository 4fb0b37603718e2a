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

/// Makes one change that names a device; nothing when the device is gone.
void change_device(world& w, const world_change& change, const protocol::command& cmd) {
  device* target = device_of_change(w, change, cmd);
  if (target == nullptr) {
    return;
  }
  // A copy: remove_device invalidates `target`.
  const device_key key = target->key;
  switch (change.what) {
    case world_change::kind::lock_device:
      w.lock_device(key);
      break;
    case world_change::kind::unlock_device:
      w.unlock_device(key);
      break;
    case world_change::kind::remove_device:
      w.remove_device(key);
      break;
    case world_change::kind::remove_endpoint:
    case world_change::kind::set_configuration_option:
      break;
  }
}

}  // namespace

void apply_changes(world& w, const rule& matched, const protocol::command& cmd) {
  for (const world_change& change : matched.changes) {
    switch (change.what) {
      case world_change::kind::lock_device:
      case world_change::kind::unlock_device:
      case world_change::kind::remove_device:
        change_device(w, change, cmd);
        break;
      case world_change::kind::remove_endpoint:
        w.remove_endpoint(change.user_from_request ? cmd.field_text("userId").value_or("")
                                                   : std::string_view(change.user_id));
        break;
      case world_change::kind::set_configuration_option:
        if (const std::optional<configuration_option> option = parse_configuration_option(change.option)) {
          w.set_configuration_option(change.device_type, *option);
        }
        break;
    }
  }
}

}  // namespace ocip::mock::detail
