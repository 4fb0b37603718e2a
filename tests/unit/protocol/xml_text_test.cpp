// The XML text helpers shared by the codec, the SOAP envelope and the schema check.
#include "ocip/protocol/xml_text.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

namespace ocip::protocol {
namespace {

/// Every code point of a text, or nullopt at the first byte that does not start one.
std::optional<std::vector<char32_t>> code_points(std::string_view text) {
  std::vector<char32_t> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto c = next_utf8_code_point(text, pos);
    if (!c) {
      return std::nullopt;
    }
    out.push_back(*c);
  }
  return out;
}

std::string escaped(std::string_view text, xml_escape context, xml_output output, xml_controls controls) {
  std::string out = "[";  // appends, never replaces
  append_xml_escaped(out, text, context, output, controls);
  return out;
}

// ---- reading UTF-8 -------------------------------------------------------------------------------

TEST(XmlTextUtf8, ReadsOneToFourByteSequences) {
  // "A", "é" (U+00E9), "Ł" (U+0141), "€" (U+20AC), "😀" (U+1F600).
  EXPECT_EQ(code_points("A\xC3\xA9\xC5\x81\xE2\x82\xAC\xF0\x9F\x98\x80"),
            (std::vector<char32_t>{0x41, 0xE9, 0x141, 0x20AC, 0x1F600}));
}

TEST(XmlTextUtf8, AdvancesPastTheSequenceItRead) {
  const std::string_view text = "\xC5\x81x";
  std::size_t pos = 0;
  EXPECT_EQ(next_utf8_code_point(text, pos), char32_t{0x141});
  EXPECT_EQ(pos, 2u);
  EXPECT_EQ(next_utf8_code_point(text, pos), char32_t{'x'});
  EXPECT_EQ(pos, 3u);
}

TEST(XmlTextUtf8, RefusesInvalidSequencesAndLeavesThePositionAlone) {
  for (const std::string_view bad : {
           std::string_view{"\x80"},              // a continuation byte alone
           std::string_view{"\xC0\xAF"},          // overlong '/'
           std::string_view{"\xC1\x81"},          // overlong 'A'
           std::string_view{"\xE0\x80\xAF"},      // overlong '/' in three bytes
           std::string_view{"\xED\xA0\x80"},      // U+D800, a surrogate
           std::string_view{"\xF4\x90\x80\x80"},  // U+110000, past Unicode
           std::string_view{"\xF5\x80\x80\x80"},  // a lead byte no sequence starts with
           std::string_view{"\xC5"},              // truncated
           std::string_view{"\xE2\x82"},          // truncated
           std::string_view{"\xC5x"},             // a continuation that is not one
       }) {
    std::size_t pos = 0;
    EXPECT_EQ(next_utf8_code_point(bad, pos), std::nullopt) << "bytes of length " << bad.size();
    EXPECT_EQ(pos, 0u);
  }
}

TEST(XmlTextUtf8, ReadsTheEdgesOfEachLength) {
  EXPECT_EQ(code_points("\x7F\xC2\x80\xDF\xBF\xE0\xA0\x80\xEF\xBF\xBF\xF0\x90\x80\x80\xF4\x8F\xBF\xBF"),
            (std::vector<char32_t>{0x7F, 0x80, 0x7FF, 0x800, 0xFFFF, 0x10000, 0x10FFFF}));
  EXPECT_EQ(code_points("\xED\x9F\xBF\xEE\x80\x80"), (std::vector<char32_t>{0xD7FF, 0xE000}));
}

TEST(XmlTextUtf8, FirstInvalidFindsTheOffendingByte) {
  EXPECT_EQ(first_invalid_utf8("Zo\xC3\xAB \xC5\x81ukasz", utf8_check::sequences), std::nullopt);
  EXPECT_EQ(first_invalid_utf8("ab\xC3\xA9\xFF", utf8_check::sequences), std::size_t{4});
  EXPECT_EQ(first_invalid_utf8("ab\xE9z", utf8_check::sequences), std::size_t{2});  // Latin-1 'é'
  // Valid UTF-8 that XML cannot carry: a C0 control and U+FFFE.
  EXPECT_EQ(first_invalid_utf8("a\x01", utf8_check::sequences), std::nullopt);
  EXPECT_EQ(first_invalid_utf8("a\x01", utf8_check::xml_characters), std::size_t{1});
  EXPECT_EQ(first_invalid_utf8("ab\xEF\xBF\xBE", utf8_check::xml_characters), std::size_t{2});
  EXPECT_EQ(first_invalid_utf8("a\tb\r\nc", utf8_check::xml_characters), std::nullopt);
}

TEST(XmlTextChars, FollowsTheXmlCharProduction) {
  EXPECT_TRUE(is_xml_char(0x09));
  EXPECT_TRUE(is_xml_char(0x0A));
  EXPECT_TRUE(is_xml_char(0x0D));
  EXPECT_FALSE(is_xml_char(0x00));
  EXPECT_FALSE(is_xml_char(0x1F));
  EXPECT_TRUE(is_xml_char(0x20));
  EXPECT_TRUE(is_xml_char(0xD7FF));
  EXPECT_FALSE(is_xml_char(0xD800));
  EXPECT_TRUE(is_xml_char(0xFFFD));
  EXPECT_FALSE(is_xml_char(0xFFFE));
  EXPECT_FALSE(is_xml_char(0xFFFF));
  EXPECT_TRUE(is_xml_char(0x10FFFF));
  EXPECT_FALSE(is_xml_char(0x110000));
  EXPECT_TRUE(is_xml_space('\r'));
  EXPECT_FALSE(is_xml_space('\v'));
}

// ---- encodings -----------------------------------------------------------------------------------

TEST(XmlTextEncoding, Latin1BytesBecomeTwoByteUtf8) {
  EXPECT_EQ(latin1_to_utf8("Zo\xEB"), "Zo\xC3\xAB");
  EXPECT_EQ(latin1_to_utf8("\x80\xFF"), "\xC2\x80\xC3\xBF");
  EXPECT_EQ(latin1_to_utf8(""), "");
}

TEST(XmlTextEncoding, KnowsTheNamesDeclarationsUse) {
  EXPECT_EQ(encoding_named("ISO-8859-1"), xml_encoding::latin1);
  EXPECT_EQ(encoding_named("Latin-1"), xml_encoding::latin1);
  EXPECT_EQ(encoding_named("iso_8859-1"), xml_encoding::latin1);
  EXPECT_EQ(encoding_named("UTF-8"), xml_encoding::utf8);
  EXPECT_EQ(encoding_named("utf8"), xml_encoding::utf8);
  EXPECT_EQ(encoding_named("US-ASCII"), xml_encoding::utf8);
  EXPECT_EQ(encoding_named("UTF-16"), std::nullopt);
  EXPECT_EQ(encoding_named("windows-1252"), std::nullopt);
  EXPECT_EQ(encoding_named(""), std::nullopt);
}

TEST(XmlTextEncoding, FindsALeadingDeclarationAndWhereItEnds) {
  const auto found = find_xml_declaration("\n <?xml version='1.0'?><a/>");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->begin, 2u);
  EXPECT_EQ(found->end, std::size_t{23});
  const auto bare = find_xml_declaration("<?xml?>");
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->end, std::size_t{7});
  const auto open = find_xml_declaration("<?xml version='1.0' <a/>");
  ASSERT_TRUE(open);
  EXPECT_EQ(open->end, std::nullopt);
  EXPECT_EQ(find_xml_declaration("<a/>"), std::nullopt);
  EXPECT_EQ(find_xml_declaration("<?xml-stylesheet href='a'?>"), std::nullopt);  // a processing instruction
  EXPECT_EQ(find_xml_declaration("x<?xml version='1.0'?>"), std::nullopt);       // not at the start
}

TEST(XmlTextNames, SplitsQualifiedNames) {
  EXPECT_EQ(xml_local_name("xsi:type"), "type");
  EXPECT_EQ(xml_prefix("xsi:type"), "xsi");
  EXPECT_EQ(xml_local_name("command"), "command");
  EXPECT_EQ(xml_prefix("command"), "");
  EXPECT_EQ(xml_local_name("soapenv:Envelope"), "Envelope");
}

// ---- escaping ------------------------------------------------------------------------------------

TEST(XmlTextEscape, TextEscapesMarkupAndCrOnly) {
  EXPECT_EQ(escaped("a&b<c>d\"e'f\r\n\tg", xml_escape::text, xml_output::utf8, xml_controls::replace),
            "[a&amp;b&lt;c&gt;d\"e'f&#13;\n\tg");
}

TEST(XmlTextEscape, AttributeAlsoEscapesQuoteAndLineBreaks) {
  EXPECT_EQ(escaped("a&b<c>d\"e'f\r\n\tg", xml_escape::attribute, xml_output::utf8, xml_controls::replace),
            "[a&amp;b&lt;c&gt;d&quot;e'f&#13;&#10;&#9;g");
}

TEST(XmlTextEscape, TextOrAttributeEscapesQuoteButKeepsLineBreaks) {
  EXPECT_EQ(escaped("a&b<c>d\"e'f\r\n\tg", xml_escape::text_or_attribute, xml_output::utf8, xml_controls::replace),
            "[a&amp;b&lt;c&gt;d&quot;e'f&#13;\n\tg");
}

TEST(XmlTextEscape, Utf8OutputCopiesTextBeyondAsciiUnchecked) {
  EXPECT_EQ(escaped("\xC5\x81\xFF", xml_escape::text, xml_output::utf8, xml_controls::replace), "[\xC5\x81\xFF");
}

TEST(XmlTextEscape, ControlsAreReplacedOrKept) {
  EXPECT_EQ(escaped("a\x01z\x1F", xml_escape::text, xml_output::utf8, xml_controls::replace),
            "[a\xEF\xBF\xBDz\xEF\xBF\xBD");
  EXPECT_EQ(escaped("a\x01z", xml_escape::attribute, xml_output::utf8, xml_controls::keep), "[a\x01z");
  EXPECT_EQ(escaped("a\x01z", xml_escape::text, xml_output::latin1, xml_controls::replace), "[a&#65533;z");
}

TEST(XmlTextEscape, Latin1OutputWritesLatin1BytesAndReferencesBeyond) {
  // "Zoë Łukasz €": ë fits in Latin-1, Ł (U+0141) and € (U+20AC) become references.
  EXPECT_EQ(
      escaped("Zo\xC3\xAB \xC5\x81ukasz \xE2\x82\xAC", xml_escape::text, xml_output::latin1, xml_controls::replace),
      "[Zo\xEB &#321;ukasz &#8364;");
  EXPECT_EQ(escaped("\xF0\x9F\x98\x80", xml_escape::attribute, xml_output::latin1, xml_controls::replace),
            "[&#128512;");
}

TEST(XmlTextEscape, Latin1OutputReplacesWhatIsNotAnXmlCharacter) {
  // A stray Latin-1 byte, a truncated sequence, and U+FFFE: one replacement each.
  EXPECT_EQ(escaped("a\xE9z\xC5", xml_escape::text, xml_output::latin1, xml_controls::replace), "[a&#65533;z&#65533;");
  EXPECT_EQ(escaped("\xEF\xBF\xBE!", xml_escape::text, xml_output::latin1, xml_controls::replace), "[&#65533;!");
}

}  // namespace
}  // namespace ocip::protocol
