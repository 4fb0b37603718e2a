// The SOAP envelope of OCI-P (oci-p.md §5). The second file that talks to pugixml: a SOAP envelope
// is a different document from the OCI one it carries, so it gets its own small reader here.
#include "ocip/protocol/soap.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <pugixml.hpp>

namespace ocip::protocol::soap {
namespace {

// ---------------------------------------------------------------------------------------------
// Characters

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && is_space(text.back())) {
    text.remove_suffix(1);
  }
  return text;
}

std::string hex_byte(char byte) {
  constexpr std::string_view digits = "0123456789ABCDEF";
  const auto value = static_cast<unsigned char>(byte);
  return std::string{digits[value >> 4], digits[value & 0x0Fu]};
}

/// Length of the valid UTF-8 sequence at text[pos] (no overlong forms, no surrogates), or 0.
std::size_t utf8_sequence_length(std::string_view text, std::size_t pos) {
  const auto byte_at = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte_at(pos);
  if (lead < 0x80) {
    return 1;
  }
  std::size_t length = 0;
  std::uint32_t value = 0;
  std::uint32_t minimum = 0;
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
    return 0;
  }
  if (text.size() - pos < length) {
    return 0;
  }
  for (std::size_t i = 1; i < length; ++i) {
    const unsigned char continuation = byte_at(pos + i);
    if ((continuation & 0xC0u) != 0x80u) {
      return 0;
    }
    value = (value << 6) | (continuation & 0x3Fu);
  }
  if (value < minimum || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
    return 0;
  }
  return length;
}

/// The offset of the first byte that does not start a valid UTF-8 sequence, if any.
std::optional<std::size_t> first_bad_utf8(std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t length = utf8_sequence_length(text, pos);
    if (length == 0) {
      return pos;
    }
    pos += length;
  }
  return std::nullopt;
}

/// ISO-8859-1 bytes as UTF-8: each byte is the code point of the same value.
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

/// Escapes text for element content or a double-quoted attribute value. CR is written as a
/// reference because a reader folds a literal one into LF; other C0 controls cannot appear in XML
/// at all and become U+FFFD.
void append_escaped(std::string& out, std::string_view text) {
  for (const char c : text) {
    switch (c) {
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
        out += "&quot;";
        break;
      case '\r':
        out += "&#13;";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') {
          out += "\xEF\xBF\xBD";
        } else {
          out += c;
        }
        break;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Declarations

enum class text_encoding { utf8, latin1 };

/// Where a leading XML declaration starts and ends (one past "?>"), after optional whitespace.
struct declaration_span {
  std::size_t begin = 0;
  std::size_t end = 0;
};

std::optional<declaration_span> find_declaration(std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size() && is_space(text[pos])) {
    ++pos;
  }
  const std::string_view rest = text.substr(pos);
  if (!rest.starts_with("<?xml") || rest.size() < 6 || !(is_space(rest[5]) || rest[5] == '?')) {
    return std::nullopt;
  }
  const std::size_t close = rest.find("?>");
  if (close == std::string_view::npos) {
    return std::nullopt;
  }
  return declaration_span{pos, pos + close + 2};
}

/// The encoding a leading declaration names; UTF-8 without a declaration or an encoding.
result<text_encoding, protocol_error> declared_encoding(std::string_view bytes, std::string_view what) {
  if (bytes.starts_with("\xEF\xBB\xBF")) {
    return text_encoding::utf8;  // a byte order mark outranks the declaration
  }
  const auto span = find_declaration(bytes);
  if (!span) {
    return text_encoding::utf8;
  }
  const std::string_view declaration = bytes.substr(span->begin, span->end - span->begin);
  const std::size_t key = declaration.find("encoding");
  if (key == std::string_view::npos) {
    return text_encoding::utf8;
  }
  std::size_t i = key + 8;
  while (i < declaration.size() && (is_space(declaration[i]) || declaration[i] == '=')) {
    ++i;
  }
  if (i >= declaration.size() || (declaration[i] != '"' && declaration[i] != '\'')) {
    return protocol_error{std::string{what} + ": malformed encoding in the XML declaration"};
  }
  const std::size_t close = declaration.find(declaration[i], i + 1);
  if (close == std::string_view::npos) {
    return protocol_error{std::string{what} + ": unterminated encoding in the XML declaration"};
  }
  const std::string_view name = declaration.substr(i + 1, close - i - 1);
  std::string lower;
  for (const char c : name) {
    lower += ascii_lower(c);
  }
  if (lower == "iso-8859-1" || lower == "iso8859-1" || lower == "iso_8859-1" || lower == "latin1" ||
      lower == "latin-1") {
    return text_encoding::latin1;
  }
  if (lower == "utf-8" || lower == "utf8" || lower == "us-ascii" || lower == "ascii") {
    return text_encoding::utf8;
  }
  return protocol_error{std::string{what} + ": unsupported encoding '" + std::string{name} +
                        "' in the XML declaration (expected UTF-8 or ISO-8859-1)"};
}

/// Bytes as checked UTF-8, converted from the encoding their declaration names.
result<std::string, protocol_error> as_utf8(std::string_view bytes, std::string_view what) {
  BOOST_OUTCOME_TRY(encoding, declared_encoding(bytes, what));
  if (encoding == text_encoding::latin1) {
    return latin1_to_utf8(bytes);
  }
  if (bytes.starts_with("\xEF\xBB\xBF")) {
    bytes.remove_prefix(3);
  }
  if (const auto bad = first_bad_utf8(bytes)) {
    return protocol_error{std::string{what} + ": byte 0x" + hex_byte(bytes[*bad]) + " at offset " +
                          std::to_string(*bad) + " is not UTF-8"};
  }
  return std::string{bytes};
}

// ---------------------------------------------------------------------------------------------
// Reading envelopes

std::string_view local_name(std::string_view qualified) {
  const std::size_t colon = qualified.rfind(':');
  return colon == std::string_view::npos ? qualified : qualified.substr(colon + 1);
}

std::string_view prefix_of(std::string_view qualified) {
  const std::size_t colon = qualified.find(':');
  return colon == std::string_view::npos ? std::string_view{} : qualified.substr(0, colon);
}

/// The namespace URI of an element's name (empty: none), or nullopt when its prefix is undeclared.
std::optional<std::string_view> namespace_of(pugi::xml_node node) {
  const std::string_view prefix = prefix_of(node.name());
  for (pugi::xml_node scope = node; scope && scope.type() == pugi::node_element; scope = scope.parent()) {
    for (const pugi::xml_attribute declaration : scope.attributes()) {
      const std::string_view name = declaration.name();
      if (prefix.empty() ? name == "xmlns" : (name.starts_with("xmlns:") && name.substr(6) == prefix)) {
        return std::string_view{declaration.value()};
      }
    }
  }
  if (prefix.empty()) {
    return std::string_view{};
  }
  return std::nullopt;
}

pugi::xml_node first_element_child(pugi::xml_node node) {
  for (pugi::xml_node child = node.first_child(); child; child = child.next_sibling()) {
    if (child.type() == pugi::node_element) {
      return child;
    }
  }
  return {};
}

pugi::xml_node child_by_local_name(pugi::xml_node node, std::string_view name) {
  for (pugi::xml_node child = node.first_child(); child; child = child.next_sibling()) {
    if (child.type() == pugi::node_element && local_name(child.name()) == name) {
      return child;
    }
  }
  return {};
}

/// All text below a node (text and CDATA, nested elements included), in document order.
void gather_text(pugi::xml_node node, std::string& out) {
  for (pugi::xml_node child = node.first_child(); child; child = child.next_sibling()) {
    if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
      out += child.value();
    } else if (child.type() == pugi::node_element) {
      gather_text(child, out);
    }
  }
}

std::string text_below(pugi::xml_node node) {
  std::string out;
  gather_text(node, out);
  return std::string{trim(out)};
}

/// A parsed envelope and its Body.
struct parsed_envelope {
  pugi::xml_document xml;
  pugi::xml_node body;
};

/// Parses bytes as a SOAP envelope (1.1 or 1.2) and finds its Body. `what` names the message in
/// errors ("SOAP request", "SOAP reply").
result<void, protocol_error> parse_envelope(std::string_view bytes, std::string_view what, parsed_envelope& out) {
  BOOST_OUTCOME_TRY(utf8, as_utf8(bytes, what));
  constexpr unsigned options = pugi::parse_default | pugi::parse_doctype;
  const pugi::xml_parse_result parsed = out.xml.load_buffer(utf8.data(), utf8.size(), options, pugi::encoding_utf8);
  if (!parsed) {
    return protocol_error{std::string{what} + " is not well-formed XML (offset " + std::to_string(parsed.offset) +
                          "): " + parsed.description()};
  }
  pugi::xml_node root;
  for (pugi::xml_node child = out.xml.first_child(); child; child = child.next_sibling()) {
    if (child.type() == pugi::node_doctype) {
      return protocol_error{std::string{what} + ": a SOAP message must not contain a document type declaration"};
    }
    if (child.type() == pugi::node_element) {
      root = child;
      break;
    }
  }
  if (!root) {
    return protocol_error{std::string{what} + " has no root element"};
  }
  const auto root_namespace = namespace_of(root);
  if (local_name(root.name()) != "Envelope" || !root_namespace ||
      (*root_namespace != envelope_namespace && *root_namespace != envelope_namespace_1_2)) {
    return protocol_error{std::string{what} + ": the root element <" + root.name() +
                          "> is not a SOAP Envelope (expected Envelope in namespace " +
                          std::string{envelope_namespace} + ")"};
  }
  pugi::xml_node body = child_by_local_name(root, "Body");
  if (!body || namespace_of(body) != root_namespace) {
    return protocol_error{std::string{what} + ": the SOAP Envelope has no Body"};
  }
  out.body = body;
  return outcome::success();
}

/// The text of a part element: its text and CDATA, which must not be empty or hold elements.
result<std::string, protocol_error> part_text(pugi::xml_node part, std::string_view operation) {
  std::string text;
  for (pugi::xml_node child = part.first_child(); child; child = child.next_sibling()) {
    if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
      text += child.value();
    } else if (child.type() == pugi::node_element) {
      return protocol_error{"the part <" + std::string{part.name()} + "> of " + std::string{operation} +
                            " holds the element <" + child.name() +
                            ">; the OCI document must be escaped text (or CDATA)"};
    }
  }
  if (trim(text).empty()) {
    return protocol_error{"the part <" + std::string{part.name()} + "> of " + std::string{operation} +
                          " is empty; it must hold the OCI document"};
  }
  return text;
}

// ---------------------------------------------------------------------------------------------
// Writing envelopes

constexpr std::string_view reply_declaration = "<?xml version='1.0' encoding='utf-8'?>";

std::string envelope_start() {
  std::string out{reply_declaration};
  out += "<soapenv:Envelope xmlns:soapenv=\"";
  out += envelope_namespace;
  out +=
      "\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" "
      "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><soapenv:Body>";
  return out;
}

constexpr std::string_view envelope_end = "</soapenv:Body></soapenv:Envelope>";

// The WSDL, with "@ADDRESS@" where the service's URL goes.
constexpr std::string_view wsdl_template = R"(<?xml version="1.0" encoding="UTF-8"?>
<wsdl:definitions targetNamespace="urn:com:broadsoft:webservice"
    xmlns:impl="urn:com:broadsoft:webservice"
    xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/"
    xmlns:wsdlsoap="http://schemas.xmlsoap.org/wsdl/soap/"
    xmlns:xsd="http://www.w3.org/2001/XMLSchema">
  <wsdl:types>
    <xsd:schema elementFormDefault="qualified" targetNamespace="urn:com:broadsoft:webservice">
      <xsd:element name="processOCIMessage">
        <xsd:complexType>
          <xsd:sequence>
            <xsd:element name="in0" type="xsd:string"/>
          </xsd:sequence>
        </xsd:complexType>
      </xsd:element>
      <xsd:element name="processOCIMessageResponse">
        <xsd:complexType>
          <xsd:sequence>
            <xsd:element name="processOCIMessageReturn" type="xsd:string"/>
          </xsd:sequence>
        </xsd:complexType>
      </xsd:element>
    </xsd:schema>
  </wsdl:types>
  <wsdl:message name="processOCIMessageRequest">
    <wsdl:part name="parameters" element="impl:processOCIMessage"/>
  </wsdl:message>
  <wsdl:message name="processOCIMessageResponse">
    <wsdl:part name="parameters" element="impl:processOCIMessageResponse"/>
  </wsdl:message>
  <wsdl:portType name="BWProvisioningService">
    <wsdl:operation name="processOCIMessage">
      <wsdl:input name="processOCIMessageRequest" message="impl:processOCIMessageRequest"/>
      <wsdl:output name="processOCIMessageResponse" message="impl:processOCIMessageResponse"/>
    </wsdl:operation>
  </wsdl:portType>
  <wsdl:binding name="ProvisioningServiceSoapBinding" type="impl:BWProvisioningService">
    <wsdlsoap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
    <wsdl:operation name="processOCIMessage">
      <wsdlsoap:operation soapAction=""/>
      <wsdl:input name="processOCIMessageRequest">
        <wsdlsoap:body use="literal"/>
      </wsdl:input>
      <wsdl:output name="processOCIMessageResponse">
        <wsdlsoap:body use="literal"/>
      </wsdl:output>
    </wsdl:operation>
  </wsdl:binding>
  <wsdl:service name="BWProvisioningServiceService">
    <wsdl:port name="ProvisioningService" binding="impl:ProvisioningServiceSoapBinding">
      <wsdlsoap:address location="@ADDRESS@"/>
    </wsdl:port>
  </wsdl:service>
</wsdl:definitions>
)";

}  // namespace

fault not_logged_in_fault() {
  return fault{"soapenv:Server.generalException", "INVALID_REQUEST",
               "Cannot process any request before user is logged in."};
}

std::string describe(const fault& refusal) {
  std::string out = refusal.string.empty() ? std::string{"(no faultstring)"} : refusal.string;
  if (!refusal.code.empty()) {
    out += " (" + refusal.code + ")";
  }
  if (!refusal.detail.empty()) {
    out += ": " + refusal.detail;
  }
  return out;
}

std::string wrap_request(std::string_view document_text) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope xmlns:soapenv=\"";
  out += envelope_namespace;
  out += "\"><soapenv:Body><processOCIMessage xmlns=\"";
  out += service_namespace;
  out += "\"><in0>";
  append_escaped(out, document_text);
  out += "</in0></processOCIMessage>";
  out += envelope_end;
  return out;
}

std::string wrap_response(std::string_view document_text) {
  std::string out = envelope_start();
  out += "<processOCIMessageResponse xmlns=\"";
  out += service_namespace;
  out += "\"><processOCIMessageReturn>";
  append_escaped(out, document_text);
  out += "</processOCIMessageReturn></processOCIMessageResponse>";
  out += envelope_end;
  return out;
}

std::string wrap_fault(const fault& refusal) {
  std::string out = envelope_start();
  out += "<soapenv:Fault><faultcode>";
  append_escaped(out, refusal.code);
  out += "</faultcode><faultstring>";
  append_escaped(out, refusal.string);
  out += "</faultstring>";
  if (!refusal.detail.empty()) {
    out += "<detail>";
    append_escaped(out, refusal.detail);
    out += "</detail>";
  }
  out += "</soapenv:Fault>";
  out += envelope_end;
  return out;
}

result<std::string, protocol_error> unwrap_request(std::string_view envelope) {
  parsed_envelope parsed;
  BOOST_OUTCOME_TRYV(parse_envelope(envelope, "SOAP request", parsed));
  const pugi::xml_node operation = child_by_local_name(parsed.body, "processOCIMessage");
  if (!operation) {
    const pugi::xml_node found = first_element_child(parsed.body);
    return protocol_error{found ? "the SOAP Body holds <" + std::string{found.name()} + ">, not processOCIMessage"
                                : std::string{"the SOAP Body is empty; expected processOCIMessage"}};
  }
  const pugi::xml_node part = first_element_child(operation);
  if (!part) {
    return protocol_error{"processOCIMessage has no part element (in0 or arg0) holding the OCI document"};
  }
  return part_text(part, "processOCIMessage");
}

result<response_content, protocol_error> unwrap_response(std::string_view envelope) {
  parsed_envelope parsed;
  BOOST_OUTCOME_TRYV(parse_envelope(envelope, "SOAP reply", parsed));
  const pugi::xml_node content = first_element_child(parsed.body);
  if (!content) {
    return protocol_error{"the SOAP reply's Body is empty"};
  }
  if (local_name(content.name()) == "Fault") {
    fault refusal;
    if (const auto code = child_by_local_name(content, "faultcode")) {
      refusal.code = text_below(code);
      refusal.string = text_below(child_by_local_name(content, "faultstring"));
      refusal.detail = text_below(child_by_local_name(content, "detail"));
    } else {  // SOAP 1.2: Code/Value, Reason/Text, Detail
      refusal.code = text_below(child_by_local_name(child_by_local_name(content, "Code"), "Value"));
      refusal.string = text_below(child_by_local_name(child_by_local_name(content, "Reason"), "Text"));
      refusal.detail = text_below(child_by_local_name(content, "Detail"));
    }
    return response_content{{}, std::move(refusal)};
  }
  if (local_name(content.name()) != "processOCIMessageResponse") {
    return protocol_error{"the SOAP reply's Body holds <" + std::string{content.name()} +
                          ">, not processOCIMessageResponse"};
  }
  const pugi::xml_node part = first_element_child(content);
  if (!part) {
    return protocol_error{"processOCIMessageResponse has no processOCIMessageReturn"};
  }
  BOOST_OUTCOME_TRY(text, part_text(part, "processOCIMessageResponse"));
  return response_content{std::move(text), std::nullopt};
}

result<std::string, protocol_error> document_text(std::string_view document_bytes) {
  return as_utf8(document_bytes, "OCI document");
}

std::string document_bytes(std::string_view document_text) {
  std::string_view text = document_text;
  if (text.starts_with("\xEF\xBB\xBF")) {
    text.remove_prefix(3);
  }
  const auto span = find_declaration(text);
  if (!span) {
    return std::string{text};  // no declaration: a reader takes UTF-8
  }
  std::string out{text.substr(0, span->begin)};
  out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
  out += text.substr(span->end);
  return out;
}

std::string wsdl(std::string_view service_url) {
  constexpr std::string_view placeholder = "@ADDRESS@";
  const std::size_t at = wsdl_template.find(placeholder);
  std::string out{wsdl_template.substr(0, at)};
  append_escaped(out, service_url);
  out += wsdl_template.substr(at + placeholder.size());
  return out;
}

}  // namespace ocip::protocol::soap
