#include "ocip/mock/journal.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include <openssl/evp.h>

namespace ocip::mock {
namespace {

void redact_elements(std::vector<protocol::element>& elements) {
  for (protocol::element& each : elements) {
    if (is_secret_element(each.name) && (!each.text.empty() || !each.children.empty())) {
      each.text = std::string(redacted_text);
      each.children.clear();
    } else {
      redact_elements(each.children);
    }
  }
}

/// The journal's view of one command: as it arrived, for pattern matching and filters.
match_context context_of(const journal_entry& entry, const journal_command& cmd) {
  return {cmd.login_user, entry.transport, cmd.state};
}

bool entry_selected(const journal_entry& entry, const journal_filter& filter) {
  if (entry.id <= filter.after_id) {
    return false;
  }
  if (filter.transport && entry.transport != *filter.transport) {
    return false;
  }
  if (filter.connection && entry.connection != *filter.connection) {
    return false;
  }
  return std::any_of(entry.commands.begin(), entry.commands.end(), [&](const journal_command& cmd) {
    return (!filter.command || cmd.request.type == *filter.command) &&
           (!filter.login_user || cmd.login_user == *filter.login_user) && (!filter.rule || cmd.rule == *filter.rule) &&
           (!filter.unmatched || cmd.rule.empty());
  });
}

}  // namespace

protocol::command redact(protocol::command cmd) {
  redact_elements(cmd.fields);
  return cmd;
}

std::string session_digest(std::string_view session_id) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(session_id.data(), session_id.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1) {
    return "sha256:unavailable";
  }
  constexpr std::string_view hex = "0123456789abcdef";
  std::string out = "sha256:";
  for (std::size_t i = 0; i < 6 && i < length; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 0x0Fu];
  }
  return out;
}

journal::journal(std::size_t capacity) : capacity_(capacity) {}

void journal::record(const protocol::document& request, const connection_state& connection,
                     const dispatch_result& result, std::chrono::microseconds took) {
  if (capacity_ == 0) {
    return;
  }
  journal_entry entry;
  entry.id = next_id_++;
  entry.at = std::chrono::system_clock::now();
  entry.connection = connection.id;
  entry.transport = connection.transport;
  entry.remote = connection.remote;
  entry.addressed_as =
      request.addressing == protocol::addressing_kind::session_id
          ? "session " + session_digest(request.session_id)
          : std::string(protocol::addressing_element_name(request.addressing)) + " " + request.session_id;
  for (std::size_t i = 0; i < request.commands.size(); ++i) {
    journal_command& cmd = entry.commands.emplace_back();
    cmd.request = redact(request.commands[i]);
    if (result.reply && i < result.reply->commands.size()) {
      cmd.reply = redact(result.reply->commands[i]);
    }
    if (i < result.trace.size()) {
      const command_trace& trace = result.trace[i];
      cmd.login_user = trace.login_user;
      cmd.state = trace.state;
      cmd.rule = trace.rule;
      cmd.miss = trace.miss;
    }
  }
  entry.failure = result.failure;
  entry.closed_after = result.close_after;
  entry.took = took;
  if (entries_.size() >= capacity_) {
    entries_.pop_front();
    ++dropped_;
  }
  entries_.push_back(std::move(entry));
}

std::vector<const journal_entry*> journal::select(const journal_filter& filter) const {
  std::vector<const journal_entry*> selected;
  for (const journal_entry& entry : entries_) {
    if (entry_selected(entry, filter)) {
      selected.push_back(&entry);
    }
  }
  if (filter.limit != 0 && selected.size() > filter.limit) {
    selected.erase(selected.begin(), selected.end() - static_cast<std::ptrdiff_t>(filter.limit));
  }
  return selected;
}

std::vector<std::uint64_t> journal::matching(const request_pattern& pattern) const {
  std::vector<std::uint64_t> ids;
  for (const journal_entry& entry : entries_) {
    for (const journal_command& cmd : entry.commands) {
      if (matches(pattern, cmd.request, context_of(entry, cmd))) {
        ids.push_back(entry.id);
      }
    }
  }
  return ids;
}

std::size_t journal::clear() {
  const std::size_t count = entries_.size();
  entries_.clear();
  dropped_ = 0;
  return count;
}

}  // namespace ocip::mock
