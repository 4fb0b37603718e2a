#pragma once
// Carrying out a scripted rule's fault on the wire (script.hpp, fault): what the stream sessions
// (stream_session.hpp) and the HTTP sessions (http_listener.cpp) share. Waits use Asio timers and
// never block the server's thread; a session's close() cancels the timer, which ends the wait.
// Internal to mock_server/src.

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <random>
#include <string>
#include <string_view>

#include <boost/asio/buffer.hpp>
#include <boost/asio/write.hpp>

#include "ocip/mock/script.hpp"
#include "server_internal.hpp"

namespace ocip::mock::detail {

/// Random garbage is this long when a fault gives neither `text` nor `bytes`.
inline constexpr std::size_t default_garbage_bytes = 32;

/// Waits `how_long` on `timer`. False when the wait was cancelled (the session is closing).
inline asio::awaitable<bool> pause_for(asio::steady_timer& timer, std::chrono::milliseconds how_long) {
  if (how_long <= std::chrono::milliseconds::zero()) {
    co_return true;
  }
  timer.expires_after(how_long);
  boost::system::error_code ec;
  co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  co_return !ec;
}

/// What a garbage fault writes: its `text`, else `bytes` (default_garbage_bytes when 0) random
/// bytes that no XML document may contain (the C0 control characters other than tab, LF and CR),
/// so a peer's XML framing fails on the first of them.
inline std::string garbage_bytes(const fault& failure) {
  if (!failure.text.empty()) {
    return failure.text;
  }
  static constexpr std::array<char, 26> forbidden{
      '\x01', '\x02', '\x03', '\x04', '\x05', '\x06', '\x07', '\x08', '\x0B', '\x0C', '\x0E', '\x0F', '\x10',
      '\x11', '\x12', '\x13', '\x14', '\x15', '\x16', '\x17', '\x18', '\x19', '\x1A', '\x1B', '\x1C', '\x1D'};
  thread_local std::mt19937 generator{std::random_device{}()};  // servers of one process may run on several threads
  std::uniform_int_distribution<std::size_t> pick(0, forbidden.size() - 1);
  const std::size_t count = failure.bytes == 0 ? default_garbage_bytes : failure.bytes;
  std::string out;
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    out += forbidden[pick(generator)];
  }
  return out;
}

/// The fault for a log line: its kind, the numbers that matter and its rule, never `text` (only its length).
inline std::string describe_fault(const fault& failure) {
  std::string out{failure.what == fault::kind::none ? std::string_view("delay") : to_string(failure.what)};
  switch (failure.what) {
    case fault::kind::slice:
      out += " (pieces of " + std::to_string(failure.bytes) + " bytes, " + std::to_string(failure.pause.count()) +
             " ms apart)";
      break;
    case fault::kind::truncate:
      out += " (first " + std::to_string(failure.bytes) + " bytes)";
      break;
    case fault::kind::garbage:
      out += failure.text.empty()
                 ? " (" + std::to_string(failure.bytes == 0 ? default_garbage_bytes : failure.bytes) + " random bytes)"
                 : " (" + std::to_string(failure.text.size()) + " bytes of text)";
      break;
    default:
      break;
  }
  if (failure.delay > std::chrono::milliseconds::zero()) {
    out += (failure.what == fault::kind::none ? " of " : " after ") + std::to_string(failure.delay.count()) + " ms";
  }
  if (!failure.rule.empty()) {
    out += " from rule '" + failure.rule + "'";
  }
  return out;
}

/// Resets a connection: SO_LINGER 0, then close, so the kernel sends a TCP RST instead of a FIN
/// (over TLS, no close_notify either: the socket under it goes).
inline void reset_socket(tcp::socket::lowest_layer_type& socket) {
  boost::system::error_code ignored;
  socket.set_option(asio::socket_base::linger(true, 0), ignored);
  socket.close(ignored);
}

/// Writes `bytes` in pieces of `piece` bytes (all at once when `piece` is 0) with `pause` between
/// them, each piece in a write of its own. `before_write` is called before each write (to set the
/// session's write deadline). Ends with the first write error, or operation_aborted when a pause
/// was cancelled.
template <typename Stream, typename BeforeWrite>
asio::awaitable<boost::system::error_code> write_in_pieces(Stream& stream, asio::steady_timer& timer,
                                                           std::string_view bytes, std::size_t piece,
                                                           std::chrono::milliseconds pause, BeforeWrite before_write) {
  boost::system::error_code ec;
  const std::size_t size = piece == 0 ? bytes.size() : piece;
  bool first = true;
  while (!bytes.empty()) {
    if (!first) {
      const bool waited = co_await pause_for(timer, pause);
      if (!waited) {
        co_return asio::error::operation_aborted;
      }
    }
    first = false;
    const std::string_view now = bytes.substr(0, std::min(size, bytes.size()));
    before_write();
    co_await asio::async_write(stream, asio::buffer(now.data(), now.size()),
                               asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      co_return ec;
    }
    bytes.remove_prefix(now.size());
  }
  co_return ec;
}

}  // namespace ocip::mock::detail
