#pragma once
// A plain blocking loopback socket for tests that must control every byte on the wire.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <string>
#include <string_view>
#include <thread>

#include "loopback.hpp"

namespace ocip::testing {

/// One TCP connection to 127.0.0.1 with bounded reads.
class raw_socket {
 public:
  explicit raw_socket(std::uint16_t port) {
    const loopback_connection connection = connect_loopback(port, std::chrono::seconds(2));
    fd_ = connection.fd;
    connected_ = connection.connected;
  }
  ~raw_socket() { ::close(fd_); }
  raw_socket(const raw_socket&) = delete;
  raw_socket& operator=(const raw_socket&) = delete;

  [[nodiscard]] bool connected() const { return connected_; }

  /// Writes all bytes; false when the peer is gone.
  bool send(std::string_view bytes) { return send_all(fd_, bytes); }

  /// Writes the bytes in pieces of `piece` bytes with a short pause between them, so that each
  /// piece travels in its own segment.
  bool send_in_pieces(std::string_view bytes, std::size_t piece) {
    while (!bytes.empty()) {
      const std::size_t size = std::min(piece, bytes.size());
      if (!send(bytes.substr(0, size))) {
        return false;
      }
      bytes.remove_prefix(size);
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    return true;
  }

  /// Reads until `count` whole server documents (each ending "</BroadsoftDocument>\n") have
  /// arrived, the peer closes, or a read times out. Returns everything read.
  std::string read_documents(int count) {
    std::string received;
    while (occurrences(received, "</BroadsoftDocument>\n") < count) {
      char buffer[4096];
      const ssize_t got = ::recv(fd_, buffer, sizeof buffer, 0);
      if (got <= 0) {
        break;
      }
      received.append(buffer, static_cast<std::size_t>(got));
    }
    return received;
  }

  /// True when the peer closes the connection within the read timeout (nothing more arrives).
  bool closed_by_peer() {
    char buffer[256];
    for (;;) {
      const ssize_t got = ::recv(fd_, buffer, sizeof buffer, 0);
      if (got == 0) {
        return true;
      }
      if (got < 0) {
        return errno == ECONNRESET;
      }
    }
  }

  static int occurrences(std::string_view text, std::string_view what) {
    int count = 0;
    for (std::size_t at = text.find(what); at != std::string_view::npos; at = text.find(what, at + what.size())) {
      ++count;
    }
    return count;
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

}  // namespace ocip::testing
