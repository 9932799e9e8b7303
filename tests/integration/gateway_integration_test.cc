// The whole suite as users run it: Redis, the three services and the
// gateway on loopback, driven through the outreachctl CLI.

#include <signal.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "outreach/events/v1/events.grpc.pb.h"
#include "outreach/gateway/v1/gateway.grpc.pb.h"
#include "outreach/participants/v1/participants.grpc.pb.h"
#include "outreach/recommendations/v1/recommendations.grpc.pb.h"
#include "tests/testing/http_get.h"
#include "tests/testing/redis_server.h"
#include "tests/testing/service_process.h"
#include "tests/testing/store_engine.h"

namespace outreach::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
namespace gv = ::outreach::gateway::v1;

struct CtlResult {
  int code;
  std::string out;
  std::string err;
};

class GatewayIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    engine_ = std::make_unique<StoreEngine>(dir_.path());
    const absl::Status engine = engine_->Start();
    ASSERT_TRUE(engine.ok()) << engine;
    redis_ = std::make_unique<RedisServer>(dir_.path());
    ASSERT_TRUE(redis_->Start());
    // No deletes here: the events service asks no other service (the
    // fault tests use the whole suite, tests/testing/suite.h).
    events_ = Start(
        OUTREACH_EVENTS_SERVER, "events",
        {engine_->StoreFlag("events"), "--redis_address=" + redis_->address(),
         "--participants_address=", "--recommendations_address="});
    participants_ = Start(OUTREACH_PARTICIPANTS_SERVER, "participants",
                          {engine_->StoreFlag("participants"),
                           "--redis_address=" + redis_->address(),
                           "--events_address=" + events_->address()});
    recommendations_ =
        Start(OUTREACH_RECOMMENDATIONS_SERVER, "recommendations",
              {engine_->StoreFlag("recommendations"),
               "--redis_address=" + redis_->address(),
               "--events_address=" + events_->address(),
               "--participants_address=" + participants_->address()});
    gateway_ = Start(
        OUTREACH_GATEWAY_SERVER, "gateway",
        {"--events_address=" + events_->address(),
         "--participants_address=" + participants_->address(),
         "--recommendations_address=" + recommendations_->address(),
         "--redis_address=" + redis_->address(), "--dependency_timeout=2s"});
  }

  std::unique_ptr<ServiceProcess> Start(const std::string& binary,
                                        const std::string& name,
                                        std::vector<std::string> flags) {
    auto p = std::make_unique<ServiceProcess>(
        binary, std::move(flags), dir_.path() + "/" + name + ".log");
    EXPECT_TRUE(p->Start()) << p->log();
    return p;
  }

  CtlResult Ctl(std::vector<std::string> args) {
    std::vector<std::string> argv = {OUTREACH_CTL,
                                     "--address=" + gateway_->address()};
    argv.insert(argv.end(), args.begin(), args.end());
    const std::string out = dir_.path() + "/ctl." + std::to_string(++calls_);
    Subprocess p;
    EXPECT_TRUE(p.Start(argv, out));
    CtlResult r;
    r.code = p.Wait(absl::Seconds(60)).value_or(-1);
    r.out = ReadFile(out);
    r.err = r.out;  // stdout and stderr share the file
    return r;
  }

  std::string Write(const std::string& name, const std::string& content) {
    const std::string path = dir_.path() + "/" + name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  static std::string EventOf(const std::string& report) {
    for (absl::string_view line : absl::StrSplit(report, '\n')) {
      std::vector<std::string> words =
          absl::StrSplit(line, ' ', absl::SkipEmpty());
      if (words.size() >= 2 && words[0] == "Event") return words[1];
    }
    return "";
  }

  TempDir dir_;
  int calls_ = 0;
  std::unique_ptr<StoreEngine> engine_;
  std::unique_ptr<RedisServer> redis_;
  std::unique_ptr<ServiceProcess> events_, participants_, recommendations_,
      gateway_;
};

const std::string kSeed = OUTREACH_EXAMPLES "/notes/kiev_2013.txt";
const std::string kVariant = OUTREACH_GATEWAY_TESTDATA "/chisinau_2015.txt";

TEST_F(GatewayIntegrationTest, DryRunOfAVariantNoteAsJson) {
  CtlResult r = Ctl({"import", "--dry-run", "--output=json", kVariant});
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("\"title\": \"National Round Table on the "
                               "Implementation of Resolution 1540 (2004)\""));
  EXPECT_THAT(r.out, HasSubstr("\"year\": 2015"));
  EXPECT_THAT(r.out, HasSubstr("\"countryCode\": \"MD\""));
  EXPECT_THAT(r.out, HasSubstr("\"city\": \"Chisinau\""));
  for (const char* iso : {"\"isoAlpha2\": \"MD\"", "\"isoAlpha2\": \"RO\"",
                          "\"isoAlpha2\": \"UA\""}) {
    EXPECT_THAT(r.out, HasSubstr(iso));
  }
  EXPECT_THAT(r.out, HasSubstr("\"entity\": \"entities/interpol\""));
  EXPECT_THAT(r.out, HasSubstr("\"entity\": \"entities/wco\""));
  EXPECT_THAT(r.out, HasSubstr("\"entity\": \"entities/committee-1540\""));
  EXPECT_THAT(r.out, HasSubstr("\"dryRun\": true"));
  // Nothing was created.
  CtlResult again = Ctl({"import", kVariant});
  ASSERT_EQ(again.code, 0) << again.out;
  EXPECT_THAT(again.out, HasSubstr("(created)"));
}

TEST_F(GatewayIntegrationTest, SeedImportIsIdempotentAndRendersEveryFact) {
  CtlResult first = Ctl({"import", kSeed});
  ASSERT_EQ(first.code, 0) << first.out;
  EXPECT_THAT(first.out, HasSubstr("(created)"));
  EXPECT_THAT(first.out, HasSubstr("Participants 36"));
  for (const char* state : {"Algeria", "Egypt", "Morocco", "Japan"}) {
    EXPECT_THAT(first.out, HasSubstr(absl::StrCat(
                               "\"", state,
                               "\" is listed under \"States-Members of the "
                               "OSCE\" but was not a member")));
  }
  EXPECT_THAT(first.out, Not(HasSubstr("\"Albania\" is listed under")));
  // The seed's outcomes, read from its prose.
  EXPECT_THAT(first.out, HasSubstr("Outcomes     5"));
  EXPECT_THAT(
      first.out,
      HasSubstr("RECOMMENDATION_KIND_ASSISTANCE_NEED  Training of personnel"));
  EXPECT_THAT(first.out, HasSubstr("RECOMMENDATION_KIND_FOLLOW_UP  Bilateral "
                                   "consultations with Albania"));
  const std::string event = EventOf(first.out);
  ASSERT_FALSE(event.empty());

  CtlResult second = Ctl({"import", kSeed});
  ASSERT_EQ(second.code, 0) << second.out;
  EXPECT_THAT(second.out, HasSubstr("already imported"));
  EXPECT_EQ(EventOf(second.out), event);

  CtlResult note = Ctl({"note", event});
  ASSERT_EQ(note.code, 0) << note.out;
  std::ifstream in(kSeed);
  std::stringstream seed;
  seed << in.rdbuf();
  // Every header fact, participant (in group and order), bullet and
  // paragraph of the seed is in the note rebuilt from records.
  for (absl::string_view line : absl::StrSplit(seed.str(), '\n')) {
    std::string l(absl::StripAsciiWhitespace(line));
    if (l.empty() || absl::StartsWith(l, "\u00b9") ||
        absl::StartsWith(l, "Information Note") ||
        absl::StartsWith(l, "Organizers") || absl::StartsWith(l, "Date and")) {
      continue;
    }
    if (absl::StartsWith(l, "- ")) l = l.substr(2);
    EXPECT_THAT(note.out, HasSubstr(l)) << "missing: " << l.substr(0, 80);
  }
  EXPECT_THAT(note.out,
              HasSubstr("Date and Venue\t5-6 November 2013, Kiev, Ukraine"));
  EXPECT_THAT(note.out,
              HasSubstr("The Government of Ukraine in cooperation with "
                        "the Conflict Prevention Center"));
  EXPECT_THAT(note.out, HasSubstr("1540experts@un.org"));
  size_t disclaimers = 0;
  for (size_t p = note.out.find("For information only"); p != std::string::npos;
       p = note.out.find("For information only", p + 1)) {
    ++disclaimers;
  }
  EXPECT_EQ(disclaimers, 1u);
  EXPECT_GT(note.out.find("For information only"), note.out.find("Highlights"));

  CtlResult html = Ctl({"note", event, "--format=html"});
  ASSERT_EQ(html.code, 0);
  EXPECT_THAT(html.out, HasSubstr("<!DOCTYPE html>"));
}

TEST_F(GatewayIntegrationTest, BadNotesAreRefusedAndCreateNothing) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {Write("empty.txt", ""), "is empty"},
      {Write("binary.bin", std::string("\x89PNG\r\n\x1a\n\0\0\x01", 11)),
       "not valid UTF-8: byte 0x89 at byte offset 0"},
      // Valid UTF-8 but binary: refused by the gateway itself.
      {Write("controls.bin",
             std::string("Event\tX\n") + std::string(16, '\x01')),
       "looks binary"},
      {Write("huge.txt", std::string(2 << 20, 'a')), "over the limit"},
      {Write("nodate.txt", "Event\tX\nParticipants\tStates: Malta\n"),
       "no date"},
      {Write("noheader.txt", "Background\n- no header here\n"),
       "no header table"},
  };
  for (const auto& [path, why] : cases) {
    CtlResult r = Ctl({"import", path});
    EXPECT_EQ(r.code, 1) << path;
    EXPECT_THAT(r.out, HasSubstr("INVALID_ARGUMENT")) << path;
    EXPECT_THAT(r.out, HasSubstr(why)) << path;
  }
  CtlResult first = Ctl({"import", kSeed});
  EXPECT_THAT(first.out, HasSubstr("(created)"))
      << "nothing was created before";
}

TEST_F(GatewayIntegrationTest, BackendStoppedMidTest) {
  CtlResult imported = Ctl({"import", kSeed});
  ASSERT_EQ(imported.code, 0) << imported.out;
  const std::string event = EventOf(imported.out);
  ASSERT_EQ(recommendations_->Stop(), 0);
  CtlResult partial = Ctl({"note", event, "--output=json"});
  ASSERT_EQ(partial.code, 0) << partial.out;
  EXPECT_THAT(partial.out, HasSubstr("\"partial\": true"));
  ASSERT_EQ(events_->Stop(), 0);
  CtlResult down = Ctl({"note", event});
  EXPECT_EQ(down.code, 1);
  EXPECT_THAT(down.out, HasSubstr("UNAVAILABLE"));
}

TEST_F(GatewayIntegrationTest, ProfileDashboardAndEventList) {
  CtlResult imported = Ctl({"import", kSeed});
  ASSERT_EQ(imported.code, 0) << imported.out;
  const std::string event = EventOf(imported.out);

  CtlResult profile = Ctl({"profile", "Moldova"});
  ASSERT_EQ(profile.code, 0) << profile.out;
  // Never a silent guess: an ambiguous name gets the candidates.
  CtlResult korea = Ctl({"profile", "Korea"});
  EXPECT_EQ(korea.code, 1) << korea.out;
  EXPECT_THAT(korea.out, HasSubstr("INVALID_ARGUMENT"));
  EXPECT_THAT(korea.out, HasSubstr("ambiguous"));
  EXPECT_THAT(korea.out, HasSubstr("entities/kr"));
  EXPECT_THAT(korea.out, HasSubstr("entities/kp"));
  EXPECT_THAT(profile.out, HasSubstr("Open follow-ups: 1"));
  EXPECT_THAT(profile.out, HasSubstr("(entities/md, MD)"));
  EXPECT_THAT(profile.out, HasSubstr("Events attended: 1"));
  EXPECT_THAT(profile.out, HasSubstr("2013-11-05  Regional Workshop"));
  EXPECT_THAT(
      profile.out,
      HasSubstr("[as \"Moldova\" under \"States-Members of the OSCE\"]"));
  CtlResult unknown = Ctl({"profile", "Atlantis"});
  EXPECT_EQ(unknown.code, 1);
  EXPECT_THAT(unknown.out, HasSubstr("NOT_FOUND"));

  CtlResult dashboard = Ctl({"dashboard", "--output=json"});
  ASSERT_EQ(dashboard.code, 0) << dashboard.out;
  EXPECT_THAT(dashboard.out, HasSubstr("\"eventCount\": \"1\""));
  EXPECT_THAT(dashboard.out, HasSubstr("\"key\": \"UA\""));
  EXPECT_THAT(dashboard.out, HasSubstr("\"key\": \"entities/md\""));
  EXPECT_THAT(dashboard.out, HasSubstr("\"key\": \"2013\""));

  CtlResult list = Ctl({"events", "list", "--filter=country = UA"});
  ASSERT_EQ(list.code, 0) << list.out;
  EXPECT_THAT(list.out, HasSubstr(event));
  CtlResult none = Ctl({"events", "list", "--filter=country = KZ"});
  EXPECT_THAT(none.out, Not(HasSubstr(event)));
  CtlResult bad = Ctl({"events", "list", "--filter=colour = red"});
  EXPECT_EQ(bad.code, 1);
  EXPECT_THAT(bad.out, HasSubstr("INVALID_ARGUMENT"));
  EXPECT_THAT(bad.out, HasSubstr("filter:"));
  // The dashboard's filter is the events filter: a bad one is the events
  // service's INVALID_ARGUMENT with its field details, passed through.
  CtlResult bad_dashboard = Ctl({"dashboard", "--filter=colour = red"});
  EXPECT_EQ(bad_dashboard.code, 1);
  EXPECT_THAT(bad_dashboard.out, HasSubstr("INVALID_ARGUMENT"));
  EXPECT_THAT(bad_dashboard.out, HasSubstr("filter:"));
}

// An import that fails part-way is left IMPORTING, listed as such, and the
// next import of the note completes it: nothing is removed, nothing is
// duplicated.
TEST_F(GatewayIntegrationTest, AnImportThatFailsPartWayIsCompletedByTheNext) {
  ASSERT_EQ(recommendations_->Stop(), 0);
  CtlResult r = Ctl({"import", kSeed});
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_THAT(r.out, HasSubstr("UNAVAILABLE"));
  CtlResult incomplete =
      Ctl({"events", "list", "--filter=import_state = IMPORTING"});
  ASSERT_EQ(incomplete.code, 0) << incomplete.out;
  const std::string event = EventOf(Ctl({"import", "--dry-run", kSeed}).out);
  EXPECT_THAT(incomplete.out, HasSubstr(event));
  ASSERT_TRUE(recommendations_->Start()) << recommendations_->log();
  // The gateway's channel reconnects with backoff: a user runs the import
  // again until it goes through, which is safe because it converges.
  CtlResult again = Ctl({"import", kSeed});
  for (int i = 0; i < 40 && again.code != 0; ++i) {
    absl::SleepFor(absl::Milliseconds(250));
    again = Ctl({"import", kSeed});
  }
  ASSERT_EQ(again.code, 0) << again.out;
  EXPECT_THAT(again.out, HasSubstr(event));
  EXPECT_THAT(again.out, HasSubstr("continued the import"));
  EXPECT_THAT(again.out, HasSubstr("Outcomes     5"));
  CtlResult none = Ctl({"events", "list", "--filter=import_state = IMPORTING"});
  EXPECT_THAT(none.out, Not(HasSubstr(event)));
  CtlResult check = Ctl({"check"});
  EXPECT_EQ(check.code, 0) << check.out;
  EXPECT_THAT(check.out, HasSubstr("Orphans: 0"));
}

// A write through any service is visible in the next gateway read, even
// though composites are cached.
TEST_F(GatewayIntegrationTest, CachedNotesStayCoherentWithWrites) {
  CtlResult imported = Ctl({"import", kSeed});
  ASSERT_EQ(imported.code, 0) << imported.out;
  const std::string event = EventOf(imported.out);
  ASSERT_EQ(Ctl({"note", event}).code, 0);
  EXPECT_THAT(redis_->Command("KEYS outreach:gateway:v1:render:*"),
              HasSubstr("outreach:gateway:v1:render:"));
  const long hits = redis_->KeyspaceHits();
  CtlResult cached = Ctl({"note", event});
  ASSERT_EQ(cached.code, 0);
  EXPECT_GT(redis_->KeyspaceHits(), hits) << "the second read used the cache";

  // Through the events service.
  auto events =
      outreach::events::v1::EventsService::NewStub(events_->NewChannel());
  {
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
    outreach::events::v1::UpdateEventRequest req;
    req.mutable_event()->set_name(event);
    req.mutable_event()->set_title("Regional Workshop, Kyiv");
    req.mutable_update_mask()->add_paths("title");
    outreach::events::v1::Event out;
    ASSERT_TRUE(events->UpdateEvent(&ctx, req, &out).ok());
  }
  EXPECT_THAT(Ctl({"note", event}).out,
              HasSubstr("Event\tRegional Workshop, Kyiv"));

  // Through the participants service.
  auto participants = outreach::participants::v1::ParticipantsService::NewStub(
      participants_->NewChannel());
  {
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
    outreach::participants::v1::CreateParticipationRequest req;
    req.set_parent(event);
    req.mutable_participation()->set_printed_name("Estonia");
    req.mutable_participation()->set_printed_group("Other");
    req.mutable_participation()->set_position(99);
    outreach::participants::v1::Participation out;
    ASSERT_TRUE(participants->CreateParticipation(&ctx, req, &out).ok());
  }
  EXPECT_THAT(Ctl({"note", event}).out,
              HasSubstr("1540 Committee expert, Estonia"));

  // Through the recommendations service.
  auto recs = outreach::recommendations::v1::RecommendationsService::NewStub(
      recommendations_->NewChannel());
  {
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
    outreach::recommendations::v1::TransitionRecommendationRequest req;
    req.set_name(absl::StrCat("recommendations/", event.substr(7), "-o1"));
    req.set_status(
        outreach::recommendations::v1::RECOMMENDATION_STATUS_REQUESTED);
    req.set_actor("test");
    outreach::recommendations::v1::Recommendation out;
    grpc::Status st = recs->TransitionRecommendation(&ctx, req, &out);
    ASSERT_TRUE(st.ok()) << st.error_message();
  }
  EXPECT_THAT(Ctl({"note", event, "--format=json"}).out,
              HasSubstr("RECOMMENDATION_STATUS_REQUESTED"));
  // One JSON convention everywhere: lowerCamelCase, or the proto's names
  // behind one flag, for every command.
  const std::string camel = Ctl({"note", event, "--format=json"}).out;
  EXPECT_THAT(camel, HasSubstr("\"printedGroup\""));
  EXPECT_THAT(camel, Not(HasSubstr("\"printed_group\"")));
  const std::string proto =
      Ctl({"note", event, "--format=json", "--proto_names"}).out;
  EXPECT_THAT(proto, HasSubstr("\"printed_group\""));
  EXPECT_THAT(Ctl({"dashboard", "--output=json", "--proto_names"}).out,
              HasSubstr("\"event_count\""));
}

// Every binary's /metrics answers while the suite is busy, and what it
// reports matches the traffic: the gateway's served calls, its calls to the
// backends, and the backends' own calls and cache use.
TEST_F(GatewayIntegrationTest, MetricsAreScrapedUnderTraffic) {
  CtlResult imported = Ctl({"import", kSeed});
  ASSERT_EQ(imported.code, 0) << imported.out;
  const std::string event = EventOf(imported.out);

  auto gateway =
      outreach::gateway::v1::GatewayService::NewStub(gateway_->NewChannel());
  std::atomic<bool> stop{false};
  std::atomic<int> ok_notes{0}, failed{0};
  std::vector<std::thread> traffic;
  for (int t = 0; t < 2; ++t) {
    traffic.emplace_back([&] {
      while (!stop.load()) {
        grpc::ClientContext ctx;
        ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
        outreach::gateway::v1::GetInformationNoteRequest req;
        req.set_event(event);
        outreach::gateway::v1::InformationNote out;
        if (gateway->GetInformationNote(&ctx, req, &out).ok()) {
          ok_notes.fetch_add(1);
        } else {
          failed.fetch_add(1);
        }
      }
    });
  }
  // Scrape every binary repeatedly while the calls run.
  std::vector<ServiceProcess*> all = {events_.get(), participants_.get(),
                                      recommendations_.get(), gateway_.get()};
  int scrapes = 0;
  const absl::Time until = absl::Now() + absl::Seconds(1.5);
  while (absl::Now() < until) {
    for (ServiceProcess* p : all) {
      auto body = HttpGet(p->metrics_port(), "/metrics");
      ASSERT_TRUE(body.ok()) << body.status();
      EXPECT_THAT(*body, HasSubstr("outreach_server_requests_total"));
      ++scrapes;
    }
  }
  stop.store(true);
  for (auto& t : traffic) t.join();
  EXPECT_EQ(failed.load(), 0);
  ASSERT_GT(ok_notes.load(), 10);
  EXPECT_GT(scrapes, 8);

  auto gw = HttpGet(gateway_->metrics_port(), "/metrics");
  ASSERT_TRUE(gw.ok());
  // Counted before the status is sent, so every answered call is in.
  EXPECT_EQ(SeriesValue(*gw,
                        "outreach_server_requests_total{code=\"OK\",method="
                        "\"/outreach.gateway.v1.GatewayService/"
                        "GetInformationNote\"}"),
            ok_notes.load());
  EXPECT_EQ(SeriesValue(*gw,
                        "outreach_server_request_duration_seconds_count{"
                        "method=\"/outreach.gateway.v1.GatewayService/"
                        "GetInformationNote\"}"),
            ok_notes.load());
  // The first note was built from the backends; the rest came warm.
  EXPECT_GT(SeriesValue(*gw,
                        "outreach_client_requests_total{code=\"OK\","
                        "method=\"GetEvent\",target=\"outreach.events."
                        "v1.EventsService\"}"),
            0);
  EXPECT_GT(SeriesValue(*gw,
                        "outreach_cache_requests_total{operation="
                        "\"get\",result=\"hit\"}"),
            ok_notes.load() / 2);
  EXPECT_THAT(*gw,
              HasSubstr("outreach_client_request_duration_seconds_bucket"));

  auto ev = HttpGet(events_->metrics_port(), "/metrics");
  ASSERT_TRUE(ev.ok());
  EXPECT_GT(SeriesValue(*ev,
                        "outreach_server_requests_total{code=\"OK\","
                        "method=\"/outreach.events.v1.EventsService/"
                        "CreateEvent\"}"),
            0);
  EXPECT_THAT(*ev, HasSubstr("outreach_cache_requests_total{operation="
                             "\"lookup\""));
  EXPECT_EQ(SeriesValue(*ev, "outreach_server_in_flight"), 0);
  auto pa = HttpGet(participants_->metrics_port(), "/metrics");
  ASSERT_TRUE(pa.ok());
  EXPECT_GT(SeriesValue(*pa,
                        "outreach_server_requests_total{code=\"OK\","
                        "method=\"/outreach.participants.v1."
                        "ParticipantsService/BatchCreateParticipations\"}"),
            0);
  // The participants service checked the event with the events service.
  EXPECT_THAT(*pa, HasSubstr("target=\"outreach.events.v1.EventsService\""));
  auto re = HttpGet(recommendations_->metrics_port(), "/metrics");
  ASSERT_TRUE(re.ok());
  EXPECT_THAT(*re, HasSubstr("outreach.recommendations.v1."
                             "RecommendationsService/"));
}

// A stalled backend (the events service stopped with SIGSTOP: connected,
// answering nothing) is answered by the gateway within its own budget
// (--dependency_timeout=2s, at most twice that per call), not by the
// client's 30s deadline: the server enforces it.
TEST_F(GatewayIntegrationTest,
       AStalledBackendIsAnsweredWithinTheGatewaysBudget) {
  events_->process().Signal(SIGSTOP);
  const absl::Time start = absl::Now();
  CtlResult r = Ctl({"--timeout=30s", "import", kSeed});
  const absl::Duration took = absl::Now() - start;
  events_->process().Signal(SIGCONT);
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_THAT(r.out, HasSubstr("DEADLINE_EXCEEDED"));
  EXPECT_LT(took, absl::Seconds(10));
  // The gateway is still up and answers.
  CtlResult again = Ctl({"import", "--dry-run", kSeed});
  EXPECT_EQ(again.code, 0) << again.out;
}

// A dry run's calls are bounded by the gateway's budget as an import's are:
// a stalled participants service is answered at the gateway's own budget,
// well inside the client's 30 s, and a stopped one with UNAVAILABLE.
TEST_F(GatewayIntegrationTest,
       ADryRunWithItsBackendStalledOrDownAnswersInTime) {
  participants_->process().Signal(SIGSTOP);
  const absl::Time start = absl::Now();
  CtlResult stalled = Ctl({"--timeout=30s", "import", "--dry-run", kSeed});
  const absl::Duration took = absl::Now() - start;
  participants_->process().Signal(SIGCONT);
  EXPECT_EQ(stalled.code, 1) << stalled.out;
  EXPECT_THAT(stalled.out, HasSubstr("DEADLINE_EXCEEDED"));
  EXPECT_LT(took, absl::Seconds(15));
  ASSERT_EQ(participants_->Stop(), 0);
  CtlResult down = Ctl({"--timeout=30s", "import", "--dry-run", kSeed});
  EXPECT_EQ(down.code, 1) << down.out;
  EXPECT_THAT(down.out, HasSubstr("UNAVAILABLE"));
  // The gateway is still up, and answers what the events service can.
  CtlResult missing = Ctl({"note", "events/no-such-event"});
  EXPECT_EQ(missing.code, 1) << missing.out;
  EXPECT_THAT(missing.out, HasSubstr("NOT_FOUND"));
}

// Imports run on the thread that took their call (gateway_service.h):
// past --import_threads running and --max_queued_imports waiting, the next
// is refused at once with RESOURCE_EXHAUSTED, and reads are served all the
// while. The participants service is stopped (SIGSTOP), so the running
// import stalls on its first call and the second waits behind it.
TEST_F(GatewayIntegrationTest, ImportsPastTheirTurnsAreRefusedWhileReadsGoOn) {
  auto limited =
      Start(OUTREACH_GATEWAY_SERVER, "limited",
            {"--events_address=" + events_->address(),
             "--participants_address=" + participants_->address(),
             "--recommendations_address=" + recommendations_->address(),
             "--dependency_timeout=3s", "--import_threads=1",
             "--max_queued_imports=1"});
  auto stub = gv::GatewayService::NewStub(limited->NewChannel());
  gv::ImportInformationNoteRequest req;
  req.set_text(ReadFile(kSeed));
  req.set_dry_run(true);
  auto import = [&](grpc::Status* status) {
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(20)));
    gv::ImportReport report;
    *status = stub->ImportInformationNote(&ctx, req, &report);
  };
  participants_->process().Signal(SIGSTOP);
  grpc::Status running, waiting;
  std::thread first(import, &running);
  ASSERT_TRUE(WaitForSeries(limited->metrics_port(),
                            "outreach_server_in_flight",
                            [](double v) { return v >= 1; })
                  .ok());
  std::thread second(import, &waiting);
  ASSERT_TRUE(WaitForSeries(limited->metrics_port(),
                            "outreach_server_in_flight",
                            [](double v) { return v >= 2; })
                  .ok());
  const absl::Time start = absl::Now();
  grpc::Status refused;
  import(&refused);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << refused.error_message();
  EXPECT_THAT(refused.error_message(), HasSubstr("too many imports"));
  EXPECT_LT(absl::Now() - start, absl::Seconds(1));
  // A read while both imports hold their threads: answered, by the events
  // service, which is up.
  {
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(2)));
    gv::GetInformationNoteRequest note;
    note.set_event("events/no-such-event");
    gv::InformationNote out;
    EXPECT_EQ(stub->GetInformationNote(&ctx, note, &out).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
  participants_->process().Signal(SIGCONT);
  first.join();
  second.join();
  // Neither of the admitted two was refused: each ran, or ran out of the
  // gateway's budget while the participants service was stopped.
  for (const grpc::Status* s : {&running, &waiting}) {
    EXPECT_NE(s->error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
        << s->error_message();
  }
}

// Imports that could hold more than half of the serving threads would
// leave reads none: the gateway refuses such flags at start, saying why.
TEST_F(GatewayIntegrationTest, ImportBoundsThatWouldStarveReadsRefuseToStart) {
  Subprocess server;
  const std::string log = dir_.path() + "/greedy.log";
  ASSERT_TRUE(server.Start(
      {OUTREACH_GATEWAY_SERVER, "--port=0", "--metrics_port=0",
       "--max_threads=32", "--import_threads=8", "--max_queued_imports=9"},
      log));
  EXPECT_EQ(server.Wait(absl::Seconds(10)).value_or(-1), 2);
  EXPECT_THAT(ReadFile(log), HasSubstr("at most half of --max_threads"));
}

}  // namespace
}  // namespace outreach::testing
