// The schema validator against the vendor set (oci-p.md §9); skipped where the set is absent.
#include "ocip/mock/schema.hpp"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include "schema_support.hpp"

namespace ocip::mock {
namespace {

using protocol::command;
using protocol::element;
using ::testing::HasSubstr;
using ::testing::Not;

command make_command(std::string type, const std::vector<std::pair<std::string, std::string>>& fields) {
  command cmd;
  cmd.type = std::move(type);
  for (const auto& [name, text] : fields) {
    cmd.fields.push_back(element::leaf(name, text));
  }
  return cmd;
}

command token_request(std::string level, std::string device_name) {
  return make_command(
      "UserSingleSignOnCreateDeviceTokenRequest",
      {{"userId", "alice@example.com"}, {"deviceLevel", std::move(level)}, {"deviceName", std::move(device_name)}});
}

/// A folder of its own under the system's temporary folder, removed afterwards.
class scratch_folder {
 public:
  scratch_folder()
      : path_(std::filesystem::temp_directory_path() / ("ocip-schema-test-" + std::to_string(::getpid()))) {
    std::filesystem::create_directories(path_);
  }
  ~scratch_folder() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  scratch_folder(const scratch_folder&) = delete;
  scratch_folder& operator=(const scratch_folder&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

TEST(SchemaDocument, OneCommandIsItsOwnDocumentWithBothPrefixesDeclared) {
  command cmd = make_command("AuthenticationRequest", {{"userId", "a&b <\"c\">"}});
  cmd.echo = "say \"hi\"\n";
  EXPECT_EQ(standalone_command_document(cmd),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<command xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:c=\"C\" "
            "echo=\"say &quot;hi&quot;&#10;\" xsi:type=\"AuthenticationRequest\">"
            "<userId>a&amp;b &lt;\"c\"&gt;</userId></command>\n");
}

TEST(SchemaDocument, SuccessAndErrorResponsesAreInNamespaceC) {
  EXPECT_THAT(standalone_command_document(protocol::success_response()), HasSubstr("xsi:type=\"c:SuccessResponse\">"));
  const command error = protocol::error_response::make(4008, "User not found: x").to_command();
  EXPECT_THAT(standalone_command_document(error), HasSubstr("type=\"Error\" xsi:type=\"c:ErrorResponse\">"));
}

TEST(SchemaDocument, NilAndNestedTypesKeepTheirXsiAttributes) {
  command cmd;
  cmd.type = "UserModifyRequest22";
  cmd.fields.push_back(element::leaf("userId", "alice@example.com"));
  cmd.fields.push_back(element::nil_leaf("phoneNumber"));
  element department = element::parent(
      "department",
      {element::leaf("serviceProviderId", "acme"), element::leaf("groupId", "sales"), element::leaf("name", "Desk")});
  department.xsi_type = "GroupDepartmentKey";
  cmd.fields.push_back(department);
  EXPECT_THAT(standalone_command_document(cmd),
              HasSubstr("<userId>alice@example.com</userId><phoneNumber xsi:nil=\"true\"></phoneNumber>"
                        "<department xsi:type=\"GroupDepartmentKey\"><serviceProviderId>acme</serviceProviderId>"));
}

TEST(SchemaDocument, NonAsciiTextStaysUtf8) {
  const std::string text = standalone_command_document(make_command("AuthenticationRequest", {{"userId", "Łukasz"}}));
  EXPECT_THAT(text, HasSubstr("<userId>\xC5\x81ukasz</userId>"));
}

TEST(SchemaDocument, TooManyCommandsReadsLikeTheValidator) {
  EXPECT_EQ(too_many_commands_message(16),
            "Element 'command': This element is not expected. (BroadsoftDocument holds 16 commands; the schema "
            "allows at most 15, maxOccurs=\"15\")");
}

TEST(SchemaLoad, MissingFolderIsNamed) {
  const auto loaded = schema_validator::load("/nonexistent/ocip-schema-folder");
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error(), "schema folder '/nonexistent/ocip-schema-folder' does not exist");
}

TEST(SchemaLoad, FolderWithoutTheCommandRootIsNamed) {
  scratch_folder folder;
  const auto loaded = schema_validator::load(folder.path());
  ASSERT_FALSE(loaded);
  EXPECT_THAT(loaded.error(), HasSubstr("'" + (folder.path() / "OCICommandRoot.xsd").string() + "' not found"));
}

TEST(SchemaLoad, BrokenSchemaFileIsReportedWithItsLocationAndNotPrinted) {
  scratch_folder folder;
  std::ofstream(folder.path() / "OCICommandRoot.xsd")
      << "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\">\n"
         "<xs:element name=\"command\" type=\"NoSuchType\"/>\n</xs:schema>\n";
  ::testing::internal::CaptureStderr();
  const auto loaded = schema_validator::load(folder.path());
  const std::string printed = ::testing::internal::GetCapturedStderr();
  ASSERT_FALSE(loaded);
  EXPECT_THAT(loaded.error(), HasSubstr("OCICommandRoot.xsd:2: "));
  EXPECT_THAT(loaded.error(), HasSubstr("NoSuchType"));
  EXPECT_EQ(printed, "");
}

TEST(SchemaLoad, VendorSetLoadsWithoutPrintingItsWarnings) {
  if (!mock::testing::schema_folder_present()) {
    GTEST_SKIP() << mock::testing::schema_absent_message();
  }
  ::testing::internal::CaptureStderr();
  const auto loaded = schema_validator::load(OCIP_SCHEMA_DIR);
  const std::string printed = ::testing::internal::GetCapturedStderr();
  ASSERT_TRUE(loaded) << loaded.error();
  EXPECT_EQ(loaded.value()->folder(), std::filesystem::path(OCIP_SCHEMA_DIR));
  EXPECT_EQ(printed, "");  // the set draws "xmlns: URI C is not absolute" warnings: collected, not printed
}

TEST(SchemaValidation, ValidRequestsAndRepliesPass) {
  OCIP_NEED_SCHEMA(schema);
  EXPECT_TRUE(schema.validate_command(token_request("Service Provider", std::string(40, 'd'))));
  EXPECT_TRUE(schema.validate_command(make_command("LoginRequest22V5", {{"userId", "admin"}, {"password", "pw"}})));
  EXPECT_TRUE(schema.validate_command(make_command("SystemSoftwareVersionGetRequest", {})));
  EXPECT_TRUE(schema.validate_command(protocol::success_response()));
  command error =
      protocol::error_response::make(6004, "OCI XML Request validation error", "line 1\nline 2").to_command();
  error.echo = "";
  EXPECT_TRUE(schema.validate_command(error));
  command with_code = error;
  with_code.fields.insert(with_code.fields.begin(), element::leaf("errorCode", "6004"));
  EXPECT_TRUE(schema.validate_command(with_code));
}

TEST(SchemaValidation, EnumerationFacetIsNamed) {
  OCIP_NEED_SCHEMA(schema);
  const auto checked = schema.validate_command(token_request("Planet", "desk-01"));
  ASSERT_FALSE(checked);
  EXPECT_EQ(checked.error(),
            "Element 'deviceLevel': [facet 'enumeration'] The value 'Planet' is not an element of the set "
            "{'System', 'Service Provider', 'Group'}.");
}

TEST(SchemaValidation, MaxLengthCountsCharactersNotBytes) {
  OCIP_NEED_SCHEMA(schema);
  const auto too_long = schema.validate_command(token_request("Group", std::string(41, 'd')));
  ASSERT_FALSE(too_long);
  EXPECT_THAT(too_long.error(), HasSubstr("Element 'deviceName': [facet 'maxLength'] The value has a length of '41'"));
  std::string forty_letters;
  for (int i = 0; i < 40; ++i) {
    forty_letters += "\xC5\x81";  // Ł: two bytes, one character
  }
  EXPECT_TRUE(schema.validate_command(token_request("Group", forty_letters)));
}

TEST(SchemaValidation, MissingAndMisplacedElementsAreNamed) {
  OCIP_NEED_SCHEMA(schema);
  const auto missing = schema.validate_command(
      make_command("UserSingleSignOnCreateDeviceTokenRequest", {{"userId", "alice@example.com"}}));
  ASSERT_FALSE(missing);
  EXPECT_THAT(missing.error(), HasSubstr("Element 'command': Missing child element(s). Expected is ( deviceLevel )."));
  const auto out_of_order = schema.validate_command(make_command("LoginResponse14sp4", {{"locale", "en_US"},
                                                                                        {"loginType", "User"},
                                                                                        {"encoding", "ISO-8859-1"},
                                                                                        {"isEnterprise", "false"},
                                                                                        {"userDomain", "x"}}));
  ASSERT_FALSE(out_of_order);
  EXPECT_THAT(out_of_order.error(), HasSubstr("Element 'locale': This element is not expected."));
}

TEST(SchemaValidation, SeveralProblemsAreQuotedOnePerLine) {
  OCIP_NEED_SCHEMA(schema);
  const auto checked = schema.validate_command(token_request("Planet", std::string(41, 'd')));
  ASSERT_FALSE(checked);
  EXPECT_THAT(checked.error(), HasSubstr("'deviceLevel'"));
  EXPECT_THAT(checked.error(), HasSubstr("\nElement 'deviceName'"));
}

TEST(SchemaValidation, UnknownTypeDoesNotResolve) {
  OCIP_NEED_SCHEMA(schema);
  const auto checked = schema.validate_command(make_command("GroupFrobnicateRequest", {}));
  ASSERT_FALSE(checked);
  EXPECT_THAT(checked.error(), HasSubstr("GroupFrobnicateRequest"));
}

TEST(SchemaValidation, ResellerLoginTypeIsOnlyFor22V5) {
  OCIP_NEED_SCHEMA(schema);
  const std::vector<std::pair<std::string, std::string>> fields = {{"loginType", "Reseller"},
                                                                   {"locale", "en_US"},
                                                                   {"encoding", "ISO-8859-1"},
                                                                   {"isEnterprise", "false"},
                                                                   {"userDomain", "example.com"}};
  EXPECT_TRUE(schema.validate_command(make_command("LoginResponse22V5", fields)));
  EXPECT_FALSE(schema.validate_command(make_command("LoginResponse14sp4", fields)));
}

TEST(SchemaValidation, NonAsciiNamesValidate) {
  OCIP_NEED_SCHEMA(schema);
  for (const std::string name : {"M\xC3\xBCller@example.com", "Zo\xC3\xAB@example.com", "\xC5\x81ukasz@example.com"}) {
    EXPECT_TRUE(schema.validate_command(make_command("AuthenticationRequest", {{"userId", name}}))) << name;
  }
}

TEST(SchemaValidation, CharacterThatXmlForbidsIsRefusedNotCrashed) {
  OCIP_NEED_SCHEMA(schema);
  const auto checked = schema.validate_command(make_command("AuthenticationRequest", {{"userId", "a\x01z"}}));
  EXPECT_FALSE(checked);
  EXPECT_THAT(checked.error(), Not(""));
}

TEST(SchemaValidation, DocumentNamesTheCommandAndChecksTheCount) {
  OCIP_NEED_SCHEMA(schema);
  protocol::document doc;
  doc.session_id = "s";
  doc.commands = {make_command("AvailabilityTestRequest", {}), token_request("Planet", "desk")};
  const auto checked = schema.validate_document(doc);
  ASSERT_FALSE(checked);
  EXPECT_THAT(checked.error(),
              HasSubstr("command 2 (UserSingleSignOnCreateDeviceTokenRequest): Element 'deviceLevel'"));
  doc.commands.assign(16, make_command("AvailabilityTestRequest", {}));
  EXPECT_EQ(schema.validate_document(doc).error(), too_many_commands_message(16));
  doc.commands.resize(15);
  EXPECT_TRUE(schema.validate_document(doc));
}

TEST(SchemaValidation, OneValidatorServesSeveralThreadsAtOnce) {
  OCIP_NEED_SCHEMA(schema);
  std::atomic<int> wrong{0};
  constexpr int thread_count = 4;
  std::vector<std::thread> threads;
  threads.reserve(thread_count);
  for (int t = 0; t < thread_count; ++t) {
    threads.emplace_back([&schema, &wrong, t] {
      for (int i = 0; i < 50; ++i) {
        const bool want_valid = (i + t) % 2 == 0;
        const auto checked =
            schema.validate_command(token_request(want_valid ? "Group" : "Planet", "desk-" + std::to_string(i)));
        const bool message_ok = want_valid || checked.error().find("'Planet'") != std::string::npos;
        if (checked.has_value() != want_valid || !message_ok) {
          ++wrong;
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace ocip::mock
