#ifndef OUTREACH_TESTS_TESTING_REDIS_SERVER_H_
#define OUTREACH_TESTS_TESTING_REDIS_SERVER_H_

// A real redis-server on a free loopback port, without persistence, for
// integration tests. It can be stopped, frozen (SIGSTOP: a hung Redis that
// accepts nothing and answers nothing) and restarted on the same port.

#include <string>

#include "tests/testing/subprocess.h"

namespace outreach::testing {

class RedisServer {
 public:
  // `password`, when set, is required of clients (requirepass); Command()
  // sends it.
  explicit RedisServer(const std::string& dir, std::string password = "");
  ~RedisServer();

  // Starts and waits until it answers PING. False when it does not.
  bool Start();
  void Stop();
  void Freeze();
  void Thaw();
  int port() const { return port_; }
  std::string address() const;

  // One command through a fresh connection; the reply as text ("" on
  // failure). For INFO and KEYS in assertions.
  std::string Command(const std::string& command);
  // keyspace_hits from INFO stats.
  long KeyspaceHits();

 private:
  std::string dir_;
  std::string password_;
  int port_;
  Subprocess process_;
};

}  // namespace outreach::testing

#endif  // OUTREACH_TESTS_TESTING_REDIS_SERVER_H_
