#include "ocip/mock/dispatcher.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <functional>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "handlers.hpp"
#include "ocip/mock/sso_rules.hpp"
#include "ocip/protocol/password.hpp"
#include "ocip/protocol/xml_text.hpp"
#include "world_changes.hpp"

namespace ocip::mock {

using protocol::command;
using protocol::document;
using protocol::element;
using protocol::error_response;

namespace detail {

command error_command(int code, std::string_view text, std::optional<std::string> detail) {
  return error_response::make(code, text, std::move(detail)).to_command();
}

command validation_error(std::string detail) {
  return error_command(6004, "OCI XML Request validation error", std::move(detail));
}

command unauthorized() {
  return error_command(5404, "Unauthorized transaction.");
}

field_check required_text(const command& cmd, std::string_view name, std::size_t min_length, std::size_t max_length) {
  const element* field = cmd.field(name);
  if (field == nullptr) {
    return {std::nullopt, validation_error(cmd.type + ": missing required element '" + std::string(name) + "'")};
  }
  if (const std::size_t length = protocol::utf8_character_count(field->text);
      length < min_length || length > max_length) {
    return {std::nullopt, validation_error(cmd.type + ": value '" + field->text + "' of element '" + std::string(name) +
                                           "' is not facet-valid with respect to length " + std::to_string(min_length) +
                                           ".." + std::to_string(max_length))};
  }
  return {field->text, std::nullopt};
}

bool may_act_on(const principal& who, const user& target) {
  switch (who.type) {
    case principal::kind::system:
    case principal::kind::provisioning:
      return true;
    case principal::kind::service_provider:
      return who.service_provider == target.service_provider;
    case principal::kind::group:
      return who.service_provider == target.service_provider && who.group == target.group;
    case principal::kind::user:
      return who.id == target.id;
  }
  return false;
}

}  // namespace detail

namespace {

using detail::error_command;
using detail::handler_context;
using detail::request;
using detail::required_text;
using detail::route;
using detail::unauthorized;
using detail::validation_error;

/// Mock-defined: the public record does not say what a real server answers before login (§4).
constexpr int not_logged_in_code = 9100;

/// Longest userDomain a login response may carry (schema NetAddress).
constexpr std::size_t max_user_domain_length = 80;

std::string_view login_type_name(principal::kind type) {
  switch (type) {
    case principal::kind::system:
      return "System";
    case principal::kind::provisioning:
      return "Provisioning";
    case principal::kind::service_provider:
      return "Service Provider";
    case principal::kind::group:
      return "Group";
    case principal::kind::user:
      return "User";
  }
  return "User";
}

principal::kind principal_kind(admin_kind kind) {
  switch (kind) {
    case admin_kind::system:
      return principal::kind::system;
    case admin_kind::provisioning:
      return principal::kind::provisioning;
    case admin_kind::service_provider:
      return principal::kind::service_provider;
    case admin_kind::group:
      return principal::kind::group;
  }
  return principal::kind::system;
}

/// Someone who can log in: an administrator or a user, with the password to check.
struct account {
  principal who;
  std::string password;
};

std::optional<account> find_account(const world& w, std::string_view id) {
  if (const administrator* admin = w.find_administrator(id)) {
    return account{{admin->id, principal_kind(admin->kind), admin->service_provider, admin->group}, admin->password};
  }
  if (const user* u = w.find_user(id)) {
    return account{{u->id, principal::kind::user, u->service_provider, u->group}, u->password};
  }
  return std::nullopt;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

/// The domain part of the login id; else the group's user domain; else the mock's own. Always
/// schema-valid (NetAddress: 1 to 80 characters).
std::string user_domain_of(const world& w, const principal& who) {
  if (const auto at = who.id.rfind('@'); at != std::string::npos && at + 1 < who.id.size()) {
    std::string domain = who.id.substr(at + 1);
    if (protocol::utf8_character_count(domain) <= max_user_domain_length) {
      return domain;
    }
  }
  if (const group* g = w.find_group(who.service_provider, who.group); g != nullptr && !g->user_domain.empty()) {
    return g->user_domain;
  }
  return "localhost";
}

command login_response(const world& w, const principal& who, bool is_22v5) {
  command reply{is_22v5 ? "LoginResponse22V5" : "LoginResponse14sp4", std::nullopt, {}, {}};
  reply.fields.push_back(element::leaf("loginType", std::string(login_type_name(who.type))));
  reply.fields.push_back(element::leaf("locale", "en_US"));
  reply.fields.push_back(element::leaf("encoding", "ISO-8859-1"));
  if (!who.group.empty()) {
    reply.fields.push_back(element::leaf("groupId", who.group));
  }
  if (!who.service_provider.empty()) {
    reply.fields.push_back(element::leaf("serviceProviderId", who.service_provider));
  }
  const service_provider* provider = w.find_service_provider(who.service_provider);
  reply.fields.push_back(
      element::leaf("isEnterprise", provider != nullptr && provider->is_enterprise ? "true" : "false"));
  reply.fields.push_back(element::leaf("userDomain", user_domain_of(w, who)));
  return reply;
}

command authentication(handler_context& context, const request& req) {
  auto user_id = required_text(req.cmd, "userId", 1, 161);
  if (user_id.error) {
    return *user_id.error;
  }
  // An unknown user still gets a nonce; the login that follows fails with 4962 (§4).
  req.session.nonce = context.tokens.next_nonce();
  req.session.nonce_user_id = *user_id.value;
  command reply{"AuthenticationResponse", std::nullopt, {}, {}};
  reply.fields.push_back(element::leaf("userId", *user_id.value));
  reply.fields.push_back(element::leaf("nonce", *req.session.nonce));
  reply.fields.push_back(element::leaf("passwordAlgorithm", "MD5"));
  return reply;
}

command login(const world& w, const request& req, bool is_22v5) {
  auto user_id = required_text(req.cmd, "userId", 1, 161);
  if (user_id.error) {
    return *user_id.error;
  }
  // A nonce is good for one login attempt only.
  std::optional<std::string> nonce = std::exchange(req.session.nonce, std::nullopt);
  const bool nonce_matches_user = nonce && req.session.nonce_user_id == *user_id.value;

  const std::optional<account> found = find_account(w, *user_id.value);
  bool accepted = false;
  if (found) {
    // LoginRequest22V5 `password` is the plain password, even when a client puts a signed value there.
    const std::string_view plain_field = is_22v5 ? "password" : "plainTextPassword";
    if (auto plain = req.cmd.field_text(plain_field)) {
      accepted = *plain == found->password;
    } else if (auto signed_password = req.cmd.field_text("signedPassword")) {
      accepted = nonce_matches_user &&
                 equals_ignoring_case(*signed_password, protocol::sign_password(found->password, *nonce));
    }
  }
  if (!accepted) {
    // A failed re-login leaves an earlier login of this session in place: what a real server
    // does is not publicly known, and a client recovering its session keeps working this way.
    return error_command(4962, "Invalid password");
  }
  // A re-login on a live session replaces its login (§4: used for recovery, must work).
  req.session.login = found->who;
  return login_response(w, found->who, is_22v5);
}

command login_14sp4(handler_context& context, const request& req) {
  return login(context.w, req, false);
}

command login_22v5(handler_context& context, const request& req) {
  return login(context.w, req, true);
}

command logout(handler_context& /*context*/, const request& req) {
  req.session.login.reset();
  return protocol::success_response();
}

command success(handler_context& /*context*/, const request& /*req*/) {
  return protocol::success_response();
}

command software_version(handler_context& context, const request& /*req*/) {
  command reply{"SystemSoftwareVersionGetResponse", std::nullopt, {}, {}};
  reply.fields.push_back(element::leaf("version", context.w.mock.software_version));
  return reply;
}

command device_token(handler_context& context, const request& req) {
  const world& w = context.w;
  auto user_id = required_text(req.cmd, "userId", 1, 161);
  if (user_id.error) {
    return *user_id.error;
  }
  auto level_text = required_text(req.cmd, "deviceLevel", 1, 40);
  if (level_text.error) {
    return *level_text.error;
  }
  const std::optional<device_level> level = parse_device_level(*level_text.value);
  if (!level) {
    return validation_error(req.cmd.type + ": value '" + *level_text.value +
                            "' of element 'deviceLevel' is not facet-valid with respect to enumeration "
                            "[System, Service Provider, Group]");
  }
  auto device_name = required_text(req.cmd, "deviceName", 1, 40);
  if (device_name.error) {
    return *device_name.error;
  }

  const user* owner = w.find_user(*user_id.value);
  if (owner == nullptr) {
    return error_command(4008, "User not found: " + *user_id.value);
  }
  if (!detail::may_act_on(*req.session.login, *owner)) {
    return unauthorized();
  }
  const device* target = find_device_in_reach(w, *owner, *level, *device_name.value);
  if (target == nullptr) {
    return error_command(4505, "Access Device not found: " + *device_name.value);
  }
  if (const std::optional<sso_refusal> refusal = check_device_token_rules(w, *owner, *target)) {
    const error_reply reply =
        w.mock.sso_error(*refusal, {owner->id, std::string(to_string(*level)), target->key.name, target->device_type});
    return error_command(reply.code, reply.text);
  }
  command reply{"UserSingleSignOnCreateDeviceTokenResponse", std::nullopt, {}, {}};
  reply.fields.push_back(element::leaf("deviceToken", context.tokens.next_token()));
  return reply;
}

/// Who a session-less document acts as, or the reply every command of it gets.
struct session_less_identity {
  std::optional<principal> who;
  std::optional<command> refusal;
};

/// Session-less documents name a pre-authenticated identity instead of a session (§3); a real
/// server accepts them only from hosts on its access list, here mock.trusted_addresses.
session_less_identity identify_session_less(const world& w, const document& doc, const connection_state& connection) {
  const std::optional<std::string> peer = canonical_ip_address(connection.peer_address);
  const auto& trusted = w.mock.trusted_addresses;
  if (!peer || std::find(trusted.begin(), trusted.end(), *peer) == trusted.end()) {
    // Mock-defined: what a real server answers an untrusted host is not publicly known.
    return {std::nullopt, unauthorized()};
  }
  const std::string& named = doc.session_id;
  const auto not_found = [&] {
    return session_less_identity{std::nullopt, error_command(4008, "User not found: " + named)};
  };
  switch (doc.addressing) {
    case protocol::addressing_kind::user_id: {
      std::optional<account> found = find_account(w, named);
      return found ? session_less_identity{std::move(found->who), std::nullopt} : not_found();
    }
    case protocol::addressing_kind::line_port:
      for (const user& each : w.users) {
        for (const line_port& port : each.line_ports) {
          if (port.id == named) {
            return {principal{each.id, principal::kind::user, each.service_provider, each.group}, std::nullopt};
          }
        }
      }
      return not_found();
    case protocol::addressing_kind::phone_number:
      return not_found();  // the world has no phone numbers yet
    case protocol::addressing_kind::external_user_identity:
    case protocol::addressing_kind::session_id:
      break;
  }
  // An external user identity needs a CI access token, which the mock does not model.
  return {std::nullopt, unauthorized()};
}

/// The index of the first rule that matches the command and has uses left.
std::optional<std::size_t> first_matching_rule(const world& w, const command& cmd, const match_context& context) {
  const auto& rules = w.scripting.rules;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const bool spent = rules[i].times && w.progress.matches[i] >= *rules[i].times;
    if (!spent && matches(rules[i].when, cmd, context)) {
      return i;
    }
  }
  return std::nullopt;
}

const route* find_route(std::string_view type) {
  static const std::unordered_map<std::string_view, route> routes = [] {
    std::unordered_map<std::string_view, route> all;
    for (const auto table : {detail::session_routes(), detail::provisioning_routes()}) {
      for (const route& each : table) {
        all.emplace(each.type, each);
      }
    }
    return all;
  }();
  const auto found = routes.find(type);
  return found == routes.end() ? nullptr : &found->second;
}

}  // namespace

namespace detail {

std::span<const route> session_routes() {
  static constexpr std::array<route, 8> routes{{
      {"AuthenticationRequest", &authentication, false},
      {"LoginRequest14sp4", &login_14sp4, false},
      {"LoginRequest22V5", &login_22v5, false},
      {"LogoutRequest", &logout, true},
      {"AvailabilityTestRequest", &success, true},
      {"VerifySessionIsValidRequest", &success, true},
      {"SystemSoftwareVersionGetRequest", &software_version, true},
      {"UserSingleSignOnCreateDeviceTokenRequest", &device_token, true},
  }};
  return routes;
}

}  // namespace detail

dispatcher::dispatcher(world& w, token_source& tokens, std::shared_ptr<const schema_validator> validator)
    : world_(w), tokens_(tokens), validator_(std::move(validator)) {}

void dispatcher::set_schema_validator(std::shared_ptr<const schema_validator> validator) {
  validator_ = std::move(validator);
}

void dispatcher::set_observer(observer watch) {
  observer_ = std::move(watch);
}

dispatch_result dispatcher::dispatch(const document& request_doc, connection_state& connection) {
  const auto started = std::chrono::steady_clock::now();
  dispatch_result result = decide(request_doc, connection);
  if (observer_) {
    observer_(request_doc, connection, result,
              std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started));
  }
  return result;
}

dispatch_result dispatcher::decide(const document& request_doc, connection_state& connection) {
  document reply;
  reply.protocol = request_doc.protocol;
  reply.addressing = request_doc.addressing;
  reply.session_id = request_doc.session_id;
  reply.identity_parts = request_doc.identity_parts;
  reply.tracking_id = request_doc.tracking_id;

  const auto finish = [&](command response, const command& from) {
    // The server copies echo into the response, "" when the request had none (§3).
    response.echo = from.echo.value_or("");
    reply.commands.push_back(std::move(response));
  };

  if (request_doc.commands.size() > protocol::max_commands_per_document) {
    // The whole document breaks the schema (maxOccurs="15"): one error, nothing processed.
    command response = validation_error(too_many_commands_message(request_doc.commands.size()));
    response.echo = "";
    reply.commands.push_back(std::move(response));
    return {std::move(reply), false, std::nullopt, std::vector<command_trace>(request_doc.commands.size())};
  }

  // A session-less document keeps nothing: its identity holds for this document only.
  session_state session_less;
  std::optional<command> session_less_refusal;
  session_state* session = &session_less;
  if (request_doc.addressing == protocol::addressing_kind::session_id) {
    session = &connection.sessions[request_doc.session_id];
  } else {
    session_less_identity identity = identify_session_less(world_, request_doc, connection);
    session_less.login = std::move(identity.who);
    session_less_refusal = std::move(identity.refusal);
  }

  handler_context acting{world_, tokens_};
  bool close_after = false;
  std::optional<fault> failure;
  std::vector<command_trace> trace;
  world_.progress.matches.resize(world_.scripting.rules.size(), 0);
  for (const command& cmd : request_doc.commands) {
    command_trace& traced = trace.emplace_back();
    // Scripted rules come before every built-in behaviour, validation included.
    const std::string login_user = session->login ? session->login->id : std::string();
    const match_context context{login_user, connection.transport, world_.progress.state};
    traced.login_user = login_user;
    traced.state = world_.progress.state;
    if (const std::optional<std::size_t> index = first_matching_rule(world_, cmd, context)) {
      const rule& matched = world_.scripting.rules[*index];
      ++world_.progress.matches[*index];
      traced.rule = matched.name;
      detail::apply_changes(world_, matched, cmd);
      if (matched.next_state) {
        world_.progress.state = *matched.next_state;
      }
      if (matched.failure && !failure) {
        failure = matched.failure;
        failure->rule = matched.name;
      }
      if (matched.reply.what == scripted_reply::kind::response) {
        // The scenario's field order; with a schema loaded, the order the response type declares.
        finish(validator_ ? validator_->in_schema_order(matched.reply.response) : matched.reply.response, cmd);
        continue;
      }
      if (matched.reply.what == scripted_reply::kind::error) {
        finish(error_command(matched.reply.error_code, matched.reply.error_text, matched.reply.error_detail), cmd);
        continue;
      }
    } else if (!world_.scripting.rules.empty()) {
      traced.miss = closest_rule(world_.scripting, world_.progress, cmd, context);
    }
    const route* known = find_route(cmd.type);
    if (known == nullptr) {
      // Also when a validator is loaded: this is the real server's wording for a type it lacks.
      finish(validation_error("Invalid xsi:type qname: '" + cmd.type + "' in element command"), cmd);
      continue;
    }
    if (validator_) {
      if (auto valid = validator_->validate_command(cmd); !valid) {
        finish(validation_error(std::move(valid).error()), cmd);
        continue;
      }
    }
    if (session_less_refusal) {
      finish(*session_less_refusal, cmd);
      continue;
    }
    if (known->needs_login && !session->login) {
      if (world_.mock.before_login == before_login_behaviour::close_connection) {
        return {std::nullopt, true, std::move(failure), std::move(trace)};
      }
      finish(error_command(not_logged_in_code, "Not logged in: log in on this session and connection first"), cmd);
      continue;
    }
    const request req{cmd, request_doc.session_id, *session, connection};
    command response = known->handle(acting, req);
    if (cmd.type == "LogoutRequest") {
      if (world_.mock.logout == logout_behaviour::close) {
        return {std::nullopt, true, std::move(failure), std::move(trace)};
      }
      close_after = close_after || world_.mock.logout == logout_behaviour::reply_then_close;
    }
    finish(std::move(response), cmd);
  }
  return {std::move(reply), close_after, std::move(failure), std::move(trace)};
}

}  // namespace ocip::mock
