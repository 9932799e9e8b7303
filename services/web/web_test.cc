// The web front without a suite: pages rendered from hostile records, the
// HTTP server over a fake gateway (headers, CSRF, limits, errors, JSON),
// CSRF tokens and dev identities. The browser tests (tests/web) run it
// against the live suite.

#include <httplib.h>

#include <cstdlib>
#include <fstream>
#include <map>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/security/jwt_verifier.h"
#include "common/status/status_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/web/csrf.h"
#include "services/web/gateway.h"
#include "services/web/identity.h"
#include "services/web/pages.h"
#include "services/web/web_server.h"
#include "tests/testing/temp_dir.h"

namespace outreach::web {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class FakeClock final : public Clock {
 public:
  absl::Time Now() const override { return now; }
  absl::Time now = absl::FromUnixSeconds(1700000000);
};

constexpr char kHostile[] = "<script>alert(\"x\")</script>&'";

// A gateway that answers from fields and records what it was asked.
class FakeGateway final : public Gateway {
 public:
  absl::StatusOr<ev::ListEventsResponse> ListEvents(
      const ForPerson& who, const ev::ListEventsRequest& req) override {
    Record("ListEvents", who, req.filter());
    if (!fail.ok()) return fail;
    return events;
  }
  absl::StatusOr<gv::InformationNote> GetNote(const ForPerson& who,
                                              const std::string& e) override {
    Record("GetNote", who, e);
    if (!fail.ok()) return fail;
    return note;
  }
  absl::StatusOr<gv::StateProfile> GetProfile(const ForPerson& who,
                                              const std::string& e) override {
    Record("GetProfile", who, e);
    if (!fail.ok()) return fail;
    return profile;
  }
  absl::StatusOr<gv::Dashboard> GetDashboard(const ForPerson& who,
                                             const std::string& f) override {
    Record("GetDashboard", who, f);
    if (!fail.ok()) return fail;
    return dashboard;
  }
  absl::StatusOr<gv::ImportReport> Import(
      const ForPerson& who,
      const gv::ImportInformationNoteRequest& req) override {
    Record(req.dry_run() ? "ImportDryRun" : "Import", who, req.text());
    if (!fail.ok()) return fail;
    return report;
  }
  absl::StatusOr<rv::ListRecommendationsResponse> ListOutcomes(
      const ForPerson& who, const rv::ListRecommendationsRequest& req) override {
    Record("ListOutcomes", who, req.filter());
    if (!fail.ok()) return fail;
    return outcomes;
  }
  absl::StatusOr<rv::Recommendation> Transition(
      const ForPerson& who,
      const rv::TransitionRecommendationRequest& req) override {
    Record("Transition", who, req.name());
    if (!fail.ok()) return fail;
    rv::Recommendation r;
    r.set_name(req.name());
    r.set_status(req.status());
    return r;
  }

  int Count(const std::string& method) {
    absl::MutexLock lock(&mu);
    return static_cast<int>(calls.count(method));
  }
  std::string Last(const std::string& method) {
    absl::MutexLock lock(&mu);
    auto range = calls.equal_range(method);
    std::string out;
    for (auto it = range.first; it != range.second; ++it) out = it->second;
    return out;
  }
  std::string last_token;

  absl::Status fail;
  ev::ListEventsResponse events;
  gv::InformationNote note;
  gv::StateProfile profile;
  gv::Dashboard dashboard;
  gv::ImportReport report;
  rv::ListRecommendationsResponse outcomes;

 private:
  void Record(const std::string& method, const ForPerson& who,
              const std::string& arg) {
    absl::MutexLock lock(&mu);
    calls.emplace(method, arg);
    last_token = who.token;
  }
  absl::Mutex mu;
  std::multimap<std::string, std::string> calls;
};

ev::Event HostileEvent() {
  ev::Event e;
  e.set_name("events/hostile-1");
  e.set_title(kHostile);
  e.mutable_start_date()->set_year(2013);
  e.mutable_start_date()->set_month(11);
  e.mutable_start_date()->set_day(5);
  e.mutable_venue()->set_city(kHostile);
  e.mutable_venue()->set_country_code("UA");
  e.add_highlights(kHostile);
  return e;
}

// "Bearer" + an unsigned token for `sub` and `role`: the fake gateway
// verifies nothing, and the web service only reads the claims.
std::string Bearer(const std::string& sub, const std::string& role) {
  return absl::StrCat(
      "Bearer e30.",
      absl::WebSafeBase64Escape(absl::StrCat(R"({"sub":")", sub,
                                             R"(","role":")", role, R"("})")),
      ".sig");
}

TEST(PagesTest, EveryValueIsEscaped) {
  Person person{kHostile, "editor", ""};
  Frame frame;
  frame.person = &person;
  frame.csrf = kHostile;
  ev::ListEventsResponse list;
  *list.add_events() = HostileEvent();
  list.set_next_page_token(kHostile);
  gv::InformationNote note;
  *note.mutable_event() = HostileEvent();
  auto* g = note.add_participant_groups();
  g->set_printed_group(kHostile);
  auto* p = g->add_participations();
  p->set_printed_name(kHostile);
  p->set_entity("entities/\"><script>");
  auto* o = note.add_outcomes();
  o->set_text(kHostile);
  o->set_event("events/\"><script>");
  gv::StateProfile profile;
  profile.mutable_entity()->set_display_name(kHostile);
  *profile.add_events()->mutable_event() = HostileEvent();
  gv::Dashboard dashboard;
  auto* c = dashboard.add_events_by_country();
  c->set_key(kHostile);
  c->set_count(2);
  auto* y = dashboard.add_events_by_year();
  y->set_key(kHostile);
  y->set_count(1);
  auto* a = dashboard.add_outcomes_by_area_and_status();
  a->set_area(kHostile);
  a->set_total(1);
  auto* s = a->add_by_status();
  s->set_key(kHostile);
  s->set_count(1);
  gv::ImportReport report;
  *report.mutable_event() = HostileEvent();
  report.add_warnings(kHostile);
  auto* ip = report.add_participations();
  ip->set_printed_name(kHostile);
  ip->add_candidates()->set_display_name(kHostile);
  auto* line = report.add_lines();
  line->set_detail(kHostile);
  line->set_target(kHostile);
  rv::ListRecommendationsResponse outcomes;
  auto* r = outcomes.add_recommendations();
  r->set_text(kHostile);
  r->set_name(kHostile);
  r->set_etag(kHostile);

  const std::vector<std::pair<std::string, std::string>> pages = {
      {"events", EventsPage(frame, {kHostile, kHostile, kHostile, kHostile, ""},
                            list)},
      {"note", NotePage(frame, note, false)},
      {"profile", ProfilePage(frame, profile)},
      {"dashboard", DashboardPage(frame, dashboard, {*r}, kHostile)},
      {"import form", ImportFormPage(frame, InvalidField(kHostile, kHostile),
                                     kHostile)},
      {"import report", ImportReportPage(frame, report, kHostile)},
      {"outcomes", OutcomesPage(frame, {kHostile, kHostile, "", false, kHostile},
                                outcomes, kHostile)},
      {"error", ErrorPage(frame, InvalidField(kHostile, kHostile))},
  };
  for (const auto& [name, html] : pages) {
    SCOPED_TRACE(name);
    EXPECT_THAT(html, Not(HasSubstr("<script")));
    EXPECT_THAT(html, Not(HasSubstr("alert(\"")));
    EXPECT_THAT(html, HasSubstr("&lt;script&gt;"));
    EXPECT_THAT(html, HasSubstr("<!DOCTYPE html>"));
  }
}

TEST(PagesTest, TheNoteLinksEachResolvedParticipantToItsProfile) {
  gv::InformationNote note;
  note.mutable_event()->set_name("events/e1");
  note.mutable_event()->set_title("Workshop");
  auto* g = note.add_participant_groups();
  g->set_printed_group("States");
  auto* md = g->add_participations();
  md->set_printed_name("Moldova");
  md->set_entity("entities/md");
  g->add_participations()->set_printed_name("Unresolved land");
  const std::string html = NotePage(Frame{}, note, false);
  EXPECT_THAT(html, HasSubstr("<a class=\"participant\" href=\"/entities/md\">"
                              "Moldova</a>, Unresolved land"));
}

TEST(PagesTest, TheYearChartHasOneBarPerYearInOrder) {
  gv::Dashboard d;
  for (const auto& [year, n] :
       std::vector<std::pair<std::string, int>>{{"2015", 1}, {"2013", 2}}) {
    auto* c = d.add_events_by_year();
    c->set_key(year);
    c->set_count(n);
  }
  const std::string html = DashboardPage(Frame{}, d, {}, "2026-12-01");
  const size_t y13 = html.find("data-key=\"2013\" data-count=\"2\"");
  const size_t y15 = html.find("data-key=\"2015\" data-count=\"1\"");
  ASSERT_NE(y13, std::string::npos);
  ASSERT_NE(y15, std::string::npos);
  EXPECT_LT(y13, y15);
}

TEST(CsrfTest, ATokenIsForOnePersonAndExpires) {
  FakeClock clock;
  CsrfTokens csrf(std::string(32, 'k'), absl::Hours(1), &clock);
  const std::string t = csrf.Issue("alice");
  EXPECT_TRUE(csrf.Check("alice", t).ok());
  EXPECT_EQ(csrf.Check("bob", t).code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(csrf.Check("alice", "").code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(csrf.Check("alice", t + "x").code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(CsrfTokens(std::string(32, 'o'), absl::Hours(1), &clock)
                .Check("alice", t)
                .code(),
            absl::StatusCode::kPermissionDenied);
  clock.now += absl::Hours(2);
  EXPECT_EQ(csrf.Check("alice", t).code(), absl::StatusCode::kPermissionDenied);
}

TEST(IdentityTest, DevTokensAreSignedAndPassTheGatewaysVerifier) {
  // Removed with the key pair when the test ends.
  const outreach::testing::TempDir temp;
  ASSERT_FALSE(temp.path().empty());
  const std::string& dir = temp.path();
  ASSERT_EQ(std::system(("openssl ecparam -name prime256v1 -genkey -noout -out " +
                         dir + "/k.pem && openssl ec -in " + dir +
                         "/k.pem -pubout -out " + dir + "/k.pub 2>/dev/null")
                            .c_str()),
            0);
  IdentityOptions options;
  options.dev_identity = "editor";
  options.dev_signing_key_file = dir + "/k.pem";
  auto ids = Identities::Create(options);
  ASSERT_TRUE(ids.ok()) << ids.status();
  auto dev = (*ids)->Identify("");
  ASSERT_TRUE(dev.ok()) << dev.status();
  EXPECT_EQ(dev->subject, "dev-editor");
  JwtOptions jwt;
  jwt.public_key_files = {dir + "/k.pub"};
  jwt.issuer = "outreach-dev";
  jwt.audience = "outreach";
  auto verifier = JwtVerifier::Create(jwt);
  ASSERT_TRUE(verifier.ok());
  auto verified = (*verifier)->Verify(dev->token);
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_EQ(verified->role, "editor");

  // A token from the proxy wins over the dev identity.
  auto proxied = (*ids)->Identify(Bearer("alice", "viewer"));
  ASSERT_TRUE(proxied.ok());
  EXPECT_EQ(proxied->subject, "alice");
  EXPECT_EQ((*ids)->Identify("Basic abc").status().code(),
            absl::StatusCode::kUnauthenticated);
  options.dev_identity = "gateway";
  EXPECT_FALSE(Identities::Create(options).ok());
}

class WebServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    IdentityOptions id;
    auto ids = Identities::Create(id);
    ASSERT_TRUE(ids.ok());
    identities_ = std::move(*ids);
    csrf_ = std::make_unique<CsrfTokens>(std::string(32, 'k'), absl::Hours(1));
    WebOptions options;
    options.port = 0;
    options.max_body_bytes = 64 << 10;
    options.max_note_bytes = 16 << 10;
    server_ = std::make_unique<WebServer>(options, &gateway_, identities_.get(),
                                          csrf_.get(), nullptr);
    ASSERT_TRUE(server_->Start().ok());
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_read_timeout(5, 0);
    *gateway_.events.add_events() = HostileEvent();
  }
  void TearDown() override { server_->Stop(); }

  httplib::Headers As(const std::string& sub, const std::string& role) {
    return {{"Authorization", Bearer(sub, role)}};
  }
  httplib::Result Get(const std::string& path) {
    return client_->Get(path.c_str(), As("alice", "editor"));
  }
  httplib::Result PostImport(const std::string& text, const std::string& csrf,
                             httplib::Headers headers) {
    httplib::MultipartFormDataItems items = {{"text", text, "", ""},
                                             {"csrf", csrf, "", ""}};
    return client_->Post("/import", headers, items);
  }

  FakeGateway gateway_;
  std::unique_ptr<Identities> identities_;
  std::unique_ptr<CsrfTokens> csrf_;
  std::unique_ptr<WebServer> server_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(WebServerTest, EveryAnswerCarriesTheSecurityHeaders) {
  for (const std::string path : {"/", "/v1/events", "/no/such/page",
                                 "/static/style.css", "/v1/nothing"}) {
    SCOPED_TRACE(path);
    auto res = Get(path);
    ASSERT_TRUE(res);
    const std::string csp = res->get_header_value("Content-Security-Policy");
    EXPECT_THAT(csp, HasSubstr("frame-ancestors 'none'"));
    EXPECT_THAT(csp, HasSubstr("default-src 'none'"));
    EXPECT_THAT(csp, Not(HasSubstr("unsafe-inline")));
    EXPECT_THAT(csp, Not(HasSubstr("script-src")));
    EXPECT_EQ(res->get_header_value("X-Content-Type-Options"), "nosniff");
  }
  EXPECT_EQ(Get("/no/such/page")->status, 404);
}

TEST_F(WebServerTest, ThePersonsTokenIsForwardedAndNoTokenIsRefused) {
  auto res = Get("/");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(gateway_.last_token, Bearer("alice", "editor").substr(7));
  EXPECT_THAT(res->body, HasSubstr("Signed in as alice (editor)"));

  auto anonymous = client_->Get("/");
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401);
  auto json = client_->Get("/v1/events");
  ASSERT_TRUE(json);
  EXPECT_EQ(json->status, 401);
  EXPECT_THAT(json->body, HasSubstr("\"code\":16"));
}

TEST_F(WebServerTest, FiltersAreCheckedBeforeTheGatewayIsAsked) {
  auto bad = Get("/?year=20x3&country=Ukraine&kind=PARTY");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_THAT(bad->body, HasSubstr("year"));
  EXPECT_THAT(bad->body, HasSubstr("country"));
  EXPECT_THAT(bad->body, HasSubstr("kind"));
  EXPECT_EQ(gateway_.Count("ListEvents"), 0);

  auto good = Get("/?year=2013&country=ua&kind=REGIONAL_WORKSHOP&text=ki%22ev");
  ASSERT_TRUE(good);
  EXPECT_EQ(good->status, 200);
  EXPECT_EQ(gateway_.Last("ListEvents"),
            "start_date >= \"2013-01-01\" AND start_date <= \"2013-12-31\" AND "
            "country = \"UA\" AND kind = REGIONAL_WORKSHOP AND text : "
            "\"ki\\\"ev\"");
}

TEST_F(WebServerTest, FormsNeedTheirCsrfTokenAndThisSite) {
  const auto editor = As("alice", "editor");
  gateway_.report.mutable_event()->set_title("Checked");
  // No token, another person's, and a cross-site post: refused unread.
  EXPECT_EQ(PostImport("note", "", editor)->status, 403);
  EXPECT_EQ(PostImport("note", csrf_->Issue("mallory"), editor)->status, 403);
  auto cross = editor;
  cross.emplace("Sec-Fetch-Site", "cross-site");
  EXPECT_EQ(PostImport("note", csrf_->Issue("alice"), cross)->status, 403);
  auto origin = editor;
  origin.emplace("Origin", "http://evil.example");
  EXPECT_EQ(PostImport("note", csrf_->Issue("alice"), origin)->status, 403);
  EXPECT_EQ(gateway_.Count("ImportDryRun"), 0);

  // The token a page gave alice works.
  auto page = Get("/import");
  ASSERT_TRUE(page);
  const std::string marker = "name=\"csrf\" value=\"";
  const size_t at = page->body.find(marker);
  ASSERT_NE(at, std::string::npos);
  const std::string token = page->body.substr(
      at + marker.size(), page->body.find('"', at + marker.size()) - at - marker.size());
  auto ok = PostImport("note", token, editor);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_THAT(ok->body, HasSubstr("Check before importing: Checked"));
  EXPECT_EQ(gateway_.Count("ImportDryRun"), 1);
  EXPECT_EQ(gateway_.Count("Import"), 0);
}

TEST_F(WebServerTest, LargeBodiesAndNotesAreRefusedWithoutTheGateway) {
  const auto editor = As("alice", "editor");
  auto huge = PostImport(std::string(100 << 10, 'a'), csrf_->Issue("alice"), editor);
  ASSERT_TRUE(huge);
  EXPECT_EQ(huge->status, 413);
  auto big = PostImport(std::string(20 << 10, 'a'), csrf_->Issue("alice"), editor);
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 400);
  EXPECT_THAT(big->body, HasSubstr("longer than"));
  EXPECT_EQ(gateway_.Count("ImportDryRun"), 0);
}

TEST_F(WebServerTest, GatewayErrorsMapToHttpWithTheRpcStatusAsBody) {
  gateway_.fail = InvalidField("filter", "has an unknown field");
  auto res = Get("/v1/events?filter=nope");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
  EXPECT_THAT(res->body, HasSubstr("\"code\":3"));
  EXPECT_THAT(res->body, HasSubstr("google.rpc.BadRequest"));
  EXPECT_THAT(res->body, HasSubstr("has an unknown field"));
  for (const auto& [status, http] :
       std::vector<std::pair<absl::Status, int>>{
           {absl::NotFoundError("x"), 404},
           {absl::PermissionDeniedError("x"), 403},
           {absl::UnavailableError("x"), 503},
           {absl::DeadlineExceededError("x"), 504},
           {absl::AbortedError("x"), 409}}) {
    gateway_.fail = status;
    EXPECT_EQ(Get("/v1/events/e1/note")->status, http) << status;
    EXPECT_EQ(Get("/events/e1")->status, http) << status;
  }
}

TEST_F(WebServerTest, TheJsonApiIsProtobufJson) {
  gateway_.note.mutable_event()->set_name("events/e1");
  gateway_.note.mutable_event()->set_title("Workshop");
  auto event = Get("/v1/events/e1");
  ASSERT_TRUE(event);
  EXPECT_EQ(event->status, 200);
  EXPECT_EQ(event->body, R"({"name":"events/e1","title":"Workshop"})");
  EXPECT_EQ(gateway_.Last("GetNote"), "events/e1");
  auto list = Get("/v1/events?page_size=x");
  EXPECT_EQ(list->status, 400);
}

TEST_F(WebServerTest, HostilePathsAndQueriesGetAnAnswer) {
  const auto start = absl::Now();
  for (const std::string& path : std::vector<std::string>{
           "/" + std::string(7000, 'a'), "/events/" + std::string(7000, '%'),
        "/?text=%ff%fe%00" + std::string(3000, 'x'), "/entities/%c3%28",
           std::string("/") + std::string(3000, '/')}) {
    auto res = Get(path);
    ASSERT_TRUE(res) << path.substr(0, 40);
    EXPECT_GE(res->status, 200);
  }
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  EXPECT_EQ(Get("/healthz")->status, 200);
}

TEST_F(WebServerTest, ATransitionIsPostedForThePersonAndRedirects) {
  auto res = client_->Post(
      "/outcomes/transition", As("alice", "editor"),
      absl::StrCat("name=recommendations%2Fr1&status=ADOPTED&csrf=",
                   csrf_->Issue("alice")),
      "application/x-www-form-urlencoded");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 303);
  EXPECT_THAT(res->get_header_value("Location"),
              ::testing::StartsWith("/outcomes?moved=recommendations"));
  EXPECT_EQ(gateway_.Last("Transition"), "recommendations/r1");
}

}  // namespace
}  // namespace outreach::web
