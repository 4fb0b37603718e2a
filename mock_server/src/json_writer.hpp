#pragma once
// A small JSON writer for the admin API's answers: objects, arrays, strings, numbers, booleans and
// null, with commas placed by the writer. Internal to mock_server/src.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ocip::mock::detail {

/// Writes one JSON value into a string. Calls must nest properly (the writer does not check).
class json_writer {
 public:
  json_writer& begin_object();
  json_writer& end_object();
  json_writer& begin_array();
  json_writer& end_array();
  /// The key of the next member of the current object.
  json_writer& key(std::string_view name);
  /// A string; UTF-8 passes through, quotes, backslashes and control characters are escaped.
  json_writer& value(std::string_view text);
  json_writer& value(const char* text) { return value(std::string_view(text)); }
  json_writer& value(std::uint64_t number);
  json_writer& value(std::int64_t number);
  json_writer& value(int number) { return value(static_cast<std::int64_t>(number)); }
  json_writer& value(bool flag);
  json_writer& null();

  /// A member: key and value at once.
  template <typename T>
  json_writer& member(std::string_view name, const T& item) {
    key(name);
    return value(item);
  }

  /// What was written.
  [[nodiscard]] const std::string& text() const { return out_; }

 private:
  void before_value();

  std::string out_;
  std::vector<bool> first_;  ///< per open object or array: no member written yet
  bool after_key_ = false;
};

}  // namespace ocip::mock::detail
