#include "tests/testing/redis_server.h"

#include <hiredis/hiredis.h>
#include <signal.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"

namespace outreach::testing {

RedisServer::RedisServer(const std::string& dir, std::string password)
    : dir_(dir), password_(std::move(password)), port_(PickFreePort()) {}

RedisServer::~RedisServer() { Stop(); }

std::string RedisServer::address() const {
  return absl::StrCat("127.0.0.1:", port_);
}

bool RedisServer::Start() {
  std::vector<std::string> argv = {
      "/usr/bin/redis-server", "--port", absl::StrCat(port_), "--bind",
      "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir_,
      "--daemonize", "no"};
  if (!password_.empty()) {
    argv.push_back("--requirepass");
    argv.push_back(password_);
  }
  if (!process_.Start(argv, dir_ + "/redis.log")) {
    return false;
  }
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (absl::Now() < deadline) {
    if (Command("PING") == "PONG") return true;
    if (!process_.running()) return false;
    absl::SleepFor(absl::Milliseconds(20));
  }
  return false;
}

void RedisServer::Stop() {
  Thaw();
  process_.Stop(absl::Seconds(5));
}

void RedisServer::Freeze() { process_.Signal(SIGSTOP); }
void RedisServer::Thaw() { process_.Signal(SIGCONT); }

std::string RedisServer::Command(const std::string& command) {
  timeval timeout{1, 0};
  redisContext* c = redisConnectWithTimeout("127.0.0.1", port_, timeout);
  if (c == nullptr || c->err) {
    if (c) redisFree(c);
    return "";
  }
  redisSetTimeout(c, timeout);
  if (!password_.empty()) {
    auto* auth = static_cast<redisReply*>(
        redisCommand(c, "AUTH %b", password_.data(), password_.size()));
    if (auth != nullptr) freeReplyObject(auth);
  }
  std::vector<std::string> parts = absl::StrSplit(command, ' ');
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const auto& p : parts) {
    argv.push_back(p.data());
    lens.push_back(p.size());
  }
  auto* reply = static_cast<redisReply*>(redisCommandArgv(
      c, static_cast<int>(argv.size()), argv.data(), lens.data()));
  std::string out;
  if (reply != nullptr) {
    if (reply->type == REDIS_REPLY_STRING ||
        reply->type == REDIS_REPLY_STATUS) {
      out.assign(reply->str, reply->len);
    } else if (reply->type == REDIS_REPLY_INTEGER) {
      out = absl::StrCat(reply->integer);
    } else if (reply->type == REDIS_REPLY_ARRAY) {
      for (size_t i = 0; i < reply->elements; ++i) {
        absl::StrAppend(
            &out, std::string(reply->element[i]->str, reply->element[i]->len),
            "\n");
      }
    }
    freeReplyObject(reply);
  }
  redisFree(c);
  return out;
}

long RedisServer::KeyspaceHits() {
  for (absl::string_view line : absl::StrSplit(Command("INFO stats"), '\n')) {
    if (absl::ConsumePrefix(&line, "keyspace_hits:")) {
      long hits = -1;
      if (absl::SimpleAtoi(absl::StripAsciiWhitespace(line), &hits))
        return hits;
    }
  }
  return -1;
}

}  // namespace outreach::testing
