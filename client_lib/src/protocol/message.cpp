#include "ocip/protocol/message.hpp"

#include <charconv>
#include <string>
#include <system_error>

namespace ocip::protocol {

element element::leaf(std::string name, std::string text) {
  element result;
  result.name = std::move(name);
  result.text = std::move(text);
  return result;
}

element element::nil_leaf(std::string name) {
  element result;
  result.name = std::move(name);
  result.nil = true;
  return result;
}

element element::parent(std::string name, std::vector<element> children) {
  element result;
  result.name = std::move(name);
  result.children = std::move(children);
  return result;
}

const element* element::child(std::string_view child_name) const {
  for (const element& candidate : children) {
    if (candidate.name == child_name) {
      return &candidate;
    }
  }
  return nullptr;
}

std::optional<std::string_view> element::child_text(std::string_view child_name) const {
  if (const element* found = child(child_name)) {
    return std::string_view{found->text};
  }
  return std::nullopt;
}

const element* command::field(std::string_view name) const {
  for (const element& candidate : fields) {
    if (candidate.name == name) {
      return &candidate;
    }
  }
  return nullptr;
}

std::optional<std::string_view> command::field_text(std::string_view name) const {
  if (const element* found = field(name)) {
    return std::string_view{found->text};
  }
  return std::nullopt;
}

std::optional<std::string_view> command::attribute_value(std::string_view name) const {
  for (const attribute& candidate : attributes) {
    if (candidate.name == name) {
      return std::string_view{candidate.value};
    }
  }
  return std::nullopt;
}

std::string_view addressing_element_name(addressing_kind kind) {
  switch (kind) {
    case addressing_kind::session_id:
      return "sessionId";
    case addressing_kind::user_id:
      return "userId";
    case addressing_kind::phone_number:
      return "phoneNumber";
    case addressing_kind::line_port:
      return "linePort";
    case addressing_kind::external_user_identity:
      return "externalUserIdentity";
  }
  return "sessionId";
}

namespace {

// Parses a whole string as a decimal int (optional leading '-'), nothing else around it.
std::optional<int> parse_int(std::string_view text) {
  int value = 0;
  const char* first = text.data();
  const char* last = text.data() + text.size();
  if (first == last) {
    return std::nullopt;
  }
  const auto [end, ec] = std::from_chars(first, last, value);
  if (ec != std::errc{} || end != last) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

std::optional<int> error_code_from_summary(std::string_view summary) {
  constexpr std::string_view prefix = "[Error ";
  if (!summary.starts_with(prefix)) {
    return std::nullopt;
  }
  summary.remove_prefix(prefix.size());
  const std::size_t close = summary.find(']');
  if (close == std::string_view::npos || close == 0) {
    return std::nullopt;
  }
  const std::string_view digits = summary.substr(0, close);
  for (const char c : digits) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
  }
  return parse_int(digits);
}

error_response error_response::from_command(const command& cmd) {
  error_response result;
  if (const auto code_text = cmd.field_text("errorCode")) {
    result.error_code = parse_int(*code_text);
  }
  result.summary = std::string{cmd.field_text("summary").value_or("")};
  result.summary_english = std::string{cmd.field_text("summaryEnglish").value_or("")};
  if (const auto detail_text = cmd.field_text("detail")) {
    result.detail = std::string{*detail_text};
  }
  if (const auto severity = cmd.attribute_value("type")) {
    result.severity = std::string{*severity};
  }
  // Real servers omit <errorCode> and state the code in the summary only.
  if (!result.error_code) {
    result.error_code = error_code_from_summary(result.summary);
  }
  return result;
}

error_response error_response::make(int code, std::string_view text, std::optional<std::string> detail) {
  error_response result;
  result.error_code = code;
  result.summary = "[Error " + std::to_string(code) + "] " + std::string{text};
  result.summary_english = result.summary;
  result.detail = std::move(detail);
  return result;
}

command error_response::to_command() const {
  command result;
  result.type = "ErrorResponse";
  result.attributes.push_back(attribute{"type", severity});
  // The code travels in the summary as real servers write it; <errorCode> is written only when the
  // summary does not already carry this code, so from_command(to_command()) gives back *this.
  if (error_code && error_code_from_summary(summary) != error_code) {
    result.fields.push_back(element::leaf("errorCode", std::to_string(*error_code)));
  }
  result.fields.push_back(element::leaf("summary", summary));
  result.fields.push_back(element::leaf("summaryEnglish", summary_english));
  if (detail) {
    result.fields.push_back(element::leaf("detail", *detail));
  }
  return result;
}

command success_response() {
  command result;
  result.type = "SuccessResponse";
  return result;
}

}  // namespace ocip::protocol
