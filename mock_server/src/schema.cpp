// Validation against the vendor schema set. The only file that talks to libxml2: its documents,
// contexts and error callbacks stay here and come out as strings.

#include "ocip/mock/schema.hpp"

#include <algorithm>
#include <climits>
#include <map>
#include <mutex>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlversion.h>

#include "ocip/protocol/codec.hpp"
#include "ocip/protocol/xml_text.hpp"

namespace ocip::mock {
namespace {

// libxml2 2.12 made the error passed to structured handlers const.
#if LIBXML_VERSION >= 21200
using error_pointer = const xmlError*;
#else
using error_pointer = xmlError*;
#endif

/// How many of the validator's messages a report quotes; the first ones say what went wrong.
constexpr std::size_t quoted_messages = 3;

std::string trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) {
    return {};
  }
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

/// Collects libxml2's errors (warnings are dropped: the vendor set draws some, e.g. "xmlns: URI C
/// is not absolute", that say nothing about the document).
struct error_collector {
  bool with_location = false;  ///< prefix "file:line: " (schema files), not for a lone command
  std::vector<std::string> messages;
  std::size_t dropped = 0;

  static void collect(void* self, error_pointer error) {
    if (self == nullptr || error == nullptr || error->level < XML_ERR_ERROR) {
      return;
    }
    auto& collector = *static_cast<error_collector*>(self);
    if (collector.messages.size() >= quoted_messages) {
      ++collector.dropped;
      return;
    }
    std::string message = trimmed(error->message != nullptr ? error->message : "unknown libxml2 error");
    if (collector.with_location && error->file != nullptr) {
      message = std::string(error->file) + ":" + std::to_string(error->line) + ": " + message;
    }
    collector.messages.push_back(std::move(message));
  }

  [[nodiscard]] std::string joined(std::string_view when_empty) const {
    if (messages.empty()) {
      return std::string(when_empty);
    }
    std::string all;
    for (const auto& message : messages) {
      all += all.empty() ? "" : "\n";
      all += message;
    }
    if (dropped != 0) {
      all += "\n(and " + std::to_string(dropped) + " more)";
    }
    return all;
  }
};

/// Sends libxml2's errors that bypass the schema contexts (reading documents, the schema files'
/// own parsing) to a collector for one scope. libxml2 keeps this handler per thread, so concurrent
/// validations on other threads are not affected.
class thread_error_scope {
 public:
  explicit thread_error_scope(error_collector& collector)
      : previous_handler_(xmlStructuredError), previous_context_(xmlStructuredErrorContext) {
    xmlSetStructuredErrorFunc(&collector, &error_collector::collect);
  }
  ~thread_error_scope() { xmlSetStructuredErrorFunc(previous_context_, previous_handler_); }
  thread_error_scope(const thread_error_scope&) = delete;
  thread_error_scope& operator=(const thread_error_scope&) = delete;

 private:
  xmlStructuredErrorFunc previous_handler_;
  void* previous_context_;
};

struct free_parser_context {
  void operator()(xmlSchemaParserCtxt* context) const { xmlSchemaFreeParserCtxt(context); }
};
struct free_valid_context {
  void operator()(xmlSchemaValidCtxt* context) const { xmlSchemaFreeValidCtxt(context); }
};
struct free_document {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};
struct free_schema {
  void operator()(xmlSchema* schema) const { xmlSchemaFree(schema); }
};

/// Written as references: CR always, LF and TAB in attribute values, so that the parser keeps
/// them as they are (no end-of-line or attribute-value normalisation). UTF-8 passes through: the
/// document is declared UTF-8. Other controls are kept: the parser then reports the document.
void append_escaped(std::string& out, std::string_view text, bool in_attribute) {
  protocol::append_xml_escaped(out, text, in_attribute ? protocol::xml_escape::attribute : protocol::xml_escape::text,
                               protocol::xml_output::utf8, protocol::xml_controls::keep);
}

void append_element(std::string& out, const protocol::element& field) {
  out += '<';
  out += field.name;
  if (!field.xsi_type.empty()) {
    out += " xsi:type=\"";
    append_escaped(out, field.xsi_type, true);
    out += '"';
  }
  if (field.nil) {
    out += " xsi:nil=\"true\"";
  }
  out += '>';
  if (field.children.empty()) {
    append_escaped(out, field.text, false);
  } else {
    for (const auto& child : field.children) {
      append_element(out, child);
    }
  }
  out += "</";
  out += field.name;
  out += '>';
}

/// SuccessResponse and ErrorResponse live in namespace C; every other command type in none.
bool in_oci_namespace(std::string_view type) {
  return type == "SuccessResponse" || type == "ErrorResponse";
}

// ---- content models, for putting scripted replies into schema order ------------------------------

/// An element a complex type declares: its name and its type (a named type's local name, or the
/// inline type written inside the element).
struct particle {
  std::string name;
  std::string type;
  std::shared_ptr<const struct declared_type> inline_type;
};

/// A complex type as its schema file writes it: the base it extends (local name, or empty) and its
/// own elements in declaration order (sequences and choices flattened).
struct declared_type {
  std::string base;
  std::vector<particle> particles;
};

/// The local part of a QName ("core:OCIDataResponse" -> "OCIDataResponse").
std::string local_name(std::string_view qualified) {
  const auto colon = qualified.rfind(':');
  return std::string(colon == std::string_view::npos ? qualified : qualified.substr(colon + 1));
}

std::string_view node_name(const xmlNode* node) {
  return node->name == nullptr ? std::string_view() : std::string_view(reinterpret_cast<const char*>(node->name));
}

std::string attribute_of(const xmlNode* node, const char* name) {
  xmlChar* value = xmlGetProp(node, reinterpret_cast<const xmlChar*>(name));
  if (value == nullptr) {
    return {};
  }
  std::string out(reinterpret_cast<const char*>(value));
  xmlFree(value);
  return out;
}

/// Adds what a complexType (or a part of it) declares to `into`, in document order.
void collect_particles(const xmlNode* parent, declared_type& into) {
  for (const xmlNode* child = parent->children; child != nullptr; child = child->next) {
    if (child->type != XML_ELEMENT_NODE) {
      continue;
    }
    const std::string_view name = node_name(child);
    if (name == "sequence" || name == "choice" || name == "all" || name == "complexContent" || name == "restriction") {
      collect_particles(child, into);
    } else if (name == "extension") {
      into.base = local_name(attribute_of(child, "base"));
      collect_particles(child, into);
    } else if (name == "element") {
      particle each;
      each.name = attribute_of(child, "name");
      if (each.name.empty()) {
        each.name = local_name(attribute_of(child, "ref"));
      }
      each.type = local_name(attribute_of(child, "type"));
      for (const xmlNode* inner = child->children; inner != nullptr; inner = inner->next) {
        if (inner->type == XML_ELEMENT_NODE && node_name(inner) == "complexType") {
          auto inline_type = std::make_shared<declared_type>();
          collect_particles(inner, *inline_type);
          each.inline_type = std::move(inline_type);
        }
      }
      into.particles.push_back(std::move(each));
    }
  }
}

/// Every named complex type of a schema set, read once from its files.
class content_models {
 public:
  explicit content_models(const std::filesystem::path& folder) {
    std::error_code ec;
    std::vector<std::filesystem::path> files;
    for (auto it = std::filesystem::recursive_directory_iterator(folder, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      if (it->path().extension() == ".xsd") {
        files.push_back(it->path());
      }
    }
    std::sort(files.begin(), files.end());  // the first declaration of a name wins, whatever the file system's order
    for (const auto& file : files) {
      error_collector ignored;
      const thread_error_scope scope(ignored);
      const std::unique_ptr<xmlDoc, free_document> doc(
          xmlReadFile(file.c_str(), nullptr, XML_PARSE_NONET | XML_PARSE_NOBLANKS));
      const xmlNode* root = doc ? xmlDocGetRootElement(doc.get()) : nullptr;
      if (root == nullptr) {
        continue;
      }
      for (const xmlNode* child = root->children; child != nullptr; child = child->next) {
        if (child->type == XML_ELEMENT_NODE && node_name(child) == "complexType") {
          declared_type declared;
          collect_particles(child, declared);
          types_.try_emplace(attribute_of(child, "name"), std::move(declared));
        }
      }
    }
  }

  /// The elements of a type with its bases', bases first; nullptr for a type the set lacks.
  const std::vector<particle>* elements_of(const std::string& type) {
    if (auto cached = flattened_.find(type); cached != flattened_.end()) {
      return &cached->second;
    }
    const auto declared = types_.find(type);
    if (declared == types_.end()) {
      return nullptr;
    }
    flattened_.emplace(type, std::vector<particle>());  // a base that names itself ends here
    std::vector<particle> all;
    if (!declared->second.base.empty()) {
      if (const auto* base = elements_of(declared->second.base)) {
        all = *base;
      }
    }
    all.insert(all.end(), declared->second.particles.begin(), declared->second.particles.end());
    auto& stored = flattened_[type];
    stored = std::move(all);
    return &stored;
  }

  /// Puts `fields` into the order of `declared`, then each field's children into its type's order.
  void order(std::vector<protocol::element>& fields, const std::vector<particle>& declared) {
    const auto position = [&](const protocol::element& field) {
      const auto found =
          std::find_if(declared.begin(), declared.end(), [&](const particle& each) { return each.name == field.name; });
      return static_cast<std::size_t>(found - declared.begin());
    };
    std::stable_sort(fields.begin(), fields.end(),
                     [&](const protocol::element& a, const protocol::element& b) { return position(a) < position(b); });
    for (auto& field : fields) {
      if (field.children.empty()) {
        continue;
      }
      const std::size_t at = position(field);
      const particle* declaration = at < declared.size() ? &declared[at] : nullptr;
      if (!field.xsi_type.empty()) {
        if (const auto* typed = elements_of(local_name(field.xsi_type))) {
          order(field.children, *typed);
        }
      } else if (declaration != nullptr && declaration->inline_type) {
        std::vector<particle> inline_elements;
        if (!declaration->inline_type->base.empty()) {
          if (const auto* base = elements_of(declaration->inline_type->base)) {
            inline_elements = *base;
          }
        }
        inline_elements.insert(inline_elements.end(), declaration->inline_type->particles.begin(),
                               declaration->inline_type->particles.end());
        order(field.children, inline_elements);
      } else if (declaration != nullptr) {
        if (const auto* typed = elements_of(declaration->type)) {
          order(field.children, *typed);
        }
      }
    }
  }

 private:
  std::map<std::string, declared_type, std::less<>> types_;
  std::map<std::string, std::vector<particle>, std::less<>> flattened_;
};

}  // namespace

std::string standalone_command_document(const protocol::command& cmd) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<command xmlns:xsi=\"";
  out += protocol::xsi_namespace;
  out += "\" xmlns:c=\"";
  out += protocol::oci_namespace;
  out += '"';
  for (const auto& each : cmd.attributes) {
    out += ' ';
    out += each.name;
    out += "=\"";
    append_escaped(out, each.value, true);
    out += '"';
  }
  if (cmd.echo) {
    out += " echo=\"";
    append_escaped(out, *cmd.echo, true);
    out += '"';
  }
  out += " xsi:type=\"";
  out += in_oci_namespace(cmd.type) ? "c:" : "";
  append_escaped(out, cmd.type, true);
  out += "\">";
  for (const auto& field : cmd.fields) {
    append_element(out, field);
  }
  out += "</command>\n";
  return out;
}

std::string too_many_commands_message(std::size_t count) {
  // libxml2's wording for an element past maxOccurs, then the numbers.
  return "Element 'command': This element is not expected. (BroadsoftDocument holds " + std::to_string(count) +
         " commands; the schema allows at most " + std::to_string(protocol::max_commands_per_document) +
         ", maxOccurs=\"" + std::to_string(protocol::max_commands_per_document) + "\")";
}

struct schema_validator::impl {
  std::filesystem::path folder;
  std::unique_ptr<xmlSchema, free_schema> schema;
  /// Read on the first in_schema_order() call; the mutex guards it and its cache.
  std::mutex models_mutex;
  std::unique_ptr<content_models> models;
};

schema_validator::schema_validator(std::unique_ptr<impl> loaded) : impl_(std::move(loaded)) {}

schema_validator::~schema_validator() = default;

const std::filesystem::path& schema_validator::folder() const {
  return impl_->folder;
}

result<std::shared_ptr<const schema_validator>, std::string> schema_validator::load(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::exists(dir, ec)) {
    return "schema folder '" + dir.string() + "' does not exist";
  }
  if (!std::filesystem::is_directory(dir, ec)) {
    return "'" + dir.string() + "' is not a folder; give the folder that holds the OCI schema set";
  }
  const std::filesystem::path root = dir / command_root_schema_file;
  if (!std::filesystem::is_regular_file(root, ec)) {
    return "'" + root.string() + "' not found; the schema folder must hold the vendor OCI schema set and " +
           std::string(command_root_schema_file) + " (a root element 'command' of type core:OCICommand)";
  }

  xmlInitParser();  // once per process, before any thread uses libxml2; later calls do nothing
  error_collector errors;
  errors.with_location = true;
  std::unique_ptr<xmlSchema, free_schema> schema;
  {
    const thread_error_scope scope(errors);
    const std::unique_ptr<xmlSchemaParserCtxt, free_parser_context> parser(xmlSchemaNewParserCtxt(root.c_str()));
    if (!parser) {
      return "cannot read '" + root.string() + "': out of memory";
    }
    xmlSchemaSetParserStructuredErrors(parser.get(), &error_collector::collect, &errors);
    schema.reset(xmlSchemaParse(parser.get()));
  }
  if (!schema || !errors.messages.empty()) {
    return "cannot load the schema set from '" + root.string() + "':\n" + errors.joined("unknown error");
  }

  std::unique_ptr<impl> loaded(new impl{dir, std::move(schema), {}, nullptr});
  std::shared_ptr<const schema_validator> validator(new schema_validator(std::move(loaded)));
  // A set without the root element `command` would refuse every command; say so now, once.
  if (auto probe = validator->validate_command(protocol::success_response()); !probe) {
    return "'" + root.string() +
           "' does not validate a SuccessResponse command (it must declare a root element "
           "'command' of type core:OCICommand): " +
           probe.error();
  }
  return validator;
}

result<void, std::string> schema_validator::validate_command(const protocol::command& cmd) const {
  const std::string text = standalone_command_document(cmd);
  if (text.size() > static_cast<std::size_t>(INT_MAX)) {
    return "command " + cmd.type + " is too large to validate";
  }
  error_collector errors;
  const thread_error_scope scope(errors);
  const std::unique_ptr<xmlDoc, free_document> doc(
      xmlReadMemory(text.data(), static_cast<int>(text.size()), "command.xml", "UTF-8", XML_PARSE_NONET));
  if (!doc) {
    return errors.joined("the command " + cmd.type + " is not well-formed XML");
  }
  // One validation context per call: the parsed schema is shared and only read.
  const std::unique_ptr<xmlSchemaValidCtxt, free_valid_context> context(xmlSchemaNewValidCtxt(impl_->schema.get()));
  if (!context) {
    return std::string("cannot validate: out of memory");
  }
  xmlSchemaSetValidStructuredErrors(context.get(), &error_collector::collect, &errors);
  const int status = xmlSchemaValidateDoc(context.get(), doc.get());
  if (status == 0 && errors.messages.empty()) {
    return outcome::success();
  }
  if (status < 0) {
    return errors.joined("internal error of the schema validator while validating " + cmd.type);
  }
  return errors.joined("the command " + cmd.type + " does not validate");
}

protocol::command schema_validator::in_schema_order(protocol::command cmd) const {
  const std::lock_guard<std::mutex> lock(impl_->models_mutex);
  if (!impl_->models) {
    impl_->models = std::make_unique<content_models>(impl_->folder);
  }
  if (const auto* declared = impl_->models->elements_of(cmd.type)) {
    impl_->models->order(cmd.fields, *declared);
  }
  return cmd;
}

result<void, std::string> schema_validator::validate_document(const protocol::document& doc) const {
  if (doc.commands.empty()) {
    return std::string("Element 'BroadsoftDocument': Missing child element(s). Expected is ( command ).");
  }
  if (doc.commands.size() > protocol::max_commands_per_document) {
    return too_many_commands_message(doc.commands.size());
  }
  for (std::size_t i = 0; i < doc.commands.size(); ++i) {
    if (auto valid = validate_command(doc.commands[i]); !valid) {
      return "command " + std::to_string(i + 1) + " (" + doc.commands[i].type + "): " + valid.error();
    }
  }
  return outcome::success();
}

}  // namespace ocip::mock
