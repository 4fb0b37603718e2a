// libFuzzer target: unwrapping SOAP requests and replies must never crash; every refusal must say
// why; whatever unwraps must decode or fail cleanly, and must unwrap again after being wrapped (a
// peer can pass on what it took out of an envelope).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ocip/protocol/codec.hpp"
#include "ocip/protocol/soap.hpp"

namespace {

/// Decoding the OCI document a part carried may fail, but only with a message.
void decode_cleanly(std::string_view document_text) {
  auto decoded = ocip::protocol::decode_text(document_text);
  if (!decoded && decoded.error().message.empty()) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace soap = ocip::protocol::soap;
  const std::string_view envelope{reinterpret_cast<const char*>(data), size};

  auto request = soap::unwrap_request(envelope);
  if (!request) {
    if (request.error().message.empty()) {
      std::abort();
    }
  } else {
    decode_cleanly(request.value());
    auto again = soap::unwrap_request(soap::wrap_request(request.value()));
    if (!again) {
      std::abort();
    }
  }

  auto response = soap::unwrap_response(envelope);
  if (!response) {
    if (response.error().message.empty()) {
      std::abort();
    }
  } else if (!response.value().refusal) {
    decode_cleanly(response.value().document_text);
    if (!soap::unwrap_response(soap::wrap_response(response.value().document_text))) {
      std::abort();
    }
  } else if (!soap::unwrap_response(soap::wrap_fault(*response.value().refusal))) {
    std::abort();
  }
  return 0;
}
