// The only file that talks to pugixml: everything else sees the message model.
#include "ocip/protocol/codec.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <pugixml.hpp>

#include "ocip/protocol/xml_text.hpp"

namespace ocip::protocol {
namespace {

/// Deeper nesting than this is refused: OCI-P commands nest a handful of levels, and decoding
/// recurses once per level.
constexpr std::size_t max_element_depth = 64;

// ---------------------------------------------------------------------------------------------
// Characters

bool is_blank(std::string_view text) {
  for (const char c : text) {
    if (!is_xml_space(c)) {
      return false;
    }
  }
  return true;
}

std::string hex_byte(char byte) {
  constexpr std::string_view digits = "0123456789ABCDEF";
  const auto value = static_cast<unsigned char>(byte);
  return std::string{digits[value >> 4], digits[value & 0x0Fu]};
}

bool is_ascii(std::string_view text) {
  for (const char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      return false;
    }
  }
  return true;
}

char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// ---------------------------------------------------------------------------------------------
// Decoding: bytes to a checked UTF-8 buffer

/// "line L, column C" of a byte offset in a UTF-8 buffer; columns count characters.
std::string position_of(std::string_view buffer, std::size_t offset) {
  if (offset > buffer.size()) {
    offset = buffer.size();
  }
  std::size_t line = 1;
  std::size_t column = 1;
  for (std::size_t i = 0; i < offset; ++i) {
    const auto byte = static_cast<unsigned char>(buffer[i]);
    if (byte == '\n') {
      ++line;
      column = 1;
    } else if ((byte & 0xC0u) != 0x80u) {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

protocol_error error_at(std::string_view buffer, std::size_t offset, std::string_view what) {
  return protocol_error{position_of(buffer, offset) + ": " + std::string{what}};
}

/// The encoding named in the XML declaration; UTF-8 when there is no declaration or no encoding.
result<xml_encoding, protocol_error> declared_encoding(std::string_view bytes) {
  if (bytes.starts_with("\xEF\xBB\xBF")) {
    return xml_encoding::utf8;  // a byte order mark outranks whatever the declaration says
  }
  const auto span = find_xml_declaration(bytes);
  if (!span) {
    return xml_encoding::utf8;
  }
  if (!span->end) {
    return protocol_error{"line 1: the XML declaration does not end with '?>'"};
  }
  const std::string_view declaration = bytes.substr(span->begin, *span->end - 2 - span->begin);  // without "?>"
  const std::size_t key = declaration.find("encoding");
  if (key == std::string_view::npos) {
    return xml_encoding::utf8;
  }
  std::size_t i = key + 8;
  while (i < declaration.size() && is_xml_space(declaration[i])) {
    ++i;
  }
  if (i >= declaration.size() || declaration[i] != '=') {
    return protocol_error{"line 1: malformed encoding in the XML declaration"};
  }
  ++i;
  while (i < declaration.size() && is_xml_space(declaration[i])) {
    ++i;
  }
  if (i >= declaration.size() || (declaration[i] != '"' && declaration[i] != '\'')) {
    return protocol_error{"line 1: the encoding in the XML declaration is not quoted"};
  }
  const char quote = declaration[i];
  const std::size_t close = declaration.find(quote, i + 1);
  if (close == std::string_view::npos) {
    return protocol_error{"line 1: unterminated encoding in the XML declaration"};
  }
  const std::string_view name = declaration.substr(i + 1, close - i - 1);
  if (const auto known = encoding_named(name)) {
    return *known;
  }
  return protocol_error{"line 1: unsupported encoding '" + std::string{name} +
                        "' in the XML declaration (expected ISO-8859-1 or UTF-8)"};
}

/// The bytes as UTF-8: ISO-8859-1 is converted (each byte is the code point of the same value).
result<std::string, protocol_error> to_utf8(std::string_view bytes, xml_encoding encoding) {
  if (encoding == xml_encoding::utf8) {
    if (bytes.starts_with("\xEF\xBB\xBF")) {
      bytes.remove_prefix(3);
    }
    if (const auto bad = first_invalid_utf8(bytes, utf8_check::xml_characters)) {
      return error_at(bytes, *bad, "byte 0x" + hex_byte(bytes[*bad]) + " does not start a UTF-8 encoded XML character");
    }
    return std::string{bytes};
  }
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (!is_xml_char(static_cast<unsigned char>(bytes[i]))) {
      // Located in the converted text, as every later error is: one character per byte.
      const std::string before = latin1_to_utf8(bytes.substr(0, i));
      return error_at(before, before.size(), "control byte 0x" + hex_byte(bytes[i]) + " is not an XML character");
    }
  }
  return latin1_to_utf8(bytes);
}

/// pugixml expands references without checking them and would keep an undefined entity or a
/// reference to U+0000 (which silently truncates the text); check them all first. Comments,
/// CDATA sections and processing instructions are skipped: references mean nothing there.
std::optional<protocol_error> check_references(std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t next = text.find_first_of("<&", pos);
    if (next == std::string_view::npos) {
      return std::nullopt;
    }
    if (text[next] == '<') {
      const std::string_view rest = text.substr(next);
      std::string_view terminator;
      if (rest.starts_with("<!--")) {
        terminator = "-->";
      } else if (rest.starts_with("<![CDATA[")) {
        terminator = "]]>";
      } else if (rest.starts_with("<?")) {
        terminator = "?>";
      }
      if (terminator.empty()) {
        pos = next + 1;
        continue;
      }
      const std::size_t end = text.find(terminator, next + 2);
      if (end == std::string_view::npos) {
        return std::nullopt;  // the parser reports the unterminated section
      }
      pos = end + terminator.size();
      continue;
    }
    const std::size_t semicolon = text.find(';', next);
    const std::string_view reference =
        semicolon == std::string_view::npos ? text.substr(next) : text.substr(next, semicolon - next + 1);
    if (reference == "&amp;" || reference == "&lt;" || reference == "&gt;" || reference == "&quot;" ||
        reference == "&apos;") {
      pos = next + reference.size();
      continue;
    }
    if (semicolon == std::string_view::npos || !reference.starts_with("&#") || reference.size() < 4) {
      const std::string_view shown = reference.substr(0, 16);
      return error_at(text, next, "'&' that starts no known reference ('" + std::string{shown} + "')");
    }
    const bool hex = reference[2] == 'x';
    std::string_view digits = reference.substr(hex ? 3 : 2);
    digits.remove_suffix(1);
    std::uint32_t value = 0;
    bool valid = !digits.empty();
    for (const char c : digits) {
      std::uint32_t digit = 0;
      if (c >= '0' && c <= '9') {
        digit = static_cast<std::uint32_t>(c - '0');
      } else if (hex && ascii_lower(c) >= 'a' && ascii_lower(c) <= 'f') {
        digit = static_cast<std::uint32_t>(ascii_lower(c) - 'a' + 10);
      } else {
        valid = false;
        break;
      }
      value = value * (hex ? 16u : 10u) + digit;
      if (value > 0x10FFFF) {
        valid = false;
        break;
      }
    }
    if (!valid || !is_xml_char(value)) {
      return error_at(text, next,
                      "character reference '" + std::string{reference.substr(0, 16)} + "' is not an XML character");
    }
    pos = next + reference.size();
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Decoding: the XML tree to the model

bool is_namespace_declaration(std::string_view attribute_name) {
  return attribute_name == "xmlns" || attribute_name.starts_with("xmlns:");
}

/// The namespace URI bound to a prefix (empty: the default namespace) in scope at node, or nullopt
/// when the prefix is not bound. Declarations on the node itself count, as XML says.
std::optional<std::string_view> namespace_uri(pugi::xml_node node, std::string_view prefix) {
  if (prefix == "xml") {
    return std::string_view{"http://www.w3.org/XML/1998/namespace"};
  }
  for (pugi::xml_node scope = node; scope && scope.type() == pugi::node_element; scope = scope.parent()) {
    for (const pugi::xml_attribute declaration : scope.attributes()) {
      const std::string_view name = declaration.name();
      if (prefix.empty()
              ? name == "xmlns"
              : (name.size() == prefix.size() + 6 && name.starts_with("xmlns:") && name.substr(6) == prefix)) {
        return std::string_view{declaration.value()};
      }
    }
  }
  if (prefix.empty()) {
    return std::string_view{};
  }
  return std::nullopt;
}

class tree_reader {
 public:
  explicit tree_reader(std::string_view buffer) : buffer_(buffer) {}

  result<document, protocol_error> read(const pugi::xml_document& xml) const;

 private:
  protocol_error error_at_node(pugi::xml_node node, std::string_view what) const {
    const std::ptrdiff_t offset = node.offset_debug();
    return error_at(buffer_, offset < 0 ? 0 : static_cast<std::size_t>(offset), what);
  }

  result<std::string, protocol_error> leaf_text(pugi::xml_node node) const;
  result<command, protocol_error> read_command(pugi::xml_node node, std::size_t index) const;
  result<element, protocol_error> read_element(pugi::xml_node node, std::size_t depth) const;

  /// The local name of an attribute in the XSI namespace, empty when the attribute is in another
  /// namespace or none; an error when its prefix is not declared.
  result<std::string_view, protocol_error> xsi_attribute(pugi::xml_node owner, pugi::xml_attribute xml_attr) const {
    const std::string_view name = xml_attr.name();
    const std::string_view prefix = xml_prefix(name);
    if (prefix.empty() || prefix == "xmlns") {
      return std::string_view{};
    }
    const auto uri = namespace_uri(owner, prefix);
    if (!uri) {
      return error_at_node(owner, "attribute '" + std::string{name} + "' on <" + owner.name() +
                                      "> uses the undeclared prefix '" + std::string{prefix} + "'");
    }
    return *uri == xsi_namespace ? xml_local_name(name) : std::string_view{};
  }

  std::string_view buffer_;
};

result<std::string, protocol_error> tree_reader::leaf_text(pugi::xml_node node) const {
  std::string text;
  for (const pugi::xml_node child : node.children()) {
    switch (child.type()) {
      case pugi::node_pcdata:
      case pugi::node_cdata:
        text += child.value();
        break;
      case pugi::node_element:
        return error_at_node(
            child, std::string{"<"} + node.name() + "> must hold text, not the element <" + child.name() + ">");
      default:
        break;
    }
  }
  return text;
}

result<element, protocol_error> tree_reader::read_element(pugi::xml_node node, std::size_t depth) const {
  if (depth > max_element_depth) {
    return error_at_node(node, "elements nested deeper than " + std::to_string(max_element_depth) + " levels");
  }
  element out;
  out.name = std::string{xml_local_name(node.name())};
  if (out.name.empty() || !is_ascii(out.name)) {
    return error_at_node(
        node, std::string{"element name <"} + node.name() + "> is not an OCI-P name (names are non-empty ASCII)");
  }
  for (const pugi::xml_attribute xml_attr : node.attributes()) {
    BOOST_OUTCOME_TRY(xsi_name, xsi_attribute(node, xml_attr));
    if (xsi_name == "nil") {
      const std::string_view value = xml_attr.value();
      if (value == "true" || value == "1") {
        out.nil = true;
      } else if (value != "false" && value != "0") {
        return error_at_node(node,
                             "xsi:nil on <" + out.name + "> is '" + std::string{value} + "', expected true or false");
      }
    } else if (xsi_name == "type") {
      out.xsi_type = std::string{xml_local_name(xml_attr.value())};
    }
  }
  std::string text;
  bool text_is_blank = true;
  for (const pugi::xml_node child : node.children()) {
    switch (child.type()) {
      case pugi::node_element: {
        BOOST_OUTCOME_TRY(nested, read_element(child, depth + 1));
        out.children.push_back(std::move(nested));
        break;
      }
      case pugi::node_pcdata:
      case pugi::node_cdata: {
        const std::string_view value = child.value();
        text += value;
        text_is_blank = text_is_blank && is_blank(value);
        break;
      }
      default:
        break;
    }
  }
  if (!out.children.empty()) {
    // Indentation between child elements is layout, not a value.
    if (!text_is_blank) {
      return error_at_node(node, "<" + out.name + "> mixes text with child elements");
    }
  } else {
    out.text = std::move(text);
  }
  if (out.nil && (!out.children.empty() || !text_is_blank)) {
    return error_at_node(node, "<" + out.name + "> is xsi:nil but has content");
  }
  if (out.nil) {
    out.text.clear();
  }
  return out;
}

result<command, protocol_error> tree_reader::read_command(pugi::xml_node node, std::size_t index) const {
  command out;
  const std::string where = "command " + std::to_string(index + 1);
  bool has_type = false;
  for (const pugi::xml_attribute xml_attr : node.attributes()) {
    const std::string_view name = xml_attr.name();
    if (is_namespace_declaration(name)) {
      continue;
    }
    BOOST_OUTCOME_TRY(xsi_name, xsi_attribute(node, xml_attr));
    if (xsi_name == "type") {
      // A QName: keep the local part, without the surrounding whitespace a list type would allow.
      std::string_view type = xml_local_name(xml_attr.value());
      while (!type.empty() && is_xml_space(type.front())) {
        type.remove_prefix(1);
      }
      while (!type.empty() && is_xml_space(type.back())) {
        type.remove_suffix(1);
      }
      out.type = std::string{type};
      has_type = true;
    } else if (!xml_prefix(name).empty()) {
      continue;  // xsi:schemaLocation or a foreign attribute: not part of OCI-P
    } else if (name == "echo") {
      out.echo = std::string{xml_attr.value()};
    } else if (!is_ascii(name)) {
      return error_at_node(
          node, where + " has the attribute '" + std::string{name} + "', which is not an OCI-P name (names are ASCII)");
    } else {
      out.attributes.push_back(attribute{std::string{name}, std::string{xml_attr.value()}});
    }
  }
  if (!has_type || out.type.empty()) {
    return error_at_node(node, where + " has no xsi:type naming its request or response type");
  }
  for (const pugi::xml_node child : node.children()) {
    switch (child.type()) {
      case pugi::node_element: {
        BOOST_OUTCOME_TRY(field, read_element(child, 1));
        out.fields.push_back(std::move(field));
        break;
      }
      case pugi::node_pcdata:
      case pugi::node_cdata:
        if (!is_blank(child.value())) {
          return error_at_node(child, where + " (" + out.type + ") holds text outside its fields");
        }
        break;
      default:
        break;
    }
  }
  return out;
}

std::optional<addressing_kind> addressing_of(std::string_view name) {
  for (const addressing_kind kind :
       {addressing_kind::session_id, addressing_kind::user_id, addressing_kind::phone_number,
        addressing_kind::line_port, addressing_kind::external_user_identity}) {
    if (addressing_element_name(kind) == name) {
      return kind;
    }
  }
  return std::nullopt;
}

result<document, protocol_error> tree_reader::read(const pugi::xml_document& xml) const {
  pugi::xml_node root;
  for (const pugi::xml_node top : xml.children()) {
    switch (top.type()) {
      case pugi::node_element:
        if (root) {
          return error_at_node(top, std::string{"a second root element <"} + top.name() + "> after the document");
        }
        root = top;
        break;
      case pugi::node_pcdata:
        if (!is_blank(top.value())) {
          return error_at_node(top, "text outside the root element");
        }
        break;
      case pugi::node_cdata:
        return error_at_node(top, "a CDATA section outside the root element");
      case pugi::node_doctype:
        return error_at_node(top, "a DOCTYPE declaration (refused: OCI-P documents have none)");
      case pugi::node_declaration:
        if (root) {
          return error_at_node(top, "an XML declaration after the root element");
        }
        break;
      default:
        break;
    }
  }
  if (!root) {
    return protocol_error{"no root element in the document"};
  }

  const std::string_view root_name = root.name();
  const auto root_uri = namespace_uri(root, xml_prefix(root_name));
  if (xml_local_name(root_name) != "BroadsoftDocument" || !root_uri || *root_uri != oci_namespace) {
    return error_at_node(root, "the root element is <" + std::string{root_name} + "> in namespace '" +
                                   std::string{root_uri.value_or("(undeclared prefix)")} +
                                   "'; expected <BroadsoftDocument> in namespace 'C'");
  }
  const pugi::xml_attribute protocol_attribute = root.attribute("protocol");
  if (!protocol_attribute) {
    return error_at_node(root, "<BroadsoftDocument> has no protocol attribute");
  }

  document out;
  out.protocol = protocol_attribute.value();
  bool has_addressing = false;
  for (const pugi::xml_node child : root.children()) {
    switch (child.type()) {
      case pugi::node_pcdata:
      case pugi::node_cdata:
        if (!is_blank(child.value())) {
          return error_at_node(child, "text directly inside <BroadsoftDocument>");
        }
        continue;
      case pugi::node_element:
        break;
      default:
        continue;
    }
    const std::string_view name = xml_local_name(child.name());
    if (!has_addressing) {
      const auto kind = addressing_of(name);
      if (!kind) {
        return error_at_node(child, "<" + std::string{name} +
                                        "> where the document must start with sessionId (or userId, phoneNumber, "
                                        "linePort, externalUserIdentity)");
      }
      out.addressing = *kind;
      if (*kind == addressing_kind::external_user_identity &&
          child.find_child([](pugi::xml_node each) { return each.type() == pugi::node_element; })) {
        // The schema's ExternalUserIdentity is a structure (id, organizationId, role); its id is
        // who the document names.
        for (const pugi::xml_node part : child.children()) {
          if (part.type() != pugi::node_element) {
            continue;
          }
          BOOST_OUTCOME_TRY(read_part, read_element(part, 1));
          if (read_part.name == "id") {
            out.session_id = read_part.text;
          }
          out.identity_parts.push_back(std::move(read_part));
        }
      } else {
        BOOST_OUTCOME_TRY(session_text, leaf_text(child));
        out.session_id = std::move(session_text);
      }
      has_addressing = true;
    } else if (name == "trackingId") {
      if (out.tracking_id || !out.commands.empty()) {
        return error_at_node(child, "<trackingId> must appear once, before the first command");
      }
      BOOST_OUTCOME_TRY(tracking, leaf_text(child));
      out.tracking_id = std::move(tracking);
    } else if (name == "command") {
      BOOST_OUTCOME_TRY(cmd, read_command(child, out.commands.size()));
      out.commands.push_back(std::move(cmd));
    } else if (addressing_of(name)) {
      return error_at_node(child, "a second addressing element <" + std::string{name} + ">");
    } else {
      return error_at_node(child, "unexpected element <" + std::string{name} + "> in <BroadsoftDocument>");
    }
  }
  if (!has_addressing) {
    return error_at_node(root, "<BroadsoftDocument> has no sessionId (or other addressing element)");
  }
  // More than 15 commands is left to the server to answer; none at all is not a message.
  if (out.commands.empty()) {
    return error_at_node(root, "<BroadsoftDocument> has no command");
  }
  return out;
}

result<document, protocol_error> decode_utf8_buffer(const std::string& utf8) {
  if (auto reference_error = check_references(utf8)) {
    return std::move(*reference_error);
  }
  pugi::xml_document xml;
  constexpr unsigned options = pugi::parse_default | pugi::parse_ws_pcdata | pugi::parse_fragment |
                               pugi::parse_declaration | pugi::parse_doctype;
  const pugi::xml_parse_result parsed = xml.load_buffer(utf8.data(), utf8.size(), options, pugi::encoding_utf8);
  if (!parsed) {
    const std::size_t offset = parsed.offset < 0 ? 0 : static_cast<std::size_t>(parsed.offset);
    return error_at(utf8, offset, std::string{"malformed XML: "} + parsed.description());
  }
  return tree_reader{utf8}.read(xml);
}

// ---------------------------------------------------------------------------------------------
// Encoding

constexpr std::string_view declaration = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n";

/// Builds the ISO-8859-1 output by hand: pugixml's writer cannot emit numeric character references
/// for characters outside the output encoding.
class iso_writer {
 public:
  explicit iso_writer(std::string& out) : out_(out) {}

  void raw(std::string_view bytes) { out_ += bytes; }

  /// Writes an element or attribute name. OCI-P names are ASCII; any other byte (or one that
  /// could break the markup) is written as '_' so that the output stays well-formed.
  void name(std::string_view text) {
    if (text.empty()) {
      out_ += '_';
    }
    for (const char c : text) {
      const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                           c == '-' || c == '.' || c == ':';
      out_ += allowed ? c : '_';
    }
  }

  /// Writes UTF-8 text escaped for element content (in_attribute false) or a double-quoted value.
  /// Bytes that are not valid UTF-8, and characters XML cannot carry (C0 controls, U+FFFE/U+FFFF),
  /// become "&#65533;" (U+FFFD, the replacement character) so the output stays a well-formed document.
  void escaped(std::string_view text, bool in_attribute) {
    append_xml_escaped(out_, text, in_attribute ? xml_escape::attribute : xml_escape::text, xml_output::latin1,
                       xml_controls::replace);
  }

 private:
  std::string& out_;
};

void write_element(iso_writer& writer, const element& field) {
  writer.raw("<");
  writer.name(field.name);
  if (!field.xsi_type.empty()) {
    writer.raw(" xsi:type=\"");
    writer.escaped(field.xsi_type, true);
    writer.raw("\"");
  }
  if (field.nil) {
    writer.raw(" xsi:nil=\"true\"/>");
    return;
  }
  if (field.children.empty() && field.text.empty()) {
    writer.raw("/>");
    return;
  }
  writer.raw(">");
  if (!field.children.empty()) {
    for (const element& nested : field.children) {
      write_element(writer, nested);
    }
  } else {
    writer.escaped(field.text, false);
  }
  writer.raw("</");
  writer.name(field.name);
  writer.raw(">");
}

/// SuccessResponse and ErrorResponse live in namespace C; every other type is in no namespace.
bool is_c_namespace_type(std::string_view type) {
  return type == "SuccessResponse" || type == "ErrorResponse";
}

void write_attribute(iso_writer& writer, std::string_view name, std::string_view value) {
  writer.raw(" ");
  writer.name(name);
  writer.raw("=\"");
  writer.escaped(value, true);
  writer.raw("\"");
}

void write_command(iso_writer& writer, const command& cmd, wire_style style) {
  writer.raw("<command");
  if (style == wire_style::server) {
    for (const attribute& extra : cmd.attributes) {
      write_attribute(writer, extra.name, extra.value);
    }
    write_attribute(writer, "echo", cmd.echo.value_or(""));
  } else {
    if (cmd.echo) {
      write_attribute(writer, "echo", *cmd.echo);
    }
    for (const attribute& extra : cmd.attributes) {
      write_attribute(writer, extra.name, extra.value);
    }
  }
  const bool in_c = is_c_namespace_type(cmd.type);
  writer.raw(" xsi:type=\"");
  if (in_c) {
    writer.raw("c:");
  }
  writer.escaped(cmd.type, true);
  writer.raw(in_c ? "\" xmlns:c=\"C\" xmlns=\"\"" : "\" xmlns=\"\"");
  if (cmd.fields.empty()) {
    writer.raw("/>");
    return;
  }
  writer.raw(">");
  for (const element& field : cmd.fields) {
    write_element(writer, field);
  }
  writer.raw("</command>");
}

}  // namespace

result<document, protocol_error> decode(std::string_view bytes) {
  BOOST_OUTCOME_TRY(encoding, declared_encoding(bytes));
  BOOST_OUTCOME_TRY(utf8, to_utf8(bytes, encoding));
  return decode_utf8_buffer(utf8);
}

result<document, protocol_error> decode_text(std::string_view utf8_text) {
  BOOST_OUTCOME_TRY(utf8, to_utf8(utf8_text, xml_encoding::utf8));
  return decode_utf8_buffer(utf8);
}

std::string encode(const document& doc, wire_style style) {
  std::string out;
  out.reserve(512);
  iso_writer writer{out};
  writer.raw(declaration);
  writer.raw("<BroadsoftDocument");
  write_attribute(writer, "protocol", doc.protocol);
  writer.raw(" xmlns=\"C\" xmlns:xsi=\"");
  writer.raw(xsi_namespace);
  writer.raw("\"><");
  const std::string_view addressing = addressing_element_name(doc.addressing);
  writer.raw(addressing);
  writer.raw(" xmlns=\"\">");
  if (doc.addressing == addressing_kind::external_user_identity && !doc.identity_parts.empty()) {
    for (const element& part : doc.identity_parts) {
      write_element(writer, part);
    }
  } else {
    writer.escaped(doc.session_id, false);
  }
  writer.raw("</");
  writer.raw(addressing);
  writer.raw(">");
  if (doc.tracking_id) {
    writer.raw("<trackingId xmlns=\"\">");
    writer.escaped(*doc.tracking_id, false);
    writer.raw("</trackingId>");
  }
  for (const command& cmd : doc.commands) {
    write_command(writer, cmd, style);
  }
  writer.raw("</BroadsoftDocument>\n");
  return out;
}

}  // namespace ocip::protocol
