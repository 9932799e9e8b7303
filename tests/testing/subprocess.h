#ifndef OUTREACH_TESTS_TESTING_SUBPROCESS_H_
#define OUTREACH_TESTS_TESTING_SUBPROCESS_H_

// Real processes for integration tests: start, signal, wait, and always
// stop. A child dies with the test process (PR_SET_PDEATHSIG), so a crashed
// test leaves nothing running.

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "tests/testing/temp_dir.h"

namespace outreach::testing {

class Subprocess {
 public:
  Subprocess() = default;
  ~Subprocess();  // SIGKILLs the child if it still runs
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  // Starts argv[0] (a path) with the given arguments; stdout and stderr go
  // to `log_path`. Returns false when fork or exec fails.
  bool Start(const std::vector<std::string>& argv, const std::string& log_path,
             const std::vector<std::string>& env = {});
  bool running();
  void Signal(int sig);
  // The exit status (or 128 + signal) once the child has ended, or nullopt
  // when it is still running after `timeout`.
  std::optional<int> Wait(absl::Duration timeout);
  // SIGTERM, then SIGKILL after `grace`. Returns the exit status.
  int Stop(absl::Duration grace = absl::Seconds(5));
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
};

// A port on 127.0.0.1 that was free a moment ago, and that no other test
// process on this machine was given in the last 10 minutes.
int PickFreePort();


std::string ReadFile(const std::string& path);

}  // namespace outreach::testing

#endif  // OUTREACH_TESTS_TESTING_SUBPROCESS_H_
