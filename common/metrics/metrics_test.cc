#include "common/metrics/metrics.h"

#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "common/sqlite/sqlite_db.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/http_get.h"
#include "tests/testing/subprocess.h"

namespace outreach {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(MetricsTest, RecordsServerCallsByMethodAndCode) {
  Metrics metrics;
  metrics.ObserveServerCall("/outreach.events.v1.EventsService/GetEvent",
                            "OK", absl::Milliseconds(2));
  metrics.ObserveServerCall("/outreach.events.v1.EventsService/GetEvent",
                            "OK", absl::Milliseconds(3));
  metrics.ObserveServerCall("/outreach.events.v1.EventsService/GetEvent",
                            "NOT_FOUND", absl::Milliseconds(1));
  const std::string text = metrics.Serialize();
  EXPECT_THAT(text, HasSubstr("outreach_server_requests_total{code=\"OK\","
                              "method=\"/outreach.events.v1.EventsService/"
                              "GetEvent\"} 2"));
  EXPECT_THAT(text, HasSubstr("code=\"NOT_FOUND\""));
  EXPECT_THAT(text, HasSubstr("outreach_server_request_duration_seconds_count{"
                              "method=\"/outreach.events.v1.EventsService/"
                              "GetEvent\"} 3"));
}

TEST(MetricsTest, RecordsClientCacheAndStoreSeries) {
  Metrics metrics;
  metrics.ObserveClientCall("outreach.events.v1.EventsService", "GetEvent",
                            "UNAVAILABLE", absl::Milliseconds(5));
  metrics.CountCache("lookup", "hit");
  metrics.CountStoreError("write", "UNAVAILABLE");
  metrics.AddInFlight(2);
  metrics.AddInFlight(-1);
  const std::string text = metrics.Serialize();
  EXPECT_THAT(text, HasSubstr("outreach_client_requests_total{code="
                              "\"UNAVAILABLE\",method=\"GetEvent\",target="
                              "\"outreach.events.v1.EventsService\"} 1"));
  EXPECT_THAT(text, HasSubstr("outreach_cache_requests_total{operation="
                              "\"lookup\",result=\"hit\"} 1"));
  EXPECT_THAT(text, HasSubstr("outreach_store_errors_total{code="
                              "\"UNAVAILABLE\",operation=\"write\"} 1"));
  EXPECT_THAT(text, HasSubstr("outreach_server_in_flight 1"));
}

TEST(MetricsTest, ServesTheSameTextOverHttp) {
  Metrics metrics;
  ASSERT_TRUE(metrics.Expose("127.0.0.1:0").ok());
  ASSERT_GT(metrics.exposed_port(), 0);
  metrics.CountCache("get", "miss");
  auto body = testing::HttpGet(metrics.exposed_port(), "/metrics");
  ASSERT_TRUE(body.ok()) << body.status();
  EXPECT_THAT(*body, HasSubstr("outreach_cache_requests_total{operation="
                               "\"get\",result=\"miss\"} 1"));
}

TEST(MetricsTest, ExposeOnABusyPortIsUnavailable) {
  Metrics first;
  ASSERT_TRUE(first.Expose("127.0.0.1:0").ok());
  Metrics second;
  const absl::Status s = second.Expose(
      "127.0.0.1:" + std::to_string(first.exposed_port()));
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
}

TEST(MetricsTest, GrpcCodeNames) {
  EXPECT_STREQ(GrpcCodeName(0), "OK");
  EXPECT_STREQ(GrpcCodeName(5), "NOT_FOUND");
  EXPECT_STREQ(GrpcCodeName(16), "UNAUTHENTICATED");
  EXPECT_STREQ(GrpcCodeName(99), "UNKNOWN");
}

TEST(MetricsTest, SqliteCountsFaultsButNotDomainAnswers) {
  testing::TempDir dir;
  Metrics metrics;
  SqliteOptions options;
  options.path = dir.path() + "/m.db";
  options.migrations = {"CREATE TABLE t (x INTEGER);"};
  options.metrics = &metrics;
  auto db = SqliteDb::Open(options);
  ASSERT_TRUE(db.ok()) << db.status();
  EXPECT_EQ((*db)->Write([](SqlConnection&) {
              return absl::NotFoundError("no such record");
            }).code(),
            absl::StatusCode::kNotFound);
  EXPECT_THAT(metrics.Serialize(), Not(HasSubstr("outreach_store_errors_total{")));
  EXPECT_EQ((*db)->Read([](SqlConnection& c) {
              return c.Exec("SELECT * FROM no_such_table");
            }).code(),
            absl::StatusCode::kInternal);
  EXPECT_THAT(metrics.Serialize(),
              HasSubstr("outreach_store_errors_total{code=\"INTERNAL\","
                        "operation=\"read\"} 1"));
}

}  // namespace
}  // namespace outreach
