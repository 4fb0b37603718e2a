// Hot reload (--watch): the scenario file is looked at every interval; a new version that loads is
// served, keeping or resetting the live world as configured, and what changed is logged; a version
// with problems is logged with file:line and the running world stays.
#include <fstream>
#include <sstream>
#include <system_error>

#include <spdlog/spdlog.h>

#include "server_internal.hpp"
#include "world_json.hpp"

namespace ocip::mock::detail {
namespace {

/// What the watcher compares between looks: a change in either means the file was written.
struct file_stamp {
  std::filesystem::file_time_type written{};
  std::uintmax_t size = 0;
  bool exists = false;

  bool operator==(const file_stamp&) const = default;
};

file_stamp stamp_of(const std::filesystem::path& file) {
  std::error_code ec;
  file_stamp stamp;
  stamp.written = std::filesystem::last_write_time(file, ec);
  if (ec) {
    return stamp;
  }
  stamp.size = std::filesystem::file_size(file, ec);
  stamp.exists = !ec;
  return stamp;
}

std::optional<std::string> read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return std::nullopt;
  }
  std::ostringstream content;
  content << in.rdbuf();
  return std::move(content).str();
}

class scenario_watch final : public closable, public std::enable_shared_from_this<scenario_watch> {
 public:
  scenario_watch(server_context& context, std::filesystem::path file, bool keep_state,
                 std::chrono::milliseconds interval)
      : context_(context),
        file_(std::move(file)),
        keep_state_(keep_state),
        interval_(interval),
        timer_(context.io),
        seen_(stamp_of(file_)),
        served_text_(read_file(file_).value_or("")) {}

  void start() {
    context_.registry.add(shared_from_this());
    auto self = shared_from_this();
    asio::co_spawn(
        context_.io, [self]() { return self->watch(); }, asio::detached);
  }

  void close() override {
    closed_ = true;
    timer_.cancel();
  }

 private:
  asio::awaitable<void> watch() {
    spdlog::info("watching {} for changes ({} ms; a reload {})", file_.string(), interval_.count(),
                 keep_state_ ? "keeps the live world" : "resets the world");
    while (!closed_) {
      timer_.expires_after(interval_);
      boost::system::error_code ec;
      co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (closed_) {
        break;
      }
      look();
    }
  }

  /// One look at the file. A change is acted on once the file has stayed the same for a whole
  /// interval, so that an editor's half-written file is not read.
  void look() {
    const file_stamp now = stamp_of(file_);
    if (now == seen_) {
      if (pending_) {
        pending_ = false;
        reload();
      }
      return;
    }
    seen_ = now;
    pending_ = true;
  }

  void reload() {
    if (!seen_.exists) {
      spdlog::warn("scenario {} is gone; still serving the version loaded before", file_.string());
      return;
    }
    const std::optional<std::string> text = read_file(file_);
    if (!text) {
      spdlog::warn("scenario {} changed but cannot be read; still serving the version loaded before", file_.string());
      return;
    }
    if (*text == served_text_) {
      // Written again with the same content, or a broken edit undone: the served world stays as it is.
      if (!refused_text_.empty()) {
        refused_text_.clear();
        spdlog::info("scenario {} is back to the version being served; nothing changes", file_.string());
      }
      return;
    }
    if (*text == refused_text_) {
      return;  // the same broken version again: reported already
    }
    auto loaded = load_scenario_text(*text, file_.string());
    if (!loaded) {
      refused_text_ = *text;
      spdlog::error("scenario {} changed but has problems; still serving the version loaded before:\n{}",
                    file_.string(), loaded.error().to_string());
      return;
    }
    served_text_ = *text;
    refused_text_.clear();
    const std::vector<std::string> differences = world_differences(control().current().initial, loaded.value().initial);
    // With keep_state only the rules and mock settings are replaced; the rest of the file's
    // changes wait for a reset, and the log says so rather than claim them.
    std::string applied;
    std::string waiting;
    for (const auto& line : differences) {
      const bool replaced = line.starts_with("rules") || line.starts_with("mock settings");
      ((!keep_state_ || replaced) ? applied : waiting) += "\n  " + line;
    }
    if (differences.empty()) {
      applied = "; nothing a client would notice";
    }
    if (!waiting.empty()) {
      waiting = "\n not applied to the live world (POST /reset applies them):" + waiting;
    }
    spdlog::info("scenario {} changed; {}{}{}", file_.string(),
                 keep_state_ ? "rules and mock settings replaced, live world kept" : "world reset", applied, waiting);
    control().replace(std::move(loaded).value(), keep_state_);
  }

  scenario_control& control() { return context_.control; }

  server_context& context_;
  std::filesystem::path file_;
  bool keep_state_;
  std::chrono::milliseconds interval_;
  asio::steady_timer timer_;
  file_stamp seen_;
  std::string served_text_;   ///< the file's text as last served
  std::string refused_text_;  ///< the file's text as last refused for its problems; empty: none since
  bool pending_ = false;
  bool closed_ = false;
};

}  // namespace

void start_scenario_watch(server_context& context, const std::filesystem::path& file, bool keep_state,
                          std::chrono::milliseconds interval) {
  std::make_shared<scenario_watch>(context, file, keep_state, interval)->start();
}

}  // namespace ocip::mock::detail
