#ifndef OUTREACH_SERVICES_WEB_PAGES_H_
#define OUTREACH_SERVICES_WEB_PAGES_H_

// The web front's pages, rendered on the server from the gateway's
// messages: plain HTML and CSS, SVG for charts, no script at all, so that
// every page works with JavaScript off and a Content-Security-Policy
// without 'unsafe-inline' holds. Every value is escaped where it is
// written (Escape), whatever it came from. Pure functions: the server
// (web_server.h) fetches, these render, and the tests render hostile
// records without a server.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/geo/iso3166.h"
#include "outreach/gateway/v1/gateway.pb.h"
#include "services/web/identity.h"

namespace outreach::web {

namespace gv = ::outreach::gateway::v1;
namespace ev = ::outreach::events::v1;
namespace pv = ::outreach::participants::v1;
namespace rv = ::outreach::recommendations::v1;

// HTML text and attribute values: & < > " ' escaped.
std::string Escape(absl::string_view s);
// A query-string or path value, percent-encoded (RFC 3986 unreserved kept).
std::string UrlEncode(absl::string_view s);

// What every page shows around its body.
struct Frame {
  const Person* person = nullptr;  // null: nobody is signed in
  std::string csrf;                // for the forms on the page
  std::string active;              // "events", "dashboard", ...
  const CountryRegistry* countries = nullptr;
};

// A whole page: head, navigation, who is signed in, then `body`.
std::string Page(const Frame& frame, absl::string_view title,
                 absl::string_view body);

// The events list's filters, as the person typed them.
struct EventsQuery {
  std::string year, country, kind, text, page_token;
};
std::string EventsPage(const Frame& frame, const EventsQuery& query,
                       const ev::ListEventsResponse& page);

// An event's note (the same content as RenderInformationNote's HTML), each
// participant linked to its profile, then its outcomes.
std::string NotePage(const Frame& frame, const gv::InformationNote& note,
                     bool just_imported);

std::string ProfilePage(const Frame& frame, const gv::StateProfile& profile);

std::string DashboardPage(const Frame& frame, const gv::Dashboard& dashboard,
                          const std::vector<rv::Recommendation>& overdue,
                          absl::string_view today);

// The import form, with `error` (may be OK) above it and `text` in it.
std::string ImportFormPage(const Frame& frame, const absl::Status& error,
                           absl::string_view text);
// A dry run's report, with the form that confirms it.
std::string ImportReportPage(const Frame& frame,
                             const gv::ImportReport& report,
                             absl::string_view text);

struct OutcomesQuery {
  std::string kind, status, page_token;
  bool overdue = false;
  std::string moved;  // the outcome just moved, to say so
};
std::string OutcomesPage(const Frame& frame, const OutcomesQuery& query,
                         const rv::ListRecommendationsResponse& page,
                         absl::string_view today);

// `status`'s message and field violations, for a person.
std::string ErrorPage(const Frame& frame, const absl::Status& status);

// The page's stylesheet (screen and print) and icon.
extern const char kStyleSheet[];
extern const char kIcon[];

}  // namespace outreach::web

#endif  // OUTREACH_SERVICES_WEB_PAGES_H_
