#include "soap_service.hpp"

#include <array>
#include <random>
#include <tuple>
#include <vector>

#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include "ocip/protocol/codec.hpp"

namespace ocip::mock::detail {

namespace soap = protocol::soap;

namespace {

constexpr std::string_view cookie_name = "JSESSIONID";
constexpr const char* xml_content_type = "text/xml; charset=utf-8";
constexpr const char* allowed_methods = "GET, POST";

char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string lower(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    out += ascii_lower(c);
  }
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

/// 128 random bits as 32 upper-case hex digits, from the system's cryptographic source.
std::string new_cookie_value() {
  std::array<unsigned char, 16> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    std::random_device fallback;  // reads the kernel's random source as well
    for (auto& byte : bytes) {
      byte = static_cast<unsigned char>(fallback() & 0xFFu);
    }
  }
  constexpr std::string_view digits = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char byte : bytes) {
    out += digits[byte >> 4];
    out += digits[byte & 0x0Fu];
  }
  return out;
}

/// Every JSESSIONID value of the request's Cookie headers, in order.
std::vector<std::string_view> session_cookies(const http_request& request) {
  std::vector<std::string_view> found;
  const auto [first, last] = request.equal_range(http::field::cookie);
  for (auto header = first; header != last; ++header) {
    std::string_view rest{header->value().data(), header->value().size()};
    while (!rest.empty()) {
      const std::size_t semicolon = rest.find(';');
      const std::string_view pair = trim(rest.substr(0, semicolon));
      rest = semicolon == std::string_view::npos ? std::string_view{} : rest.substr(semicolon + 1);
      const std::size_t equals = pair.find('=');
      if (equals != std::string_view::npos && trim(pair.substr(0, equals)) == cookie_name) {
        std::string_view value = trim(pair.substr(equals + 1));
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
          value = value.substr(1, value.size() - 2);
        }
        found.push_back(value);
      }
    }
  }
  return found;
}

/// The media type of a Content-Type value, lower-case, without parameters.
std::string media_type(std::string_view content_type) {
  return lower(trim(content_type.substr(0, content_type.find(';'))));
}

/// A Host header fit to be echoed into the WSDL: a host name or address and an optional port.
bool is_plain_host(std::string_view host) {
  if (host.empty() || host.size() > 255) {
    return false;
  }
  for (const char c : host) {
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                         c == '-' || c == '_' || c == ':' || c == '[' || c == ']';
    if (!allowed) {
      return false;
    }
  }
  return true;
}

/// Commands that may come before login: the two login flows.
bool is_login_flow(std::string_view type) {
  return type == "AuthenticationRequest" || type == "LoginRequest14sp4" || type == "LoginRequest22V5";
}

http_response text_response(const http_request& request, http::status status, std::string body) {
  http_response response{status, request.version()};
  response.set(http::field::server, "ocip-mock");
  response.set(http::field::content_type, "text/plain; charset=utf-8");
  response.keep_alive(request.keep_alive());
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

/// One line per command, as the TCP sessions write: names and codes only, never values.
void log_exchange(const http_peer& peer, const protocol::document& request, const protocol::document* reply) {
  for (std::size_t i = 0; i < request.commands.size(); ++i) {
    std::string answer = "no reply";
    if (reply != nullptr && i < reply->commands.size()) {
      const protocol::command& response = reply->commands[i];
      answer = response.type;
      if (response.type == "ErrorResponse") {
        const auto code = protocol::error_response::from_command(response).error_code;
        answer += code ? " " + std::to_string(*code) : std::string();
      }
    } else if (reply != nullptr && !reply->commands.empty()) {
      answer = "answered by the document's first reply";
    }
    spdlog::info("soap {}: {} -> {}", peer.remote, request.commands[i].type, answer);
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// soap_session_store

soap_session_store::soap_session_store(std::chrono::milliseconds idle_timeout, std::size_t capacity)
    : idle_timeout_(idle_timeout), capacity_(capacity == 0 ? 1 : capacity) {}

std::shared_ptr<connection_state> soap_session_store::find(std::string_view cookie) {
  const auto now = clock::now();
  drop_expired(now);
  const auto found = entries_.find(std::string(cookie));
  if (found == entries_.end()) {
    return nullptr;
  }
  if (now - found->second.last_used > idle_timeout_) {
    entries_.erase(found);
    return nullptr;
  }
  found->second.last_used = now;
  return found->second.state;
}

std::pair<std::string, std::shared_ptr<connection_state>> soap_session_store::create() {
  const auto now = clock::now();
  drop_expired(now);
  while (entries_.size() >= capacity_) {
    drop_least_recently_used();
  }
  std::string cookie = new_cookie_value();
  while (entries_.contains(cookie)) {
    cookie = new_cookie_value();
  }
  auto state = std::make_shared<connection_state>();
  state->transport = "soap";
  entries_.emplace(cookie, entry{state, now});
  return {std::move(cookie), std::move(state)};
}

void soap_session_store::forget(std::string_view cookie) {
  entries_.erase(std::string(cookie));
}

void soap_session_store::drop_expired(clock::time_point now) {
  // A sweep walks every cookie: at most once a second, so a busy listener does not pay it per request.
  if (now - last_sweep_ < std::chrono::seconds(1)) {
    return;
  }
  last_sweep_ = now;
  std::erase_if(entries_, [&](const auto& each) { return now - each.second.last_used > idle_timeout_; });
}

void soap_session_store::drop_least_recently_used() {
  auto oldest = entries_.begin();
  for (auto each = entries_.begin(); each != entries_.end(); ++each) {
    if (each->second.last_used < oldest->second.last_used) {
      oldest = each;
    }
  }
  if (oldest != entries_.end()) {
    entries_.erase(oldest);
  }
}

// ---------------------------------------------------------------------------------------------
// soap_service

namespace {
/// Cookies kept at most, whatever the idle timeout: a client that never sends its cookie back
/// gets a new one per request.
constexpr std::size_t max_soap_sessions = 10000;
}  // namespace

soap_service::soap_service(server_context& context, bool secure)
    : context_(context), secure_(secure), sessions_(context.options.idle_timeout, max_soap_sessions) {}

http_outcome soap_service::handle(const http_request& request, const http_peer& peer) {
  const std::string_view target{request.target().data(), request.target().size()};
  const std::size_t question = target.find('?');
  const std::string_view path = target.substr(0, question);
  const std::string_view query = question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);

  if (path != soap::service_path && path != soap::alternate_service_path) {
    spdlog::info("http {}: {} {} -> 404", peer.remote, std::string(request.method_string()), std::string(path));
    return {text_response(request, http::status::not_found,
                          "no service at " + std::string(path) + "; OCI-P over SOAP is at " +
                              std::string(soap::service_path) + "\n"),
            false};
  }
  if (request.method() == http::verb::get) {
    if (lower(query) == "wsdl") {
      return {wsdl_response(request, path, peer), false};
    }
    return {text_response(request, http::status::ok,
                          "ProvisioningService: OCI-P over SOAP. POST SOAP envelopes here (Content-Type: text/xml); "
                          "the WSDL is at " +
                              std::string(path) + "?wsdl\n"),
            false};
  }
  if (request.method() != http::verb::post) {
    spdlog::info("http {}: {} {} -> 405", peer.remote, std::string(request.method_string()), std::string(path));
    http_response response = text_response(request, http::status::method_not_allowed,
                                           std::string(request.method_string()) + " is not served here; use POST " +
                                               "for SOAP requests or GET ?wsdl for the WSDL\n");
    response.set(http::field::allow, allowed_methods);
    return {std::move(response), false};
  }
  return handle_post(request, peer);
}

http_outcome soap_service::handle_post(const http_request& request, const http_peer& peer) {
  const auto content_type_header = request[http::field::content_type];
  const std::string type = media_type({content_type_header.data(), content_type_header.size()});
  if (type != "text/xml" && type != "application/soap+xml") {
    spdlog::info("http {}: POST with Content-Type '{}' -> 415", peer.remote, type);
    return {text_response(request, http::status::unsupported_media_type,
                          (type.empty() ? std::string("no Content-Type") : "Content-Type '" + type + "'") +
                              ": SOAP requests must be text/xml (or application/soap+xml)\n"),
            false};
  }

  auto text = soap::unwrap_request(request.body());
  if (!text) {
    spdlog::warn("soap {}: refused a SOAP request: {}", peer.remote, text.error().message);
    return {fault_response(request, {"soapenv:Client", "malformed SOAP request", text.error().message}), false};
  }
  auto document = protocol::decode_text(text.value());
  if (!document) {
    spdlog::warn("soap {}: refused an OCI document: {}", peer.remote, document.error().message);
    return {fault_response(
                request, {"soapenv:Client", "the OCI document in the request is not valid", document.error().message}),
            false};
  }
  const protocol::document& oci_request = document.value();

  // The login state of this HTTP session: the first known JSESSIONID, else a new one.
  std::string new_cookie;
  std::string cookie;
  std::shared_ptr<connection_state> state;
  for (const std::string_view offered : session_cookies(request)) {
    state = sessions_.find(offered);
    if (state) {
      cookie = offered;
      break;
    }
  }
  if (!state) {
    std::tie(new_cookie, state) = sessions_.create();
    state->id = context_.number_connection();
    cookie = new_cookie;
  }
  state->remote = peer.remote;
  state->peer_address = peer.address;
  const auto with_cookie = [&](http_response response) {
    if (!new_cookie.empty()) {
      response.set(http::field::set_cookie, std::string(cookie_name) + "=" + new_cookie + "; Path=/" +
                                                (secure_ ? "; Secure" : "") + "; HttpOnly");
    }
    return response;
  };

  // Real web tiers refuse every command but the login flows before login, with a fault (§5).
  bool only_login_flow = true;
  for (const protocol::command& each : oci_request.commands) {
    only_login_flow = only_login_flow && is_login_flow(each.type);
  }
  if (!only_login_flow) {
    const auto session = state->sessions.find(oci_request.session_id);
    if (session == state->sessions.end() || !session->second.login) {
      for (const protocol::command& each : oci_request.commands) {
        spdlog::info("soap {}: {} -> fault INVALID_REQUEST (not logged in)", peer.remote, each.type);
      }
      return {with_cookie(fault_response(request, soap::not_logged_in_fault())), false};
    }
  }

  dispatch_result decided = context_.decide.dispatch(oci_request, *state);
  log_exchange(peer, oci_request, decided.reply ? &*decided.reply : nullptr);
  if (decided.close_after) {
    // Closing the connection ends a TCP session's logins; over HTTP the cookie is the session.
    spdlog::info("soap {}: ending the HTTP session as the scenario says", peer.remote);
    sessions_.forget(cookie);
  }
  if (decided.failure &&
      (decided.failure->what == fault::kind::http_500 || decided.failure->what == fault::kind::soap_fault)) {
    // The rule's fault replaces the SOAP reply; its delay is still the listener's to carry out.
    const fault& failure = *decided.failure;
    http_response replaced =
        failure.what == fault::kind::http_500
            ? text_response(request, http::status::internal_server_error, failure.text)
            : fault_response(request, {failure.code.empty() ? std::string("soapenv:Server") : failure.code,
                                       failure.text, std::string()});
    if (decided.close_after) {
      replaced.keep_alive(false);
    }
    return {with_cookie(std::move(replaced)), decided.close_after, decided.failure};
  }
  if (!decided.reply) {
    return {std::nullopt, true, decided.failure};
  }
  auto reply_text = soap::document_text(protocol::encode(*decided.reply, protocol::wire_style::server));
  if (!reply_text) {
    return {with_cookie(fault_response(
                request, {"soapenv:Server", "the reply could not be encoded", reply_text.error().message})),
            decided.close_after};
  }
  http_response response{http::status::ok, request.version()};
  response.set(http::field::server, "ocip-mock");
  response.set(http::field::content_type, xml_content_type);
  response.keep_alive(request.keep_alive() && !decided.close_after);
  response.body() = soap::wrap_response(reply_text.value());
  response.prepare_payload();
  return {with_cookie(std::move(response)), decided.close_after, decided.failure};
}

http_response soap_service::wsdl_response(const http_request& request, std::string_view path,
                                          const http_peer& peer) const {
  const auto host_header = request[http::field::host];
  const std::string_view host{host_header.data(), host_header.size()};
  const std::string address = is_plain_host(host) ? std::string(host) : peer.local;
  http_response response{http::status::ok, request.version()};
  response.set(http::field::server, "ocip-mock");
  response.set(http::field::content_type, xml_content_type);
  response.keep_alive(request.keep_alive());
  response.body() = soap::wsdl(std::string(secure_ ? "https://" : "http://") + address + std::string(path));
  response.prepare_payload();
  return response;
}

http_response soap_service::fault_response(const http_request& request, const soap::fault& refusal) const {
  http_response response{http::status::internal_server_error, request.version()};
  response.set(http::field::server, "ocip-mock");
  response.set(http::field::content_type, xml_content_type);
  response.keep_alive(request.keep_alive());
  response.body() = soap::wrap_fault(refusal);
  response.prepare_payload();
  return response;
}

}  // namespace ocip::mock::detail
