#include "ocip/client/commands.hpp"

#include <charconv>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

namespace ocip::client {
namespace {

using protocol::command;
using protocol::element;
using protocol::protocol_error;

command make_command(std::string_view type, std::vector<element> fields) {
  command request;
  request.type = std::string(type);
  request.fields = std::move(fields);
  return request;
}

protocol_error wrong_type(std::string_view wanted, const command& reply) {
  return protocol_error{"expected " + std::string(wanted) + " but the reply is " +
                        (reply.type.empty() ? std::string("a command without xsi:type") : reply.type)};
}

// A required leaf; its absence is a protocol error naming the command and the field.
result<std::string, protocol_error> required_text(const command& reply, std::string_view name) {
  auto text = reply.field_text(name);
  if (!text) {
    return protocol_error{reply.type + " lacks required element <" + std::string(name) + ">"};
  }
  return std::string(*text);
}

std::optional<std::string> optional_text(const command& reply, std::string_view name) {
  auto text = reply.field_text(name);
  if (!text) {
    return std::nullopt;
  }
  return std::string(*text);
}

// xs:boolean allows true/false/1/0.
result<bool, protocol_error> parse_boolean(const command& reply, std::string_view name, std::string_view text) {
  if (text == "true" || text == "1") {
    return true;
  }
  if (text == "false" || text == "0") {
    return false;
  }
  return protocol_error{reply.type + " <" + std::string(name) + "> is not a boolean: '" + std::string(text) + "'"};
}

template <typename Integer>
result<std::optional<Integer>, protocol_error> optional_integer(const command& reply, std::string_view name) {
  auto text = reply.field_text(name);
  if (!text) {
    return std::optional<Integer>{};
  }
  Integer value{};
  const char* first = text->data();
  const char* last = first + text->size();
  auto [end, code] = std::from_chars(first, last, value);
  if (code != std::errc{} || end != last || text->empty()) {
    return protocol_error{reply.type + " <" + std::string(name) + "> is not an integer: '" + std::string(*text) + "'"};
  }
  return std::optional<Integer>{value};
}

}  // namespace

command authentication_request(std::string_view user_id) {
  return make_command(command_types::authentication_request, {element::leaf("userId", std::string(user_id))});
}

command login_request_14sp4(std::string_view user_id, std::string_view signed_password) {
  return make_command(
      command_types::login_request_14sp4,
      {element::leaf("userId", std::string(user_id)), element::leaf("signedPassword", std::string(signed_password))});
}

command login_request_22v5(std::string_view user_id, std::string_view password) {
  return make_command(command_types::login_request_22v5, {element::leaf("userId", std::string(user_id)),
                                                          element::leaf("password", std::string(password))});
}

command logout_request(std::string_view user_id) {
  return make_command(command_types::logout_request, {element::leaf("userId", std::string(user_id))});
}

result<authentication_challenge, protocol_error> authentication_challenge::from_command(const command& reply) {
  if (reply.type != command_types::authentication_response) {
    return wrong_type(command_types::authentication_response, reply);
  }
  auto user_id = required_text(reply, "userId");
  auto nonce = required_text(reply, "nonce");
  auto algorithm = required_text(reply, "passwordAlgorithm");
  for (const auto* field : {&user_id, &nonce, &algorithm}) {
    if (!*field) {
      return field->error();
    }
  }
  return authentication_challenge{std::move(user_id).value(), std::move(nonce).value(), std::move(algorithm).value()};
}

result<login_info, protocol_error> login_info::from_command(const command& reply) {
  const bool is_22v5 = reply.type == command_types::login_response_22v5;
  if (!is_22v5 && reply.type != command_types::login_response_14sp4) {
    return protocol_error{"expected " + std::string(command_types::login_response_22v5) + " or " +
                          std::string(command_types::login_response_14sp4) + " but the reply is " + reply.type};
  }
  login_info info;
  info.response_type = reply.type;
  auto login_type = required_text(reply, "loginType");
  auto locale = required_text(reply, "locale");
  auto encoding = required_text(reply, "encoding");
  auto user_domain = required_text(reply, "userDomain");
  auto enterprise_text = required_text(reply, "isEnterprise");
  for (const auto* field : {&login_type, &locale, &encoding, &enterprise_text, &user_domain}) {
    if (!*field) {
      return field->error();
    }
  }
  info.login_type = std::move(login_type).value();
  info.locale = std::move(locale).value();
  info.encoding = std::move(encoding).value();
  info.user_domain = std::move(user_domain).value();
  auto is_enterprise = parse_boolean(reply, "isEnterprise", enterprise_text.value());
  if (!is_enterprise) {
    return is_enterprise.error();
  }
  info.is_enterprise = is_enterprise.value();
  info.group_id = optional_text(reply, "groupId");
  info.service_provider_id = optional_text(reply, "serviceProviderId");
  auto expires_days = optional_integer<int>(reply, "passwordExpiresDays");
  if (!expires_days) {
    return expires_days.error();
  }
  info.password_expires_days = expires_days.value();
  if (is_22v5) {
    info.reseller_id = optional_text(reply, "resellerId");
    auto revocation_time = optional_integer<std::int64_t>(reply, "tokenRevocationTime");
    if (!revocation_time) {
      return revocation_time.error();
    }
    info.token_revocation_time = revocation_time.value();
  }
  return info;
}

command device_token_request::to_command() const {
  return make_command(command_types::device_token_request,
                      {element::leaf("userId", user_id), element::leaf("deviceLevel", device_level),
                       element::leaf("deviceName", device_name)});
}

result<device_token, protocol_error> device_token::from_command(const command& reply) {
  if (reply.type != command_types::device_token_response) {
    return wrong_type(command_types::device_token_response, reply);
  }
  auto token = required_text(reply, "deviceToken");
  if (!token) {
    return token.error();
  }
  if (token.value().empty()) {
    return protocol_error{reply.type + " carries an empty <deviceToken>"};
  }
  return device_token{std::move(token).value()};
}

}  // namespace ocip::client
