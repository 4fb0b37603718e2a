#include "json_writer.hpp"

#include "ocip/protocol/xml_text.hpp"

namespace ocip::mock::detail {

void json_writer::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_.empty()) {
    if (!first_.back()) {
      out_ += ',';
    }
    first_.back() = false;
  }
}

json_writer& json_writer::begin_object() {
  before_value();
  out_ += '{';
  first_.push_back(true);
  return *this;
}

json_writer& json_writer::end_object() {
  out_ += '}';
  first_.pop_back();
  return *this;
}

json_writer& json_writer::begin_array() {
  before_value();
  out_ += '[';
  first_.push_back(true);
  return *this;
}

json_writer& json_writer::end_array() {
  out_ += ']';
  first_.pop_back();
  return *this;
}

json_writer& json_writer::key(std::string_view name) {
  value(name);
  out_ += ':';
  after_key_ = true;
  return *this;
}

json_writer& json_writer::value(std::string_view text) {
  before_value();
  constexpr std::string_view hex = "0123456789abcdef";
  out_ += '"';
  std::size_t pos = 0;
  while (pos < text.size()) {
    const char c = text[pos];
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x80) {
      // JSON is UTF-8: a valid sequence is copied, a byte that starts none (text from a URL, say)
      // becomes U+FFFD, so that the answer stays readable by every JSON parser.
      const std::size_t start = pos;
      if (protocol::next_utf8_code_point(text, pos)) {
        out_.append(text.substr(start, pos - start));
      } else {
        out_ += "\\ufffd";
        ++pos;
      }
      continue;
    }
    ++pos;
    switch (c) {
      case '"':
        out_ += "\\\"";
        break;
      case '\\':
        out_ += "\\\\";
        break;
      case '\n':
        out_ += "\\n";
        break;
      case '\r':
        out_ += "\\r";
        break;
      case '\t':
        out_ += "\\t";
        break;
      default:
        if (byte < 0x20 || byte == 0x7F) {
          out_ += "\\u00";
          out_ += hex[byte >> 4];
          out_ += hex[byte & 0x0Fu];
        } else {
          out_ += c;
        }
    }
  }
  out_ += '"';
  return *this;
}

json_writer& json_writer::value(std::uint64_t number) {
  before_value();
  out_ += std::to_string(number);
  return *this;
}

json_writer& json_writer::value(std::int64_t number) {
  before_value();
  out_ += std::to_string(number);
  return *this;
}

json_writer& json_writer::value(bool flag) {
  before_value();
  out_ += flag ? "true" : "false";
  return *this;
}

json_writer& json_writer::null() {
  before_value();
  out_ += "null";
  return *this;
}

}  // namespace ocip::mock::detail
