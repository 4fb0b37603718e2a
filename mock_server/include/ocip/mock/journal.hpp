#pragma once
/// The request journal: every exchange the mock decided, bounded in memory, with secrets redacted.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "ocip/mock/dispatcher.hpp"
#include "ocip/mock/script.hpp"
#include "ocip/protocol/message.hpp"

namespace ocip::mock {

/// What the journal writes in place of a secret's text.
inline constexpr std::string_view redacted_text = "[redacted]";

/// The command with the text of every secret element, at any depth, replaced by redacted_text.
[[nodiscard]] protocol::command redact(protocol::command cmd);

/// A session id as the journal shows it: a short digest ("sha256:" and 12 hex digits), so that
/// exchanges of one session can be told apart without the id, which is a credential, being kept.
[[nodiscard]] std::string session_digest(std::string_view session_id);

/// One command of a journalled exchange.
struct journal_command {
  protocol::command request;               ///< redacted
  std::optional<protocol::command> reply;  ///< redacted; unset when the document got no reply
  std::string login_user;                  ///< the session's login when the command arrived; empty: none
  std::string state;                       ///< the scenario state when the command arrived
  std::string rule;                        ///< the rule that matched it; empty: none
  std::optional<near_miss> miss;           ///< no rule matched: the closest one and what differed
};

/// One request document and what the mock did with it.
struct journal_entry {
  std::uint64_t id = 0;                      ///< from 1, in arrival order; never reused, also after clear()
  std::chrono::system_clock::time_point at;  ///< when the document was decided
  std::uint64_t connection = 0;              ///< connection_state::id
  std::string transport;                     ///< "tcp", "tls" or "soap"
  std::string remote;                        ///< the peer's address and port
  /// Who the document names: "session sha256:…" (session_digest), or the session-less
  /// addressing and its value, e.g. "userId alice@example.com".
  std::string addressed_as;
  std::vector<journal_command> commands;
  std::optional<fault> failure;       ///< the wire fault the reply was given
  bool closed_after = false;          ///< the connection was closed after this document
  std::chrono::microseconds took{0};  ///< how long deciding took (faults' delays not included)
};

/// Which entries a journal query returns. Unset parts do not filter.
struct journal_filter {
  std::optional<std::string> command;     ///< an entry with a command of this request type
  std::optional<std::string> login_user;  ///< an entry with a command from this login ("": not logged in)
  std::optional<std::string> transport;
  std::optional<std::string> rule;  ///< an entry with a command this rule matched
  bool unmatched = false;           ///< only entries with a command that no rule matched
  std::optional<std::uint64_t> connection;
  std::uint64_t after_id = 0;  ///< only entries with a greater id
  std::size_t limit = 0;       ///< at most this many, the newest; 0: all
};

/// The last `capacity` exchanges. Not thread-safe: the server records and reads it on its one thread.
class journal {
 public:
  /// Keeps at most `capacity` entries (0: records nothing).
  explicit journal(std::size_t capacity);

  /// Adds an exchange as the dispatcher's observer sees it; the oldest entry goes when full.
  void record(const protocol::document& request, const connection_state& connection, const dispatch_result& result,
              std::chrono::microseconds took);

  /// The entries the filter selects, oldest first.
  [[nodiscard]] std::vector<const journal_entry*> select(const journal_filter& filter) const;

  /// How many journalled commands match the pattern, each matched as it arrived (its login user,
  /// transport and state); with their entries' ids, in order (an id repeats for several commands).
  [[nodiscard]] std::vector<std::uint64_t> matching(const request_pattern& pattern) const;

  /// Forgets every entry; returns how many there were.
  std::size_t clear();

  [[nodiscard]] std::size_t size() const { return entries_.size(); }
  [[nodiscard]] std::size_t capacity() const { return capacity_; }
  /// How many entries were dropped to keep within capacity since the start (or the last clear()).
  [[nodiscard]] std::uint64_t dropped() const { return dropped_; }

 private:
  std::size_t capacity_;
  std::deque<journal_entry> entries_;
  std::uint64_t next_id_ = 1;
  std::uint64_t dropped_ = 0;
};

}  // namespace ocip::mock
