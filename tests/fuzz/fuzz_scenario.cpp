// libFuzzer target: the scenario loader must turn any text into a scenario or into located
// problems, never crash, hang or throw; every problem must carry a message and a sane position.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ocip/mock/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text{reinterpret_cast<const char*>(data), size};
  auto loaded = ocip::mock::load_scenario_text(text, "fuzz.yaml");
  if (loaded) {
    return 0;
  }
  if (loaded.error().problems.empty()) {
    std::abort();  // a refusal must say why
  }
  for (const auto& problem : loaded.error().problems) {
    if (problem.message.empty() || problem.line < 0 || problem.column < 0) {
      std::abort();
    }
  }
  return 0;
}
