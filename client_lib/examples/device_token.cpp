// Example: log in to an OCI-P server and ask for a Single Sign-On device token.
//
//   device_token HOST PORT ADMIN_ID USER_ID DEVICE_LEVEL DEVICE_NAME
//
// The administrator's password is read from the environment variable OCIP_PASSWORD, so it stays out
// of the shell history. Against the mock's default scenario:
//
//   OCIP_PASSWORD=password device_token 127.0.0.1 2208 admin alice@example.com Group polycom-01
#include <cstdlib>
#include <iostream>
#include <string>

#include "ocip/client/client.hpp"

int main(int argc, char** argv) {
  if (argc != 7 || std::getenv("OCIP_PASSWORD") == nullptr) {
    std::cerr << "usage: OCIP_PASSWORD=... device_token HOST PORT ADMIN_ID USER_ID DEVICE_LEVEL DEVICE_NAME\n";
    return 2;
  }
  ocip::client::client_options options;
  options.host = argv[1];
  options.port = static_cast<std::uint16_t>(std::stoi(argv[2]));
  options.flow = ocip::client::login_flow::nonce;  // AuthenticationRequest + LoginRequest14sp4

  ocip::client::client session(options);
  if (auto login = session.login(argv[3], std::getenv("OCIP_PASSWORD")); !login) {
    std::cerr << "login failed: " << ocip::client::describe(login.error()) << "\n";
    return 1;
  }

  auto token = session.create_device_token({argv[4], argv[5], argv[6]});
  if (!token) {
    // Three different failures: the network, the peer's bytes, or the server saying no.
    if (const auto* refused = ocip::client::as_server_error(token.error())) {
      std::cerr << "refused: " << refused->response.summary << "\n";
    } else {
      std::cerr << "failed: " << ocip::client::describe(token.error()) << "\n";
    }
    return 1;
  }
  std::cout << "token of " << token.value().value.size() << " characters received\n";
  (void)session.logout();
  return 0;
}
