#pragma once
// A raw HTTP/1.1 client for tests that must see every byte: one blocking loopback connection that
// writes requests as given and reads responses with a Content-Length.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "loopback.hpp"

namespace ocip::testing {

/// One parsed HTTP response.
struct http_reply {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;

  /// The first header of that (lower-case) name, or empty.
  [[nodiscard]] std::string header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
      if (key == name) {
        return value;
      }
    }
    return {};
  }
  /// The JSESSIONID value set by this response, or empty.
  [[nodiscard]] std::string cookie() const {
    static const std::regex pattern("^JSESSIONID=([^;]*);.*");
    std::smatch match;
    const std::string set_cookie = header("set-cookie");
    return std::regex_match(set_cookie, match, pattern) ? match[1].str() : std::string();
  }
};

/// One TCP connection to 127.0.0.1; every read gives up after five seconds.
class http_connection {
 public:
  explicit http_connection(std::uint16_t port) {
    const loopback_connection connection = connect_loopback(port, std::chrono::seconds(5));
    fd_ = connection.fd;
    connected_ = connection.connected;
  }
  ~http_connection() { ::close(fd_); }
  http_connection(const http_connection&) = delete;
  http_connection& operator=(const http_connection&) = delete;

  [[nodiscard]] bool connected() const { return connected_; }

  bool send(std::string_view bytes) { return send_all(fd_, bytes); }

  /// Reads one whole response (headers, then Content-Length bytes); nullopt when the peer closed
  /// or went silent first.
  std::optional<http_reply> read_reply() {
    std::size_t header_end = std::string::npos;
    while ((header_end = pending_.find("\r\n\r\n")) == std::string::npos) {
      if (!fill()) {
        return std::nullopt;
      }
    }
    http_reply reply;
    const std::string head = pending_.substr(0, header_end);
    pending_.erase(0, header_end + 4);
    std::size_t line_end = head.find("\r\n");
    const std::string status_line = head.substr(0, line_end);
    if (!status_line.starts_with("HTTP/1.") || status_line.size() < 12) {
      ADD_FAILURE() << "not an HTTP/1.x status line: " << status_line;
      return std::nullopt;
    }
    reply.status = std::stoi(status_line.substr(9, 3));
    while (line_end != std::string::npos) {
      const std::size_t start = line_end + 2;
      line_end = head.find("\r\n", start);
      const std::string line = head.substr(start, line_end == std::string::npos ? std::string::npos : line_end - start);
      const std::size_t colon = line.find(':');
      if (colon == std::string::npos) {
        continue;
      }
      std::string name = line.substr(0, colon);
      for (char& c : name) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      reply.headers.emplace_back(std::move(name), std::move(value));
    }
    const std::string length_text = reply.header("content-length");
    const std::size_t length = length_text.empty() ? 0 : std::stoul(length_text);
    while (pending_.size() < length) {
      if (!fill()) {
        return std::nullopt;
      }
    }
    reply.body = pending_.substr(0, length);
    pending_.erase(0, length);
    return reply;
  }

  /// True when the peer closes the connection (nothing more arrives) within the read timeout.
  bool closed_by_peer() {
    for (;;) {
      char buffer[4096];
      const ssize_t got = ::recv(fd_, buffer, sizeof buffer, 0);
      if (got == 0) {
        return true;
      }
      if (got < 0) {
        return errno == ECONNRESET;
      }
    }
  }

 private:
  bool fill() {
    char buffer[4096];
    const ssize_t got = ::recv(fd_, buffer, sizeof buffer, 0);
    if (got <= 0) {
      return false;
    }
    pending_.append(buffer, static_cast<std::size_t>(got));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  std::string pending_;
};

}  // namespace ocip::testing
