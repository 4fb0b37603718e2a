// The mock over TCP, fed bytes written by hand the way real clients send them (oci-p.md §2-3).
#include <random>
#include <regex>
#include <vector>

#include <gtest/gtest.h>

#include "mock_fixture.hpp"
#include "raw_socket.hpp"

namespace ocip::testing {
namespace {

constexpr std::string_view server_head =
    "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
    "<BroadsoftDocument protocol=\"OCI\" xmlns=\"C\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">";

std::string login_request(std::string_view session) {
  return std::string(
             "<?xml version='1.0' encoding='UTF-8'?>\n"
             "<BroadsoftDocument protocol=\"OCI\" xmlns=\"C\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
             "<sessionId xmlns=\"\">") +
         std::string(session) +
         "</sessionId><command xsi:type=\"LoginRequest22V5\" xmlns=\"\"><userId>admin</userId>"
         "<password>password</password></command></BroadsoftDocument>\n";
}

std::string token_request(std::string_view session, std::string_view echo, std::string_view user,
                          std::string_view device) {
  // Pretty printed with CRLF, no declaration, the XSI prefix bound on the command element.
  return std::string("<BroadsoftDocument protocol=\"OCI\" xmlns=\"C\">\r\n  <sessionId xmlns=\"\">") +
         std::string(session) + "</sessionId>\r\n  <command echo=\"" + std::string(echo) +
         "\" xmlns:x=\"http://www.w3.org/2001/XMLSchema-instance\" x:type=\"UserSingleSignOnCreateDeviceTokenRequest\" "
         "xmlns=\"\">\r\n"
         "    <userId>" +
         std::string(user) +
         "</userId>\r\n    <deviceLevel>Group</deviceLevel>\r\n"
         "    <deviceName>" +
         std::string(device) + "</deviceName>\r\n  </command>\r\n</BroadsoftDocument>";
}

std::string expected_admin_login_reply(std::string_view session) {
  return std::string(server_head) + "<sessionId xmlns=\"\">" + std::string(session) +
         "</sessionId><command echo=\"\" xsi:type=\"LoginResponse22V5\" xmlns=\"\"><loginType>System</loginType>"
         "<locale>en_US</locale><encoding>ISO-8859-1</encoding><isEnterprise>false</isEnterprise>"
         "<userDomain>localhost</userDomain></command></BroadsoftDocument>\n";
}

/// Splits a stream of server replies at each "</BroadsoftDocument>\n".
std::vector<std::string> split_replies(const std::string& stream) {
  std::vector<std::string> replies;
  constexpr std::string_view end = "</BroadsoftDocument>\n";
  std::size_t start = 0;
  for (std::size_t at = stream.find(end); at != std::string::npos; at = stream.find(end, start)) {
    replies.push_back(stream.substr(start, at + end.size() - start));
    start = at + end.size();
  }
  return replies;
}

TEST(RawTcp, LoginAndTokenSentOneByteAtATimeGetExactServerBytes) {
  running_mock mock;
  raw_socket peer(mock.port());
  ASSERT_TRUE(peer.connected());
  ASSERT_TRUE(peer.send_in_pieces(login_request("byte-by-byte"), 1));
  EXPECT_EQ(peer.read_documents(1), expected_admin_login_reply("byte-by-byte"));

  ASSERT_TRUE(peer.send_in_pieces(token_request("byte-by-byte", "t1", "alice@example.com", "polycom-01"), 1));
  const std::string reply = peer.read_documents(1);
  const std::regex token_reply(
      "<\\?xml version=\"1.0\" encoding=\"ISO-8859-1\"\\?>\n<BroadsoftDocument protocol=\"OCI\" xmlns=\"C\" "
      "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><sessionId xmlns=\"\">byte-by-byte</sessionId>"
      "<command echo=\"t1\" xsi:type=\"UserSingleSignOnCreateDeviceTokenResponse\" xmlns=\"\">"
      "<deviceToken>[0-9a-f]{64}</deviceToken></command></BroadsoftDocument>\n");
  EXPECT_TRUE(std::regex_match(reply, token_reply)) << reply;
}

TEST(RawTcp, PipelinedDocumentsInOneSegmentAreAnsweredInArrivalOrder) {
  running_mock mock;
  raw_socket peer(mock.port());
  ASSERT_TRUE(peer.connected());
  const std::string stream = login_request("pipe") + token_request("pipe", "owner", "alice@example.com", "polycom-01") +
                             " \n" + token_request("pipe", "locked", "carol@example.com", "polycom-locked-01") +
                             token_request("pipe", "no-dm", "dave@example.com", "ata-01") + "\r\n";
  ASSERT_TRUE(peer.send(stream));
  const std::vector<std::string> replies = split_replies(peer.read_documents(4));
  ASSERT_EQ(replies.size(), 4U);
  EXPECT_EQ(replies[0], expected_admin_login_reply("pipe"));
  EXPECT_NE(replies[1].find("echo=\"owner\" xsi:type=\"UserSingleSignOnCreateDeviceTokenResponse\""), std::string::npos)
      << replies[1];
  EXPECT_NE(
      replies[2].find("<command type=\"Error\" echo=\"locked\" xsi:type=\"c:ErrorResponse\" xmlns:c=\"C\" xmlns=\"\">"
                      "<summary>[Error 9102] Device is locked: polycom-locked-01</summary>"),
      std::string::npos)
      << replies[2];
  EXPECT_NE(replies[3].find("echo=\"no-dm\""), std::string::npos) << replies[3];
  EXPECT_NE(replies[3].find("[Error 9103]"), std::string::npos) << replies[3];
  for (const auto& reply : replies) {
    EXPECT_EQ(reply.rfind(server_head, 0), 0U) << reply;
  }
}

TEST(RawTcp, DocumentsSplitAtRandomPointsAreReassembled) {
  running_mock mock;
  raw_socket peer(mock.port());
  ASSERT_TRUE(peer.connected());
  const std::string stream = login_request("split") + token_request("split", "a", "bob@example.com", "polycom-01");
  std::mt19937 random(1234);
  std::size_t at = 0;
  while (at < stream.size()) {
    const std::size_t size = std::min<std::size_t>(1 + random() % 17, stream.size() - at);
    ASSERT_TRUE(peer.send_in_pieces(std::string_view(stream).substr(at, size), size));
    at += size;
  }
  const std::vector<std::string> replies = split_replies(peer.read_documents(2));
  ASSERT_EQ(replies.size(), 2U);
  EXPECT_EQ(replies[0], expected_admin_login_reply("split"));
  EXPECT_NE(replies[1].find("[Error 9101] User bob@example.com has no line port on device polycom-01"),
            std::string::npos)
      << replies[1];
}

TEST(RawTcp, Latin1RequestIsDecodedAndAnsweredInLatin1) {
  running_mock mock;
  raw_socket peer(mock.port());
  ASSERT_TRUE(peer.connected());
  // "Zoë" in ISO-8859-1: ë is the single byte 0xEB.
  const std::string request =
      "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<BroadsoftDocument protocol=\"OCI\" xmlns=\"C\" "
      "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><sessionId xmlns=\"\">latin1</sessionId>"
      "<command xsi:type=\"AuthenticationRequest\" xmlns=\"\"><userId>Zo\xEB@example.com</userId></command>"
      "</BroadsoftDocument>\n";
  ASSERT_TRUE(peer.send(request));
  const std::string reply = peer.read_documents(1);
  EXPECT_NE(reply.find("<userId>Zo\xEB@example.com</userId>"), std::string::npos) << reply;
  EXPECT_NE(reply.find("<passwordAlgorithm>MD5</passwordAlgorithm>"), std::string::npos) << reply;
}

TEST(RawTcp, GarbageClosesOnlyThatConnection) {
  running_mock mock;
  raw_socket healthy(mock.port());
  ASSERT_TRUE(healthy.send(login_request("healthy")));
  ASSERT_EQ(split_replies(healthy.read_documents(1)).size(), 1U);

  raw_socket hostile(mock.port());
  ASSERT_TRUE(hostile.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_TRUE(hostile.closed_by_peer());

  ASSERT_TRUE(healthy.send(token_request("healthy", "still", "alice@example.com", "polycom-01")));
  EXPECT_NE(healthy.read_documents(1).find("UserSingleSignOnCreateDeviceTokenResponse"), std::string::npos);
}

TEST(RawTcp, MalformedXmlDocumentClosesCleanly) {
  running_mock mock;
  raw_socket hostile(mock.port());
  ASSERT_TRUE(
      hostile.send("<BroadsoftDocument protocol=\"OCI\" xmlns=\"C\"><sessionId>x</sessionId>"
                   "<command></wrong></BroadsoftDocument>"));
  EXPECT_TRUE(hostile.closed_by_peer());
}

TEST(RawTcp, OversizedDocumentClosesTheConnection) {
  running_mock mock;  // the fixture limits documents to 64 KiB
  raw_socket hostile(mock.port());
  const std::string huge =
      "<BroadsoftDocument protocol=\"OCI\" xmlns=\"C\"><sessionId xmlns=\"\">" + std::string(100 * 1024, 'x');
  hostile.send(huge);
  EXPECT_TRUE(hostile.closed_by_peer());
}

TEST(RawTcp, ManyConcurrentConnectionsAreServed) {
  running_mock mock;
  constexpr int connections = 40;
  std::vector<std::unique_ptr<raw_socket>> peers;
  for (int i = 0; i < connections; ++i) {
    peers.push_back(std::make_unique<raw_socket>(mock.port()));
    ASSERT_TRUE(peers.back()->connected());
    ASSERT_TRUE(peers.back()->send(login_request("many-" + std::to_string(i))));
  }
  for (int i = 0; i < connections; ++i) {
    EXPECT_EQ(peers[static_cast<std::size_t>(i)]->read_documents(1),
              expected_admin_login_reply("many-" + std::to_string(i)));
  }
}

TEST(RawTcp, StopClosesLiveConnectionsAndIsIdempotent) {
  running_mock mock;
  raw_socket peer(mock.port());
  ASSERT_TRUE(peer.send(login_request("stopping")));
  ASSERT_EQ(split_replies(peer.read_documents(1)).size(), 1U);
  mock.server().stop();
  mock.server().stop();
  EXPECT_TRUE(peer.closed_by_peer());
}

}  // namespace
}  // namespace ocip::testing
