// The admin HTTP API against the in-process mock, seen as a user's script sees it: HTTP requests,
// JSON answers, and the OCI-P answers that follow what the API changed.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "http_connection.hpp"
#include "mock_fixture.hpp"
#include "ocip/client/client.hpp"

namespace ocip::testing {
namespace {

/// One admin answer: its status, its body and the body read as JSON (yaml-cpp reads JSON).
struct admin_reply {
  int status = 0;
  std::string body;
  YAML::Node json;
  std::string allow;
};

admin_reply admin_call(std::uint16_t port, std::string_view method, std::string_view target,
                       std::string_view body = {}) {
  http_connection connection(port);
  EXPECT_TRUE(connection.connected());
  EXPECT_TRUE(connection.send(std::string(method) + " " + std::string(target) +
                              " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + std::to_string(body.size()) +
                              "\r\n\r\n" + std::string(body)));
  const auto reply = connection.read_reply();
  if (!reply) {
    ADD_FAILURE() << "no answer to " << method << " " << target;
    return {};
  }
  admin_reply out{reply->status, reply->body, {}, reply->header("allow")};
  EXPECT_EQ(reply->header("content-type"), "application/json") << target;
  try {
    out.json = YAML::Load(reply->body);
  } catch (const YAML::Exception& error) {
    ADD_FAILURE() << "not JSON: " << error.what() << "\n" << reply->body;
  }
  return out;
}

class AdminApi : public ::testing::Test {
 protected:
  [[nodiscard]] std::uint16_t admin_port() const { return mock_.port("admin"); }

  admin_reply call(std::string_view method, std::string_view target, std::string_view body = {}) {
    return admin_call(admin_port(), method, target, body);
  }

  client::client_options client_options() const {
    client::client_options options;
    options.port = mock_.port();
    options.connect_timeout = std::chrono::seconds(2);
    options.command_timeout = std::chrono::seconds(5);
    return options;
  }

  /// alice's token request for polycom-01 as alice: 0 for a token, else the error code.
  int token_code() {
    client::client alice(client_options());
    EXPECT_TRUE(alice.login("alice@example.com", "alice-lab-pw"));
    const auto token = alice.create_device_token({"alice@example.com", "Group", "polycom-01"});
    return token ? 0 : client::server_error_code(token.error()).value_or(-1);
  }

  running_mock mock_;
};

TEST_F(AdminApi, HealthNamesTheScenarioTheStateAndEveryListener) {
  const admin_reply health = call("GET", "/health");
  ASSERT_EQ(health.status, 200) << health.body;
  EXPECT_EQ(health.json["status"].as<std::string>(), "ok");
  EXPECT_EQ(health.json["scenario"].as<std::string>(), "default");
  EXPECT_EQ(health.json["state"].as<std::string>(), "started");
  std::vector<std::string> kinds;
  for (const auto& each : health.json["listeners"]) {
    kinds.push_back(each["kind"].as<std::string>());
  }
  EXPECT_EQ(kinds, (std::vector<std::string>{"tcp", "tls", "http", "https", "admin"}));
  EXPECT_EQ(health.json["journal"]["capacity"].as<int>(), 1000);
}

TEST_F(AdminApi, LockAndUnlockChangeTheTokenAnswerAndShowInTheWorld) {
  EXPECT_EQ(token_code(), 0);
  const admin_reply locked = call("POST", "/devices/lock?device=polycom-01&service_provider=acme&group=sales");
  ASSERT_EQ(locked.status, 200) << locked.body;
  EXPECT_EQ(locked.json["device"]["level"].as<std::string>(), "Group");
  EXPECT_TRUE(locked.json["locked"].as<bool>());
  EXPECT_EQ(token_code(), 9102);

  const admin_reply world = call("GET", "/world");
  ASSERT_EQ(world.status, 200);
  bool seen = false;
  for (const auto& each : world.json["world"]["devices"]) {
    if (each["key"]["name"].as<std::string>() == "polycom-01") {
      seen = true;
      EXPECT_TRUE(each["locked"].as<bool>());
    }
  }
  EXPECT_TRUE(seen) << world.body;
  EXPECT_EQ(world.body.find("alice-lab-pw"), std::string::npos) << "a password in GET /world";

  ASSERT_EQ(call("POST", "/devices/unlock?device=polycom-01&service_provider=acme&group=sales").status, 200);
  EXPECT_EQ(token_code(), 0);
}

TEST_F(AdminApi, LocksNeedAKnownDeviceAndWellFormedParameters) {
  const admin_reply unknown = call("POST", "/devices/lock?device=nope&service_provider=acme&group=sales");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.json["error"].as<std::string>(), "no Group device 'nope' in group 'acme'/'sales'");
  const admin_reply system_level = call("POST", "/devices/lock?device=sys-hotdesk-01");
  EXPECT_EQ(system_level.status, 200) << system_level.body;
  EXPECT_EQ(system_level.json["device"]["level"].as<std::string>(), "System");
  const admin_reply spaced =
      call("POST", "/devices/lock?device=acme-lobby-01&level=Service+Provider&service_provider=acme");
  EXPECT_EQ(spaced.status, 200) << spaced.body;
  const admin_reply owned_system = call("POST", "/devices/lock?device=sys-hotdesk-01&level=System&group=sales");
  EXPECT_EQ(owned_system.status, 400);
  EXPECT_NE(owned_system.body.find("a System device has no owner"), std::string::npos) << owned_system.body;
  const admin_reply provider_group =
      call("POST", "/devices/lock?device=acme-lobby-01&level=Service+Provider&service_provider=acme&group=sales");
  EXPECT_EQ(provider_group.status, 400);
  EXPECT_NE(provider_group.body.find("belongs to no group"), std::string::npos) << provider_group.body;
  const admin_reply typo = call("POST", "/devices/lock?devise=polycom-01");
  EXPECT_EQ(typo.status, 400);
  EXPECT_NE(typo.json["error"].as<std::string>().find("unknown parameter 'devise'"), std::string::npos) << typo.body;
  EXPECT_EQ(call("POST", "/devices/lock").status, 400);
  EXPECT_EQ(call("POST", "/devices/lock?device=polycom-01&group=sales").status, 400);
  EXPECT_EQ(call("POST", "/devices/lock?device=%zz").status, 400);
}

TEST_F(AdminApi, ResetPutsBackWhatWasChanged) {
  ASSERT_EQ(call("POST", "/devices/lock?device=polycom-01&service_provider=acme&group=sales").status, 200);
  EXPECT_EQ(token_code(), 9102);
  const admin_reply reset = call("POST", "/reset");
  ASSERT_EQ(reset.status, 200) << reset.body;
  EXPECT_TRUE(reset.json["reset"].as<bool>());
  EXPECT_EQ(token_code(), 0);
}

TEST_F(AdminApi, AScenarioWithProblemsIsRefusedWithLinesAndTheRunningOneStays) {
  const admin_reply refused =
      call("POST", "/scenario", "version: 1\nservice_providers:\n  - id: acme\n    colour: blue\n");
  ASSERT_EQ(refused.status, 422) << refused.body;
  ASSERT_GE(refused.json["problems"].size(), 1U);
  EXPECT_EQ(refused.json["problems"][0]["line"].as<int>(), 4);
  EXPECT_EQ(refused.json["problems"][0]["column"].as<int>(), 5);
  EXPECT_NE(refused.json["problems"][0]["text"].as<std::string>().find("POST /scenario:4:5:"), std::string::npos);
  EXPECT_EQ(token_code(), 0);
  EXPECT_EQ(call("POST", "/scenario").status, 400);
  EXPECT_EQ(call("POST", "/scenario?keep_state=maybe", "version: 1\n").status, 400);
}

TEST_F(AdminApi, APostedScenarioIsServedAtOnce) {
  std::string locked(mock::default_scenario_text());
  const std::string marker =
      "          - name: polycom-01              # CASE: Group device, Device Management; alice owns a port\n"
      "            type: Polycom VVX 450\n";
  ASSERT_NE(locked.find(marker), std::string::npos);
  locked.insert(locked.find(marker) + marker.size(), "            locked: true\n");
  const admin_reply served = call("POST", "/scenario", locked);
  ASSERT_EQ(served.status, 200) << served.body;
  EXPECT_EQ(served.json["scenario"].as<std::string>(), "default");
  EXPECT_FALSE(served.json["kept_state"].as<bool>());
  EXPECT_EQ(token_code(), 9102);
  EXPECT_EQ(call("GET", "/health").json["source"].as<std::string>(), "POST /scenario");
}

TEST_F(AdminApi, TheJournalListsExchangesWithoutSecretsAndCanBeCleared) {
  client::client alice(client_options());
  ASSERT_TRUE(alice.login("alice@example.com", "alice-lab-pw"));
  const auto token = alice.create_device_token({"alice@example.com", "Group", "polycom-01"});
  ASSERT_TRUE(token);

  const admin_reply all = call("GET", "/journal");
  ASSERT_EQ(all.status, 200) << all.body;
  ASSERT_EQ(all.json["count"].as<int>(), 2) << all.body;
  const YAML::Node login = all.json["entries"][0];
  EXPECT_EQ(login["transport"].as<std::string>(), "tcp");
  EXPECT_EQ(login["commands"][0]["request"]["type"].as<std::string>(), "LoginRequest22V5");
  EXPECT_EQ(login["commands"][0]["reply"]["type"].as<std::string>(), "LoginResponse22V5");
  EXPECT_EQ(login["commands"][0]["login_user"].as<std::string>(), "");
  const YAML::Node asked = all.json["entries"][1];
  EXPECT_EQ(asked["commands"][0]["login_user"].as<std::string>(), "alice@example.com");
  EXPECT_EQ(asked["connection"].as<int>(), login["connection"].as<int>());

  EXPECT_EQ(all.body.find("alice-lab-pw"), std::string::npos) << "a password in the journal";
  EXPECT_EQ(all.body.find(token.value().value), std::string::npos) << "a token in the journal";
  EXPECT_EQ(all.body.find(alice.session_id()), std::string::npos) << "a session id in the journal";

  const admin_reply tokens = call("GET", "/journal?command=UserSingleSignOnCreateDeviceTokenRequest");
  ASSERT_EQ(tokens.json["count"].as<int>(), 1);
  EXPECT_EQ(tokens.json["entries"][0]["id"].as<int>(), asked["id"].as<int>());
  EXPECT_EQ(call("GET", "/journal?user=").json["count"].as<int>(), 1);
  EXPECT_EQ(call("GET", "/journal?limit=1").json["entries"][0]["id"].as<int>(), asked["id"].as<int>());
  EXPECT_EQ(call("GET", "/journal?after=" + std::to_string(asked["id"].as<int>())).json["count"].as<int>(), 0);
  EXPECT_EQ(call("GET", "/journal?limit=many").status, 400);
  const admin_reply udp = call("GET", "/journal?transport=udp");
  EXPECT_EQ(udp.status, 400);
  EXPECT_EQ(udp.json["error"].as<std::string>(), "transport must be tcp, tls or soap, got 'udp'");

  const admin_reply cleared = call("DELETE", "/journal");
  EXPECT_EQ(cleared.json["cleared"].as<int>(), 2);
  EXPECT_EQ(call("GET", "/journal").json["count"].as<int>(), 0);
}

TEST_F(AdminApi, VerifyCountsMatchingCommandsAsTheyArrived) {
  EXPECT_EQ(token_code(), 0);
  ASSERT_EQ(call("POST", "/devices/lock?device=polycom-01&service_provider=acme&group=sales").status, 200);
  EXPECT_EQ(token_code(), 9102);
  {
    client::client stranger(client_options());
    EXPECT_FALSE(stranger.login("alice@example.com", "wrong-password"));
  }

  const admin_reply tokens =
      call("POST", "/verify", R"({"command": "UserSingleSignOnCreateDeviceTokenRequest", "times": 2})");
  ASSERT_EQ(tokens.status, 200) << tokens.body;
  EXPECT_EQ(tokens.json["count"].as<int>(), 2);
  EXPECT_EQ(tokens.json["times"].as<int>(), 2);
  EXPECT_TRUE(tokens.json["verified"].as<bool>());
  const admin_reply journal = call("GET", "/journal?command=UserSingleSignOnCreateDeviceTokenRequest");
  ASSERT_EQ(journal.json["count"].as<int>(), 2);
  EXPECT_EQ(tokens.json["entries"][0].as<int>(), journal.json["entries"][0]["id"].as<int>());
  EXPECT_EQ(tokens.json["entries"][1].as<int>(), journal.json["entries"][1]["id"].as<int>());

  // Fields, login user and transport, in YAML as well as JSON; a regular expression on the device.
  const admin_reply as_alice = call("POST", "/verify",
                                    "command: UserSingleSignOnCreateDeviceTokenRequest\n"
                                    "login_user: alice@example.com\n"
                                    "transport: tcp\n"
                                    "fields:\n  deviceName: {regex: 'polycom-0[0-9]'}\n");
  ASSERT_EQ(as_alice.status, 200) << as_alice.body;
  EXPECT_EQ(as_alice.json["count"].as<int>(), 2);
  EXPECT_FALSE(as_alice.json["times"].IsDefined()) << "no times asked, none answered";
  EXPECT_EQ(call("POST", "/verify", R"({"command": "UserSingleSignOnCreateDeviceTokenRequest", "transport": "soap"})")
                .json["count"]
                .as<int>(),
            0);

  // Three logins: two of alice's that worked, one that failed; none was logged in when it came.
  const admin_reply logins = call("POST", "/verify", R"({"command": "LoginRequest22V5", "login_user": ""})");
  EXPECT_EQ(logins.json["count"].as<int>(), 3) << logins.body;

  // A count that differs is a 409, so that curl --fail fails a shell test.
  const admin_reply wrong =
      call("POST", "/verify", R"({"command": "UserSingleSignOnCreateDeviceTokenRequest", "times": 3})");
  EXPECT_EQ(wrong.status, 409) << wrong.body;
  EXPECT_EQ(wrong.json["count"].as<int>(), 2);
  EXPECT_FALSE(wrong.json["verified"].as<bool>());
  const admin_reply none = call("POST", "/verify", R"({"command": "UserDeleteRequest"})");
  EXPECT_EQ(none.status, 200);
  EXPECT_EQ(none.json["count"].as<int>(), 0);
  EXPECT_EQ(none.json["entries"].size(), 0U);

  ASSERT_EQ(call("DELETE", "/journal").status, 200);
  EXPECT_EQ(call("POST", "/verify", "{}").json["count"].as<int>(), 0) << "the cleared journal";
}

TEST_F(AdminApi, AVerifyPatternWithProblemsIsRefusedWithWhereAndWhat) {
  const admin_reply empty = call("POST", "/verify");
  EXPECT_EQ(empty.status, 400);
  EXPECT_NE(empty.json["error"].as<std::string>().find("send the pattern"), std::string::npos) << empty.body;

  const admin_reply typo = call("POST", "/verify", R"({"comand": "UserGetRequest23V2"})");
  ASSERT_EQ(typo.status, 422) << typo.body;
  EXPECT_EQ(typo.json["problems"][0]["message"].as<std::string>(),
            "comand: unknown key 'comand' (did you mean 'command'?)");

  const admin_reply zero = call("POST", "/verify", "{\"command\": \"UserGetRequest23V2\",\n \"times\": 0}");
  ASSERT_EQ(zero.status, 422) << zero.body;
  EXPECT_EQ(zero.json["problems"][0]["line"].as<int>(), 2);
  EXPECT_EQ(zero.json["problems"][0]["message"].as<std::string>(),
            "times: must be 1 or more, got 0 (leave 'times' out to just count)");

  const admin_reply response_type = call("POST", "/verify", R"({"command": "UserGetResponse23V2"})");
  EXPECT_EQ(response_type.status, 422);
  EXPECT_NE(response_type.body.find("is not a request type"), std::string::npos) << response_type.body;

  const admin_reply bad_regex = call("POST", "/verify", R"({"fields": {"deviceName": {"regex": "("}}})");
  EXPECT_EQ(bad_regex.status, 422) << bad_regex.body;
  EXPECT_NE(bad_regex.body.find("fields.deviceName.regex"), std::string::npos) << bad_regex.body;

  const admin_reply wrapped = call("POST", "/verify", R"({"when": {"command": "UserGetRequest23V2"}})");
  EXPECT_EQ(wrapped.status, 422);
  EXPECT_NE(wrapped.body.find("at the top of the pattern"), std::string::npos) << wrapped.body;

  const admin_reply list = call("POST", "/verify", R"(["UserGetRequest23V2"])");
  EXPECT_EQ(list.status, 422);
  EXPECT_NE(list.body.find("expected a map"), std::string::npos) << list.body;

  const admin_reply broken = call("POST", "/verify", R"({"command": "UserGetRequest23V2")");
  EXPECT_EQ(broken.status, 422);
  EXPECT_NE(broken.body.find("syntax error"), std::string::npos) << broken.body;

  const admin_reply alias = call("POST", "/verify", "&a {x: *a}");
  EXPECT_EQ(alias.status, 422) << alias.body;
  EXPECT_NE(alias.body.find("aliases"), std::string::npos) << alias.body;
  EXPECT_EQ(call("GET", "/health").status, 200) << "the mock survived";

  const admin_reply comma = call("POST", "/verify", ",");
  EXPECT_EQ(comma.status, 422) << comma.body;

  const admin_reply get = call("GET", "/verify");
  EXPECT_EQ(get.status, 405);
  EXPECT_EQ(get.allow, "POST");
}

TEST_F(AdminApi, UnknownPathsAndMethodsAreRefusedClearly) {
  const admin_reply missing = call("GET", "/wrold");
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(missing.json["error"].as<std::string>().find("GET / lists them"), std::string::npos);
  const admin_reply wrong = call("GET", "/reset");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.allow, "POST");
  // A byte that is no UTF-8 (here from the query) is answered as U+FFFD: the JSON stays valid.
  const admin_reply latin1 = call("GET", "/journal?caf%e9=1");
  EXPECT_EQ(latin1.status, 400);
  EXPECT_NE(latin1.body.find(R"(unknown parameter 'caf\ufffd')"), std::string::npos) << latin1.body;
  EXPECT_EQ(latin1.json["error"].as<std::string>().substr(0, 25), "unknown parameter 'caf\xEF\xBF\xBD");
  const admin_reply index = call("GET", "/");
  ASSERT_EQ(index.status, 200);
  EXPECT_EQ(index.json["resources"].size(), 8U) << index.body;
}

}  // namespace
}  // namespace ocip::testing
