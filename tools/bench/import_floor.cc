// What a dry-run import of a note costs with no RPC at all: the floor
// under `import_dry_run` in docs/performance.md (tools/bench/findings.md).
//
// In one process and one thread, it runs the gateway's NoteImporter
// against the real participants domain (ParticipantManager over a SQLite
// store seeded with the shipped reference data, called directly rather
// than over gRPC) and the gateway's fake events client, and times each
// part of the work in CPU time:
//   parse     ParseInformationNote of the note
//   resolve   ResolveEntities of every name the import resolves
//   check     BatchCheckMemberships of every printed group
//   dry_run   the whole NoteImporter::Import(dry_run), parse included
//   report    serializing the dry run's ImportReport
// and prints one JSON object a line, {"part", "iterations", "cpu_us"}.
// Whatever the RPCs add comes on top, so the bench's dry run can be no
// cheaper than `dry_run` + `report` plus the events service's validation.

#include <time.h>

#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_format.h"
#include "common/geo/iso3166.h"
#include "common/sqlite/sqlite_db.h"
#include "common/time/clock.h"
#include "services/gateway/fake_backends.h"
#include "services/gateway/note_importer.h"
#include "services/gateway/note_parser.h"
#include "services/participants/participant_manager.h"
#include "services/participants/reference_data.h"
#include "services/participants/sql_participant_store.h"

ABSL_FLAG(std::string, note, "", "The note to import (the seed).");
ABSL_FLAG(
    std::string, reference_dir, "",
    "The participants service's reference data (services/participants/data).");
ABSL_FLAG(std::string, store, "",
          "A SQLite file to create for the participants store.");
ABSL_FLAG(int, iterations, 2000, "Repetitions of each part.");

namespace outreach {
namespace {

namespace pv = ::outreach::participants::v1;
using ::outreach::CallScope;

// The participants client, answered by the domain in this process.
class InProcessParticipants final : public gateway::ParticipantsClient {
 public:
  explicit InProcessParticipants(participants::ParticipantManager* manager)
      : manager_(manager) {}
  absl::StatusOr<pv::ResolveEntitiesResponse> Resolve(
      const CallScope&, const pv::ResolveEntitiesRequest& req) override {
    if (last_resolve_.names_size() == 0) last_resolve_ = req;  // untimed
    return manager_->ResolveEntities(req);
  }
  absl::StatusOr<pv::BatchCheckMembershipsResponse> BatchCheckMemberships(
      const CallScope&, const pv::BatchCheckMembershipsRequest& req) override {
    if (last_check_.requests_size() == 0) last_check_ = req;  // untimed
    return manager_->BatchCheckMemberships(req);
  }
  absl::StatusOr<pv::Entity> GetEntity(const CallScope&,
                                       const std::string&) override {
    return Unused();
  }
  absl::StatusOr<pv::ListParticipationsResponse> ListParticipations(
      const CallScope&, const pv::ListParticipationsRequest&) override {
    return Unused();
  }
  absl::StatusOr<pv::SummarizeParticipationsResponse> Summarize(
      const CallScope&) override {
    return Unused();
  }
  absl::StatusOr<pv::BatchCreateParticipationsResponse>
  BatchCreateParticipations(
      const CallScope&, const pv::BatchCreateParticipationsRequest&) override {
    return Unused();
  }

  // The first request of each kind, kept to time that step alone; only
  // the warm-up call copies it, so the timed dry runs do not.
  const pv::ResolveEntitiesRequest& last_resolve() const {
    return last_resolve_;
  }
  const pv::BatchCheckMembershipsRequest& last_check() const {
    return last_check_;
  }

 private:
  static absl::Status Unused() {
    return absl::UnimplementedError("not part of a dry run");
  }
  participants::ParticipantManager* const manager_;
  pv::ResolveEntitiesRequest last_resolve_;
  pv::BatchCheckMembershipsRequest last_check_;
};

int64_t CpuNanos() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec;
}

// Runs `fn` `n` times; prints its CPU time per run. false when it failed.
template <typename Fn>
bool Time(const std::string& part, int n, Fn fn) {
  if (!fn()) {  // once to warm up, and to stop on an error
    std::cerr << part << " failed\n";
    return false;
  }
  const int64_t start = CpuNanos();
  for (int i = 0; i < n; ++i) fn();
  const double us = static_cast<double>(CpuNanos() - start) / 1000.0 / n;
  std::cout << absl::StrFormat(
      "{\"part\": \"%s\", \"iterations\": %d, \"cpu_us\": %.1f}\n", part, n,
      us);
  return true;
}

int Run() {
  std::ifstream in(absl::GetFlag(FLAGS_note), std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in || text.str().empty()) {
    std::cerr << "--note cannot be read\n";
    return 1;
  }
  auto countries = CountryRegistry::Load();
  if (!countries.ok()) {
    std::cerr << countries.status() << "\n";
    return 1;
  }
  auto reference = participants::LoadReferenceEntities(
      absl::GetFlag(FLAGS_reference_dir), **countries);
  if (!reference.ok()) {
    std::cerr << reference.status() << "\n";
    return 1;
  }
  SqliteOptions options;
  options.path = absl::GetFlag(FLAGS_store);
  auto store = participants::SqlParticipantStore::Open(options);
  if (!store.ok()) {
    std::cerr << store.status() << "\n";
    return 1;
  }
  participants::ParticipantManager manager(store->get(), nullptr,
                                           SystemClock::Default());
  if (auto s = manager.Load(*reference); !s.ok()) {
    std::cerr << s << "\n";
    return 1;
  }

  gateway::testing::FakeState state;
  gateway::testing::FakeEvents events(&state);
  gateway::testing::FakeRecommendations recommendations(&state);
  InProcessParticipants participants(&manager);
  gateway::NoteImporter importer(
      gateway::BackendClients{&events, &participants, &recommendations});
  gateway::v1::ImportInformationNoteRequest req;
  req.set_text(text.str());
  req.set_dry_run(true);

  const int n = absl::GetFlag(FLAGS_iterations);
  gateway::v1::ImportReport report;
  bool ok = Time("dry_run", n, [&] {
    state.calls.clear();
    auto r = importer.Import({}, req);
    if (!r.ok()) {
      std::cerr << r.status() << "\n";
      return false;
    }
    report = std::move(*r);
    return true;
  });
  ok = ok && Time("parse", n, [&] {
         return gateway::ParseInformationNote(req.text(), "text").ok();
       });
  const pv::ResolveEntitiesRequest resolve = participants.last_resolve();
  const pv::BatchCheckMembershipsRequest check = participants.last_check();
  ok = ok && Time("resolve", n,
                  [&] { return manager.ResolveEntities(resolve).ok(); });
  ok = ok && Time("check", n,
                  [&] { return manager.BatchCheckMemberships(check).ok(); });
  std::string bytes;
  ok = ok && Time("report", n, [&] {
         bytes.clear();
         return report.SerializeToString(&bytes);
       });
  auto resolved = manager.ResolveEntities(resolve);
  std::cerr << absl::StrFormat(
      "%d names resolved (%d bytes asked, %d answered), %d groups checked, "
      "report of %d bytes\n",
      resolve.names_size(), resolve.ByteSizeLong(),
      resolved.ok() ? resolved->ByteSizeLong() : 0, check.requests_size(),
      bytes.size());
  return ok ? 0 : 1;
}

}  // namespace
}  // namespace outreach

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return outreach::Run();
}
