// Decisions per second: the dispatcher answering token requests against the default world, alone
// and with what the request journal and scripted rules add (every exchange journalled; rules that
// never match, so each request also gets a near-miss report).
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

/// A document of session "bench" holding one command.
ocip::protocol::document on_session(ocip::protocol::command cmd) {
  ocip::protocol::document doc;
  doc.session_id = "bench";
  doc.commands = {std::move(cmd)};
  return doc;
}

/// Logs the connection in as admin, then times alice's token request for polycom-01.
void time_token_requests(benchmark::State& state, ocip::mock::dispatcher& decide) {
  ocip::mock::connection_state connection;
  (void)decide.dispatch(on_session(make("LoginRequest22V5", {{"userId", "admin"}, {"password", "password"}})),
                        connection);
  const ocip::protocol::document request =
      on_session(make("UserSingleSignOnCreateDeviceTokenRequest",
                      {{"userId", "alice@example.com"}, {"deviceLevel", "Group"}, {"deviceName", "polycom-01"}}));
  for (auto _ : state) {
    auto reply = decide.dispatch(request, connection);
    benchmark::DoNotOptimize(reply);
  }
}

void token_requests(benchmark::State& state) {
  ocip::mock::world world = ocip::mock::load_default_scenario().initial;
  ocip::mock::token_source tokens(std::uint64_t{1});
  ocip::mock::dispatcher decide(world, tokens);
  time_token_requests(state, decide);
}
BENCHMARK(token_requests);

/// Token requests with a journal of `state.range(0)` entries and `state.range(1)` rules that name
/// the token request but never match it.
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
  time_token_requests(state, decide);
  state.counters["journal_entries"] = static_cast<double>(log.size());
}
BENCHMARK(journalled_token_requests)->Args({0, 0})->Args({1000, 0})->Args({1000, 20});

}  // namespace
