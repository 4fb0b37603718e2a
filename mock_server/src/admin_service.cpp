#include "admin_service.hpp"

#include <charconv>
#include <map>
#include <optional>
#include <vector>

#include <spdlog/spdlog.h>

#include "json_writer.hpp"
#include "world_json.hpp"

namespace ocip::mock::detail {
namespace {

constexpr const char* json_content_type = "application/json";

/// Parameters of a query string, decoded; or what is wrong with it.
struct query_parameters {
  std::map<std::string, std::string, std::less<>> values;
  std::string problem;  ///< empty: the query is fine

  [[nodiscard]] const std::string* find(std::string_view name) const {
    const auto found = values.find(name);
    return found == values.end() ? nullptr : &found->second;
  }
};

int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

/// Percent-decoding with '+' as a space, as forms and curl's --data-urlencode write queries.
std::optional<std::string> url_decoded(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%') {
      if (i + 2 >= text.size()) {
        return std::nullopt;
      }
      const int high = hex_value(text[i + 1]);
      const int low = hex_value(text[i + 2]);
      if (high < 0 || low < 0) {
        return std::nullopt;
      }
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

/// The query's parameters; each must be one of `known`, given once.
query_parameters parse_query(std::string_view query, std::initializer_list<std::string_view> known) {
  query_parameters out;
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) {
      continue;
    }
    const std::size_t equals = pair.find('=');
    const auto name = url_decoded(pair.substr(0, equals));
    const auto value = url_decoded(equals == std::string_view::npos ? std::string_view{} : pair.substr(equals + 1));
    if (!name || !value) {
      out.problem = "bad percent-escape in the query near '" + std::string(pair) + "'";
      return out;
    }
    if (std::find(known.begin(), known.end(), *name) == known.end()) {
      std::string names;
      for (const auto each : known) {
        names += (names.empty() ? "" : ", ") + std::string(each);
      }
      out.problem =
          "unknown parameter '" + *name + "'" + (names.empty() ? "; this request takes none" : "; known: " + names);
      return out;
    }
    if (!out.values.emplace(*name, *value).second) {
      out.problem = "parameter '" + *name + "' is given twice";
      return out;
    }
  }
  return out;
}

std::optional<std::uint64_t> whole_number(const std::string& text) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

std::optional<bool> truth(const std::string& text) {
  if (text == "true" || text == "1" || text == "yes") {
    return true;
  }
  if (text == "false" || text == "0" || text == "no") {
    return false;
  }
  return std::nullopt;
}

http_response json_response(const http_request& request, http::status status, std::string body) {
  http_response response{status, request.version()};
  response.set(http::field::server, "ocip-mock");
  response.set(http::field::content_type, json_content_type);
  response.set(http::field::cache_control, "no-store");
  response.keep_alive(request.keep_alive());
  response.body() = std::move(body) + "\n";
  response.prepare_payload();
  return response;
}

http_response error_response(const http_request& request, http::status status, std::string_view message) {
  json_writer out;
  out.begin_object().member("error", message).end_object();
  return json_response(request, status, out.text());
}

/// 422 with each problem located in the body.
http_response problems_response(const http_request& request, std::string_view what, const scenario_error& error) {
  json_writer out;
  out.begin_object().member("error", what).key("problems").begin_array();
  for (const scenario_problem& problem : error.problems) {
    out.begin_object()
        .member("line", problem.line)
        .member("column", problem.column)
        .member("message", problem.message)
        .member("text", problem.to_string())
        .end_object();
  }
  out.end_array().end_object();
  return json_response(request, http::status::unprocessable_entity, out.text());
}

/// Which methods a path takes, for 405 answers.
struct path_methods {
  std::string_view path;
  std::string_view allowed;
};

constexpr std::array<path_methods, 9> paths{{
    {"/health", "GET"},
    {"/world", "GET"},
    {"/reset", "POST"},
    {"/scenario", "POST"},
    {"/devices/lock", "POST"},
    {"/devices/unlock", "POST"},
    {"/journal", "GET, DELETE"},
    {"/verify", "POST"},
    {"/", "GET"},
}};

/// The device a lock or unlock names: `device`, with `service_provider` and `group` for its owner and
/// an optional `level` (else: Group with a group, Service Provider with only a service provider,
/// else System).
std::optional<device_key> device_of(const query_parameters& query, std::string& problem) {
  const std::string* name = query.find("device");
  if (name == nullptr || name->empty()) {
    problem = "name the device: ?device=NAME (with service_provider= and group= for its owner)";
    return std::nullopt;
  }
  const std::string* provider = query.find("service_provider");
  const std::string* owner_group = query.find("group");
  device_key key;
  key.name = *name;
  if (const std::string* level = query.find("level")) {
    const std::optional<device_level> parsed = parse_device_level(*level);
    const std::string& word = *level;
    if (parsed) {
      key.level = *parsed;
    } else if (word == "group") {
      key.level = device_level::group;
    } else if (word == "service_provider") {
      key.level = device_level::service_provider;
    } else if (word == "system") {
      key.level = device_level::system;
    } else {
      problem = "level '" + word + "' is not one of group, service_provider, system";
      return std::nullopt;
    }
  } else {
    key.level = owner_group != nullptr ? device_level::group
                : provider != nullptr  ? device_level::service_provider
                                       : device_level::system;
  }
  if (key.level == device_level::system && (provider != nullptr || owner_group != nullptr)) {
    problem = "a System device has no owner: leave out service_provider= and group=";
    return std::nullopt;
  }
  if (key.level == device_level::service_provider && owner_group != nullptr) {
    problem = "a Service Provider device belongs to no group: leave out group=";
    return std::nullopt;
  }
  if (key.level != device_level::system) {
    if (provider == nullptr) {
      problem = "a " + std::string(to_string(key.level)) + " device needs service_provider=";
      return std::nullopt;
    }
    key.service_provider = *provider;
  }
  if (key.level == device_level::group) {
    if (owner_group == nullptr) {
      problem = "a Group device needs group=";
      return std::nullopt;
    }
    key.group = *owner_group;
  }
  return key;
}

std::string describe_key(const device_key& key) {
  std::string text = std::string(to_string(key.level)) + " device '" + key.name + "'";
  if (key.level == device_level::group) {
    text += " in group '" + key.service_provider + "'/'" + key.group + "'";
  } else if (key.level == device_level::service_provider) {
    text += " of service provider '" + key.service_provider + "'";
  }
  return text;
}

}  // namespace

admin_service::admin_service(scenario_control& control) : control_(control) {}

http_outcome admin_service::handle(const http_request& request, const http_peer& peer) {
  http_response response = answer(request);
  spdlog::info("admin {}: {} {} -> {}", peer.remote, std::string(request.method_string()),
               std::string(request.target().substr(0, request.target().find('?'))), response.result_int());
  return {std::move(response), false, std::nullopt};
}

http_response admin_service::answer(const http_request& request) {
  const std::string_view target{request.target().data(), request.target().size()};
  const std::size_t question = target.find('?');
  const std::string_view path = target.substr(0, question);
  const std::string_view query = question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);
  const http::verb method = request.method();

  const auto known =
      std::find_if(paths.begin(), paths.end(), [&](const path_methods& each) { return each.path == path; });
  if (known == paths.end()) {
    return error_response(request, http::status::not_found,
                          "no admin resource at " + std::string(path) +
                              "; GET / lists them (health, world, reset, scenario, devices/lock, devices/unlock, "
                              "journal, verify)");
  }
  const auto only = [&](http::verb wanted) { return method == wanted; };
  http_response response = [&]() -> http_response {
    if (path == "/" && only(http::verb::get)) {
      json_writer out;
      out.begin_object().key("resources").begin_array();
      for (const auto& each : paths) {
        if (each.path != "/") {
          out.begin_object().member("path", each.path).member("methods", each.allowed).end_object();
        }
      }
      out.end_array().end_object();
      return json_response(request, http::status::ok, out.text());
    }
    if (path == "/health" && only(http::verb::get)) {
      return health(request);
    }
    if (path == "/world" && only(http::verb::get)) {
      return world_state(request);
    }
    if (path == "/reset" && only(http::verb::post)) {
      return reset(request, query);
    }
    if (path == "/scenario" && only(http::verb::post)) {
      return load_scenario(request, query);
    }
    if (path == "/devices/lock" && only(http::verb::post)) {
      return set_lock(request, query, true);
    }
    if (path == "/devices/unlock" && only(http::verb::post)) {
      return set_lock(request, query, false);
    }
    if (path == "/journal" && only(http::verb::get)) {
      return journal_entries(request, query);
    }
    if (path == "/journal" && only(http::verb::delete_)) {
      return clear_journal(request);
    }
    if (path == "/verify" && only(http::verb::post)) {
      return verify(request, query);
    }
    http_response refused = error_response(request, http::status::method_not_allowed,
                                           std::string(request.method_string()) + " is not served at " +
                                               std::string(path) + "; use " + std::string(known->allowed));
    refused.set(http::field::allow, std::string(known->allowed));
    return refused;
  }();
  return response;
}

http_response admin_service::health(const http_request& request) const {
  const scenario& served = control_.current();
  json_writer out;
  out.begin_object()
      .member("status", "ok")
      .member("scenario", served.name)
      .member("source", served.source)
      .member("state", control_.live().progress.state);
  out.key("listeners").begin_array();
  for (const listener_info& each : control_.bound_listeners()) {
    out.begin_object().member("kind", each.kind).member("address", each.bound.to_string()).end_object();
  }
  out.end_array();
  const journal& log = control_.exchanges();
  out.key("journal")
      .begin_object()
      .member("entries", std::uint64_t{log.size()})
      .member("capacity", std::uint64_t{log.capacity()})
      .member("dropped", log.dropped())
      .end_object();
  out.end_object();
  return json_response(request, http::status::ok, out.text());
}

http_response admin_service::world_state(const http_request& request) const {
  json_writer out;
  out.begin_object();
  out.key("scenario")
      .begin_object()
      .member("name", control_.current().name)
      .member("source", control_.current().source)
      .end_object();
  out.key("world");
  write_world(out, control_.live());
  out.end_object();
  return json_response(request, http::status::ok, out.text());
}

http_response admin_service::reset(const http_request& request, std::string_view query) {
  if (const query_parameters parameters = parse_query(query, {}); !parameters.problem.empty()) {
    return error_response(request, http::status::bad_request, parameters.problem);
  }
  control_.reset();
  json_writer out;
  out.begin_object().member("reset", true).member("scenario", control_.current().name).end_object();
  return json_response(request, http::status::ok, out.text());
}

http_response admin_service::load_scenario(const http_request& request, std::string_view query) {
  const query_parameters parameters = parse_query(query, {"keep_state"});
  if (!parameters.problem.empty()) {
    return error_response(request, http::status::bad_request, parameters.problem);
  }
  bool keep_state = false;
  if (const std::string* keep = parameters.find("keep_state")) {
    const std::optional<bool> parsed = truth(*keep);
    if (!parsed) {
      return error_response(request, http::status::bad_request,
                            "keep_state must be true or false, got '" + *keep + "'");
    }
    keep_state = *parsed;
  }
  if (request.body().empty()) {
    return error_response(request, http::status::bad_request,
                          "send the scenario's YAML as the request body (curl --data-binary @file.yaml)");
  }
  auto loaded = load_scenario_text(request.body(), "POST /scenario");
  if (!loaded) {
    spdlog::warn("admin: POST /scenario refused:\n{}", loaded.error().to_string());
    return problems_response(request, "the scenario has problems; the running one stays", loaded.error());
  }
  const std::string name = loaded.value().name;
  control_.replace(std::move(loaded).value(), keep_state);
  json_writer out;
  out.begin_object().member("scenario", name).member("kept_state", keep_state).end_object();
  return json_response(request, http::status::ok, out.text());
}

http_response admin_service::set_lock(const http_request& request, std::string_view query, bool locked) {
  const query_parameters parameters = parse_query(query, {"device", "level", "service_provider", "group"});
  if (!parameters.problem.empty()) {
    return error_response(request, http::status::bad_request, parameters.problem);
  }
  std::string problem;
  const std::optional<device_key> key = device_of(parameters, problem);
  if (!key) {
    return error_response(request, http::status::bad_request, problem);
  }
  world& live = control_.live();
  const bool found = locked ? live.lock_device(*key) : live.unlock_device(*key);
  if (!found) {
    return error_response(request, http::status::not_found, "no " + describe_key(*key));
  }
  spdlog::info("admin: {} {}", locked ? "locked" : "unlocked", describe_key(*key));
  json_writer out;
  out.begin_object().key("device");
  write_device_key(out, *key);
  out.member("locked", locked).end_object();
  return json_response(request, http::status::ok, out.text());
}

http_response admin_service::journal_entries(const http_request& request, std::string_view query) const {
  const query_parameters parameters =
      parse_query(query, {"command", "user", "transport", "rule", "unmatched", "connection", "after", "limit"});
  if (!parameters.problem.empty()) {
    return error_response(request, http::status::bad_request, parameters.problem);
  }
  journal_filter filter;
  const auto text_filter = [&](std::string_view name, std::optional<std::string>& into) {
    if (const std::string* value = parameters.find(name)) {
      into = *value;
    }
  };
  text_filter("command", filter.command);
  text_filter("user", filter.login_user);
  text_filter("transport", filter.transport);
  if (filter.transport && *filter.transport != "tcp" && *filter.transport != "tls" && *filter.transport != "soap") {
    return error_response(request, http::status::bad_request,
                          "transport must be tcp, tls or soap, got '" + *filter.transport + "'");
  }
  text_filter("rule", filter.rule);
  if (const std::string* unmatched = parameters.find("unmatched")) {
    const std::optional<bool> parsed = truth(*unmatched);
    if (!parsed) {
      return error_response(request, http::status::bad_request, "unmatched must be true or false");
    }
    filter.unmatched = *parsed;
  }
  const auto number_filter = [&](std::string_view name) -> result<std::optional<std::uint64_t>, std::string> {
    const std::string* value = parameters.find(name);
    if (value == nullptr) {
      return std::optional<std::uint64_t>{};
    }
    const std::optional<std::uint64_t> number = whole_number(*value);
    if (!number) {
      return std::string(name) + " must be a whole number, got '" + *value + "'";
    }
    return number;
  };
  const auto after = number_filter("after");
  const auto limit = number_filter("limit");
  const auto connection = number_filter("connection");
  for (const auto* each : {&after, &limit, &connection}) {
    if (!*each) {
      return error_response(request, http::status::bad_request, each->error());
    }
  }
  filter.after_id = after.value().value_or(0);
  filter.limit = static_cast<std::size_t>(limit.value().value_or(0));
  filter.connection = connection.value();
  const journal& log = control_.exchanges();
  const std::vector<const journal_entry*> selected = log.select(filter);
  json_writer out;
  out.begin_object()
      .member("count", std::uint64_t{selected.size()})
      .member("capacity", std::uint64_t{log.capacity()})
      .member("dropped", log.dropped());
  out.key("entries").begin_array();
  for (const journal_entry* entry : selected) {
    write_journal_entry(out, *entry);
  }
  out.end_array().end_object();
  return json_response(request, http::status::ok, out.text());
}

http_response admin_service::clear_journal(const http_request& request) {
  const std::size_t cleared = control_.exchanges().clear();
  json_writer out;
  out.begin_object().member("cleared", std::uint64_t{cleared}).end_object();
  return json_response(request, http::status::ok, out.text());
}

http_response admin_service::verify(const http_request& request, std::string_view query) const {
  if (const query_parameters parameters = parse_query(query, {}); !parameters.problem.empty()) {
    return error_response(request, http::status::bad_request, parameters.problem);
  }
  if (request.body().empty()) {
    return error_response(
        request, http::status::bad_request,
        R"(send the pattern as the request body, e.g. {"command": "UserGetRequest23V2", "times": 1})");
  }
  auto parsed = parse_verify_query(request.body(), "POST /verify");
  if (!parsed) {
    return problems_response(request, "the pattern has problems", parsed.error());
  }
  const verify_query& asked = parsed.value();
  const std::vector<std::uint64_t> ids = control_.exchanges().matching(asked.pattern);
  json_writer out;
  out.begin_object().member("count", std::uint64_t{ids.size()});
  out.key("entries").begin_array();
  for (const std::uint64_t id : ids) {
    out.value(id);
  }
  out.end_array();
  const bool verified = !asked.times || *asked.times == ids.size();
  if (asked.times) {
    out.member("times", *asked.times).member("verified", verified);
  }
  out.end_object();
  return json_response(request, verified ? http::status::ok : http::status::conflict, out.text());
}

result<void, std::string> start_admin_listener(server_context& context, listener_set& listeners) {
  if (!context.options.admin) {
    return std::string("admin listener: no address configured");
  }
  return start_http_service_listener(context, listeners, "admin", *context.options.admin, nullptr,
                                     std::make_shared<admin_service>(context.control));
}

}  // namespace ocip::mock::detail
