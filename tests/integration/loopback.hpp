#pragma once
// What the tests' raw peers share: a blocking TCP connection to 127.0.0.1 with bounded reads, and
// writing every byte of a buffer.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <string_view>

namespace ocip::testing {

/// Makes every read on `fd` give up after `timeout`.
inline void set_read_timeout(int fd, std::chrono::milliseconds timeout) {
  timeval value{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &value, sizeof value);
}

/// A socket connected to 127.0.0.1:port (TCP_NODELAY, reads bounded by `read_timeout`); `connected`
/// is false when the connection failed. The caller closes `fd`.
struct loopback_connection {
  int fd = -1;
  bool connected = false;
};

inline loopback_connection connect_loopback(std::uint16_t port, std::chrono::milliseconds read_timeout) {
  loopback_connection out;
  out.fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const int one = 1;
  ::setsockopt(out.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  set_read_timeout(out.fd, read_timeout);
  out.connected = ::connect(out.fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  return out;
}

/// Writes all bytes; false when the peer is gone.
inline bool send_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t written = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (written <= 0) {
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(written));
  }
  return true;
}

}  // namespace ocip::testing
