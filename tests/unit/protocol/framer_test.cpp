#include "ocip/protocol/framer.hpp"

#include <random>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fixtures.hpp"

namespace ocip::protocol {
namespace {

using test::read_fixture;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::vector<std::string> single_document_fixtures = {
    "server_token_response.xml",         "server_success_response.xml", "server_error_response.xml",
    "server_multi_command_tracking.xml", "server_names_non_latin1.xml", "client_auth_request_single_quotes.xml",
    "client_login_iso8859.xml",          "client_no_declaration.xml",   "client_pretty_crlf.xml",
    "client_xsi_prefix_on_command.xml",  "client_nil_field.xml",        "client_tracking_id.xml",
    "client_echo_multi_command.xml",
};

std::string trim_trailing_whitespace(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
  return text;
}

/// The documents a fixture holds, cut where each root end tag closes (how the test expects it,
/// independent of the framer's own scanning).
std::vector<std::string> expected_documents(const std::string& bytes) {
  constexpr std::string_view end_tag = "</BroadsoftDocument>";
  std::vector<std::string> documents;
  std::size_t start = 0;
  while (true) {
    start = bytes.find('<', start);
    if (start == std::string::npos) {
      break;
    }
    const std::size_t end = bytes.find(end_tag, start);
    if (end == std::string::npos) {
      break;
    }
    documents.push_back(bytes.substr(start, end + end_tag.size() - start));
    start = end + end_tag.size();
  }
  return documents;
}

std::vector<std::string> drain(framer& stream) {
  std::vector<std::string> documents;
  while (auto document = stream.next()) {
    documents.push_back(std::move(*document));
  }
  return documents;
}

std::vector<std::string> frame_in_pieces(const std::string& bytes, const std::vector<std::size_t>& cuts) {
  framer stream;
  std::size_t start = 0;
  std::vector<std::string> documents;
  for (const std::size_t cut : cuts) {
    stream.put(std::string_view{bytes}.substr(start, cut - start));
    start = cut;
    for (auto& document : drain(stream)) {
      documents.push_back(std::move(document));
    }
  }
  stream.put(std::string_view{bytes}.substr(start));
  for (auto& document : drain(stream)) {
    documents.push_back(std::move(document));
  }
  EXPECT_FALSE(stream.error().has_value()) << stream.error()->message;
  EXPECT_TRUE(stream.idle());
  return documents;
}

std::vector<std::string> all_fixture_names() {
  std::vector<std::string> names = single_document_fixtures;
  names.push_back("client_pipelined_three.xml");
  return names;
}

TEST(Framer, ExpectedDocumentsOfFixtures) {
  EXPECT_EQ(expected_documents(read_fixture("client_pipelined_three.xml")).size(), 3U);
  for (const std::string& name : single_document_fixtures) {
    const std::string bytes = read_fixture(name);
    EXPECT_THAT(expected_documents(bytes), ElementsAre(trim_trailing_whitespace(bytes))) << name;
  }
}

TEST(Framer, SplitsOneByteAtATime) {
  for (const std::string& name : all_fixture_names()) {
    SCOPED_TRACE(name);
    const std::string bytes = read_fixture(name);
    std::vector<std::size_t> cuts;
    for (std::size_t i = 1; i < bytes.size(); ++i) {
      cuts.push_back(i);
    }
    EXPECT_EQ(frame_in_pieces(bytes, cuts), expected_documents(bytes));
  }
}

TEST(Framer, SplitsAtRandomPoints) {
  std::mt19937 random{20240611U};
  for (const std::string& name : all_fixture_names()) {
    SCOPED_TRACE(name);
    const std::string bytes = read_fixture(name);
    for (int round = 0; round < 40; ++round) {
      std::uniform_int_distribution<std::size_t> step{1, 64};
      std::vector<std::size_t> cuts;
      for (std::size_t at = step(random); at < bytes.size(); at += step(random)) {
        cuts.push_back(at);
      }
      EXPECT_EQ(frame_in_pieces(bytes, cuts), expected_documents(bytes)) << "round " << round;
    }
  }
}

TEST(Framer, CoalescedFixturesComeOutInOrder) {
  std::string stream_bytes;
  std::vector<std::string> expected;
  for (const std::string& name : all_fixture_names()) {
    const std::string bytes = read_fixture(name);
    stream_bytes += bytes;
    stream_bytes += "\n";  // a fixture may end right at '>'; keep documents apart as a client would
    for (auto& document : expected_documents(bytes)) {
      expected.push_back(std::move(document));
    }
  }
  EXPECT_EQ(frame_in_pieces(stream_bytes, {}), expected);
}

TEST(Framer, BackToBackWithoutSeparator) {
  framer stream;
  stream.put("<a x='1'/><b>t</b>\r\n\t <c/>");
  EXPECT_THAT(drain(stream), ElementsAre("<a x='1'/>", "<b>t</b>", "<c/>"));
  EXPECT_FALSE(stream.error().has_value());
  EXPECT_TRUE(stream.idle());
}

TEST(Framer, GarbageOutsideDocumentIsAnError) {
  framer stream;
  stream.put("GET / HTTP/1.1\r\n");
  EXPECT_TRUE(drain(stream).empty());
  ASSERT_TRUE(stream.error().has_value());
  EXPECT_THAT(stream.error()->message, HasSubstr("byte 0x47 ('G') outside a document"));
  EXPECT_THAT(stream.error()->message, HasSubstr("stream offset 0"));
}

TEST(Framer, DocumentsBeforeGarbageStillComeOut) {
  framer stream;
  stream.put("<a>1</a>\n<b>2</b>");
  stream.put(" x<c>3</c>");
  EXPECT_THAT(drain(stream), ElementsAre("<a>1</a>", "<b>2</b>"));
  ASSERT_TRUE(stream.error().has_value());
  EXPECT_THAT(stream.error()->message, HasSubstr("stream offset 18"));
}

TEST(Framer, BytesAfterAnErrorAreIgnored) {
  framer stream;
  stream.put("junk");
  stream.put("<a/>");
  EXPECT_TRUE(drain(stream).empty());
  EXPECT_TRUE(stream.error().has_value());
}

TEST(Framer, TextBeforeRootIsAnError) {
  framer stream;
  stream.put("<?xml version='1.0'?>\nhello<a/>");
  EXPECT_TRUE(drain(stream).empty());
  ASSERT_TRUE(stream.error().has_value());
  EXPECT_THAT(stream.error()->message, HasSubstr("text before the root element"));
}

TEST(Framer, OversizeDocumentIsAnError) {
  framer stream{64};
  stream.put("<BroadsoftDocument>");
  stream.put(std::string(100, 'x'));
  EXPECT_TRUE(drain(stream).empty());
  ASSERT_TRUE(stream.error().has_value());
  EXPECT_THAT(stream.error()->message, HasSubstr("larger than the limit of 64 bytes"));
}

TEST(Framer, OversizeWithoutContentIsAnError) {
  framer stream{32};
  for (int i = 0; i < 20 && !stream.error(); ++i) {
    stream.put("<a b='c'>");
  }
  ASSERT_TRUE(stream.error().has_value());
  EXPECT_THAT(stream.error()->message, HasSubstr("limit of 32 bytes"));
}

TEST(Framer, DocumentOfExactlyTheLimitPasses) {
  const std::string document = "<a>" + std::string(10, 'x') + "</a>";
  framer stream{document.size()};
  stream.put(document);
  EXPECT_THAT(drain(stream), ElementsAre(document));
  EXPECT_FALSE(stream.error().has_value());
}

TEST(Framer, CommentsCdataAndQuotedValuesDoNotEndDocument) {
  const std::string document =
      "<?xml version=\"1.0\"?><!-- before </root> --><root a=\"x>y\" b='</root>' c=\"/>\">"
      "<!-- </root> - -- --><![CDATA[</root> ]] ] > ]]><?pi </root> ?><e f='>'/>text</root>";
  const std::string bytes = document + "\n";
  for (std::size_t cut = 1; cut < bytes.size(); ++cut) {
    EXPECT_EQ(frame_in_pieces(bytes, {cut}), std::vector<std::string>{document}) << "cut at " << cut;
  }
}

TEST(Framer, NestedElementsOfTheSameNameEndAtTheRoot) {
  framer stream;
  stream.put("<a><a><a/></a><a></a></a>");
  EXPECT_THAT(drain(stream), ElementsAre("<a><a><a/></a><a></a></a>"));
}

TEST(Framer, DoctypeIsRefused) {
  framer stream;
  stream.put("<!DOCTYPE a [<!ENTITY x 'y'>]><a/>");
  EXPECT_TRUE(drain(stream).empty());
  ASSERT_TRUE(stream.error().has_value());
  EXPECT_THAT(stream.error()->message, HasSubstr("DOCTYPE"));
}

TEST(Framer, CdataOutsideRootIsRefused) {
  framer stream;
  stream.put("<![CDATA[x]]><a/>");
  ASSERT_TRUE(stream.error().has_value());
  EXPECT_THAT(stream.error()->message, HasSubstr("CDATA section outside the root element"));
}

TEST(Framer, EndTagBeforeStartTagIsRefused) {
  framer stream;
  stream.put("</a>");
  ASSERT_TRUE(stream.error().has_value());
  EXPECT_THAT(stream.error()->message, HasSubstr("end tag before any start tag"));
}

TEST(Framer, MalformedMarkupIsRefused) {
  for (const std::string bytes : {"< a/>", "<>", "<a<b>", "<a></a<>"}) {
    framer stream;
    stream.put(bytes);
    EXPECT_TRUE(stream.error().has_value()) << bytes;
  }
}

TEST(Framer, ByteOrderMarkBeforeDocumentIsSkipped) {
  framer stream;
  stream.put("\xEF\xBB");
  stream.put("\xBF<a/>\xEF\xBB\xBF<b/>");
  EXPECT_THAT(drain(stream), ElementsAre("<a/>", "<b/>"));
  EXPECT_FALSE(stream.error().has_value());
}

TEST(Framer, IdleOnlyBetweenDocuments) {
  framer stream;
  EXPECT_TRUE(stream.idle());
  stream.put("  \n");
  EXPECT_TRUE(stream.idle());
  stream.put("<a>");
  EXPECT_FALSE(stream.idle());
  stream.put("</a>");
  EXPECT_TRUE(stream.idle());
  stream.put("<?xml version='1.0'?>");
  EXPECT_FALSE(stream.idle());
}

TEST(Framer, ManyDocumentsInSmallPieces) {
  const std::string one = read_fixture("client_pretty_crlf.xml");
  std::string bytes;
  for (int i = 0; i < 500; ++i) {
    bytes += one;
  }
  framer stream;
  std::size_t count = 0;
  for (std::size_t at = 0; at < bytes.size(); at += 7) {
    stream.put(std::string_view{bytes}.substr(at, 7));
    while (auto document = stream.next()) {
      EXPECT_EQ(*document, trim_trailing_whitespace(one));
      ++count;
    }
  }
  EXPECT_EQ(count, 500U);
  EXPECT_FALSE(stream.error().has_value());
}

}  // namespace
}  // namespace ocip::protocol
