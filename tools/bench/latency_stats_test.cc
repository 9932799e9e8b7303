#include "tools/bench/latency_stats.h"

#include "gtest/gtest.h"

namespace outreach::bench {
namespace {

TEST(LatencyStatsTest, NearestRankPercentiles) {
  LatencyStats s;
  for (int i = 100; i >= 1; --i) s.Record(i * 1000000LL);  // 1..100 ms
  EXPECT_DOUBLE_EQ(s.QuantileMs(0.50), 50);
  EXPECT_DOUBLE_EQ(s.QuantileMs(0.90), 90);
  EXPECT_DOUBLE_EQ(s.QuantileMs(0.99), 99);
  EXPECT_DOUBLE_EQ(s.QuantileMs(0.999), 100);
  EXPECT_DOUBLE_EQ(s.QuantileMs(0), 1);
  EXPECT_DOUBLE_EQ(s.MaxMs(), 100);
  EXPECT_DOUBLE_EQ(s.MeanMs(), 50.5);
}

TEST(LatencyStatsTest, EmptyAndResortAfterRecord) {
  LatencyStats s;
  EXPECT_EQ(s.QuantileMs(0.5), 0);
  s.Record(5000000);
  EXPECT_DOUBLE_EQ(s.QuantileMs(0.5), 5);
  s.Record(1000000);
  s.Record(2000000);
  EXPECT_DOUBLE_EQ(s.QuantileMs(0.5), 2);
}

TEST(RunSummaryTest, JsonHasEveryFigure) {
  RunSummary r;
  r.name = "get_event";
  r.qps = 123;
  r.error_codes["UNAVAILABLE"] = 2;
  const auto j = r.ToJson();
  for (const char* key : {"name", "mode", "concurrency", "rate", "qps",
                          "p50_ms", "p90_ms", "p99_ms", "p999_ms", "errors",
                          "error_codes", "calls", "duration_s"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_EQ(j["error_codes"]["UNAVAILABLE"], 2);
}

}  // namespace
}  // namespace outreach::bench
