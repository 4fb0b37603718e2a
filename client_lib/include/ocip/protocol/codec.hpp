#pragma once
/// The XML codec between OCI-P wire bytes and the message model (oci-p.md §2-3).

#include <string>
#include <string_view>

#include "ocip/protocol/message.hpp"
#include "ocip/protocol/result.hpp"

namespace ocip::protocol {

/// Which peer's exact form to write.
enum class wire_style {
  /// As a real Application Server writes replies: echo="" always, c:SuccessResponse / c:ErrorResponse
  /// with xmlns:c="C" on the command, type="Error" first on an ErrorResponse.
  server,
  /// As real clients write requests: echo only when set, unprefixed type names.
  client,
};

/// The XSI namespace URI.
inline constexpr std::string_view xsi_namespace = "http://www.w3.org/2001/XMLSchema-instance";
/// The namespace of the root element, SuccessResponse and ErrorResponse: literally "C".
inline constexpr std::string_view oci_namespace = "C";

/// Decodes one whole document (declaration optional; encoding as declared: ISO-8859-1, UTF-8 or none
/// meaning UTF-8). xsi:type is resolved by namespace URI whatever its prefix; fields keep their order.
/// Checks: root <BroadsoftDocument> in namespace C with a protocol attribute, one addressing element,
/// an optional trackingId, at least one command (more than 15 are kept: the server answers that).
[[nodiscard]] result<document, protocol_error> decode(std::string_view bytes);

/// Decodes a document that is already characters (UTF-8), ignoring the declared encoding: the
/// unescaped text of a SOAP part (oci-p.md §5), whose declaration may not tell the truth.
[[nodiscard]] result<document, protocol_error> decode_text(std::string_view utf8_text);

/// Encodes a document in one piece, ready for one write: the declaration
/// `<?xml version="1.0" encoding="ISO-8859-1"?>`, LF, the document on one line, LF.
/// Bytes are ISO-8859-1; characters outside Latin-1 become numeric character references.
/// SuccessResponse and ErrorResponse (namespace C) are written c:-prefixed with xmlns:c="C" on the
/// command; a command without fields is self-closing.
[[nodiscard]] std::string encode(const document& doc, wire_style style);

}  // namespace ocip::protocol
