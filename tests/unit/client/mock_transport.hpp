#pragma once
// A GoogleMock double of the client's transport interface, plus a scripted peer that decodes what
// the client sends and answers with server-style documents carrying the request's session id.

#include <chrono>
#include <deque>
#include <functional>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ocip/client/transport.hpp"
#include "ocip/protocol/codec.hpp"
#include "ocip/protocol/message.hpp"

namespace ocip::client::testing {

class mock_transport : public transport {
 public:
  MOCK_METHOD((result<void, error>), connect, (std::chrono::milliseconds), (override));
  MOCK_METHOD((result<std::string, error>), exchange, (std::string, std::chrono::milliseconds), (override));
  MOCK_METHOD(void, close, (), (override));
  MOCK_METHOD(bool, is_open, (), (const, override));
  MOCK_METHOD(std::string, peer, (), (const, override));
};

/// What the scripted peer does with the next request document.
using reply_step = std::function<result<std::string, error>(const protocol::document& request)>;

/// Answers with these commands in one server-style document carrying the request's session id.
inline reply_step reply_with(std::vector<protocol::command> commands) {
  return [commands = std::move(commands)](const protocol::document& request) {
    protocol::document reply;
    reply.session_id = request.session_id;
    reply.commands = commands;
    return result<std::string, error>(protocol::encode(reply, protocol::wire_style::server));
  };
}

/// Answers with these raw bytes.
inline reply_step reply_bytes(std::string bytes) {
  return [bytes = std::move(bytes)](const protocol::document&) { return result<std::string, error>(bytes); };
}

/// Fails the exchange as a transport would.
inline reply_step fail_with(transport_error failure) {
  return
      [failure = std::move(failure)](const protocol::document&) { return result<std::string, error>(error{failure}); };
}

/// A mock transport wired to a script: connect opens, close closes, each exchange decodes the
/// request into `sent` and runs the next step. Running out of steps fails the test.
class scripted_peer {
 public:
  explicit scripted_peer(::testing::NiceMock<mock_transport>& mock) {
    using ::testing::_;
    using ::testing::Invoke;
    using ::testing::Return;
    ON_CALL(mock, connect(_)).WillByDefault(Invoke([this](std::chrono::milliseconds) {
      open = true;
      return result<void, error>(outcome::success());
    }));
    ON_CALL(mock, close()).WillByDefault(Invoke([this] { open = false; }));
    ON_CALL(mock, is_open()).WillByDefault(Invoke([this] { return open; }));
    ON_CALL(mock, peer()).WillByDefault(Return(std::string("mock://peer")));
    ON_CALL(mock, exchange(_, _)).WillByDefault(Invoke([this](std::string bytes, std::chrono::milliseconds) {
      return next(bytes);
    }));
  }

  std::deque<reply_step> script;         ///< steps still to run, in order
  std::vector<protocol::document> sent;  ///< every request document, decoded
  std::vector<std::string> sent_bytes;   ///< every request document, as sent
  bool open = false;                     ///< whether the fake connection is open

 private:
  result<std::string, error> next(const std::string& bytes) {
    sent_bytes.push_back(bytes);
    auto decoded = protocol::decode(bytes);
    if (!decoded) {
      ADD_FAILURE() << "client sent an undecodable document: " << decoded.error().message;
      return error{protocol::protocol_error{"test: undecodable request"}};
    }
    sent.push_back(decoded.value());
    if (script.empty()) {
      ADD_FAILURE() << "client sent more requests than the script expects";
      return error{transport_error{"test: script exhausted", transport_failure::timeout}};
    }
    auto step = std::move(script.front());
    script.pop_front();
    return step(sent.back());
  }
};

}  // namespace ocip::client::testing
