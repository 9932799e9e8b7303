#include "tests/testing/suite.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace outreach::testing {

Suite::Suite(SuiteBinaries binaries, std::string dir,
             std::vector<std::string> gateway_flags)
    : binaries_(std::move(binaries)), dir_(std::move(dir)) {
  redis_ = std::make_unique<RedisServer>(dir_);
  const std::string redis = "--redis_address=" + redis_->address();
  events_ = std::make_unique<ServiceProcess>(
      binaries_.events,
      std::vector<std::string>{"--db_path=" + dir_ + "/events.db", redis},
      dir_ + "/events.log");
  participants_ = std::make_unique<ServiceProcess>(
      binaries_.participants,
      std::vector<std::string>{"--db_path=" + dir_ + "/participants.db", redis,
                               "--events_address=" + events_->address()},
      dir_ + "/participants.log");
  recommendations_ = std::make_unique<ServiceProcess>(
      binaries_.recommendations,
      std::vector<std::string>{
          "--db_path=" + dir_ + "/recommendations.db", redis,
          "--events_address=" + events_->address(),
          "--participants_address=" + participants_->address()},
      dir_ + "/recommendations.log");
  events_->AddFlags(
      {"--participants_address=" + participants_->address(),
       "--recommendations_address=" + recommendations_->address()});
  gateway_ = MakeGateway(gateway_flags);
}

std::unique_ptr<ServiceProcess> Suite::MakeGateway(
    const std::vector<std::string>& extra) {
  std::vector<std::string> flags = {
      "--events_address=" + events_->address(),
      "--participants_address=" + participants_->address(),
      "--recommendations_address=" + recommendations_->address(),
      "--redis_address=" + redis_->address()};
  flags.insert(flags.end(), extra.begin(), extra.end());
  return std::make_unique<ServiceProcess>(
      binaries_.gateway, std::move(flags),
      absl::StrCat(dir_, "/gateway-", ++gateways_, ".log"));
}

void Suite::ReplaceGateway(std::vector<std::string> gateway_flags) {
  gateway_ = MakeGateway(gateway_flags);
}

bool Suite::Start(std::string* error) {
  if (!redis_->Start()) {
    *error = "redis-server did not start";
    return false;
  }
  for (ServiceProcess* p : {events_.get(), participants_.get(),
                            recommendations_.get(), gateway_.get()}) {
    if (!p->Start()) {
      *error = p->log();
      return false;
    }
  }
  return true;
}

}  // namespace outreach::testing
