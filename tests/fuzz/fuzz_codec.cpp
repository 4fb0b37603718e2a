// libFuzzer target: decoding must never crash, and whatever decodes must survive an encode/decode
// round trip unchanged (client style keeps an absent echo absent).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ocip/protocol/codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes{reinterpret_cast<const char*>(data), size};
  for (const bool as_text : {false, true}) {
    auto decoded = as_text ? ocip::protocol::decode_text(bytes) : ocip::protocol::decode(bytes);
    if (!decoded) {
      if (decoded.error().message.empty()) {
        std::abort();
      }
      continue;
    }
    const ocip::protocol::document& doc = decoded.value();
    auto again = ocip::protocol::decode(ocip::protocol::encode(doc, ocip::protocol::wire_style::client));
    if (!again || again.value() != doc) {
      std::abort();
    }
    if (!ocip::protocol::decode(ocip::protocol::encode(doc, ocip::protocol::wire_style::server))) {
      std::abort();
    }
  }
  return 0;
}
