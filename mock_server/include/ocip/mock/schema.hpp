#pragma once
/// Validation of OCI-P commands against the vendor XML schema set (oci-p.md §9).

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>

#include "ocip/protocol/message.hpp"
#include "ocip/protocol/result.hpp"

namespace ocip::mock {

/// The file of the schema set that declares a root element `command` of the abstract command type.
inline constexpr std::string_view command_root_schema_file = "OCICommandRoot.xsd";

/// Validates one command at a time against `OCICommandRoot.xsd` of a vendor schema set.
///
/// libxml2 cannot resolve the no-namespace command types inside a whole BroadsoftDocument, so each
/// command is written as its own document (root `command` with its xsi:type, the `xsi` and `c`
/// prefixes declared on it) and validated alone. The schema set is parsed once by load(); the
/// parsed schema is only read afterwards, so one validator may be used from several threads at once.
class schema_validator {
 public:
  /// Parses `dir/OCICommandRoot.xsd` and everything it includes (about 0.3 s). The error names the
  /// folder or file that is missing, or quotes the schema parser's first messages.
  [[nodiscard]] static result<std::shared_ptr<const schema_validator>, std::string> load(
      const std::filesystem::path& dir);

  ~schema_validator();
  schema_validator(const schema_validator&) = delete;
  schema_validator& operator=(const schema_validator&) = delete;

  /// Validates one command; the error is the validator's first messages, one per line, each naming
  /// the element it is about (e.g. "Element 'deviceName': [facet 'maxLength'] …").
  [[nodiscard]] result<void, std::string> validate_command(const protocol::command& cmd) const;

  /// Validates the number of commands and then each command; the error names the command by its
  /// position (from 1) and type.
  [[nodiscard]] result<void, std::string> validate_document(const protocol::document& doc) const;

  /// The command with its fields put in the order its type declares in the schema (extension bases
  /// first, then the type's own sequence), nested fields too, by their element's type (or their
  /// xsi:type). Fields the type does not declare keep their relative order after the declared ones;
  /// a type the schema lacks leaves the command as it is. The schema files' content models are read
  /// on the first call (about 0.2 s) and kept.
  [[nodiscard]] protocol::command in_schema_order(protocol::command cmd) const;

  /// The folder the schema set was loaded from.
  [[nodiscard]] const std::filesystem::path& folder() const;

 private:
  struct impl;
  explicit schema_validator(std::unique_ptr<impl> loaded);
  std::unique_ptr<impl> impl_;
};

/// One command as the standalone UTF-8 document that validate_command() checks (oci-p.md §9):
/// `<command xmlns:xsi="…" xmlns:c="C" …xsi:type="…">…</command>`, SuccessResponse and
/// ErrorResponse written `c:`-prefixed, every other type unprefixed (no namespace).
[[nodiscard]] std::string standalone_command_document(const protocol::command& cmd);

/// The validation message for a document with `count` commands where the schema allows at most 15
/// (BroadsoftDocument's maxOccurs), worded as a schema validator words it.
[[nodiscard]] std::string too_many_commands_message(std::size_t count);

}  // namespace ocip::mock
