#pragma once
// The vendor schema set for tests: loaded once per test program; tests skip where it is absent.

#include <filesystem>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "ocip/mock/schema.hpp"

namespace ocip::mock::testing {

/// True when the vendor schema folder exists (tests that need it skip otherwise).
inline bool schema_folder_present() {
  return std::filesystem::is_directory(OCIP_SCHEMA_DIR);
}

/// The message a test skips with when the folder is absent.
inline std::string schema_absent_message() {
  return std::string("vendor OCI-P schema not found at '") + OCIP_SCHEMA_DIR +
         "'; configure with -DOCIP_SCHEMA_DIR=<folder with OCICommandRoot.xsd> to run this test";
}

/// The validator for the vendor set, loaded on first use (about 0.3 s); the load error when the
/// folder is there but does not load.
inline const result<std::shared_ptr<const schema_validator>, std::string>& shared_schema() {
  static const auto loaded = schema_validator::load(OCIP_SCHEMA_DIR);
  return loaded;
}

}  // namespace ocip::mock::testing

/// Skips the test when the schema folder is absent, fails it when the folder does not load, and
/// otherwise declares `schema`, a `const schema_validator&`. The argument names a variable, so it
/// cannot be parenthesised.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define OCIP_NEED_SCHEMA(schema)                                                                                     \
  if (!::ocip::mock::testing::schema_folder_present()) {                                                             \
    GTEST_SKIP() << ::ocip::mock::testing::schema_absent_message();                                                  \
  }                                                                                                                  \
  ASSERT_TRUE(::ocip::mock::testing::shared_schema().has_value()) << ::ocip::mock::testing::shared_schema().error(); \
  const ::ocip::mock::schema_validator& schema = *::ocip::mock::testing::shared_schema().value()
// NOLINTEND(bugprone-macro-parentheses)
