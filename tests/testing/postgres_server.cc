#include "tests/testing/postgres_server.h"

#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <system_error>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace outreach::testing {
namespace {

constexpr char kOwner[] = "nobody";
constexpr char kGroup[] = "nogroup";

bool RunningAsRoot() { return geteuid() == 0; }

}  // namespace

PostgresServer::PostgresServer(const std::string& dir)
    : dir_(dir + "/postgres"), data_(dir + "/postgres/data"),
      port_(PickFreePort()) {}

PostgresServer::~PostgresServer() { Stop(); }

std::vector<std::string> PostgresServer::AsOwner(
    std::vector<std::string> argv) const {
  if (!RunningAsRoot()) return argv;
  // setpriv execs the command itself (so signals reach PostgreSQL), and
  // sets the parent-death signal again after the change of user, which
  // clears it: the server dies with the test.
  std::vector<std::string> wrapped = {
      "/usr/bin/setpriv", absl::StrCat("--reuid=", kOwner),
      absl::StrCat("--regid=", kGroup), "--clear-groups",
      "--pdeathsig=SIGKILL", "--"};
  wrapped.insert(wrapped.end(), argv.begin(), argv.end());
  return wrapped;
}

absl::Status PostgresServer::RunToEnd(const std::vector<std::string>& argv,
                                      const std::string& log,
                                      std::string* output) {
  Subprocess p;
  if (!p.Start(argv, log)) {
    return absl::InternalError(absl::StrCat("cannot run ", argv[0]));
  }
  const std::optional<int> rc = p.Wait(absl::Seconds(60));
  if (output != nullptr) *output = ReadFile(log);
  if (!rc.has_value()) return absl::DeadlineExceededError(argv[0]);
  if (*rc != 0) {
    return absl::InternalError(
        absl::StrCat(argv[0], " exited ", *rc, ": ", ReadFile(log)));
  }
  return absl::OkStatus();
}

absl::Status PostgresServer::Start() {
  if (!initialized_) {
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    if (ec) return absl::InternalError(ec.message());
    if (RunningAsRoot()) {
      // The test's folder is private to root (mkdtemp); the owner must be
      // able to pass through it to reach the cluster.
      std::filesystem::permissions(
          std::filesystem::path(dir_).parent_path(),
          std::filesystem::perms::others_exec, std::filesystem::perm_options::add,
          ec);
      const passwd* owner = getpwnam(kOwner);
      if (owner == nullptr) {
        return absl::FailedPreconditionError("no user 'nobody' to run as");
      }
      if (chown(dir_.c_str(), owner->pw_uid, owner->pw_gid) != 0) {
        return absl::InternalError("cannot chown the cluster's folder");
      }
    }
    if (auto s = RunToEnd(
            AsOwner({absl::StrCat(kPostgresBin, "/initdb"), "-D", data_,
                     "-U", "postgres", "--auth=trust", "-E", "UTF8",
                     "--locale=C.UTF-8", "--no-sync"}),
            dir_ + "/../initdb.log", nullptr);
        !s.ok()) {
      return s;
    }
    initialized_ = true;
  }
  if (!process_.Start(
          AsOwner({absl::StrCat(kPostgresBin, "/postgres"), "-D", data_,
                   "-p", absl::StrCat(port_), "-h", "127.0.0.1", "-k", dir_,
                   "-c", "fsync=off", "-c", "max_connections=200"}),
          dir_ + "/../postgres.log")) {
    return absl::InternalError("cannot start postgres");
  }
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (true) {
    if (RunToEnd({absl::StrCat(kPostgresBin, "/pg_isready"), "-h",
                  "127.0.0.1", "-p", absl::StrCat(port_), "-q"},
                 dir_ + "/../pg_isready.log", nullptr)
            .ok()) {
      break;
    }
    if (!process_.running() || absl::Now() > deadline) {
      return absl::UnavailableError(absl::StrCat(
          "postgres did not start: ", ReadFile(dir_ + "/../postgres.log")));
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
  // The role and database the services use; idempotent across restarts.
  auto role = Psql(
      "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = "
      "'outreach') THEN CREATE ROLE outreach LOGIN; END IF; END $$;");
  if (!role.ok()) return role.status();
  auto exists =
      Psql("SELECT 1 FROM pg_database WHERE datname = 'outreach'");
  if (!exists.ok()) return exists.status();
  if (exists->find('1') == std::string::npos) {
    auto db = Psql("CREATE DATABASE outreach OWNER outreach");
    if (!db.ok()) return db.status();
  }
  return absl::OkStatus();
}

void PostgresServer::Stop() {
  if (!process_.running()) return;
  // SIGINT is PostgreSQL's fast shutdown.
  process_.Signal(SIGINT);
  if (!process_.Wait(absl::Seconds(10)).has_value()) {
    process_.Stop(absl::Seconds(1));
  }
}

void PostgresServer::Kill() {
  process_.Signal(SIGKILL);
  (void)process_.Wait(absl::Seconds(10));
}

namespace {

// `parent` and its children (PostgreSQL's backends), from /proc.
std::vector<pid_t> WithChildren(pid_t parent) {
  std::vector<pid_t> out = {parent};
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || !absl::ascii_isdigit(name[0])) continue;
    const std::string stat = ReadFile(entry.path().string() + "/stat");
    // pid (comm) state ppid ...: comm may hold spaces, so read after ')'.
    const size_t close = stat.rfind(')');
    if (close == std::string::npos) continue;
    std::vector<std::string> fields =
        absl::StrSplit(stat.substr(close + 2), ' ');
    pid_t ppid = 0;
    if (fields.size() > 1 && absl::SimpleAtoi(fields[1], &ppid) &&
        ppid == parent) {
      pid_t pid = 0;
      if (absl::SimpleAtoi(name, &pid)) out.push_back(pid);
    }
  }
  return out;
}

}  // namespace

void PostgresServer::Freeze() {
  for (pid_t p : WithChildren(process_.pid())) kill(p, SIGSTOP);
}

void PostgresServer::Thaw() {
  for (pid_t p : WithChildren(process_.pid())) kill(p, SIGCONT);
}

std::string PostgresServer::url(const std::string& database) const {
  return absl::StrCat("postgresql://outreach@127.0.0.1:", port_, "/",
                      database);
}

absl::StatusOr<std::string> PostgresServer::Psql(const std::string& sql,
                                                 const std::string& database) {
  std::string output;
  const std::string log = absl::StrCat(dir_, "/../psql.", getpid(), ".log");
  absl::Status s = RunToEnd(
      {"/usr/bin/psql", "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-h",
       "127.0.0.1", "-p", absl::StrCat(port_), "-U", "postgres", "-d",
       database, "-c", sql},
      log, &output);
  if (!s.ok()) return s;
  return output;
}

}  // namespace outreach::testing
