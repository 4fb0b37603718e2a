#pragma once
/// Splits an OCI-P byte stream into whole documents by XML structure (oci-p.md §2).

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

#include "ocip/protocol/result.hpp"

namespace ocip::protocol {

/// Turns any split of a byte stream into whole documents. A document ends with the end tag of its
/// root element; whitespace between documents is skipped; nothing relies on line feeds or segment
/// boundaries. Knows comments, processing instructions, CDATA and quoted attribute values; skips a
/// UTF-8 byte order mark between documents; refuses DOCTYPE (entity expansion is a known attack).
/// Work is linear in the bytes put: nothing is scanned twice.
class framer {
 public:
  /// Default limit on the size of one document.
  static constexpr std::size_t default_max_document_bytes = 4 * 1024 * 1024;

  /// A framer that fails the stream when one document grows past max_document_bytes.
  explicit framer(std::size_t max_document_bytes = default_max_document_bytes);

  /// Takes more bytes from the stream. After an error, further bytes are ignored.
  void put(std::string_view bytes);

  /// The next whole document (from its first '<' to the '>' that closes the root), if any.
  [[nodiscard]] std::optional<std::string> next();

  /// Set once the stream cannot form documents any more (garbage, oversize); documents completed
  /// before the fault are still returned by next().
  [[nodiscard]] const std::optional<protocol_error>& error() const { return error_; }

  /// True when no partial document is buffered (only whitespace seen since the last document).
  [[nodiscard]] bool idle() const;

 private:
  /// Where in the XML grammar the last byte left us.
  enum class state : unsigned char {
    between_documents,  ///< skipping whitespace (and a UTF-8 byte order mark) between documents
    byte_order_mark,    ///< inside a UTF-8 byte order mark
    prolog,             ///< inside a document, before the root element
    content,            ///< inside the root element, in character data
    markup_open,        ///< just after '<'
    markup_bang,        ///< after "<!", not yet known to be a comment or a CDATA section
    processing_instruction,
    comment,
    cdata,
    start_tag,
    end_tag,
  };

  void step(char byte);
  void finish_document();
  void fail(std::string what);

  std::size_t max_document_bytes_;
  std::deque<std::string> ready_;
  std::string current_;
  std::optional<protocol_error> error_;
  state state_ = state::between_documents;
  std::size_t depth_ = 0;            // open elements in the current document
  std::size_t markup_start_ = 0;     // index in current_ of the '<' that opened the current markup
  std::size_t byte_order_mark_ = 0;  // bytes of a byte order mark seen so far
  std::uint64_t stream_offset_ = 0;  // bytes taken from the stream so far, for error messages
  char quote_ = 0;                   // the quote of the attribute value being read, or 0
};

}  // namespace ocip::protocol
