#include "tests/testing/suite.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace outreach::testing {

Suite::Suite(SuiteBinaries binaries, std::string dir,
             std::vector<std::string> gateway_flags)
    : binaries_(std::move(binaries)), dir_(std::move(dir)) {
  engine_ = std::make_unique<StoreEngine>(dir_);
  redis_ = std::make_unique<RedisServer>(dir_);
  const std::string redis = "--redis_address=" + redis_->address();
  events_ = std::make_unique<ServiceProcess>(
      binaries_.events,
      std::vector<std::string>{engine_->StoreFlag("events"), redis},
      dir_ + "/events.log");
  participants_ = std::make_unique<ServiceProcess>(
      binaries_.participants,
      std::vector<std::string>{engine_->StoreFlag("participants"), redis,
                               "--events_address=" + events_->address()},
      dir_ + "/participants.log");
  recommendations_ = std::make_unique<ServiceProcess>(
      binaries_.recommendations,
      std::vector<std::string>{
          engine_->StoreFlag("recommendations"), redis,
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
  flags.insert(flags.end(), gateway_security_.begin(), gateway_security_.end());
  return std::make_unique<ServiceProcess>(
      binaries_.gateway, std::move(flags),
      absl::StrCat(dir_, "/gateway-", ++gateways_, ".log"));
}

namespace {

std::vector<std::string> SecurityFlags(const std::string& name,
                                       const std::string& tls_dir,
                                       const std::string& policy_dir,
                                       const std::vector<std::string>& extra) {
  std::vector<std::string> flags = {
      absl::StrCat("--tls_cert=", tls_dir, "/", name, ".crt"),
      absl::StrCat("--tls_key=", tls_dir, "/", name, ".key"),
      absl::StrCat("--tls_ca=", tls_dir, "/ca.crt"),
      absl::StrCat("--authz_policy=", policy_dir, "/", name, ".json")};
  flags.insert(flags.end(), extra.begin(), extra.end());
  return flags;
}

}  // namespace

void Suite::UseTls(const std::string& tls_dir, const std::string& policy_dir,
                   const std::vector<std::string>& extra) {
  events_->AddFlags(SecurityFlags("events", tls_dir, policy_dir, extra));
  participants_->AddFlags(
      SecurityFlags("participants", tls_dir, policy_dir, extra));
  recommendations_->AddFlags(
      SecurityFlags("recommendations", tls_dir, policy_dir, extra));
  gateway_security_ = SecurityFlags("gateway", tls_dir, policy_dir, extra);
  gateway_->AddFlags(gateway_security_);
}

void Suite::ReplaceGateway(std::vector<std::string> gateway_flags) {
  gateway_ = MakeGateway(gateway_flags);
}

bool Suite::Start(std::string* error) {
  if (absl::Status s = engine_->Start(); !s.ok()) {
    *error = absl::StrCat("the store engine did not start: ", s.ToString());
    return false;
  }
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
