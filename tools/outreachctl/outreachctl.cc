// outreachctl: the command line for Outreach users; talks to the gateway.
//
//   outreachctl import [--dry-run] [--output=json|text] FILE
//   outreachctl note EVENT [--format=text|markdown|html|json]
//   outreachctl events list [--filter=...]
//   outreachctl profile STATE          (entities/md or a name: "Moldova")
//   outreachctl dashboard [--filter=...]
//
// --address defaults to the address scripts/run.sh serves the gateway on.
// Errors go to stderr with their gRPC code and field details; the exit
// code is 1 for a failed call and 2 for a usage error.

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/config/env_flags.h"
#include "common/security/client_security.h"
#include "common/status/status_util.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "outreach/gateway/v1/gateway.grpc.pb.h"
#include "common/text/utf8.h"

ABSL_FLAG(std::string, address, "127.0.0.1:8080", "The gateway, host:port.");
ABSL_FLAG(absl::Duration, timeout, absl::Seconds(30), "Deadline of the call.");
ABSL_FLAG(std::string, output, "text", "text or json (the response message).");
ABSL_FLAG(bool, proto_names, false,
          "JSON output (--output=json, note --format=json) with the proto's "
          "field names (snake_case) instead of the proto3 JSON mapping's "
          "lowerCamelCase.");
ABSL_FLAG(bool, dry_run, false, "import: parse and resolve, create nothing.");
ABSL_FLAG(bool, force, false,
          "delete: also delete the event's participations and outcomes.");
ABSL_FLAG(bool, lines, false,
          "import: list every line of the note and what it was used for.");
ABSL_FLAG(std::string, format, "text", "note: text, markdown, html or json.");
ABSL_FLAG(std::string, filter, "",
          "events list, dashboard: an events filter, e.g. 'country = \"UA\"'.");

namespace {

namespace gv = ::outreach::gateway::v1;
namespace pv = ::outreach::participants::v1;

constexpr char kUsage[] =
    "usage:\n"
    "  outreachctl import [--dry-run] [--lines] [--output=json|text] FILE\n"
    "  outreachctl note EVENT [--format=text|markdown|html|json]\n"
    "  outreachctl events list [--filter=FILTER]\n"
    "  outreachctl profile STATE\n"
    "  outreachctl dashboard [--filter=FILTER]\n"
    "  outreachctl check                  (orphans, incomplete imports)\n"
    "  outreachctl delete EVENT [--force]\n"
    "flags: --address (default 127.0.0.1:8080), --timeout (30s)";

int Usage(const std::string& why) {
  std::fprintf(stderr, "outreachctl: %s\n%s\n", why.c_str(), kUsage);
  return 2;
}

int Fail(const grpc::Status& status) {
  static const char* const kCodes[] = {"OK",
                                       "CANCELLED",
                                       "UNKNOWN",
                                       "INVALID_ARGUMENT",
                                       "DEADLINE_EXCEEDED",
                                       "NOT_FOUND",
                                       "ALREADY_EXISTS",
                                       "PERMISSION_DENIED",
                                       "RESOURCE_EXHAUSTED",
                                       "FAILED_PRECONDITION",
                                       "ABORTED",
                                       "OUT_OF_RANGE",
                                       "UNIMPLEMENTED",
                                       "INTERNAL",
                                       "UNAVAILABLE",
                                       "DATA_LOSS",
                                       "UNAUTHENTICATED"};
  const int code = status.error_code();
  std::fprintf(stderr, "outreachctl: %s: %s\n",
               code >= 0 && code <= 16 ? kCodes[code] : "UNKNOWN",
               status.error_message().c_str());
  for (const auto& v :
       outreach::GetFieldViolations(outreach::FromGrpcStatus(status))) {
    std::fprintf(stderr, "  %s: %s\n", v.field.c_str(), v.description.c_str());
  }
  return 1;
}

// The proto3 JSON mapping: lowerCamelCase names, or the proto's own names
// with --proto_names; the same for every command.
void PrintJson(const google::protobuf::Message& m) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = absl::GetFlag(FLAGS_proto_names);
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(m, &json, options);
  std::cout << json;
}

// absl flags are spelled with underscores; accept the dashes people type
// ("--dry-run").
std::vector<std::string> NormalizeFlagNames(int argc, char** argv) {
  std::vector<std::string> out;
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    if (i > 0 && a.size() > 2 && a[0] == '-' && a[1] == '-') {
      const size_t end = std::min(a.find('='), a.size());
      for (size_t k = 2; k < end; ++k) {
        if (a[k] == '-') a[k] = '_';
      }
    }
    out.push_back(std::move(a));
  }
  return out;
}

std::string Date(const outreach::type::v1::Date& d) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02d", d.year(), d.month(),
                d.day());
  return buf;
}

void PrintReport(const gv::ImportReport& r) {
  const char* what = r.dry_run() ? "dry run, nothing created"
                     : r.already_imported()
                         ? "already imported, nothing created"
                     : r.resumed() ? "completed an unfinished import"
                                   : "created";
  std::cout << "Event        "
            << (r.event().name().empty() ? "-" : r.event().name()) << "  ("
            << what << ")\n"
            << "Title        " << r.event().title() << "\n"
            << "Dates        " << Date(r.event().start_date()) << " to "
            << Date(r.event().end_date()) << "\n"
            << "Venue        " << r.event().venue().city() << ", "
            << r.printed_country() << " ("
            << (r.event().venue().country_code().empty()
                    ? "?"
                    : r.event().venue().country_code())
            << ")\n";
  for (const auto& o : r.event().organizers()) {
    std::cout << "Organizer    " << o.display_name() << "\n";
  }
  std::cout << "Participants " << r.participations_size() << "\n";
  std::string group = "\x01";
  for (const auto& p : r.participations()) {
    if (p.printed_group() != group) {
      group = p.printed_group();
      std::cout << "  " << (group.empty() ? "(no group)" : group) << "\n";
    }
    std::printf("    %-44s %-3s %s\n", p.printed_name().c_str(),
                p.iso_alpha2().empty() ? "" : p.iso_alpha2().c_str(),
                p.resolution_state() == pv::RESOLUTION_STATE_RESOLVED
                    ? p.entity().c_str()
                    : "UNRESOLVED");
  }
  std::cout << "Outcomes     " << r.outcomes_size() << "\n";
  for (const auto& o : r.outcomes()) {
    std::cout << "  "
              << outreach::recommendations::v1::RecommendationKind_Name(
                     o.kind())
              << "  " << o.text() << "\n";
    if (!o.source().rule().empty()) {
      std::cout << "      read by " << o.source().rule() << " from: \""
                << o.source().excerpt() << "\"\n";
    }
  }
  // Where every line went: a summary, or each line with --lines.
  std::map<std::string, int> uses;
  for (const auto& l : r.lines()) ++uses[gv::LineUse_Name(l.use())];
  std::cout << "Lines        " << r.lines_size();
  const char* sep = " (";
  for (const auto& [use, n] : uses) {
    std::string name = use.substr(std::string("LINE_USE_").size());
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    std::cout << sep << n << " " << name;
    sep = ", ";
  }
  std::cout << (uses.empty() ? "" : ")") << "\n";
  if (absl::GetFlag(FLAGS_lines)) {
    for (const auto& l : r.lines()) {
      std::string name = gv::LineUse_Name(l.use()).substr(9);
      std::transform(name.begin(), name.end(), name.begin(), ::tolower);
      std::printf("  %4d  %-17s %-28s %s\n", l.line(), name.c_str(),
                  l.target().c_str(), l.detail().c_str());
    }
  }
  if (r.warnings_size() > 0) {
    std::cout << "Warnings\n";
    for (const auto& w : r.warnings()) std::cout << "  - " << w << "\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> normalized = NormalizeFlagNames(argc, argv);
  std::vector<char*> raw;
  for (auto& a : normalized) raw.push_back(a.data());
  std::vector<char*> args = outreach::ParseFlagsWithEnv(
      static_cast<int>(raw.size()), raw.data(), kUsage);
  if (args.size() < 2) return Usage("no command");
  const std::string command = args[1];
  const std::string output = absl::GetFlag(FLAGS_output);
  if (output != "text" && output != "json") {
    return Usage("--output must be text or json");
  }
  auto credentials =
      outreach::ClientCredentials(outreach::ClientSecurityFromFlags());
  if (!credentials.ok()) {
    return Usage(std::string(credentials.status().message()));
  }
  auto stub = gv::GatewayService::NewStub(
      grpc::CreateChannel(absl::GetFlag(FLAGS_address), *credentials));
  grpc::ClientContext ctx;
  ctx.set_deadline(
      absl::ToChronoTime(absl::Now() + absl::GetFlag(FLAGS_timeout)));

  if (command == "import") {
    if (args.size() != 3) return Usage("import takes one FILE");
    std::ifstream in(args[2], std::ios::binary);
    if (!in) return Usage(absl::StrCat("cannot read ", args[2]));
    std::stringstream text;
    text << in.rdbuf();
    // A string field cannot carry other bytes; say where the file stops
    // being text, as the gateway would.
    if (const size_t bad = outreach::FindInvalidUtf8(
            text.str());
        bad != std::string::npos) {
      std::fprintf(stderr,
                   "outreachctl: INVALID_ARGUMENT: %s is not valid UTF-8: "
                   "byte 0x%02x at byte offset %zu (binary data? extract the "
                   "text of the PDF first)\n",
                   args[2], static_cast<unsigned char>(text.str()[bad]), bad);
      return 1;
    }
    gv::ImportInformationNoteRequest req;
    req.set_text(text.str());
    req.set_dry_run(absl::GetFlag(FLAGS_dry_run));
    gv::ImportReport report;
    grpc::Status s = stub->ImportInformationNote(&ctx, req, &report);
    if (!s.ok()) return Fail(s);
    if (output == "json") {
      PrintJson(report);
    } else {
      PrintReport(report);
    }
    return 0;
  }
  if (command == "note") {
    if (args.size() != 3) return Usage("note takes one EVENT (events/{id})");
    gv::RenderInformationNoteRequest req;
    req.set_event(args[2]);
    const std::string format = absl::GetFlag(FLAGS_format);
    if (format == "text") {
      req.set_format(gv::NOTE_FORMAT_TEXT);
    } else if (format == "markdown") {
      req.set_format(gv::NOTE_FORMAT_MARKDOWN);
    } else if (format == "html") {
      req.set_format(gv::NOTE_FORMAT_HTML);
    } else if (format == "json") {
      req.set_format(gv::NOTE_FORMAT_JSON);
      if (absl::GetFlag(FLAGS_proto_names)) {
        // The gateway renders the mapping's lowerCamelCase; the proto's
        // names come from the structured note, printed here.
        gv::GetInformationNoteRequest get;
        get.set_event(args[2]);
        gv::InformationNote structured;
        grpc::Status s = stub->GetInformationNote(&ctx, get, &structured);
        if (!s.ok()) return Fail(s);
        PrintJson(structured);
        return 0;
      }
    } else {
      return Usage("--format must be text, markdown, html or json");
    }
    gv::RenderedNote note;
    grpc::Status s = stub->RenderInformationNote(&ctx, req, &note);
    if (!s.ok()) return Fail(s);
    if (output == "json") {
      PrintJson(note);
    } else {
      std::cout << note.content();
      if (note.partial()) {
        std::fprintf(
            stderr,
            "outreachctl: note is partial (a service did not answer)\n");
      }
    }
    return 0;
  }
  if (command == "events") {
    if (args.size() != 3 || std::string(args[2]) != "list") {
      return Usage("events takes 'list'");
    }
    outreach::events::v1::ListEventsRequest req;
    req.set_filter(absl::GetFlag(FLAGS_filter));
    req.set_page_size(1000);
    outreach::events::v1::ListEventsResponse all;
    do {
      grpc::ClientContext page_ctx;
      page_ctx.set_deadline(
          absl::ToChronoTime(absl::Now() + absl::GetFlag(FLAGS_timeout)));
      outreach::events::v1::ListEventsResponse page;
      grpc::Status s = stub->ListEvents(&page_ctx, req, &page);
      if (!s.ok()) return Fail(s);
      for (const auto& e : page.events()) *all.add_events() = e;
      req.set_page_token(page.next_page_token());
    } while (!req.page_token().empty());
    if (output == "json") {
      PrintJson(all);
    } else {
      for (const auto& e : all.events()) {
        std::printf("%-60s %s  %-2s  %s\n", e.name().c_str(),
                    Date(e.start_date()).c_str(),
                    e.venue().country_code().c_str(), e.title().c_str());
      }
      // An empty listing says so, rather than print nothing at all.
      if (all.events_size() == 0) {
        std::printf("No events%s.\n",
                    absl::GetFlag(FLAGS_filter).empty()
                        ? ""
                        : absl::StrCat(" match the filter '",
                                       absl::GetFlag(FLAGS_filter), "'")
                              .c_str());
      } else {
        std::printf("%d event%s\n", all.events_size(),
                    all.events_size() == 1 ? "" : "s");
      }
    }
    return 0;
  }
  if (command == "profile") {
    if (args.size() != 3) return Usage("profile takes one STATE");
    gv::GetStateProfileRequest req;
    req.set_entity(args[2]);
    gv::StateProfile profile;
    grpc::Status s = stub->GetStateProfile(&ctx, req, &profile);
    if (!s.ok()) return Fail(s);
    if (output == "json") {
      PrintJson(profile);
      return 0;
    }
    std::cout << profile.entity().display_name() << " ("
              << profile.entity().name()
              << (profile.entity().iso_alpha2().empty()
                      ? ""
                      : ", " + profile.entity().iso_alpha2())
              << ")\nEvents attended: " << profile.events_size() << "\n";
    for (const auto& a : profile.events()) {
      std::cout << "  " << Date(a.event().start_date()) << "  "
                << a.event().title();
      for (const auto& p : a.participations()) {
        std::cout << "  [as \"" << p.printed_name() << "\" under \""
                  << p.printed_group() << "\"]";
      }
      std::cout << "\n";
    }
    std::cout << "Outcomes addressed: " << profile.outcomes_size() << "\n";
    for (const auto& o : profile.outcomes()) {
      std::cout << "  "
                << outreach::recommendations::v1::RecommendationStatus_Name(
                       o.status())
                << "  " << o.text() << "\n";
    }
    std::cout << "Open follow-ups: " << profile.open_follow_ups_size() << "\n";
    if (profile.partial()) std::cerr << "outreachctl: profile is partial\n";
    return 0;
  }
  if (command == "dashboard") {
    if (args.size() != 2) return Usage("dashboard takes no arguments");
    gv::GetDashboardRequest req;
    req.set_filter(absl::GetFlag(FLAGS_filter));
    gv::Dashboard d;
    grpc::Status s = stub->GetDashboard(&ctx, req, &d);
    if (!s.ok()) return Fail(s);
    if (output == "json") {
      PrintJson(d);
      return 0;
    }
    std::cout << "Events: " << d.event_count() << "\n";
    auto print =
        [](const char* title,
           const google::protobuf::RepeatedPtrField<gv::Count>& counts) {
          std::cout << title << "\n";
          for (const auto& c : counts) {
            std::printf("  %-40s %lld\n", c.key().c_str(),
                        static_cast<long long>(c.count()));
          }
        };
    print("By year", d.events_by_year());
    print("By kind", d.events_by_kind());
    print("By country", d.events_by_country());
    print("Participations by entity", d.participations_by_entity());
    print("Outcomes by area", d.outcomes_by_area());
    print("Outcomes by status", d.outcomes_by_status());
    if (d.partial()) std::cerr << "outreachctl: dashboard is partial\n";
    return 0;
  }
  if (command == "check") {
    if (args.size() != 2) return Usage("check takes no arguments");
    gv::IntegrityReport r;
    grpc::Status s =
        stub->CheckIntegrity(&ctx, gv::CheckIntegrityRequest(), &r);
    if (!s.ok()) return Fail(s);
    if (output == "json") {
      PrintJson(r);
    } else {
      std::cout << "Checked " << r.events_checked() << " events, "
                << r.participations_checked() << " participations, "
                << r.outcomes_checked() << " outcomes\n"
                << "Orphans: " << r.orphans_size() << "\n";
      for (const auto& o : r.orphans()) {
        std::cout << "  " << o.name() << ": " << o.reason() << " ("
                  << o.missing() << ")\n";
      }
      std::cout << "Incomplete imports: " << r.incomplete_imports_size()
                << "\n";
      for (const auto& e : r.incomplete_imports()) {
        std::cout << "  " << e << " (import its note again to complete it)\n";
      }
    }
    // Orphans are a fault to act on: a script can test the exit status.
    return r.orphans_size() == 0 ? 0 : 1;
  }
  if (command == "delete") {
    if (args.size() != 3) return Usage("delete takes one EVENT (events/{id})");
    outreach::events::v1::DeleteEventRequest req;
    req.set_name(args[2]);
    req.set_force(absl::GetFlag(FLAGS_force));
    google::protobuf::Empty empty;
    grpc::Status s = stub->DeleteEvent(&ctx, req, &empty);
    if (!s.ok()) return Fail(s);
    std::cout << "Deleted " << args[2]
              << (req.force() ? " with its participations and outcomes" : "")
              << "\n";
    return 0;
  }
  return Usage(absl::StrCat("unknown command '", command, "'"));
}
