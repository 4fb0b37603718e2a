// The TCP transport against real loopback sockets. Every wait is bounded: the in-test server runs
// for at most a few seconds, and the transport's own deadlines are short.

#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange without it
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "ocip/client/transport.hpp"
#include "ocip/protocol/codec.hpp"

namespace ocip::client {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;
using namespace std::chrono_literals;

constexpr auto short_timeout = 200ms;
constexpr auto generous_timeout = 5000ms;

// Replies exactly as a real server writes them (oci-p.md §2-3), without the trailing LF.
const std::string version_reply =
    "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
    "<BroadsoftDocument protocol=\"OCI\" xmlns=\"C\" "
    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><sessionId xmlns=\"\">s-1</sessionId>"
    "<command echo=\"\" xsi:type=\"SystemSoftwareVersionGetResponse\" xmlns=\"\">"
    "<version>25.0</version></command></BroadsoftDocument>";
const std::string success_reply =
    "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
    "<BroadsoftDocument protocol=\"OCI\" xmlns=\"C\" "
    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><sessionId xmlns=\"\">s-1</sessionId>"
    "<command echo=\"\" xsi:type=\"c:SuccessResponse\" xmlns:c=\"C\" xmlns=\"\"/>"
    "</BroadsoftDocument>";
const std::string any_request =
    "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
    "<BroadsoftDocument protocol=\"OCI\" xmlns=\"C\" "
    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><sessionId xmlns=\"\">s-1</sessionId>"
    "<command xsi:type=\"SystemSoftwareVersionGetRequest\" xmlns=\"\"/></BroadsoftDocument>\n";

using script = std::function<asio::awaitable<void>(tcp::socket&)>;

// A one-connection loopback server on 127.0.0.1, port 0, running `run` on its own thread. The
// thread stops after a few seconds whatever happens, so a failing test cannot hang.
class loopback_server {
 public:
  explicit loopback_server(script run)
      : acceptor_(io_, tcp::endpoint(asio::ip::address_v4::loopback(), 0)), port_(acceptor_.local_endpoint().port()) {
    asio::co_spawn(io_, serve(std::move(run)), [](const std::exception_ptr&) {});
    thread_ = std::thread([this] { io_.run_for(10s); });
  }
  ~loopback_server() {
    io_.stop();
    thread_.join();
  }
  loopback_server(const loopback_server&) = delete;
  loopback_server& operator=(const loopback_server&) = delete;

  [[nodiscard]] std::uint16_t port() const { return port_; }

 private:
  asio::awaitable<void> serve(script run) {
    error_code code;
    auto socket = co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, code));
    if (code) {
      co_return;
    }
    co_await run(socket);
  }

  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::uint16_t port_;
  std::thread thread_;
};

// Reads one request document; bytes after it stay in `buffer`.
asio::awaitable<bool> read_request(tcp::socket& socket, std::string& buffer) {
  error_code code;
  const auto length = co_await asio::async_read_until(socket, asio::dynamic_buffer(buffer), "</BroadsoftDocument>",
                                                      asio::redirect_error(asio::use_awaitable, code));
  if (code) {
    co_return false;
  }
  buffer.erase(0, length);
  co_return true;
}

// Writes one piece, then pauses so that the next piece is likely to travel in its own segment.
asio::awaitable<void> write_piece(tcp::socket& socket, std::string piece) {
  error_code code;
  co_await asio::async_write(socket, asio::buffer(piece), asio::redirect_error(asio::use_awaitable, code));
  asio::steady_timer pause(socket.get_executor(), 20ms);
  co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, code));
}

asio::awaitable<void> sleep_for(tcp::socket& socket, std::chrono::milliseconds duration) {
  error_code code;
  asio::steady_timer pause(socket.get_executor(), duration);
  co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, code));
}

tcp_transport make_transport(std::uint16_t port,
                             std::size_t max_reply_bytes = protocol::framer::default_max_document_bytes) {
  return tcp_transport(tcp_options{"127.0.0.1", port, max_reply_bytes});
}

std::string reply_type(const std::string& bytes) {
  auto decoded = protocol::decode(bytes);
  if (!decoded || decoded.value().commands.empty()) {
    return "(undecodable)";
  }
  return decoded.value().commands.front().type;
}

TEST(TcpTransport, AssemblesAReplyWrittenInPiecesAndKeepsTheStrayLineFeedForTheNextReply) {
  loopback_server server([](tcp::socket& socket) -> asio::awaitable<void> {
    std::string buffer;
    if (!co_await read_request(socket, buffer)) {
      co_return;
    }
    co_await write_piece(socket, version_reply.substr(0, 20));    // inside the declaration
    co_await write_piece(socket, version_reply.substr(20, 100));  // inside the root start tag
    const auto tail_start = version_reply.size() - 9;             // inside "</BroadsoftDocument>"
    co_await write_piece(socket, version_reply.substr(120, tail_start - 120));
    co_await write_piece(socket, version_reply.substr(tail_start));
    co_await write_piece(socket, "\n");  // the LF a careless server sends separately
    if (!co_await read_request(socket, buffer)) {
      co_return;
    }
    co_await write_piece(socket, success_reply + "\n");
  });
  auto transport = make_transport(server.port());
  ASSERT_TRUE(transport.connect(generous_timeout));

  auto first = transport.exchange(any_request, generous_timeout);
  auto second = transport.exchange(any_request, generous_timeout);

  ASSERT_TRUE(first) << describe(first.error());
  EXPECT_EQ(first.value(), version_reply);
  EXPECT_EQ(reply_type(first.value()), "SystemSoftwareVersionGetResponse");
  ASSERT_TRUE(second) << describe(second.error());
  EXPECT_EQ(second.value(), success_reply);
  EXPECT_EQ(reply_type(second.value()), "SuccessResponse");
}

TEST(TcpTransport, ConnectionClosedBeforeAnyReplyIsReportedAsClosed) {
  loopback_server server([](tcp::socket& socket) -> asio::awaitable<void> {
    error_code ignored;
    socket.close(ignored);  // what an AS does for a host not on its access list
    co_return;
  });
  auto transport = make_transport(server.port());
  ASSERT_TRUE(transport.connect(generous_timeout));

  auto reply = transport.exchange(any_request, generous_timeout);

  ASSERT_FALSE(reply);
  EXPECT_TRUE(is_transport_failure(reply.error(), transport_failure::closed)) << describe(reply.error());
  EXPECT_FALSE(transport.is_open());
}

TEST(TcpTransport, ServerThatNeverAnswersGivesACommandTimeoutAndClosesTheConnection) {
  loopback_server server([](tcp::socket& socket) -> asio::awaitable<void> {
    std::string buffer;
    co_await read_request(socket, buffer);
    co_await sleep_for(socket, 8s);  // the server's thread is stopped long before this ends
  });
  auto transport = make_transport(server.port());
  ASSERT_TRUE(transport.connect(generous_timeout));

  auto reply = transport.exchange(any_request, short_timeout);

  ASSERT_FALSE(reply);
  EXPECT_TRUE(is_transport_failure(reply.error(), transport_failure::timeout)) << describe(reply.error());
  EXPECT_FALSE(transport.is_open());
  auto after = transport.exchange(any_request, short_timeout);
  ASSERT_FALSE(after);
  EXPECT_TRUE(is_transport_failure(after.error(), transport_failure::not_connected));
}

TEST(TcpTransport, ListenerThatNeverAcceptsGivesAConnectTimeout) {
  // A listen backlog of 0 holds one pending connection; the kernel drops further SYNs, so a later
  // connect neither succeeds nor fails until its deadline.
  asio::io_context io;
  tcp::acceptor listener(io);
  listener.open(tcp::v4());
  listener.bind(tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  listener.listen(0);
  const auto port = listener.local_endpoint().port();

  std::vector<tcp_transport> queued;
  std::optional<error> failure;
  for (int attempt = 0; attempt < 16 && !failure; ++attempt) {
    auto transport = make_transport(port);
    auto connected = transport.connect(short_timeout);
    if (connected) {
      queued.push_back(std::move(transport));
    } else {
      failure = connected.error();
    }
  }

  ASSERT_TRUE(failure.has_value()) << "every connect to the full listener succeeded";
  EXPECT_TRUE(is_transport_failure(*failure, transport_failure::timeout)) << describe(*failure);
}

TEST(TcpTransport, RefusedConnectionIsConnectFailed) {
  std::uint16_t port = 0;
  {
    asio::io_context io;
    tcp::acceptor closed_soon(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    port = closed_soon.local_endpoint().port();
  }
  auto transport = make_transport(port);

  auto connected = transport.connect(generous_timeout);

  ASSERT_FALSE(connected);
  EXPECT_TRUE(is_transport_failure(connected.error(), transport_failure::connect_failed))
      << describe(connected.error());
  EXPECT_FALSE(transport.is_open());
}

TEST(TcpTransport, ReplyLargerThanTheLimitIsProtocolErrorAndClosesTheConnection) {
  loopback_server server([](tcp::socket& socket) -> asio::awaitable<void> {
    std::string buffer;
    if (!co_await read_request(socket, buffer)) {
      co_return;
    }
    co_await write_piece(socket, version_reply + "\n");
    co_await sleep_for(socket, 8s);
  });
  auto transport = make_transport(server.port(), 64);
  ASSERT_TRUE(transport.connect(generous_timeout));

  auto reply = transport.exchange(any_request, generous_timeout);

  ASSERT_FALSE(reply);
  EXPECT_TRUE(is_protocol_error(reply.error())) << describe(reply.error());
  EXPECT_FALSE(transport.is_open());
}

TEST(TcpTransport, SecondDocumentForOneRequestIsNotTakenAsTheNextReply) {
  loopback_server server([](tcp::socket& socket) -> asio::awaitable<void> {
    std::string buffer;
    if (!co_await read_request(socket, buffer)) {
      co_return;
    }
    co_await write_piece(socket, version_reply + "\n" + success_reply + "\n");
    co_await sleep_for(socket, 8s);
  });
  auto transport = make_transport(server.port());
  ASSERT_TRUE(transport.connect(generous_timeout));

  auto first = transport.exchange(any_request, generous_timeout);
  auto second = transport.exchange(any_request, generous_timeout);

  ASSERT_TRUE(first) << describe(first.error());
  EXPECT_EQ(first.value(), version_reply);
  ASSERT_FALSE(second);
  EXPECT_TRUE(is_protocol_error(second.error())) << describe(second.error());
}

TEST(TcpTransport, ExchangeWithoutConnectIsNotConnected) {
  auto transport = make_transport(2208);

  auto reply = transport.exchange(any_request, short_timeout);

  ASSERT_FALSE(reply);
  EXPECT_TRUE(is_transport_failure(reply.error(), transport_failure::not_connected));
  EXPECT_EQ(transport.peer(), "tcp://127.0.0.1:2208");
}

}  // namespace
}  // namespace ocip::client
