// libFuzzer target: the framer must never crash, and how the bytes are split must not change what
// comes out (documents and whether the stream failed).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "ocip/protocol/framer.hpp"

namespace {

struct framed {
  std::vector<std::string> documents;
  bool failed = false;
};

framed frame(std::string_view bytes, std::size_t max_document_bytes, std::size_t piece) {
  ocip::protocol::framer stream{max_document_bytes};
  framed out;
  for (std::size_t at = 0; at < bytes.size(); at += piece) {
    stream.put(bytes.substr(at, piece));
    while (auto document = stream.next()) {
      out.documents.push_back(std::move(*document));
    }
  }
  out.failed = stream.error().has_value();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) {
    return 0;
  }
  // The first byte picks a small document limit so that the oversize path is reached too.
  const std::size_t max_document_bytes = 16 + std::size_t{data[0]} * 8;
  const std::string_view bytes{reinterpret_cast<const char*>(data) + 1, size - 1};

  const framed whole = frame(bytes, max_document_bytes, bytes.size() + 1);
  const framed single_bytes = frame(bytes, max_document_bytes, 1);
  const framed sevens = frame(bytes, max_document_bytes, 7);
  if (whole.documents != single_bytes.documents || whole.failed != single_bytes.failed ||
      whole.documents != sevens.documents || whole.failed != sevens.failed) {
    std::abort();
  }
  for (const std::string& document : whole.documents) {
    if (document.empty() || document.front() != '<' || document.back() != '>' || document.size() > max_document_bytes) {
      std::abort();
    }
  }
  return 0;
}
