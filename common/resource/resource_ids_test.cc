#include "common/resource/resource_ids.h"

#include "google/protobuf/empty.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "gtest/gtest.h"

namespace outreach {
namespace {

TEST(ResourceIdsTest, Ids) {
  EXPECT_TRUE(IsValidId("kiev-2013"));
  EXPECT_FALSE(IsValidId("2013-kiev"));
  EXPECT_FALSE(IsValidId("kiev-"));
  EXPECT_FALSE(IsValidId(std::string(64, 'a')));
}

// Fields this build does not know change what a request looks like, not
// what it asks: the canonical bytes ignore them, the deterministic ones
// (request fingerprints) do not.
TEST(ResourceIdsTest, CanonicalBytesIgnoreUnknownFields) {
  google::protobuf::Timestamp plain;
  plain.set_seconds(42);
  google::protobuf::Timestamp extended = plain;
  // Field 15, varint 7: unknown to Timestamp.
  ASSERT_TRUE(extended.MergeFromString(std::string("\x78\x07", 2)));
  EXPECT_NE(DeterministicBytes(plain), DeterministicBytes(extended));
  EXPECT_EQ(CanonicalBytes(plain), CanonicalBytes(extended));
  EXPECT_EQ(CanonicalBytes(plain), DeterministicBytes(plain));
}

TEST(ResourceIdsTest, Slugs) {
  EXPECT_EQ(Slugify("Wiesbaden II: Industry & 1540", "2013"),
            "wiesbaden-ii-industry-1540-2013");
  EXPECT_EQ(Slugify("1540 at 20"), "item-1540-at-20");
  EXPECT_EQ(Slugify("1540 at 20", "2024", 48, "event"),
            "event-1540-at-20-2024");
  EXPECT_EQ(Slugify("Семинар"), "item");
  EXPECT_TRUE(IsValidId(Slugify(std::string(200, 'x'), "2013")));
  EXPECT_EQ(WithNumberSuffix("kiev", 2), "kiev-2");
  EXPECT_TRUE(IsValidId(WithNumberSuffix(std::string(63, 'a'), 12)));
}

TEST(ResourceIdsTest, Etags) {
  EXPECT_EQ(*RevisionFromEtag(EtagForRevision(300), "etag"), 300);
  EXPECT_FALSE(RevisionFromEtag("garbage", "etag").ok());
  EXPECT_FALSE(RevisionFromEtag("r0", "etag").ok());
}

TEST(ResourceIdsTest, PageTokens) {
  const uint64_t fp = Fingerprint({"filter", "order"});
  const std::string token = EncodePageToken(fp, {"a", "b\nc"});
  auto parts = DecodePageToken(token, fp, 2);
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ((*parts)[0], "a");
  EXPECT_EQ((*parts)[1], "b\nc");
  EXPECT_FALSE(DecodePageToken(token, Fingerprint({"other"}), 2).ok());
  EXPECT_FALSE(DecodePageToken("%%%", fp, 2).ok());
  EXPECT_FALSE(DecodePageToken(EncodePageToken(fp, {"a"}), fp, 2).ok());
}

}  // namespace
}  // namespace outreach
