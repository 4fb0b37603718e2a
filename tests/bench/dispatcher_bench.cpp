// Decisions per second: the dispatcher answering token requests against the default world.
#include <benchmark/benchmark.h>

#include "ocip/mock/dispatcher.hpp"
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

void token_requests(benchmark::State& state) {
  ocip::mock::world world = ocip::mock::load_default_scenario().initial;
  ocip::mock::token_source tokens(std::uint64_t{1});
  ocip::mock::dispatcher decide(world, tokens);
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
}
BENCHMARK(token_requests);

}  // namespace
