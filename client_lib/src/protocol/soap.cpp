// The SOAP envelope of OCI-P (oci-p.md §5). The second file that talks to pugixml: a SOAP envelope
// is a different document from the OCI one it carries, so it gets its own small reader here.
#include "ocip/protocol/soap.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <pugixml.hpp>

#include "ocip/protocol/xml_text.hpp"

namespace ocip::protocol::soap {
namespace {

// ---------------------------------------------------------------------------------------------
// Characters

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_xml_space(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && is_xml_space(text.back())) {
    text.remove_suffix(1);
  }
  return text;
}

std::string hex_byte(char byte) {
  constexpr std::string_view digits = "0123456789ABCDEF";
  const auto value = static_cast<unsigned char>(byte);
  return std::string{digits[value >> 4], digits[value & 0x0Fu]};
}

/// Escapes text for element content or a double-quoted attribute value (the WSDL's address). Other
/// C0 controls cannot appear in XML at all and become U+FFFD.
void append_escaped(std::string& out, std::string_view text) {
  append_xml_escaped(out, text, xml_escape::text_or_attribute, xml_output::utf8, xml_controls::replace);
}

// ---------------------------------------------------------------------------------------------
// Declarations

/// The encoding a leading declaration names; UTF-8 without a declaration or an encoding.
result<xml_encoding, protocol_error> declared_encoding(std::string_view bytes, std::string_view what) {
  if (bytes.starts_with("\xEF\xBB\xBF")) {
    return xml_encoding::utf8;  // a byte order mark outranks the declaration
  }
  const auto span = find_xml_declaration(bytes);
  if (!span || !span->end) {
    return xml_encoding::utf8;  // an unterminated declaration is left to the XML parser to report
  }
  const std::string_view declaration = bytes.substr(span->begin, *span->end - span->begin);
  const std::size_t key = declaration.find("encoding");
  if (key == std::string_view::npos) {
    return xml_encoding::utf8;
  }
  std::size_t i = key + 8;
  while (i < declaration.size() && (is_xml_space(declaration[i]) || declaration[i] == '=')) {
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
  if (const auto known = encoding_named(name)) {
    return *known;
  }
  return protocol_error{std::string{what} + ": unsupported encoding '" + std::string{name} +
                        "' in the XML declaration (expected UTF-8 or ISO-8859-1)"};
}

/// Bytes as checked UTF-8, converted from the encoding their declaration names.
result<std::string, protocol_error> as_utf8(std::string_view bytes, std::string_view what) {
  BOOST_OUTCOME_TRY(encoding, declared_encoding(bytes, what));
  if (encoding == xml_encoding::latin1) {
    return latin1_to_utf8(bytes);
  }
  if (bytes.starts_with("\xEF\xBB\xBF")) {
    bytes.remove_prefix(3);
  }
  if (const auto bad = first_invalid_utf8(bytes, utf8_check::sequences)) {
    return protocol_error{std::string{what} + ": byte 0x" + hex_byte(bytes[*bad]) + " at offset " +
                          std::to_string(*bad) + " is not UTF-8"};
  }
  return std::string{bytes};
}

// ---------------------------------------------------------------------------------------------
// Reading envelopes

/// The namespace URI of an element's name (empty: none), or nullopt when its prefix is undeclared.
std::optional<std::string_view> namespace_of(pugi::xml_node node) {
  const std::string_view prefix = xml_prefix(node.name());
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
    if (child.type() == pugi::node_element && xml_local_name(child.name()) == name) {
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
  if (xml_local_name(root.name()) != "Envelope" || !root_namespace ||
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
  if (xml_local_name(content.name()) == "Fault") {
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
  if (xml_local_name(content.name()) != "processOCIMessageResponse") {
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
  const auto span = find_xml_declaration(text);
  if (!span || !span->end) {
    return std::string{text};  // no declaration: a reader takes UTF-8
  }
  std::string out{text.substr(0, span->begin)};
  out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
  out += text.substr(*span->end);
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
