#pragma once
// One OCI-P connection over a byte stream (plain TCP, or TLS around it): reads bytes, frames
// documents, asks the dispatcher, writes each reply in one write, or misbehaves as a scripted rule's
// fault says. Internal to mock_server/src.

#include <array>
#include <chrono>
#include <memory>
#include <string>

#include <spdlog/spdlog.h>
#include <boost/asio/write.hpp>

#include "fault_writer.hpp"
#include "ocip/protocol/codec.hpp"
#include "ocip/protocol/framer.hpp"
#include "server_internal.hpp"

namespace ocip::mock::detail {

/// Serves OCI-P documents on one stream. `Stream` is tcp::socket or an SSL stream over one.
template <typename Stream>
class stream_session : public closable, public std::enable_shared_from_this<stream_session<Stream>> {
 public:
  /// `transport` names the listener kind in logs and in the connection state ("tcp", "tls").
  stream_session(Stream stream, server_context& context, std::string transport)
      : stream_(std::move(stream)),
        timer_(stream_.get_executor()),
        pause_timer_(stream_.get_executor()),
        context_(context),
        framer_(context.options.max_document_bytes) {
    state_.id = context.number_connection();
    state_.transport = std::move(transport);
    state_.remote = describe_peer(stream_.lowest_layer());
    state_.peer_address = peer_ip_address(stream_.lowest_layer());
    set_deadline(context.options.idle_timeout);
  }

  /// Starts serving; the session keeps itself alive until it closes.
  void start() {
    context_.registry.add(this->shared_from_this());
    auto self = this->shared_from_this();
    asio::co_spawn(
        stream_.get_executor(), [self]() { return self->serve(); }, asio::detached);
    asio::co_spawn(
        stream_.get_executor(), [self]() { return self->watchdog(); }, asio::detached);
  }

  void close() override {
    closed_ = true;
    boost::system::error_code ignored;
    stream_.lowest_layer().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.lowest_layer().close(ignored);
    timer_.cancel();
    pause_timer_.cancel();
  }

 protected:
  /// The stream, for a subclass's handshake.
  Stream& stream() { return stream_; }
  /// Sets the deadline of the next read, write or handshake.
  void set_deadline(std::chrono::milliseconds from_now) { deadline_ = std::chrono::steady_clock::now() + from_now; }
  /// Peer and transport, for logs.
  const connection_state& state() const { return state_; }

 private:
  /// Before any document: nothing for plain TCP; the TLS handshake for an SSL stream.
  virtual asio::awaitable<bool> before_first_document() { co_return true; }

  asio::awaitable<void> serve() {
    spdlog::info("{} connection from {}", state_.transport, state_.remote);
    // co_await stays out of conditions: GCC 12 miscompiles some of those (SIGILL at run time).
    const bool ready = co_await before_first_document();
    if (ready) {
      co_await read_and_answer();
    }
    close();
  }

  asio::awaitable<void> read_and_answer() {
    std::array<char, 16384> buffer{};
    while (!closed_) {
      set_deadline(context_.options.idle_timeout);
      boost::system::error_code ec;
      const std::size_t count =
          co_await stream_.async_read_some(asio::buffer(buffer), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        spdlog::info("{} connection from {} ended: {}", state_.transport, state_.remote,
                     ec == asio::error::eof ? std::string("closed by peer") : ec.message());
        co_return;
      }
      framer_.put(std::string_view(buffer.data(), count));
      const bool keep_open = co_await answer_ready_documents();
      if (!keep_open) {
        co_return;
      }
      if (framer_.error()) {
        spdlog::warn("{} connection from {}: {}; closing", state_.transport, state_.remote, framer_.error()->message);
        co_return;
      }
    }
  }

  /// Answers every whole document received so far, in arrival order. False: close the connection.
  asio::awaitable<bool> answer_ready_documents() {
    while (auto bytes = framer_.next()) {
      auto request = protocol::decode(*bytes);
      if (!request) {
        spdlog::warn("{} connection from {}: unreadable document ({}); closing", state_.transport, state_.remote,
                     request.error().message);
        co_return false;
      }
      dispatch_result decided = context_.decide.dispatch(request.value(), state_);
      log_exchange(request.value(), decided);
      const bool keep_open = co_await answer(decided);
      if (!keep_open) {
        co_return false;
      }
    }
    co_return true;
  }

  /// Writes one document's reply, or misbehaves as its fault says. False: close the connection.
  asio::awaitable<bool> answer(const dispatch_result& decided) {
    fault failure = decided.failure.value_or(fault{});
    if (decided.failure) {
      spdlog::info("{} connection from {}: fault {}", state_.transport, state_.remote, describe_fault(failure));
      if (failure.what == fault::kind::http_500 || failure.what == fault::kind::soap_fault) {
        spdlog::warn("{} connection from {}: fault {} is for SOAP only; the reply goes out unchanged", state_.transport,
                     state_.remote, to_string(failure.what));
        failure.what = fault::kind::none;
      }
    }
    if (failure.delay > std::chrono::milliseconds::zero()) {
      // The watchdog must not take the wait for a stalled write.
      set_deadline(failure.delay + context_.options.write_timeout);
      const bool waited = co_await pause_for(pause_timer_, failure.delay);
      if (!waited) {
        co_return false;
      }
    }
    switch (failure.what) {
      case fault::kind::no_reply:
        co_return !decided.close_after;
      case fault::kind::close_before_reply:
        spdlog::info("{} connection from {}: closing before the reply as the fault says", state_.transport,
                     state_.remote);
        co_return false;
      case fault::kind::reset:
        spdlog::info("{} connection from {}: resetting the connection as the fault says", state_.transport,
                     state_.remote);
        reset();
        co_return false;
      default:
        break;
    }
    if (decided.reply) {
      // Declaration, document and the final LF go out in one write (§2), unless the fault slices them.
      std::string reply = protocol::encode(*decided.reply, protocol::wire_style::server);
      std::size_t piece = 0;
      std::chrono::milliseconds pause{0};
      if (failure.what == fault::kind::garbage) {
        reply = garbage_bytes(failure);
      } else if (failure.what == fault::kind::truncate) {
        reply.resize(std::min(failure.bytes, reply.size()));
      } else if (failure.what == fault::kind::slice) {
        piece = failure.bytes;
        pause = failure.pause;
        // Each piece in its own segment: Nagle's algorithm would hold small pieces back.
        boost::system::error_code ignored;
        stream_.lowest_layer().set_option(tcp::no_delay(true), ignored);
      }
      const auto write_deadline = context_.options.write_timeout + pause;
      const boost::system::error_code ec =
          co_await write_in_pieces(stream_, pause_timer_, reply, piece, pause, [&] { set_deadline(write_deadline); });
      if (ec) {
        if (!closed_) {
          spdlog::info("{} connection from {}: write failed: {}", state_.transport, state_.remote, ec.message());
        }
        co_return false;
      }
      if (failure.what == fault::kind::truncate || failure.what == fault::kind::close_after_reply) {
        spdlog::info("{} connection from {}: closing after the {} reply as the fault says", state_.transport,
                     state_.remote, failure.what == fault::kind::truncate ? "truncated" : "whole");
        co_return false;
      }
    }
    if (decided.close_after) {
      spdlog::info("{} connection from {}: closing as the scenario says", state_.transport, state_.remote);
      co_return false;
    }
    co_return true;
  }

  /// Resets the connection (TCP RST; over TLS without close_notify) and ends the session.
  void reset() {
    closed_ = true;
    reset_socket(stream_.lowest_layer());
    timer_.cancel();
    pause_timer_.cancel();
  }

  /// One line per command: what was asked and what was answered. Names and codes only: bodies
  /// carry passwords and tokens, and session ids are credentials too.
  void log_exchange(const protocol::document& request, const dispatch_result& decided) const {
    for (std::size_t i = 0; i < request.commands.size(); ++i) {
      std::string answer = "no reply";
      if (decided.reply && i < decided.reply->commands.size()) {
        const protocol::command& reply = decided.reply->commands[i];
        answer = reply.type;
        if (reply.type == "ErrorResponse") {
          const auto code = protocol::error_response::from_command(reply).error_code;
          answer += code ? " " + std::to_string(*code) : std::string();
        }
      } else if (decided.reply && !decided.reply->commands.empty()) {
        answer = "answered by the document's first reply";
      }
      spdlog::info("{} {}: {} -> {}", state_.transport, state_.remote, request.commands[i].type, answer);
    }
  }

  /// Closes the connection when a read, write or handshake outlives its deadline.
  asio::awaitable<void> watchdog() {
    while (!closed_) {
      timer_.expires_at(deadline_);
      boost::system::error_code ec;
      co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (!closed_ && deadline_ <= std::chrono::steady_clock::now()) {
        spdlog::info("{} connection from {}: timed out; closing", state_.transport, state_.remote);
        close();
      }
    }
  }

  Stream stream_;
  asio::steady_timer timer_;
  asio::steady_timer pause_timer_;  ///< a fault's delay and the pauses between slices
  std::chrono::steady_clock::time_point deadline_;
  server_context& context_;
  protocol::framer framer_;
  connection_state state_;
  bool closed_ = false;
};

}  // namespace ocip::mock::detail
