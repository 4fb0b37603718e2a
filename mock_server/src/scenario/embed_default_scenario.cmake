# cmake -DINPUT=<yaml> -DOUTPUT=<cpp> -P embed_default_scenario.cmake
# Writes a C++ source that defines ocip::mock::default_scenario_text() with INPUT's exact bytes.
file(READ "${INPUT}" hex HEX)
# 16 bytes to a line, then every byte as 0xNN.
string(REGEX REPLACE "(................................)" "\\1\n    " hex "${hex}")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
file(WRITE "${OUTPUT}.new" "// Generated from scenarios/default.yaml when it changes; edit that file, not this one.
#include <string_view>

#include \"ocip/mock/scenario.hpp\"

namespace ocip::mock {

namespace {
// Unsigned bytes (UTF-8 above 0x7F would narrow into char); one trailing zero keeps the array non-empty.
constexpr unsigned char default_scenario_bytes[] = {
    ${bytes}0x00};
}  // namespace

std::string_view default_scenario_text() {
  return {reinterpret_cast<const char*>(default_scenario_bytes), sizeof(default_scenario_bytes) - 1};
}

}  // namespace ocip::mock
")
file(COPY_FILE "${OUTPUT}.new" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.new")
