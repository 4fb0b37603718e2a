// Provisioning commands over OCI-P (oci-p.md §8): what builds and changes the world that the
// Single Sign-On rules decide against.
#include "handlers.hpp"

namespace ocip::mock::detail {

std::span<const route> provisioning_routes() {
  return {};
}

}  // namespace ocip::mock::detail
