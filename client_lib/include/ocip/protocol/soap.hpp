#pragma once
/// OCI-P over SOAP (oci-p.md §5): wrapping an OCI document in a SOAP 1.1 envelope and taking it
/// out again, SOAP faults, and the service's WSDL. Pure text in, text out: no I/O.
///
/// The OCI document travels as escaped characters inside one element, so the envelope layer deals
/// in "document text" (UTF-8 characters, declaration included, whatever encoding it names). Two
/// helpers convert between that text and the wire bytes the codec reads and writes.

#include <optional>
#include <string>
#include <string_view>

#include "ocip/protocol/result.hpp"

namespace ocip::protocol::soap {

/// The SOAP 1.1 envelope namespace, used in everything written here.
inline constexpr std::string_view envelope_namespace = "http://schemas.xmlsoap.org/soap/envelope/";
/// The SOAP 1.2 envelope namespace, accepted on requests.
inline constexpr std::string_view envelope_namespace_1_2 = "http://www.w3.org/2003/05/soap-envelope";
/// The SOAP encoding namespace, named by the encodingStyle of RPC-encoded requests.
inline constexpr std::string_view encoding_namespace = "http://schemas.xmlsoap.org/soap/encoding/";
/// The service's namespace: target namespace of the WSDL and of processOCIMessage.
inline constexpr std::string_view service_namespace = "urn:com:broadsoft:webservice";
/// The service path real web tiers use.
inline constexpr std::string_view service_path = "/webservice/services/ProvisioningService";
/// The other service path seen in the field.
inline constexpr std::string_view alternate_service_path = "/OCIOverSoap/services/ProvisioningService";

/// A SOAP 1.1 fault: the server refused the request without an OCI reply.
struct fault {
  std::string code;    ///< faultcode, e.g. "soapenv:Server.generalException"
  std::string string;  ///< faultstring, e.g. "INVALID_REQUEST"
  std::string detail;  ///< the text inside <detail>, may be empty

  bool operator==(const fault&) const = default;
};

/// The fault a real web tier answers to a command sent before login (oci-p.md §5).
[[nodiscard]] fault not_logged_in_fault();

/// "faultstring (faultcode): detail", for error messages.
[[nodiscard]] std::string describe(const fault& refusal);

/// A request envelope as WSDL-driven clients write it: processOCIMessage and its part in0, both in
/// the service namespace, holding the escaped document text. UTF-8.
[[nodiscard]] std::string wrap_request(std::string_view document_text);

/// The reply envelope a real web tier writes: `<?xml version='1.0' encoding='utf-8'?>`, then
/// soapenv:Envelope > soapenv:Body > processOCIMessageResponse > processOCIMessageReturn holding the
/// escaped document text. UTF-8.
[[nodiscard]] std::string wrap_response(std::string_view document_text);

/// A fault envelope (to be sent with HTTP status 500). UTF-8.
[[nodiscard]] std::string wrap_fault(const fault& refusal);

/// The document text of a request envelope: the operation element is found in the Body by its
/// local name processOCIMessage (any namespace), its first child element is the part whatever its
/// name (in0, arg0, ...), and the part's text (escaped or CDATA) is returned. SOAP 1.1 and 1.2
/// envelopes are accepted. The error says what is missing or malformed.
[[nodiscard]] result<std::string, protocol_error> unwrap_request(std::string_view envelope);

/// What a reply envelope carries: the document text, or a fault.
struct response_content {
  std::string document_text;     ///< the processOCIMessageReturn text (empty for a fault)
  std::optional<fault> refusal;  ///< set when the Body holds a Fault
};

/// The content of a reply envelope: the text of the first child of processOCIMessageResponse, or
/// the Fault.
[[nodiscard]] result<response_content, protocol_error> unwrap_response(std::string_view envelope);

/// OCI document bytes, encoded as their declaration says (ISO-8859-1, UTF-8, or none meaning
/// UTF-8), as UTF-8 characters for a SOAP part. The declaration is kept as it is: inside a SOAP
/// part it is text, and real servers keep saying ISO-8859-1 there.
[[nodiscard]] result<std::string, protocol_error> document_text(std::string_view document_bytes);

/// Document text taken out of a SOAP part as bytes that tell the truth: the text is UTF-8, so a
/// leading XML declaration is replaced by one naming UTF-8 (whatever encoding it named), and
/// protocol::decode() reads the result as it is.
[[nodiscard]] std::string document_bytes(std::string_view document_text);

/// The service's WSDL (document/literal, target namespace urn:com:broadsoft:webservice, operation
/// processOCIMessage with the string part in0), with soap:address pointing at `service_url`.
[[nodiscard]] std::string wsdl(std::string_view service_url);

}  // namespace ocip::protocol::soap
