#pragma once
// The world changes a matched rule makes. Internal to mock_server/src.

#include "ocip/mock/script.hpp"
#include "ocip/mock/world.hpp"
#include "ocip/protocol/message.hpp"

namespace ocip::mock::detail {

/// Makes a matched rule's world changes, in order, for the request command that matched it; a
/// change whose target is gone does nothing.
void apply_changes(world& w, const rule& matched, const protocol::command& cmd);

}  // namespace ocip::mock::detail
