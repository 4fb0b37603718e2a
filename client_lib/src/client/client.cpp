#include "ocip/client/client.hpp"

#include <array>
#include <cstdint>
#include <random>
#include <utility>

#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include "ocip/protocol/codec.hpp"
#include "ocip/protocol/password.hpp"

namespace ocip::client {
namespace {

using protocol::command;
using protocol::protocol_error;

// "A, B, C": what is logged and named in messages. Type names only: bodies of login and token
// commands carry secrets.
std::string type_list(const std::vector<command>& commands) {
  std::string names;
  for (const auto& each : commands) {
    if (!names.empty()) {
      names += ", ";
    }
    names += each.type.empty() ? std::string("(untyped command)") : each.type;
  }
  return names;
}

std::array<unsigned char, 16> random_bytes() {
  std::array<unsigned char, 16> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    // The system's CSPRNG behind OpenSSL failed; std::random_device draws from the same kind of
    // source on this platform.
    std::random_device device;
    for (auto& byte : bytes) {
      byte = static_cast<unsigned char>(device() & 0xffU);
    }
  }
  return bytes;
}

}  // namespace

std::string generate_session_id() {
  auto bytes = random_bytes();
  // RFC 4122 version 4 (random) and variant 10xx bits.
  bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0fU) | 0x40U);
  bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3fU) | 0x80U);
  static constexpr std::string_view digits = "0123456789abcdef";
  std::string text;
  text.reserve(36);
  for (std::size_t index = 0; index < bytes.size(); ++index) {
    if (index == 4 || index == 6 || index == 8 || index == 10) {
      text += '-';
    }
    text += digits[bytes[index] >> 4U];
    text += digits[bytes[index] & 0x0fU];
  }
  return text;
}

std::unique_ptr<transport> make_transport(const client_options& options) {
  const tcp_options where{options.host, options.port, options.max_reply_bytes};
  switch (options.transport) {
    case transport_kind::tcp:
      return std::make_unique<tcp_transport>(where);
    case transport_kind::tls:
      return make_tls_transport(where, options.tls);
    case transport_kind::soap:
    case transport_kind::soaps:
      return make_soap_transport(soap_options{options.host, options.port, options.soap_path,
                                              options.transport == transport_kind::soaps, options.tls,
                                              options.max_reply_bytes});
  }
  return std::make_unique<tcp_transport>(where);
}

client::client(client_options options) : client(options, make_transport(options)) {}

client::client(client_options options, std::unique_ptr<transport> channel)
    : options_(std::move(options)),
      transport_(std::move(channel)),
      session_id_(options_.session_id.empty() ? generate_session_id() : options_.session_id) {}

client::~client() = default;

client::client(client&&) noexcept = default;

client& client::operator=(client&&) noexcept = default;

bool client::connected() const {
  return transport_ && transport_->is_open();
}

result<void, error> client::connect() {
  user_id_.reset();
  if (!transport_) {
    return transport_error{"connect on a moved-from client", transport_failure::not_connected};
  }
  return transport_->connect(options_.connect_timeout);
}

void client::close() {
  user_id_.reset();
  if (transport_) {
    transport_->close();
  }
}

result<protocol::document, error> client::round_trip(const std::vector<command>& requests) {
  if (!transport_) {
    return transport_error{"send on a moved-from client", transport_failure::not_connected};
  }
  const std::string names = type_list(requests);
  protocol::document request;
  request.session_id = session_id_;
  request.commands = requests;
  spdlog::debug("ocip client: sending {} to {}", names, transport_->peer());

  auto reply_bytes =
      transport_->exchange(protocol::encode(request, protocol::wire_style::client), options_.command_timeout);
  if (!reply_bytes) {
    // Sessions are bound to the connection, and a failed transport has closed it.
    user_id_.reset();
    spdlog::debug("ocip client: {} failed: {}", names, describe(reply_bytes.error()));
    return reply_bytes.error();
  }
  auto decoded = protocol::decode(reply_bytes.value());
  if (!decoded) {
    return protocol_error{"reply to " + names + " from " + transport_->peer() +
                          " is not a valid OCI-P document: " + decoded.error().message};
  }
  auto& reply = decoded.value();
  if (reply.addressing != protocol::addressing_kind::session_id) {
    return protocol_error{"reply to " + names + " carries <" +
                          std::string(protocol::addressing_element_name(reply.addressing)) +
                          "> instead of <sessionId>"};
  }
  if (reply.session_id != session_id_) {
    // The values are not quoted: a session id is a credential on its connection.
    return protocol_error{"reply to " + names + " carries another sessionId than the request"};
  }
  if (reply.commands.size() != requests.size()) {
    return protocol_error{"reply to " + names + " has " + std::to_string(reply.commands.size()) + " command(s) for " +
                          std::to_string(requests.size()) + " request(s)" +
                          (reply.commands.empty() ? std::string() : " (first: " + reply.commands.front().type + ")")};
  }
  spdlog::debug("ocip client: reply to {}: {}", names, type_list(reply.commands));
  return std::move(reply);
}

result<command, error> client::check_reply(const command& request, command reply,
                                           std::string_view expected_type) const {
  if (request.echo && !request.echo->empty() && reply.echo != request.echo) {
    return protocol_error{"reply to " + request.type + " does not carry the request's echo"};
  }
  if (reply.type == command_types::error_response) {
    return server_error{protocol::error_response::from_command(reply)};
  }
  if (!expected_type.empty() && reply.type != expected_type) {
    return protocol_error{"expected " + std::string(expected_type) + " in reply to " + request.type + ", got " +
                          (reply.type.empty() ? std::string("a command without xsi:type") : reply.type)};
  }
  return reply;
}

result<command, error> client::send(command request) {
  return send(std::move(request), std::string_view{});
}

result<command, error> client::send(command request, std::string_view expected_type) {
  std::vector<command> requests;
  requests.push_back(std::move(request));
  auto reply = round_trip(requests);
  if (!reply) {
    return reply.error();
  }
  return check_reply(requests.front(), std::move(reply.value().commands.front()), expected_type);
}

result<std::vector<result<command, error>>, error> client::send_all(std::vector<command> requests) {
  if (requests.empty() || requests.size() > protocol::max_commands_per_document) {
    return protocol_error{"send_all takes 1 to " + std::to_string(protocol::max_commands_per_document) +
                          " commands per document, got " + std::to_string(requests.size())};
  }
  auto reply = round_trip(requests);
  if (!reply) {
    return reply.error();
  }
  std::vector<result<command, error>> replies;
  replies.reserve(requests.size());
  for (std::size_t index = 0; index < requests.size(); ++index) {
    replies.push_back(check_reply(requests[index], std::move(reply.value().commands[index]), {}));
  }
  return replies;
}

result<login_info, error> client::login(std::string_view user_id, std::string_view password) {
  if (!connected()) {
    BOOST_OUTCOME_TRY(connect());
  }
  user_id_.reset();
  spdlog::debug("ocip client: login ({} flow) on {}", options_.flow == login_flow::nonce ? "nonce" : "LoginRequest22V5",
                transport_->peer());
  auto info = options_.flow == login_flow::nonce ? login_nonce(user_id, password) : login_22v5(user_id, password);
  if (info) {
    user_id_ = std::string(user_id);
  }
  return info;
}

result<login_info, error> client::login_22v5(std::string_view user_id, std::string_view password) {
  auto reply = send(login_request_22v5(user_id, password), command_types::login_response_22v5);
  if (!reply) {
    return reply.error();
  }
  auto info = login_info::from_command(reply.value());
  if (!info) {
    return info.error();
  }
  return std::move(info).value();
}

result<login_info, error> client::login_nonce(std::string_view user_id, std::string_view password) {
  auto challenge_reply = send(authentication_request(user_id), command_types::authentication_response);
  if (!challenge_reply) {
    return challenge_reply.error();
  }
  auto challenge = authentication_challenge::from_command(challenge_reply.value());
  if (!challenge) {
    return challenge.error();
  }
  if (challenge.value().password_algorithm != "MD5") {
    return protocol_error{"AuthenticationResponse asks for passwordAlgorithm '" + challenge.value().password_algorithm +
                          "'; only MD5 is defined"};
  }
  if (challenge.value().nonce.empty()) {
    return protocol_error{"AuthenticationResponse carries an empty <nonce>"};
  }
  const auto signed_password = protocol::sign_password(password, challenge.value().nonce);
  auto login_reply = send(login_request_14sp4(user_id, signed_password), command_types::login_response_14sp4);
  if (!login_reply) {
    return login_reply.error();
  }
  auto info = login_info::from_command(login_reply.value());
  if (!info) {
    return info.error();
  }
  return std::move(info).value();
}

result<device_token, error> client::create_device_token(const device_token_request& request) {
  auto reply = send(request.to_command(), command_types::device_token_response);
  if (!reply) {
    return reply.error();
  }
  auto token = device_token::from_command(reply.value());
  if (!token) {
    return token.error();
  }
  return std::move(token).value();
}

result<void, error> client::logout() {
  if (!user_id_) {
    close();
    return outcome::success();
  }
  auto reply = send(logout_request(*user_id_), command_types::success_response);
  close();
  if (reply || is_transport_failure(reply.error(), transport_failure::closed)) {
    // On TCP a real server often just closes the connection instead of answering.
    return outcome::success();
  }
  return reply.error();
}

}  // namespace ocip::client
