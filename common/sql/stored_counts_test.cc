#include "common/sql/stored_counts.h"

#include <map>
#include <string>
#include <utility>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "common/sqlite/sqlite_db.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace outreach {
namespace {

class StoredCountsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SqliteOptions o;
    o.path = dir_.path() + "/counts.db";
    o.migrations = {kStoredCountsSchema};
    auto db = SqliteDb::Open(std::move(o));
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
  }
  std::map<std::pair<std::string, std::string>, int64_t> Read() {
    std::map<std::pair<std::string, std::string>, int64_t> out;
    auto counts = ReadCounts(*db_);
    EXPECT_TRUE(counts.ok()) << counts.status();
    if (counts.ok()) {
      for (const auto& c : *counts) out[{c.dimension, c.key}] = c.n;
    }
    return out;
  }
  int64_t Rows(const std::string& table) {
    int64_t n = -1;
    EXPECT_TRUE(db_->Read([&](SqlConnection& c) -> absl::Status {
                     auto s = c.Prepare(
                         absl::StrCat("SELECT COUNT(*) FROM ", table));
                     if (!s.ok()) return s.status();
                     auto row = s->Step();
                     if (!row.ok()) return row.status();
                     n = s->ColumnInt64(0);
                     return absl::OkStatus();
                   })
                    .ok());
    return n;
  }
  testing::TempDir dir_;
  std::unique_ptr<SqliteDb> db_;
};

// Many changes, so that several folds happen on the way: the counts read
// equal the model's after every write, and the deltas stay few.
TEST_F(StoredCountsTest, CountsEqualTheSumOfEveryChangeAcrossFolds) {
  std::map<std::pair<std::string, std::string>, int64_t> model;
  absl::BitGen gen;
  int64_t most_deltas = 0;
  for (int i = 0; i < 3 * kFoldEvery; ++i) {
    const std::string key = absl::StrCat("k", absl::Uniform(gen, 0, 7));
    // Mostly up, sometimes down, never below zero (as rows counted).
    int64_t delta = 1;
    if (model[{"d", key}] > 0 && absl::Bernoulli(gen, 0.3)) delta = -1;
    ASSERT_TRUE(db_->Write([&](SqlConnection& c) {
                     return AddToCount(c, "d", key, delta);
                   })
                    .ok());
    model[{"d", key}] += delta;
    most_deltas = std::max(most_deltas, Rows("count_deltas"));
  }
  std::map<std::pair<std::string, std::string>, int64_t> positive;
  for (const auto& [k, n] : model) {
    if (n > 0) positive[k] = n;
  }
  EXPECT_EQ(Read(), positive);
  EXPECT_GT(Rows("counts"), 0) << "no fold happened";
  EXPECT_LE(most_deltas, kFoldEvery) << "the deltas were never folded";
}

TEST_F(StoredCountsTest, AWriteThatFailsCountsNothing) {
  ASSERT_TRUE(db_->Write([](SqlConnection& c) {
                   return AddToCount(c, "kind", "1", +1);
                 })
                  .ok());
  EXPECT_FALSE(db_->Write([](SqlConnection& c) -> absl::Status {
                    if (auto s = AddToCount(c, "kind", "1", +5); !s.ok())
                      return s;
                    if (auto s = FoldCounts(c); !s.ok()) return s;
                    return absl::AbortedError("the write was refused");
                  })
                   .ok());
  using K = std::pair<std::string, std::string>;
  EXPECT_EQ(Read(), (std::map<K, int64_t>{{{"kind", "1"}, 1}}));
}

TEST_F(StoredCountsTest, CountsThatFallToZeroAreNotRead) {
  ASSERT_TRUE(db_->Write([](SqlConnection& c) -> absl::Status {
                   if (auto s = AddToCount(c, "country", "UA", +1); !s.ok())
                     return s;
                   if (auto s = AddToCount(c, "country", "MD", +1); !s.ok())
                     return s;
                   if (auto s = FoldCounts(c); !s.ok()) return s;
                   return AddToCount(c, "country", "UA", -1);
                 })
                  .ok());
  using K = std::pair<std::string, std::string>;
  EXPECT_EQ(Read(), (std::map<K, int64_t>{{{"country", "MD"}, 1}}));
}

}  // namespace
}  // namespace outreach
