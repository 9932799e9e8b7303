#ifndef OUTREACH_TESTS_TESTING_STATUS_MATCHERS_H_
#define OUTREACH_TESTS_TESTING_STATUS_MATCHERS_H_

// gMock matchers for absl::Status, absl::StatusOr<T> and grpc::Status:
//
//   EXPECT_THAT(db.Write(fn), StatusIs(absl::StatusCode::kDeadlineExceeded));
//   EXPECT_THAT(stub->GetEvent(&ctx, req, &e),
//               StatusIs(grpc::StatusCode::INVALID_ARGUMENT,
//                        HasSubstr("display_name")));
//   EXPECT_THAT(store.Get(id), IsOk());
//
// A failure prints the code and the message, not just "false".

#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "grpcpp/support/status.h"

namespace outreach::testing {
namespace internal {

inline absl::StatusCode CodeOf(const absl::Status& s) { return s.code(); }
template <typename T>
absl::StatusCode CodeOf(const absl::StatusOr<T>& s) {
  return s.status().code();
}
inline absl::StatusCode CodeOf(const grpc::Status& s) {
  return static_cast<absl::StatusCode>(s.error_code());
}

inline std::string MessageOf(const absl::Status& s) {
  return std::string(s.message());
}
template <typename T>
std::string MessageOf(const absl::StatusOr<T>& s) {
  return std::string(s.status().message());
}
inline std::string MessageOf(const grpc::Status& s) {
  return s.error_message();
}

inline absl::StatusCode ToAbslCode(absl::StatusCode c) { return c; }
inline absl::StatusCode ToAbslCode(grpc::StatusCode c) {
  return static_cast<absl::StatusCode>(c);
}

}  // namespace internal

// The status (or StatusOr's status, or grpc::Status) has code `code` and a
// message matching `message` (any message when omitted).
MATCHER_P2(StatusIs, code, message,
           std::string(negation ? "has not " : "has ") + "code " +
               absl::StatusCodeToString(internal::ToAbslCode(code)) +
               " and a message that " +
               ::testing::DescribeMatcher<std::string>(message, negation)) {
  const absl::StatusCode actual = internal::CodeOf(arg);
  const std::string text = internal::MessageOf(arg);
  *result_listener << "which has code " << absl::StatusCodeToString(actual)
                   << " and message \"" << text << "\"";
  return actual == internal::ToAbslCode(code) &&
         ::testing::Matches(::testing::SafeMatcherCast<const std::string&>(
             message))(text);
}

template <typename Code>
auto StatusIs(Code code) {
  return StatusIs(code, ::testing::_);
}

// The status is OK.
MATCHER(IsOk, negation ? "is not OK" : "is OK") {
  const absl::StatusCode actual = internal::CodeOf(arg);
  *result_listener << "which has code " << absl::StatusCodeToString(actual)
                   << " and message \"" << internal::MessageOf(arg) << "\"";
  return actual == absl::StatusCode::kOk;
}

}  // namespace outreach::testing

#endif  // OUTREACH_TESTS_TESTING_STATUS_MATCHERS_H_
