#pragma once
// What every conformance case shares: the target under test.

#include "target.hpp"

namespace ocip::conformance {

/// The target the suite runs against; set once by main() before any case runs.
[[nodiscard]] const target& current_target();

}  // namespace ocip::conformance
