#include "services/web/web_server.h"

#include <httplib.h>
#include <openssl/rand.h>

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/log/json_log.h"
#include "common/status/status_util.h"
#include "google/protobuf/util/json_util.h"
#include "google/rpc/status.pb.h"
#include "services/web/pages.h"

namespace outreach::web {

// One HTTP request, as the handlers see it.
struct WebServer::Call {
  Call(const httplib::Request& r, httplib::Response& s)
      : req(r), res(s), segments(absl::StrSplit(r.path, '/', absl::SkipEmpty())) {}
  const httplib::Request& req;
  httplib::Response& res;
  std::vector<std::string> segments;  // the path, split on '/'
  absl::StatusOr<Person> person = absl::UnknownError("not identified");
  std::string request_id;
  Frame frame;

  ForPerson For() const {
    return ForPerson{person.ok() ? person->token : "", request_id};
  }
};

namespace {

constexpr char kHtml[] = "text/html; charset=utf-8";
constexpr char kJson[] = "application/json";

// No script, no framing, nothing from elsewhere: every page is plain HTML,
// the stylesheet and icon come from here, and forms post only here.
constexpr char kContentSecurityPolicy[] =
    "default-src 'none'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

std::string NewRequestId() {
  unsigned char b[16];
  if (RAND_bytes(b, sizeof(b)) != 1) return "";
  b[6] = (b[6] & 0x0f) | 0x40;  // a version 4 UUID
  b[8] = (b[8] & 0x3f) | 0x80;
  return absl::StrFormat(
      "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
      b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11],
      b[12], b[13], b[14], b[15]);
}

// A form field, from a multipart body or a urlencoded one.
std::string FormValue(const httplib::Request& req, const std::string& name) {
  if (req.has_file(name)) return req.get_file_value(name).content;
  return req.get_param_value(name);
}

// A value for the events filter, quoted; quotes and backslashes escaped.
std::string Quoted(absl::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

// 303 See Other: after a form, the browser GETs the result. (httplib's
// set_redirect decodes the URL, which would turn %2F into a path.)
void Redirect(httplib::Response& res, const std::string& url, int status) {
  res.status = status;
  res.set_header("Location", url);
}

bool AllDigits(absl::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), absl::ascii_isdigit);
}

}  // namespace

int HttpStatusFor(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk: return 200;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange: return 400;
    case absl::StatusCode::kUnauthenticated: return 401;
    case absl::StatusCode::kPermissionDenied: return 403;
    case absl::StatusCode::kNotFound: return 404;
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted: return 409;
    case absl::StatusCode::kResourceExhausted: return 429;
    case absl::StatusCode::kCancelled: return 499;
    case absl::StatusCode::kUnimplemented: return 501;
    case absl::StatusCode::kUnavailable: return 503;
    case absl::StatusCode::kDeadlineExceeded: return 504;
    default: return 500;
  }
}

WebServer::WebServer(WebOptions options, Gateway* gateway,
                     Identities* identities, const CsrfTokens* csrf,
                     const CountryRegistry* countries, Clock* clock)
    : options_(std::move(options)),
      gateway_(gateway),
      identities_(identities),
      csrf_(csrf),
      countries_(countries),
      clock_(clock),
      http_(std::make_unique<httplib::Server>()) {}

WebServer::~WebServer() { Stop(); }

absl::Status WebServer::Start() {
  httplib::Server& http = *http_;
  http.set_payload_max_length(options_.max_body_bytes);
  http.set_read_timeout(options_.read_timeout_seconds, 0);
  http.set_write_timeout(options_.write_timeout_seconds, 0);
  http.set_keep_alive_max_count(100);
  http.set_default_headers({
      {"Content-Security-Policy", kContentSecurityPolicy},
      {"X-Content-Type-Options", "nosniff"},
      {"X-Frame-Options", "DENY"},
      {"Referrer-Policy", "same-origin"},
      {"Cache-Control", "no-store"},
  });
  // Every GET is routed here, by segments; only the two form posts reach
  // httplib's own (literal) routes, after their bodies are read.
  http.set_pre_routing_handler(
      [this](const httplib::Request& req, httplib::Response& res) {
        if (req.method != "GET" && req.method != "HEAD") {
          return httplib::Server::HandlerResponse::Unhandled;
        }
        return Route(req, res) ? httplib::Server::HandlerResponse::Handled
                               : httplib::Server::HandlerResponse::Unhandled;
      });
  auto post = [this](const httplib::Request& req, httplib::Response& res) {
    Route(req, res);
  };
  http.Post("/import", post);
  http.Post("/outcomes/transition", post);
  http.set_error_handler([this](const httplib::Request& req,
                                httplib::Response& res) {
    // httplib's own refusals (404 for no route, 413 for a large body, 400
    // for a malformed request): a page or JSON that says so.
    if (!res.body.empty()) return;
    absl::Status status =
        res.status == 413
            ? absl::ResourceExhaustedError(absl::StrCat(
                  "the request body is larger than ", options_.max_body_bytes,
                  " bytes"))
        : res.status == 404 ? absl::NotFoundError("no such page")
                            : absl::InvalidArgumentError("bad request");
    Call call(req, res);
    call.frame.countries = countries_;
    const int code = res.status;
    if (absl::StartsWith(req.path, "/v1/")) {
      FailJson(call, status);
    } else {
      Fail(call, status);
    }
    res.status = code;
  });
  http.set_exception_handler([](const httplib::Request& req,
                                httplib::Response& res, std::exception_ptr) {
    LogError("web request failed", {{"path", req.path}});
    res.status = 500;
    res.set_content("internal error", "text/plain; charset=utf-8");
  });
  port_ = options_.port == 0 ? http.bind_to_any_port(options_.host)
                             : (http.bind_to_port(options_.host, options_.port)
                                    ? options_.port
                                    : -1);
  if (port_ <= 0) {
    return absl::UnavailableError(absl::StrCat(
        "cannot listen on ", options_.host, ":", options_.port));
  }
  thread_ = std::thread([this] { http_->listen_after_bind(); });
  // The socket listens already; this waits for the accept loop.
  for (int i = 0; i < 500 && !http.is_running(); ++i) absl::SleepFor(absl::Milliseconds(2));
  return absl::OkStatus();
}

void WebServer::Stop() {
  if (http_ != nullptr) http_->stop();
  if (thread_.joinable()) thread_.join();
}

std::string WebServer::Today() const {
  return absl::FormatTime("%Y-%m-%d", clock_->Now(), absl::UTCTimeZone());
}

bool WebServer::Route(const httplib::Request& req, httplib::Response& res) {
  const absl::Time start = absl::Now();
  Call call(req, res);
  call.request_id = NewRequestId();
  call.frame.countries = countries_;
  res.set_header("X-Request-Id", call.request_id);
  const auto& s = call.segments;
  // Served to anyone: liveness, and what pages link to.
  if (s.size() == 1 && s[0] == "healthz") {
    res.set_content("ok\n", "text/plain; charset=utf-8");
    return true;
  }
  if (s.size() == 2 && s[0] == "static") {
    if (s[1] == "style.css") {
      res.set_content(kStyleSheet, "text/css; charset=utf-8");
      res.set_header("Cache-Control", "max-age=3600");
      return true;
    }
    if (s[1] == "icon.svg") {
      res.set_content(kIcon, "image/svg+xml");
      res.set_header("Cache-Control", "max-age=86400");
      return true;
    }
    return false;
  }
  if (s.size() == 1 && s[0] == "favicon.ico") {
    res.set_content(kIcon, "image/svg+xml");
    return true;
  }
  call.person = identities_->Identify(
      req.get_header_value(identities_->options().token_header.c_str()));
  if (call.person.ok()) {
    call.frame.person = &*call.person;
    call.frame.csrf = csrf_->Issue(call.person->subject);
  }
  if (!s.empty() && s[0] == "v1") {
    ServeJson(call);
  } else {
    Serve(call);
  }
  // Paths are the caller's: a hostile one is cut short in the log.
  LogInfo("http", {{"method", req.method},
                   {"path", req.path.substr(0, 256)},
                   {"status", res.status == -1 ? 200 : res.status},
                   {"request_id", call.request_id},
                   {"caller", call.person.ok() ? call.person->subject : ""},
                   {"ms", absl::ToDoubleMilliseconds(absl::Now() - start)}});
  return true;
}

void WebServer::Serve(Call& call) {
  if (!call.person.ok()) return Fail(call, call.person.status());
  const auto& s = call.segments;
  const bool post = call.req.method == "POST";
  if (post) {
    if (auto st = CheckForm(call); !st.ok()) return Fail(call, st);
    if (s.size() == 1 && s[0] == "import") return ImportPost(call);
    if (s.size() == 2 && s[0] == "outcomes") return TransitionPost(call);
    return Fail(call, absl::NotFoundError("no such page"));
  }
  if (s.empty() || (s.size() == 1 && s[0] == "events")) return Events(call);
  if (s.size() == 2 && s[0] == "events") return Note(call, s[1]);
  if (s.size() == 2 && s[0] == "entities") {
    return Profile(call, absl::StrCat("entities/", s[1]));
  }
  if (s.size() == 1 && s[0] == "profile") return FindProfile(call);
  if (s.size() == 1 && s[0] == "dashboard") return Dashboard(call);
  if (s.size() == 1 && s[0] == "import") return ImportForm(call);
  if (s.size() == 1 && s[0] == "outcomes") return Outcomes(call);
  Fail(call, absl::NotFoundError(absl::StrCat("no page at ", call.req.path)));
}

absl::Status WebServer::CheckForm(Call& call) {
  // A browser says where a form came from; another site's is refused
  // before its token is even looked at.
  const std::string site = call.req.get_header_value("Sec-Fetch-Site");
  if (site == "cross-site" || site == "same-site") {
    return absl::PermissionDeniedError("a form from another site is refused");
  }
  const std::string origin = call.req.get_header_value("Origin");
  if (!origin.empty() && origin != "null") {
    absl::string_view host = origin;
    if (!absl::ConsumePrefix(&host, "http://") &&
        !absl::ConsumePrefix(&host, "https://")) {
      return absl::PermissionDeniedError("a form from another site is refused");
    }
    if (host != call.req.get_header_value("Host")) {
      return absl::PermissionDeniedError("a form from another site is refused");
    }
  }
  return csrf_->Check(call.person->subject, FormValue(call.req, "csrf"));
}

void WebServer::Fail(Call& call, const absl::Status& status) {
  call.res.status = HttpStatusFor(status.code());
  call.res.set_content(ErrorPage(call.frame, status), kHtml);
}

void WebServer::FailJson(Call& call, const absl::Status& status) {
  call.res.status = HttpStatusFor(status.code());
  // The gateway's own google.rpc.Status, field violations and all.
  google::rpc::Status rpc;
  const grpc::Status wire = ToGrpcStatus(status);
  if (wire.error_details().empty() ||
      !rpc.ParseFromString(wire.error_details())) {
    rpc.Clear();
    rpc.set_code(static_cast<int>(status.code()));
    rpc.set_message(std::string(status.message()));
  }
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(rpc, &json).ok()) {
    json = absl::StrCat("{\"code\":", static_cast<int>(status.code()), "}");
  }
  call.res.set_content(json, kJson);
}

void WebServer::ServeJson(Call& call) {
  if (!call.person.ok()) return FailJson(call, call.person.status());
  const auto& s = call.segments;  // s[0] == "v1"
  const auto& req = call.req;
  auto reply = [&](const auto& result) {
    if (!result.ok()) return FailJson(call, result.status());
    google::protobuf::util::JsonPrintOptions options;
    std::string json;
    if (auto st = google::protobuf::util::MessageToJsonString(*result, &json,
                                                              options);
        !st.ok()) {
      return FailJson(call, absl::InternalError("cannot write JSON"));
    }
    call.res.set_content(json, kJson);
  };
  if (s.size() == 2 && s[1] == "events") {
    ev::ListEventsRequest list;
    list.set_filter(req.get_param_value("filter"));
    list.set_page_token(req.get_param_value("page_token"));
    list.set_order_by(req.get_param_value("order_by"));
    if (req.has_param("page_size")) {
      int size = 0;
      if (!absl::SimpleAtoi(req.get_param_value("page_size"), &size)) {
        return FailJson(call, InvalidField("page_size", "is not a number"));
      }
      list.set_page_size(size);
    }
    return reply(gateway_->ListEvents(call.For(), list));
  }
  if (s.size() == 3 && s[1] == "events") {
    auto note = gateway_->GetNote(call.For(), absl::StrCat("events/", s[2]));
    if (!note.ok()) return FailJson(call, note.status());
    return reply(absl::StatusOr<ev::Event>(note->event()));
  }
  if (s.size() == 4 && s[1] == "events" && s[3] == "note") {
    return reply(gateway_->GetNote(call.For(), absl::StrCat("events/", s[2])));
  }
  if (s.size() == 4 && s[1] == "entities" && s[3] == "profile") {
    return reply(
        gateway_->GetProfile(call.For(), absl::StrCat("entities/", s[2])));
  }
  if (s.size() == 2 && s[1] == "dashboard") {
    return reply(gateway_->GetDashboard(call.For(), req.get_param_value("filter")));
  }
  FailJson(call, absl::NotFoundError(absl::StrCat("no resource at ", req.path)));
}

void WebServer::Events(Call& call) {
  EventsQuery q;
  q.year = call.req.get_param_value("year");
  q.country = call.req.get_param_value("country");
  q.kind = call.req.get_param_value("kind");
  q.text = call.req.get_param_value("text");
  q.page_token = call.req.get_param_value("page_token");
  FieldViolations v;
  std::vector<std::string> terms;
  if (!q.year.empty()) {
    if (q.year.size() != 4 || !AllDigits(q.year)) {
      v.Add("year", "is not a year such as 2013");
    } else {
      terms.push_back(absl::StrCat("start_date >= \"", q.year,
                                   "-01-01\" AND start_date <= \"", q.year,
                                   "-12-31\""));
    }
  }
  if (!q.country.empty()) {
    const std::string code = absl::AsciiStrToUpper(q.country);
    if (code.size() != 2 || !absl::ascii_isalpha(code[0]) ||
        !absl::ascii_isalpha(code[1])) {
      v.Add("country", "is not a two-letter ISO code such as UA");
    } else {
      terms.push_back(absl::StrCat("country = \"", code, "\""));
    }
  }
  if (!q.kind.empty()) {
    ev::EventKind kind;
    if (!ev::EventKind_Parse(absl::StrCat("EVENT_KIND_", q.kind), &kind)) {
      v.Add("kind", "is not a kind of event");
    } else {
      terms.push_back(absl::StrCat("kind = ", q.kind));
    }
  }
  if (!q.text.empty()) {
    if (q.text.size() > 200) {
      v.Add("text", "is longer than 200 bytes");
    } else {
      terms.push_back(absl::StrCat("text : ", Quoted(q.text)));
    }
  }
  call.frame.active = "events";
  if (auto st = v.ToStatus("the filters are not valid"); !st.ok()) {
    call.res.status = 400;
    ev::ListEventsResponse none;
    // The form again, with what was wrong above it.
    std::string page = EventsPage(call.frame, q, none);
    const std::string marker = "<h1>Events</h1>\n";
    std::string notice = "<div class=\"error\" role=\"alert\"><ul>";
    for (const auto& f : v.violations()) {
      absl::StrAppend(&notice, "<li>", Escape(f.field), " ",
                      Escape(f.description), "</li>");
    }
    notice += "</ul></div>\n";
    page.insert(page.find(marker) + marker.size(), notice);
    call.res.set_content(page, kHtml);
    return;
  }
  ev::ListEventsRequest list;
  list.set_filter(absl::StrJoin(terms, " AND "));
  list.set_page_token(q.page_token);
  list.set_page_size(25);
  auto page = gateway_->ListEvents(call.For(), list);
  if (!page.ok()) return Fail(call, page.status());
  call.res.set_content(EventsPage(call.frame, q, *page), kHtml);
}

void WebServer::Note(Call& call, const std::string& id) {
  call.frame.active = "events";
  auto note = gateway_->GetNote(call.For(), absl::StrCat("events/", id));
  if (!note.ok()) return Fail(call, note.status());
  call.res.set_content(
      NotePage(call.frame, *note, call.req.get_param_value("imported") == "1"),
      kHtml);
}

void WebServer::Profile(Call& call, const std::string& entity) {
  auto profile = gateway_->GetProfile(call.For(), entity);
  if (!profile.ok()) return Fail(call, profile.status());
  call.res.set_content(ProfilePage(call.frame, *profile), kHtml);
}

void WebServer::FindProfile(Call& call) {
  const std::string entity(
      absl::StripAsciiWhitespace(call.req.get_param_value("entity")));
  if (entity.empty()) {
    return Fail(call, InvalidField("entity", "is required: a State's name"));
  }
  if (entity.size() > 200) {
    return Fail(call, InvalidField("entity", "is longer than 200 bytes"));
  }
  auto profile = gateway_->GetProfile(call.For(), entity);
  if (!profile.ok()) return Fail(call, profile.status());
  absl::string_view id = profile->entity().name();
  absl::ConsumePrefix(&id, "entities/");
  Redirect(call.res, absl::StrCat("/entities/", UrlEncode(id)), 303);
}

void WebServer::Dashboard(Call& call) {
  call.frame.active = "dashboard";
  auto dashboard = gateway_->GetDashboard(call.For(), "");
  if (!dashboard.ok()) return Fail(call, dashboard.status());
  const std::string today = Today();
  rv::ListRecommendationsRequest list;
  list.set_filter(
      absl::StrCat("kind = FOLLOW_UP AND overdue = \"", today, "\""));
  list.set_page_size(100);
  std::vector<rv::Recommendation> overdue;
  auto page = gateway_->ListOutcomes(call.For(), list);
  if (page.ok()) {
    overdue.assign(page->recommendations().begin(),
                   page->recommendations().end());
  } else {
    dashboard->set_partial(true);
    dashboard->add_missing_parts("overdue follow-ups");
  }
  call.res.set_content(DashboardPage(call.frame, *dashboard, overdue, today),
                       kHtml);
}

void WebServer::ImportForm(Call& call) {
  call.frame.active = "import";
  call.res.set_content(ImportFormPage(call.frame, absl::OkStatus(), ""), kHtml);
}

void WebServer::ImportPost(Call& call) {
  call.frame.active = "import";
  std::string text = call.req.has_file("file")
                         ? call.req.get_file_value("file").content
                         : "";
  if (text.empty()) text = FormValue(call.req, "text");
  auto refuse = [&](const absl::Status& st) {
    call.res.status = HttpStatusFor(st.code());
    // The text goes back only when it is small enough to show again.
    call.res.set_content(
        ImportFormPage(call.frame, st,
                       text.size() <= options_.max_note_bytes ? text : ""),
        kHtml);
  };
  if (absl::StripAsciiWhitespace(text).empty()) {
    return refuse(InvalidField("text", "is empty: paste a note or choose a file"));
  }
  if (text.size() > options_.max_note_bytes) {
    return refuse(InvalidField(
        "text", absl::StrCat("is longer than ", options_.max_note_bytes,
                             " bytes")));
  }
  gv::ImportInformationNoteRequest req;
  req.set_text(text);
  const bool confirm = FormValue(call.req, "confirm") == "yes";
  req.set_dry_run(!confirm);
  if (confirm) req.set_request_id(call.request_id);
  auto report = gateway_->Import(call.For(), req);
  if (!report.ok()) return refuse(report.status());
  if (!confirm) {
    call.res.set_content(ImportReportPage(call.frame, *report, text), kHtml);
    return;
  }
  absl::string_view id = report->event().name();
  absl::ConsumePrefix(&id, "events/");
  Redirect(call.res, absl::StrCat("/events/", UrlEncode(id), "?imported=1"),
                        303);
}

void WebServer::Outcomes(Call& call) {
  call.frame.active = "outcomes";
  OutcomesQuery q;
  q.kind = call.req.get_param_value("kind");
  q.status = call.req.get_param_value("status");
  q.overdue = call.req.get_param_value("overdue") == "1";
  q.page_token = call.req.get_param_value("page_token");
  q.moved = call.req.get_param_value("moved");
  const std::string today = Today();
  std::vector<std::string> terms;
  FieldViolations v;
  if (!q.kind.empty()) {
    rv::RecommendationKind kind;
    if (!rv::RecommendationKind_Parse(
            absl::StrCat("RECOMMENDATION_KIND_", q.kind), &kind)) {
      v.Add("kind", "is not a kind of outcome");
    } else {
      terms.push_back(absl::StrCat("kind = ", q.kind));
    }
  }
  if (!q.status.empty()) {
    rv::RecommendationStatus status;
    if (!rv::RecommendationStatus_Parse(
            absl::StrCat("RECOMMENDATION_STATUS_", q.status), &status)) {
      v.Add("status", "is not a status");
    } else {
      terms.push_back(absl::StrCat("status = ", q.status));
    }
  }
  if (q.overdue) terms.push_back(absl::StrCat("overdue = \"", today, "\""));
  if (auto st = v.ToStatus("the filters are not valid"); !st.ok()) {
    return Fail(call, st);
  }
  rv::ListRecommendationsRequest list;
  list.set_filter(absl::StrJoin(terms, " AND "));
  list.set_page_token(q.page_token);
  list.set_page_size(50);
  auto page = gateway_->ListOutcomes(call.For(), list);
  if (!page.ok()) return Fail(call, page.status());
  call.res.set_content(OutcomesPage(call.frame, q, *page, today), kHtml);
}

void WebServer::TransitionPost(Call& call) {
  rv::TransitionRecommendationRequest req;
  req.set_name(FormValue(call.req, "name"));
  req.set_etag(FormValue(call.req, "etag"));
  req.set_note(FormValue(call.req, "note"));
  rv::RecommendationStatus status;
  if (!rv::RecommendationStatus_Parse(
          absl::StrCat("RECOMMENDATION_STATUS_", FormValue(call.req, "status")),
          &status)) {
    return Fail(call, InvalidField("status", "is not a status"));
  }
  req.set_status(status);
  auto moved = gateway_->Transition(call.For(), req);
  if (!moved.ok()) return Fail(call, moved.status());
  Redirect(call.res, 
      absl::StrCat("/outcomes?moved=", UrlEncode(moved->name())), 303);
}

}  // namespace outreach::web
