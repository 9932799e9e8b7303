#include "tests/testing/subprocess.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <fstream>
#include <random>
#include <sstream>

#include "absl/time/clock.h"

extern char** environ;

namespace outreach::testing {

Subprocess::~Subprocess() {
  if (pid_ > 0 && !status_.has_value()) {
    kill(pid_, SIGKILL);
    Wait(absl::Seconds(5));
  }
}

bool Subprocess::Start(const std::vector<std::string>& argv,
                       const std::string& log_path,
                       const std::vector<std::string>& env) {
  status_.reset();
  std::vector<std::string> envs;
  for (char** e = environ; *e != nullptr; ++e) envs.emplace_back(*e);
  for (const auto& e : env) envs.push_back(e);
  const pid_t parent = getpid();
  pid_ = fork();
  if (pid_ < 0) return false;
  if (pid_ == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    const int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
      close(fd);
    }
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    std::vector<char*> envp;
    for (const auto& e : envs) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    execve(args[0], args.data(), envp.data());
    _exit(127);
  }
  return true;
}

bool Subprocess::running() {
  if (pid_ <= 0 || status_.has_value()) return false;
  return !Wait(absl::ZeroDuration()).has_value();
}

void Subprocess::Signal(int sig) {
  if (pid_ > 0 && !status_.has_value()) kill(pid_, sig);
}

std::optional<int> Subprocess::Wait(absl::Duration timeout) {
  if (status_.has_value()) return status_;
  if (pid_ <= 0) return std::nullopt;
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    int raw = 0;
    const pid_t r = waitpid(pid_, &raw, WNOHANG);
    if (r == pid_) {
      status_ = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
      return status_;
    }
    if (r < 0) return std::nullopt;
    if (absl::Now() >= deadline) return std::nullopt;
    absl::SleepFor(absl::Milliseconds(10));
  }
}

int Subprocess::Stop(absl::Duration grace) {
  if (pid_ <= 0) return -1;
  Signal(SIGTERM);
  if (auto s = Wait(grace); s.has_value()) return *s;
  Signal(SIGKILL);
  return Wait(absl::Seconds(5)).value_or(-1);
}

// Ports are drawn below the kernel's ephemeral range (32768 and up, see
// /proc/sys/net/ipv4/ip_local_port_range): a port the kernel hands to some
// outgoing connection, or to another test's bind(0), between our check and
// the server's bind would make the server fail to start.
namespace {

// Ports handed out by any test process on this machine, as directories
// (mkdir is atomic), so that two tests running at once never pick the
// same port in the moment between choosing it and binding it. Shared
// with scripts/lib.sh's free_port. Reservations older than 10 minutes,
// left by a process that died, are taken back.
constexpr char kReservations[] = "/tmp/outreach-test-ports";

bool Reserve(int port) {
  mkdir(kReservations, 0777);
  const std::string path =
      std::string(kReservations) + "/" + std::to_string(port);
  struct stat st;
  if (stat(path.c_str(), &st) == 0 && std::time(nullptr) - st.st_mtime > 600) {
    rmdir(path.c_str());
  }
  return mkdir(path.c_str(), 0777) == 0;
}

}  // namespace

int PickFreePort() {
  thread_local std::mt19937 rng{std::random_device{}()};
  std::uniform_int_distribution<int> range(20000, 32767);
  for (int attempt = 0; attempt < 200; ++attempt) {
    const int candidate = range(rng);
    if (!Reserve(candidate)) continue;
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(candidate));
    const bool free =
        bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    close(fd);
    if (free) return candidate;
  }
  return 0;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace outreach::testing
