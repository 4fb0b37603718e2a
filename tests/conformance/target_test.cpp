#include "target.hpp"

#include <cstdlib>

#include <gtest/gtest.h>

namespace ocip::conformance {
namespace {

TEST(TargetFile, BuiltInMockTargetStartsTheMockWithKnownCodes) {
  const target t = built_in_mock_target();
  EXPECT_TRUE(t.in_process_mock);
  EXPECT_EQ(t.transports, (std::vector<std::string>{"tcp", "tls", "soap", "soaps"}));
  EXPECT_EQ(t.admin.user_id, "admin");
  EXPECT_EQ(t.owner.device.level, "Group");
  EXPECT_EQ(t.device_locked_code, 9102);
}

TEST(TargetFile, ExampleRealServerTargetLoadsWithPasswordsFromTheEnvironment) {
  ::setenv("OCIP_ADMIN_PASSWORD", "secret-1", 1);
  ::setenv("OCIP_OTHER_ADMIN_PASSWORD", "secret-2", 1);
  auto loaded = load_target_file(std::string(OCIP_CONFORMANCE_DIR) + "/targets/example-real-server.yaml");
  ASSERT_TRUE(loaded) << loaded.error();
  const target& t = loaded.value();
  EXPECT_FALSE(t.in_process_mock);
  EXPECT_EQ(t.host, "as1.lab.example.com");
  EXPECT_EQ(t.port, 2208);
  EXPECT_EQ(t.transports, std::vector<std::string>{"tcp"});
  EXPECT_EQ(t.admin.password, "secret-1");
  EXPECT_EQ(t.out_of_scope_admin.password, "secret-2");
  EXPECT_EQ(t.trunk_user.device.name, "conformance-sbc-01");
  EXPECT_EQ(t.no_line_port_code, std::nullopt);
}

TEST(TargetFile, MissingPasswordVariableIsReportedWithItsLocation) {
  ::unsetenv("OCIP_CONFORMANCE_UNSET_VARIABLE");
  auto loaded = load_target_text(R"yaml(version: 1
server: {host: h, port: 2208}
accounts:
  admin: {user_id: a, password_env: OCIP_CONFORMANCE_UNSET_VARIABLE}
)yaml",
                                 "t.yaml");
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().rfind("t.yaml:4:", 0), 0U) << loaded.error();
  EXPECT_NE(loaded.error().find("OCIP_CONFORMANCE_UNSET_VARIABLE is not set"), std::string::npos) << loaded.error();
}

TEST(TargetFile, UnknownKeyAndBadLevelAreErrors) {
  auto unknown = load_target_text("version: 1\nserver: {host: h, prot: 1}\n", "t.yaml");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().find("unknown key 'prot'"), std::string::npos) << unknown.error();

  auto level = load_target_text(R"yaml(version: 1
server: {mock: true}
accounts:
  admin: {user_id: a, password: p}
  out_of_scope_admin: {user_id: b, password: p}
roles:
  owner: {user_id: u, device: {level: Planet, name: d}}
)yaml",
                                "t.yaml");
  ASSERT_FALSE(level);
  EXPECT_NE(level.error().find("t.yaml:7:"), std::string::npos) << level.error();
  EXPECT_NE(level.error().find("'Planet' is not System, Service Provider or Group"), std::string::npos)
      << level.error();
}

TEST(TargetFile, TlsAndSoapTargetsTakeTheirDefaultPortsAndCertificateSettings) {
  constexpr std::string_view roles = R"yaml(
accounts:
  admin: {user_id: a, password: p}
  out_of_scope_admin: {user_id: b, password: p}
roles:
  owner: {user_id: u, device: {level: Group, name: d}}
  non_owner: v
  trunk_user: {user_id: t, device: {level: Group, name: s}}
  locked: {user_id: l, device: {level: Group, name: k}}
  no_device_management: {user_id: n, device: {level: Group, name: m}}
)yaml";
  auto tls =
      load_target_text(std::string("version: 1\nserver:\n  host: as1\n  transport: tls\n  tls: {ca_file: lab-ca.pem, "
                                   "server_name: as1.lab.example.com}\n") +
                           std::string(roles),
                       "tls.yaml");
  ASSERT_TRUE(tls) << tls.error();
  EXPECT_EQ(tls.value().transports, std::vector<std::string>{"tls"});
  EXPECT_EQ(tls.value().port, 2209);
  EXPECT_EQ(tls.value().ca_file, "lab-ca.pem");
  EXPECT_EQ(tls.value().server_name, "as1.lab.example.com");
  EXPECT_TRUE(tls.value().verify_peer);

  auto soap = load_target_text(std::string("version: 1\nserver:\n  host: xsp1\n  transport: soaps\n  soap_path: "
                                           "/OCIOverSoap/services/ProvisioningService\n  tls: {verify_peer: false}\n") +
                                   std::string(roles),
                               "soap.yaml");
  ASSERT_TRUE(soap) << soap.error();
  EXPECT_EQ(soap.value().port, 443);
  EXPECT_EQ(soap.value().soap_path, "/OCIOverSoap/services/ProvisioningService");
  EXPECT_FALSE(soap.value().verify_peer);

  auto unknown = load_target_text("version: 1\nserver: {host: h, transport: carrier-pigeon}\n", "t.yaml");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().find("'carrier-pigeon' is not one of tcp, tls, soap, soaps"), std::string::npos)
      << unknown.error();
}

TEST(TargetFile, WrongVersionIsRefused) {
  auto loaded = load_target_text("version: 2\n", "t.yaml");
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().find("version must be 1"), std::string::npos) << loaded.error();
}

}  // namespace
}  // namespace ocip::conformance
