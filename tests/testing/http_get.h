#ifndef OUTREACH_TESTS_TESTING_HTTP_GET_H_
#define OUTREACH_TESTS_TESTING_HTTP_GET_H_

// A minimal HTTP/1.0 GET over loopback for tests that scrape /metrics:
// no library in the suite's dependencies offers an HTTP client, and a scrape
// needs nothing more than one request and the whole reply.

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace outreach::testing {

// The body of GET http://127.0.0.1:`port``path`; an error when the
// connection fails, the reply is not 200, or `timeout` passes.
absl::StatusOr<std::string> HttpGet(int port, const std::string& path,
                                    absl::Duration timeout = absl::Seconds(5));

// The value of one series in a Prometheus text exposition, e.g.
// SeriesValue(text, "outreach_server_in_flight"); -1 when it is absent.
// `series` is the name and labels exactly as exposed.
double SeriesValue(const std::string& exposition, const std::string& series);

// Scrapes /metrics on `port` until `series` satisfies `until`, for up to
// `timeout`; returns the last value seen, or DEADLINE_EXCEEDED with it.
// What tests poll instead of sleeping "long enough".
absl::StatusOr<double> WaitForSeries(int port, const std::string& series,
                                     const std::function<bool(double)>& until,
                                     absl::Duration timeout = absl::Seconds(5));

}  // namespace outreach::testing

#endif  // OUTREACH_TESTS_TESTING_HTTP_GET_H_
