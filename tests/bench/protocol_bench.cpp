// Throughput of the protocol core on the documents the mock sees most.
#include <string>

#include <benchmark/benchmark.h>

#include "ocip/protocol/codec.hpp"
#include "ocip/protocol/framer.hpp"
#include "ocip/protocol/password.hpp"

namespace {

const std::string token_request =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<BroadsoftDocument protocol=\"OCI\" xmlns=\"C\" "
    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><sessionId xmlns=\"\">bench-session</sessionId>"
    "<command xsi:type=\"UserSingleSignOnCreateDeviceTokenRequest\" xmlns=\"\"><userId>alice@example.com</userId>"
    "<deviceLevel>Group</deviceLevel><deviceName>polycom-01</deviceName></command></BroadsoftDocument>\n";

void decode_token_request(benchmark::State& state) {
  for (auto _ : state) {
    auto decoded = ocip::protocol::decode(token_request);
    benchmark::DoNotOptimize(decoded);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(token_request.size()));
}
BENCHMARK(decode_token_request);

void encode_token_reply(benchmark::State& state) {
  ocip::protocol::document reply;
  reply.session_id = "bench-session";
  reply.commands.push_back({"UserSingleSignOnCreateDeviceTokenResponse",
                            std::string(),
                            {ocip::protocol::element::leaf("deviceToken", std::string(64, 'a'))},
                            {}});
  for (auto _ : state) {
    auto bytes = ocip::protocol::encode(reply, ocip::protocol::wire_style::server);
    benchmark::DoNotOptimize(bytes);
  }
}
BENCHMARK(encode_token_reply);

/// A pipelined stream of 100 documents fed in pieces of the given size.
void frame_stream(benchmark::State& state) {
  std::string stream;
  for (int i = 0; i < 100; ++i) {
    stream += token_request;
  }
  const auto piece = static_cast<std::size_t>(state.range(0));
  for (auto _ : state) {
    ocip::protocol::framer framer;
    std::size_t documents = 0;
    for (std::size_t at = 0; at < stream.size(); at += piece) {
      framer.put(std::string_view(stream).substr(at, piece));
      while (framer.next()) {
        ++documents;
      }
    }
    benchmark::DoNotOptimize(documents);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(stream.size()));
}
BENCHMARK(frame_stream)->Arg(1)->Arg(64)->Arg(16384);

void sign_password(benchmark::State& state) {
  for (auto _ : state) {
    auto signed_password = ocip::protocol::sign_password("password", "1234567890123");
    benchmark::DoNotOptimize(signed_password);
  }
}
BENCHMARK(sign_password);

}  // namespace
