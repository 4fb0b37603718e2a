#include "ocip/protocol/xml_text.hpp"

#include <cstdint>

namespace ocip::protocol {
namespace {

constexpr char32_t replacement_character = 0xFFFD;

void append_reference(std::string& out, char32_t c) {
  out += "&#";
  out += std::to_string(static_cast<std::uint32_t>(c));
  out += ';';
}

void append_replacement(std::string& out, xml_output output) {
  if (output == xml_output::utf8) {
    out += "\xEF\xBF\xBD";
  } else {
    append_reference(out, replacement_character);
  }
}

}  // namespace

bool is_xml_char(char32_t c) {
  if (c < 0x20) {
    return c == 0x09 || c == 0x0A || c == 0x0D;
  }
  return (c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

bool is_xml_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::optional<char32_t> next_utf8_code_point(std::string_view text, std::size_t& pos) {
  const auto byte_at = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte_at(pos);
  if (lead < 0x80) {
    ++pos;
    return lead;
  }
  // The lead byte gives the length, its payload bits and the smallest value that length may
  // carry (anything smaller is an overlong form). C0, C1 and F5-FF never start a valid sequence.
  std::size_t length = 0;
  char32_t value = 0;
  char32_t minimum = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    value = lead & 0x1Fu;
    minimum = 0x80;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    value = lead & 0x0Fu;
    minimum = 0x800;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    value = lead & 0x07u;
    minimum = 0x10000;
  } else {
    return std::nullopt;
  }
  if (text.size() - pos < length) {
    return std::nullopt;
  }
  for (std::size_t i = 1; i < length; ++i) {
    const unsigned char continuation = byte_at(pos + i);
    if ((continuation & 0xC0u) != 0x80u) {
      return std::nullopt;
    }
    value = (value << 6) | (continuation & 0x3Fu);
  }
  if (value < minimum || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
    return std::nullopt;
  }
  pos += length;
  return value;
}

std::optional<std::size_t> first_invalid_utf8(std::string_view text, utf8_check check) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t start = pos;
    const auto c = next_utf8_code_point(text, pos);
    if (!c || (check == utf8_check::xml_characters && !is_xml_char(*c))) {
      return start;
    }
  }
  return std::nullopt;
}

std::size_t utf8_character_count(std::string_view text) {
  std::size_t count = 0;
  for (const char c : text) {
    count += (static_cast<unsigned char>(c) & 0xC0u) != 0x80u ? 1 : 0;
  }
  return count;
}

std::string latin1_to_utf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 8);
  for (const char byte : bytes) {
    const auto value = static_cast<unsigned char>(byte);
    if (value < 0x80) {
      out += byte;
    } else {
      out += static_cast<char>(0xC0u | (value >> 6));
      out += static_cast<char>(0x80u | (value & 0x3Fu));
    }
  }
  return out;
}

std::optional<xml_encoding> encoding_named(std::string_view name) {
  std::string lower;
  lower.reserve(name.size());
  for (const char c : name) {
    lower += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  if (lower == "iso-8859-1" || lower == "iso8859-1" || lower == "iso_8859-1" || lower == "latin1" ||
      lower == "latin-1") {
    return xml_encoding::latin1;
  }
  if (lower == "utf-8" || lower == "utf8" || lower == "us-ascii" || lower == "ascii") {
    return xml_encoding::utf8;
  }
  return std::nullopt;
}

std::string_view xml_local_name(std::string_view qualified) {
  const std::size_t colon = qualified.rfind(':');
  return colon == std::string_view::npos ? qualified : qualified.substr(colon + 1);
}

std::string_view xml_prefix(std::string_view qualified) {
  const std::size_t colon = qualified.find(':');
  return colon == std::string_view::npos ? std::string_view{} : qualified.substr(0, colon);
}

std::optional<xml_declaration_span> find_xml_declaration(std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size() && is_xml_space(text[pos])) {
    ++pos;
  }
  const std::string_view rest = text.substr(pos);
  if (!rest.starts_with("<?xml") || rest.size() < 6 || !(is_xml_space(rest[5]) || rest[5] == '?')) {
    return std::nullopt;
  }
  xml_declaration_span span{pos, std::nullopt};
  if (const std::size_t close = rest.find("?>"); close != std::string_view::npos) {
    span.end = pos + close + 2;
  }
  return span;
}

void append_xml_escaped(std::string& out, std::string_view text, xml_escape context, xml_output output,
                        xml_controls controls) {
  const bool quote_escaped = context != xml_escape::text;
  const bool breaks_escaped = context == xml_escape::attribute;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const char byte = text[pos];
    const auto value = static_cast<unsigned char>(byte);
    if (value < 0x80 || output == xml_output::utf8) {
      ++pos;
      switch (byte) {
        case '&':
          out += "&amp;";
          break;
        case '<':
          out += "&lt;";
          break;
        case '>':
          out += "&gt;";
          break;
        case '"':
          out += quote_escaped ? "&quot;" : "\"";
          break;
        case '\r':
          out += "&#13;";
          break;
        case '\n':
          out += breaks_escaped ? "&#10;" : "\n";
          break;
        case '\t':
          out += breaks_escaped ? "&#9;" : "\t";
          break;
        default:
          if (value < 0x20 && controls == xml_controls::replace) {
            append_replacement(out, output);
          } else {
            out += byte;
          }
          break;
      }
      continue;
    }
    const auto c = next_utf8_code_point(text, pos);
    if (!c) {
      ++pos;  // skip one byte: the next one may start a valid sequence
      append_replacement(out, output);
    } else if (*c <= 0xFF) {
      out += static_cast<char>(static_cast<unsigned char>(*c));
    } else if (is_xml_char(*c)) {
      append_reference(out, *c);
    } else {
      append_replacement(out, output);
    }
  }
}

}  // namespace ocip::protocol
