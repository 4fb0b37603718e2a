#pragma once
/// Scenario scripting: rules that answer, fail, move between named states and change the world
/// before the mock's built-in behaviour does. Pure data and pure functions: no I/O here.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ocip/protocol/message.hpp"
#include "ocip/protocol/result.hpp"

namespace ocip::mock {

/// A compiled regular expression (defined in script.cpp). Matching uses Boost.Regex, which needs no
/// recursion and gives up on a pattern that would take too long, so no request text, however long
/// or unlucky, can crash or stall the mock.
class compiled_pattern;

/// The longest regular expression a rule or a verify call may give, in characters.
inline constexpr std::size_t max_pattern_length = 1000;

/// How a rule tests one field of a request command.
struct field_condition {
  enum class kind {
    equals,   ///< the field's text is exactly `value`
    regex,    ///< the whole of the field's text matches `value` (ECMAScript syntax)
    present,  ///< the field is there (any text, or nil)
    absent,   ///< the field is not there
  };

  /// Field name; a nested field as a path of names, "accessDeviceEndpoint/linePort".
  std::string path;
  kind test = kind::equals;
  std::string value;                                 ///< equals: the text; regex: the pattern as written
  std::shared_ptr<const compiled_pattern> compiled;  ///< regex: compiled once, when the rule is made

  /// A condition of kind regex with its pattern compiled; what is wrong when the pattern is not a
  /// regular expression (ECMAScript syntax) or is longer than max_pattern_length.
  [[nodiscard]] static result<field_condition, std::string> matching(std::string path, std::string pattern);
  /// regex: whether the whole text matches the pattern; nullopt when matching gave up, the
  /// pattern being too costly for this text.
  [[nodiscard]] std::optional<bool> matches_text(std::string_view text) const;
};

/// Who sent a request, how, and in which scenario state: what a pattern may test besides fields.
struct match_context {
  std::string_view login_user;  ///< the session's login id; empty when not logged in
  std::string_view transport;   ///< "tcp", "tls" or "soap"
  std::string_view state;       ///< the scenario state when the request arrived
};

/// What a request must be for a rule, a journal filter or a verify call to match it. Every part
/// that is given must hold; an empty pattern matches every command.
struct request_pattern {
  std::vector<std::string> commands;  ///< command types, any of them; empty: any type
  std::vector<field_condition> fields;
  /// The login user: an id, or "" for "not logged in"; unset: anyone or no one.
  std::optional<std::string> login_user;
  std::vector<std::string> transports;  ///< any of "tcp", "tls", "soap"; empty: any
  std::vector<std::string> states;      ///< scenario states in which it applies; empty: any
};

/// Each part of a pattern that a request does not meet, in the pattern's order, worded for a
/// person: "command: wanted UserGetRequest22, got UserDeleteRequest",
/// "field deviceName: wanted 'polycom-01', got 'polycom-02'". Empty: the request matches.
[[nodiscard]] std::vector<std::string> mismatches(const request_pattern& pattern, const protocol::command& request,
                                                  const match_context& context);

/// True when the request meets every part of the pattern.
[[nodiscard]] bool matches(const request_pattern& pattern, const protocol::command& request,
                           const match_context& context);

/// True for elements whose text is a secret: passwords of every kind, signed passwords, tokens.
/// The journal redacts them, and a near-miss report never shows their values.
[[nodiscard]] bool is_secret_element(std::string_view name);

/// The text of a field named by a path ("accessDeviceEndpoint/linePort"); nullptr when absent.
[[nodiscard]] const protocol::element* find_field(const protocol::command& request, std::string_view path);

/// A fault: the mock misbehaves on the wire instead of, or around, writing its reply.
struct fault {
  enum class kind {
    none,                ///< no misbehaviour beyond `delay`
    no_reply,            ///< nothing is written; the connection stays open
    close_before_reply,  ///< the connection is closed and nothing is written
    close_after_reply,   ///< the reply is written, then the connection is closed
    reset,               ///< the connection is reset (TCP RST) and nothing is written
    slice,               ///< the reply is written in pieces of `bytes` bytes, `pause` between them
    truncate,            ///< only the first `bytes` bytes of the reply are written, then the connection closes
    garbage,             ///< `text` (or `bytes` random non-XML bytes) is written instead of the reply
    http_500,            ///< SOAP only: HTTP 500 with `text` as a plain body instead of the SOAP reply
    soap_fault,          ///< SOAP only: a SOAP fault (`code`, `text`) instead of the SOAP reply
  };

  kind what = kind::none;
  std::chrono::milliseconds delay{0};  ///< waited before anything is written (or closed)
  std::size_t bytes = 0;               ///< slice: piece size; truncate: bytes kept; garbage: count
  std::chrono::milliseconds pause{0};  ///< slice: pause between pieces
  std::string text;                    ///< garbage: the bytes; http_500: body; soap_fault: faultstring
  std::string code;                    ///< soap_fault: faultcode (default "soapenv:Server")
  std::string rule{};                  ///< the rule that gave it, for logs (set when a rule matches)
};

/// Scenario spelling of a fault kind: "none", "no_reply", "close_before_reply", ...
[[nodiscard]] std::string_view to_string(fault::kind kind);
/// Parses the scenario spelling; nullopt when it is none of them.
[[nodiscard]] std::optional<fault::kind> parse_fault_kind(std::string_view text);

/// What a matched rule answers for its command.
struct scripted_reply {
  enum class kind {
    built_in,  ///< the mock's own answer, as if no rule had matched (side effects still happen)
    response,  ///< `response`: a data response with the fields the scenario gives
    error,     ///< an ErrorResponse "[Error code] text", with `detail` when set
  };

  kind what = kind::built_in;
  protocol::command
      response;  ///< kind::response: its type and fields (YAML order; schema order when a schema is loaded)
  int error_code = 0;
  std::string error_text;
  std::optional<std::string> error_detail;
};

/// A change a matched rule makes to the world.
struct world_change {
  enum class kind {
    lock_device,               ///< puts the device under a device profile authentication lockout
    unlock_device,             ///< clears the device's lockout
    remove_device,             ///< removes the device and every line port on it
    remove_endpoint,           ///< takes the user's endpoint away (line ports and trunk group)
    set_configuration_option,  ///< sets a device type's Device Management support
  };

  kind what = kind::lock_device;
  /// lock_device, unlock_device, remove_device: the device; with `device_from_request`, the device
  /// the request names (deviceLevel and deviceName, in the reach of the request's userId) instead.
  std::string device_level;  ///< schema spelling: "System", "Service Provider", "Group"
  std::string service_provider;
  std::string group;
  std::string device_name;
  bool device_from_request = false;
  /// remove_endpoint: the user; with `user_from_request`, the request's userId instead.
  std::string user_id;
  bool user_from_request = false;
  /// set_configuration_option: the device type and its new option in schema spelling
  /// ("Device Management", "Not Supported", "Legacy").
  std::string device_type;
  std::string option;
};

/// Where a rule was written, for logs and reports.
struct source_location {
  std::string file;
  int line = 0;

  /// "file:line".
  [[nodiscard]] std::string to_string() const;
};

/// One scripted rule. Rules are tried in file order before the built-in behaviour; the first that
/// matches a command (and has uses left) decides it.
struct rule {
  std::string name;  ///< `name:` in the file, else "rules[N]"
  source_location where;
  request_pattern when;
  std::optional<std::uint64_t> times;  ///< matches at most this many times; unset: no limit
  scripted_reply reply;
  std::optional<fault> failure;           ///< the wire misbehaviour of the reply's document
  std::optional<std::string> next_state;  ///< the scenario state after a match
  std::vector<world_change> changes;      ///< made in order, after a match, before the reply is decided
};

/// The scenario's rules and where its state machine starts.
struct script {
  std::vector<rule> rules;
  std::string initial_state = "started";
};

/// Where a running script is: its current state and how often each rule has matched.
struct script_progress {
  std::string state = "started";
  std::vector<std::uint64_t> matches;  ///< by rule index
};

/// The rule closest to matching a command that matched none: the rule and what differed.
struct near_miss {
  std::string rule;
  std::vector<std::string> differences;  ///< as mismatches() words them
};

/// The closest rule for a command that matched none: among rules naming the command's type (or
/// no type), the one with the fewest differences; a rule that matches but has used up its `times`
/// (per `progress`) is closest of all, with that as its difference. Nullopt when no rule names the
/// command's type.
[[nodiscard]] std::optional<near_miss> closest_rule(const script& rules, const script_progress& progress,
                                                    const protocol::command& request, const match_context& context);

}  // namespace ocip::mock
