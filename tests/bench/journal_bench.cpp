// What the request journal and scripted rules cost a decision: token requests with every exchange
// journalled, and with rules that never match (each request then also gets a near-miss report).
#include <benchmark/benchmark.h>

#include "ocip/mock/dispatcher.hpp"
#include "ocip/mock/journal.hpp"
#include "ocip/mock/scenario.hpp"

namespace {

ocip::protocol::command make(std::string type, std::vector<std::pair<std::string, std::string>> fields) {
  ocip::protocol::command cmd;
  cmd.type = std::move(type);
  for (auto& [name, text] : fields) {
    cmd.fields.push_back(ocip::protocol::element::leaf(name, text));
  }
  return cmd;
}

/// Token requests decided with a journal of `state.range(0)` entries and `state.range(1)` rules
/// that name the token request but never match it.
void journalled_token_requests(benchmark::State& state) {
  ocip::mock::world world = ocip::mock::load_default_scenario().initial;
  for (std::int64_t i = 0; i < state.range(1); ++i) {
    ocip::mock::rule never;
    never.name = "never-" + std::to_string(i);
    never.when.commands = {"UserSingleSignOnCreateDeviceTokenRequest"};
    never.when.fields.push_back(
        {"deviceName", ocip::mock::field_condition::kind::equals, "absent-" + std::to_string(i), nullptr});
    world.scripting.rules.push_back(std::move(never));
  }
  ocip::mock::token_source tokens(std::uint64_t{1});
  ocip::mock::dispatcher decide(world, tokens);
  ocip::mock::journal log(static_cast<std::size_t>(state.range(0)));
  decide.set_observer([&log](const ocip::protocol::document& request, const ocip::mock::connection_state& connection,
                             const ocip::mock::dispatch_result& result,
                             std::chrono::microseconds took) { log.record(request, connection, result, took); });
  ocip::mock::connection_state connection;
  ocip::protocol::document login;
  login.session_id = "bench";
  login.commands = {make("LoginRequest22V5", {{"userId", "admin"}, {"password", "password"}})};
  (void)decide.dispatch(login, connection);

  ocip::protocol::document request;
  request.session_id = "bench";
  request.commands = {make("UserSingleSignOnCreateDeviceTokenRequest",
                           {{"userId", "alice@example.com"}, {"deviceLevel", "Group"}, {"deviceName", "polycom-01"}})};
  for (auto _ : state) {
    auto reply = decide.dispatch(request, connection);
    benchmark::DoNotOptimize(reply);
  }
  state.counters["journal_entries"] = static_cast<double>(log.size());
}
BENCHMARK(journalled_token_requests)->Args({0, 0})->Args({1000, 0})->Args({1000, 20});

}  // namespace
