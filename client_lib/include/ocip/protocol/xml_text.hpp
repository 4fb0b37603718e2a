#pragma once
/// Characters of XML text, shared by the codec, the SOAP envelope and the mock's schema check:
/// strict UTF-8 reading, ISO-8859-1 conversion, encoding names, qualified names and escaping.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ocip::protocol {

/// Whether a code point may appear in an XML 1.0 document (the production Char).
[[nodiscard]] bool is_xml_char(char32_t c);

/// Whether a byte is XML white space (the production S: space, TAB, LF, CR).
[[nodiscard]] bool is_xml_space(char c);

/// Reads one strictly valid UTF-8 sequence at text[pos] (no overlong forms, no surrogates, nothing
/// past U+10FFFF) and advances pos past it; nullopt, pos unchanged, when the bytes there are not
/// one. pos must be less than text.size().
[[nodiscard]] std::optional<char32_t> next_utf8_code_point(std::string_view text, std::size_t& pos);

/// What first_invalid_utf8 accepts.
enum class utf8_check {
  sequences,       ///< any valid UTF-8 sequence
  xml_characters,  ///< valid sequences of characters XML allows (see is_xml_char)
};

/// The offset of the first byte that does not start an accepted UTF-8 sequence, if any.
[[nodiscard]] std::optional<std::size_t> first_invalid_utf8(std::string_view text, utf8_check check);

/// How many characters UTF-8 text holds (bytes that do not continue a sequence), as XML Schema
/// length facets count them. Does not check the text.
[[nodiscard]] std::size_t utf8_character_count(std::string_view text);

/// ISO-8859-1 bytes as UTF-8: each byte is the code point of the same value.
[[nodiscard]] std::string latin1_to_utf8(std::string_view bytes);

/// The encodings OCI-P documents and SOAP envelopes are read in.
enum class xml_encoding { utf8, latin1 };

/// The encoding an XML declaration names (any case: "ISO-8859-1", "latin1", "UTF-8", "us-ascii",
/// ...; ASCII counts as UTF-8); nullopt for any other name.
[[nodiscard]] std::optional<xml_encoding> encoding_named(std::string_view name);

/// The local part of a qualified name: "xsi:type" gives "type", "type" itself.
[[nodiscard]] std::string_view xml_local_name(std::string_view qualified);

/// The prefix of a qualified name: "xsi:type" gives "xsi", "type" none (empty).
[[nodiscard]] std::string_view xml_prefix(std::string_view qualified);

/// Where a leading XML declaration stands in a text.
struct xml_declaration_span {
  std::size_t begin = 0;           ///< offset of "<?xml"
  std::optional<std::size_t> end;  ///< one past its "?>"; nullopt when it never ends
};

/// The XML declaration at the start of a text (after optional white space: "<?xml" followed by
/// white space or '?'), if there is one.
[[nodiscard]] std::optional<xml_declaration_span> find_xml_declaration(std::string_view text);

/// Where escaped text goes. Every context writes & < > as entities and CR as &#13; (a reader folds
/// a literal CR into LF).
enum class xml_escape {
  text,               ///< element content: " LF TAB as they are
  attribute,          ///< a double-quoted attribute value: " as &quot;, LF TAB as &#10; &#9; (a reader
                      ///< turns literal ones into spaces)
  text_or_attribute,  ///< content that may also stand in a double-quoted attribute: " as &quot;, LF
                      ///< TAB as they are
};

/// The output's encoding, which decides what becomes of text beyond ASCII.
enum class xml_output {
  utf8,    ///< bytes from 0x80 up are copied unchecked (the text is UTF-8 already)
  latin1,  ///< U+0080-U+00FF as one byte, other characters as &#N;; bytes that are not UTF-8 and
           ///< characters XML cannot carry (U+FFFE, U+FFFF) as &#65533;
};

/// What becomes of C0 controls other than TAB, LF and CR, which XML cannot carry at all.
enum class xml_controls {
  replace,  ///< U+FFFD in the output's encoding, so that the output stays well-formed
  keep,     ///< copied: the output is then not well-formed XML, which its reader reports
};

/// Appends UTF-8 `text` to `out`, escaped for `context` and written in `output`'s encoding.
void append_xml_escaped(std::string& out, std::string_view text, xml_escape context, xml_output output,
                        xml_controls controls);

}  // namespace ocip::protocol
