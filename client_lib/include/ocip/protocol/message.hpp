#pragma once
/// The OCI-P message model: a BroadsoftDocument with its commands and their ordered fields.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ocip::protocol {

/// One element inside a command: a leaf with text, a nil leaf, or a parent of child elements.
/// Text is always UTF-8 in memory, whatever the wire encoding was.
struct element {
  std::string name;               ///< local name, e.g. "userId"
  std::string text;               ///< text of a leaf (empty for a parent)
  std::vector<element> children;  ///< child elements of a parent, in document order
  bool nil = false;               ///< written as xsi:nil="true" (clears a nillable field)
  std::string xsi_type;           ///< local type name of a nested abstract-typed element, or empty

  /// A leaf element with text.
  static element leaf(std::string name, std::string text);
  /// An element marked xsi:nil="true".
  static element nil_leaf(std::string name);
  /// A parent element with the given children.
  static element parent(std::string name, std::vector<element> children);

  /// The first child with this name, or nullptr.
  [[nodiscard]] const element* child(std::string_view child_name) const;
  /// Text of the first child with this name, if there is one.
  [[nodiscard]] std::optional<std::string_view> child_text(std::string_view child_name) const;

  bool operator==(const element&) const = default;
};

/// An attribute of a command element other than xsi:type, echo and namespace declarations.
struct attribute {
  std::string name;
  std::string value;
  bool operator==(const attribute&) const = default;
};

/// One `command` of a document: a request or a response.
struct command {
  std::string type;                   ///< local name of the xsi:type, e.g. "LoginRequest22V5", "ErrorResponse"
  std::optional<std::string> echo;    ///< the echo attribute, when present
  std::vector<element> fields;        ///< child elements in schema order
  std::vector<attribute> attributes;  ///< e.g. type="Error" on an ErrorResponse

  /// The first field with this name, or nullptr.
  [[nodiscard]] const element* field(std::string_view name) const;
  /// Text of the first field with this name, if there is one.
  [[nodiscard]] std::optional<std::string_view> field_text(std::string_view name) const;
  /// Value of the attribute with this name, if there is one.
  [[nodiscard]] std::optional<std::string_view> attribute_value(std::string_view name) const;

  bool operator==(const command&) const = default;
};

/// How a document names who sends it: a session (normal) or a pre-authenticated identity.
enum class addressing_kind {
  session_id,             ///< <sessionId>
  user_id,                ///< <userId> (session-less, trusted hosts only)
  phone_number,           ///< <phoneNumber> (session-less)
  line_port,              ///< <linePort> (session-less)
  external_user_identity  ///< <externalUserIdentity> (session-less)
};

/// The element name of an addressing kind, e.g. "sessionId".
[[nodiscard]] std::string_view addressing_element_name(addressing_kind kind);

/// Most commands one document may carry (schema: maxOccurs="15").
inline constexpr std::size_t max_commands_per_document = 15;

/// A whole BroadsoftDocument.
struct document {
  std::string protocol = "OCI";  ///< "OCI" or "NSOCI"
  addressing_kind addressing = addressing_kind::session_id;
  std::string session_id;  ///< the addressing value, verbatim
  /// An externalUserIdentity written as the schema's structure: its parts (id, organizationId,
  /// role), kept to be written back as they came; session_id then holds the id.
  std::vector<element> identity_parts;
  std::optional<std::string> tracking_id;  ///< echoed back by the server
  std::vector<command> commands;           ///< 1 to 15 commands

  bool operator==(const document&) const = default;
};

/// An ErrorResponse's content, as the caller sees it.
struct error_response {
  std::optional<int> error_code;      ///< from <errorCode>, else from the "[Error NNNN]" summary prefix
  std::string summary;                ///< e.g. "[Error 4008] User not found: alice@example.com"
  std::string summary_english;        ///< real servers repeat the summary
  std::optional<std::string> detail;  ///< free text, may span lines
  std::string severity = "Error";     ///< the `type` attribute: Error, Warning or Info

  /// Reads an ErrorResponse command; the code comes from the summary when <errorCode> is absent.
  [[nodiscard]] static error_response from_command(const command& cmd);
  /// The real-server form: no <errorCode>, summary "[Error NNNN] text", summaryEnglish = summary.
  [[nodiscard]] static error_response make(int code, std::string_view text,
                                           std::optional<std::string> detail = std::nullopt);
  /// The command for this error, type="ErrorResponse" with its `type` attribute. <errorCode> is
  /// written only when the summary does not already start with "[Error <error_code>]".
  [[nodiscard]] command to_command() const;

  bool operator==(const error_response&) const = default;
};

/// The code in a "[Error NNNN] …" summary, if it starts that way.
[[nodiscard]] std::optional<int> error_code_from_summary(std::string_view summary);

/// A SuccessResponse command.
[[nodiscard]] command success_response();

}  // namespace ocip::protocol
