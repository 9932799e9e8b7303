#include "common/text/utf8.h"

#include "gtest/gtest.h"

namespace outreach {
namespace {

TEST(Utf8Test, FindInvalid) {
  EXPECT_EQ(FindInvalidUtf8("plain"), absl::string_view::npos);
  EXPECT_EQ(FindInvalidUtf8("T\xc3\xbcrkiye"), absl::string_view::npos);
  EXPECT_EQ(FindInvalidUtf8("ab\xff"), 2u);
  EXPECT_EQ(FindInvalidUtf8("\xc0\xaf"), 0u);          // overlong
  EXPECT_EQ(FindInvalidUtf8("x\xed\xa0\x80"), 1u);     // surrogate
  EXPECT_EQ(FindInvalidUtf8("\xf4\x90\x80\x80"), 0u);  // past U+10FFFF
  EXPECT_EQ(FindInvalidUtf8("\xe2\x80"), 0u);          // truncated
}

TEST(Utf8Test, ToValid) {
  EXPECT_EQ(ToValidUtf8("kin\xe4=x"), "kin\xef\xbf\xbd=x");
  EXPECT_EQ(ToValidUtf8("ok \xe2\x80\x93"), "ok \xe2\x80\x93");
}

TEST(Utf8Test, PrefixNeverCutsACharacter) {
  const std::string s = "ab\xe2\x80\x93" "cd";  // "ab–cd"
  EXPECT_EQ(Utf8Prefix(s, 2), "ab");
  EXPECT_EQ(Utf8Prefix(s, 3), "ab");
  EXPECT_EQ(Utf8Prefix(s, 4), "ab");
  EXPECT_EQ(Utf8Prefix(s, 5), "ab\xe2\x80\x93");
  EXPECT_EQ(Utf8Prefix(s, 100), s);
  for (size_t n = 0; n <= s.size(); ++n) {
    EXPECT_EQ(FindInvalidUtf8(Utf8Prefix(s, n)), absl::string_view::npos);
  }
}

}  // namespace
}  // namespace outreach
