#include "ocip/protocol/framer.hpp"

#include <cstring>
#include <string>
#include <utility>

namespace ocip::protocol {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::string describe_byte(char byte) {
  constexpr std::string_view digits = "0123456789ABCDEF";
  const auto value = static_cast<unsigned char>(byte);
  std::string text = "byte 0x";
  text += digits[value >> 4];
  text += digits[value & 0x0Fu];
  if (value >= 0x21 && value < 0x7F) {
    text += " ('";
    text += byte;
    text += "')";
  }
  return text;
}

constexpr std::string_view comment_open = "<!--";
constexpr std::string_view cdata_open = "<![CDATA[";
constexpr std::string_view byte_order_mark = "\xEF\xBB\xBF";

}  // namespace

framer::framer(std::size_t max_document_bytes) : max_document_bytes_(max_document_bytes) {}

bool framer::idle() const {
  return state_ == state::between_documents;
}

std::optional<std::string> framer::next() {
  if (ready_.empty()) {
    return std::nullopt;
  }
  std::string document = std::move(ready_.front());
  ready_.pop_front();
  return document;
}

void framer::fail(std::string what) {
  error_ = protocol_error{"stream offset " + std::to_string(stream_offset_) + ": " + std::move(what)};
  current_.clear();
  current_.shrink_to_fit();
}

void framer::finish_document() {
  ready_.push_back(std::move(current_));
  current_ = std::string{};
  state_ = state::between_documents;
  depth_ = 0;
  quote_ = 0;
}

void framer::put(std::string_view bytes) {
  std::size_t pos = 0;
  while (pos < bytes.size() && !error_) {
    // Character data is the bulk of a document: copy it in one go up to the next markup.
    if (state_ == state::content && bytes[pos] != '<') {
      const void* found = std::memchr(bytes.data() + pos, '<', bytes.size() - pos);
      const std::size_t end =
          found == nullptr ? bytes.size() : static_cast<std::size_t>(static_cast<const char*>(found) - bytes.data());
      const std::size_t room = max_document_bytes_ - current_.size();
      if (end - pos > room) {
        stream_offset_ += room;
        fail("document larger than the limit of " + std::to_string(max_document_bytes_) + " bytes");
        return;
      }
      current_.append(bytes.data() + pos, end - pos);
      stream_offset_ += end - pos;
      pos = end;
      continue;
    }
    step(bytes[pos]);
    ++pos;
    ++stream_offset_;
  }
}

void framer::step(char byte) {
  switch (state_) {
    case state::between_documents:
      if (is_space(byte)) {
        return;
      }
      if (byte == '<') {
        current_.push_back(byte);
        markup_start_ = 0;
        state_ = state::markup_open;
        return;
      }
      if (byte == byte_order_mark[0]) {
        byte_order_mark_ = 1;
        state_ = state::byte_order_mark;
        return;
      }
      fail(describe_byte(byte) + " outside a document (expected '<' or whitespace)");
      return;

    case state::byte_order_mark:
      if (byte != byte_order_mark[byte_order_mark_]) {
        fail(describe_byte(byte) + " in what started as a UTF-8 byte order mark");
        return;
      }
      if (++byte_order_mark_ == byte_order_mark.size()) {
        state_ = state::between_documents;
      }
      return;

    default:
      break;
  }

  if (current_.size() >= max_document_bytes_) {
    fail("document larger than the limit of " + std::to_string(max_document_bytes_) + " bytes");
    return;
  }
  current_.push_back(byte);
  const std::size_t markup_length = current_.size() - markup_start_;

  switch (state_) {
    case state::between_documents:
    case state::byte_order_mark:
      return;  // handled above

    case state::prolog:
      if (byte == '<') {
        markup_start_ = current_.size() - 1;
        state_ = state::markup_open;
      } else if (!is_space(byte)) {
        fail(describe_byte(byte) + ": text before the root element");
      }
      return;

    case state::content:
      if (byte == '<') {
        markup_start_ = current_.size() - 1;
        state_ = state::markup_open;
      }
      return;

    case state::markup_open:
      if (byte == '?') {
        state_ = state::processing_instruction;
      } else if (byte == '!') {
        state_ = state::markup_bang;
      } else if (byte == '/') {
        if (depth_ == 0) {
          fail("an end tag before any start tag");
          return;
        }
        state_ = state::end_tag;
      } else if (is_space(byte) || byte == '<' || byte == '>' || byte == '=' || byte == '"' || byte == '\'') {
        fail(describe_byte(byte) + " right after '<'");
      } else {
        state_ = state::start_tag;
        quote_ = 0;
      }
      return;

    case state::markup_bang: {
      const std::string_view opened = std::string_view{current_}.substr(markup_start_);
      if (opened == comment_open) {
        state_ = state::comment;
      } else if (opened == cdata_open) {
        if (depth_ == 0) {
          fail("a CDATA section outside the root element");
          return;
        }
        state_ = state::cdata;
      } else if (!comment_open.starts_with(opened) && !cdata_open.starts_with(opened)) {
        // A DOCTYPE could declare entities that expand without bound: never accepted.
        fail(opened.starts_with("<!D") ? std::string{"a DOCTYPE declaration (refused)"}
                                       : "markup '" + std::string{opened} + "' that is neither a comment nor CDATA");
      }
      return;
    }

    case state::processing_instruction:
      // "<??>" is the shortest: the '?' of the terminator cannot be the one that opened it.
      if (byte == '>' && markup_length >= 4 && current_[current_.size() - 2] == '?') {
        state_ = depth_ == 0 ? state::prolog : state::content;
      }
      return;

    case state::comment:
      if (byte == '>' && markup_length >= 7 && std::string_view{current_}.ends_with("-->")) {
        state_ = depth_ == 0 ? state::prolog : state::content;
      }
      return;

    case state::cdata:
      if (byte == '>' && markup_length >= 12 && std::string_view{current_}.ends_with("]]>")) {
        state_ = state::content;
      }
      return;

    case state::start_tag:
      if (quote_ != 0) {
        if (byte == quote_) {
          quote_ = 0;
        }
        return;
      }
      if (byte == '"' || byte == '\'') {
        quote_ = byte;
      } else if (byte == '<') {
        fail("'<' inside a start tag");
      } else if (byte == '>') {
        const bool self_closing = current_[current_.size() - 2] == '/';
        if (self_closing) {
          if (depth_ == 0) {
            finish_document();
            return;
          }
        } else {
          ++depth_;
        }
        state_ = state::content;
      }
      return;

    case state::end_tag:
      if (byte == '<') {
        fail("'<' inside an end tag");
      } else if (byte == '>') {
        if (--depth_ == 0) {
          finish_document();
          return;
        }
        state_ = state::content;
      }
      return;
  }
}

}  // namespace ocip::protocol
