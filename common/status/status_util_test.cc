#include "common/status/status_util.h"

#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"

namespace outreach {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;

TEST(FieldViolationsTest, EmptyIsOk) {
  FieldViolations v;
  EXPECT_TRUE(v.ToStatus("bad").ok());
}

TEST(FieldViolationsTest, CollectsEveryViolation) {
  FieldViolations v;
  v.Add("event.title", "is required");
  v.Add("event.venue.country_code", "is not an ISO 3166-1 alpha-2 code");
  absl::Status s = v.ToStatus("invalid event");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("event.title is required"));
  EXPECT_THAT(
      GetFieldViolations(s),
      ElementsAre(Field(&FieldViolation::field, "event.title"),
                  Field(&FieldViolation::field, "event.venue.country_code")));
}

TEST(ToGrpcStatusTest, CarriesBadRequestDetails) {
  grpc::Status g = ToGrpcStatus(InvalidField("page_size", "is negative"));
  EXPECT_EQ(g.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  google::rpc::Status rpc;
  ASSERT_TRUE(rpc.ParseFromString(g.error_details()));
  EXPECT_EQ(rpc.code(), 3);
  ASSERT_EQ(rpc.details_size(), 1);
  google::rpc::BadRequest br;
  ASSERT_TRUE(rpc.details(0).UnpackTo(&br));
  ASSERT_EQ(br.field_violations_size(), 1);
  EXPECT_EQ(br.field_violations(0).field(), "page_size");
  EXPECT_EQ(br.field_violations(0).description(), "is negative");
}

TEST(ToGrpcStatusTest, MapsCodesOneToOne) {
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
  EXPECT_EQ(ToGrpcStatus(absl::NotFoundError("x")).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(ToGrpcStatus(absl::AbortedError("x")).error_code(),
            grpc::StatusCode::ABORTED);
  EXPECT_EQ(ToGrpcStatus(absl::UnavailableError("x")).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_TRUE(ToGrpcStatus(absl::NotFoundError("x")).error_details().empty());
}

TEST(FromGrpcStatusTest, RoundTripsViolations) {
  FieldViolations v;
  v.Add("a", "b");
  absl::Status back = FromGrpcStatus(ToGrpcStatus(v.ToStatus("bad")));
  EXPECT_EQ(back.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(GetFieldViolations(back),
              ElementsAre(Field(&FieldViolation::description, "b")));
  EXPECT_EQ(FromGrpcStatus(grpc::Status(grpc::StatusCode::UNAVAILABLE, "down"))
                .code(),
            absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace outreach

namespace outreach {
namespace {

// Found by fuzz_events_filter: a description that echoed a field name with
// a byte that is not UTF-8 made the BadRequest detail unparseable, and the
// violations were lost on the way to the client.
TEST(StatusUtilTest, ViolationsThatEchoBadBytesSurviveTheWire) {
  const absl::Status s = InvalidField("filter", "unknown field \"kin\xe4\"");
  const absl::Status back = FromGrpcStatus(ToGrpcStatus(s));
  const auto v = GetFieldViolations(back);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].description, "unknown field \"kin\xef\xbf\xbd\"");
}

}  // namespace
}  // namespace outreach
