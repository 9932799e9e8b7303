// outreach-bench: load for one method of one server, reported as a table
// row and as JSON.
//
//   outreach_bench --target=127.0.0.1:8081
//     --method=/outreach.events.v1.EventsService/GetEvent
//     --request='{"name": "events/kiev-2013"}'
//     --concurrency=16 --duration=10s [--rate=2000] [--json_out=FILE]
//
// The request is the method's input message in proto3 JSON, found by name
// in the contracts linked into this binary, so any method of the suite (or
// the echo baseline) can be driven without code. With --template, "{n}" in
// the request is replaced by the call's number first (unique titles for
// CreateEvent); otherwise one request is serialized once and reused.

#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "common/config/env_flags.h"
#include "common/security/client_security.h"
#include "echo.pb.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"
#include "outreach/gateway/v1/gateway.pb.h"
#include "tools/bench/load_generator.h"

ABSL_FLAG(std::string, target, "127.0.0.1:8081", "Server host:port.");
ABSL_FLAG(std::string, method, "", "Full method, /package.Service/Method.");
ABSL_FLAG(std::string, request, "{}", "The request in proto3 JSON.");
ABSL_FLAG(bool, request_template, false,
          "Replace {n} in --request with each call's number.");
ABSL_FLAG(std::string, name, "", "Scenario name for the report.");
ABSL_FLAG(int, concurrency, 16, "Closed loop: calls outstanding.");
ABSL_FLAG(double, rate, 0, "Open loop when > 0: calls per second.");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(10), "Measured time.");
ABSL_FLAG(absl::Duration, warmup, absl::Seconds(1), "Unrecorded lead time.");
ABSL_FLAG(int64_t, calls, 0, "Stop after this many calls (no warmup).");
ABSL_FLAG(int, channels, 4, "Client channels (HTTP/2 connections).");
ABSL_FLAG(absl::Duration, deadline, absl::Seconds(10), "Per-call deadline.");
ABSL_FLAG(std::string, json_out, "", "Appends the summary as a JSON line.");
ABSL_FLAG(bool, header, false, "Print the table header first.");

namespace outreach::bench {
namespace {

// Referencing one message of each generated file keeps its descriptors in
// the binary (static libraries drop unreferenced objects).
void LinkContracts() {
  (void)outreach::gateway::v1::GetInformationNoteRequest::descriptor();
  (void)outreach::bench::EchoMessage::descriptor();
}

const google::protobuf::Descriptor* InputType(const std::string& method) {
  // "/pkg.Service/Method" -> "pkg.Service.Method".
  std::string dotted = method.substr(method.empty() ? 0 : 1);
  const size_t slash = dotted.rfind('/');
  if (slash == std::string::npos) return nullptr;
  dotted[slash] = '.';
  const auto* m =
      google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(dotted);
  return m == nullptr ? nullptr : m->input_type();
}

bool Serialize(const google::protobuf::Descriptor* type, const std::string& json,
               grpc::ByteBuffer* out, std::string* error) {
  std::unique_ptr<google::protobuf::Message> msg(
      google::protobuf::MessageFactory::generated_factory()
          ->GetPrototype(type)
          ->New());
  auto s = google::protobuf::util::JsonStringToMessage(json, msg.get());
  if (!s.ok()) {
    *error = std::string(s.message());
    return false;
  }
  const std::string bytes = msg->SerializeAsString();
  grpc::Slice slice(bytes);
  *out = grpc::ByteBuffer(&slice, 1);
  return true;
}

int Main() {
  LinkContracts();
  const std::string method = absl::GetFlag(FLAGS_method);
  const auto* type = InputType(method);
  if (type == nullptr) {
    std::cerr << "unknown method " << method << "\n";
    return 2;
  }
  const std::string request = absl::GetFlag(FLAGS_request);
  grpc::ByteBuffer fixed;
  std::string error;
  const bool templated = absl::GetFlag(FLAGS_request_template);
  if (!Serialize(type, absl::StrReplaceAll(request, {{"{n}", "0"}}), &fixed,
                 &error)) {
    std::cerr << "bad --request for " << type->full_name() << ": " << error
              << "\n";
    return 2;
  }

  LoadOptions o;
  o.name = absl::GetFlag(FLAGS_name).empty() ? method : absl::GetFlag(FLAGS_name);
  o.method = method;
  // Plaintext, or mutual TLS as outreachctl presents it (--tls,
  // --tls_dir, --identity): the suite's security priced by the same tool.
  auto credentials =
      outreach::ClientCredentials(outreach::ClientSecurityFromFlags());
  if (!credentials.ok()) {
    std::fprintf(stderr, "outreach_bench: %s\n",
                 std::string(credentials.status().message()).c_str());
    return 2;
  }
  for (int i = 0; i < std::max(1, absl::GetFlag(FLAGS_channels)); ++i) {
    grpc::ChannelArguments args;
    // Separate connections, not one shared subchannel.
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    args.SetInt("outreach.bench.channel", i);
    // Any reply size: a profile at scale is larger than gRPC's 4 MiB
    // default, and the bench measures it rather than refusing it.
    args.SetMaxReceiveMessageSize(-1);
    o.channels.push_back(grpc::CreateCustomChannel(
        absl::GetFlag(FLAGS_target), *credentials, args));
  }
  if (templated) {
    o.request = [type, request](int64_t n) {
      grpc::ByteBuffer b;
      std::string e;
      Serialize(type, absl::StrReplaceAll(request, {{"{n}", absl::StrCat(n)}}),
                &b, &e);
      return b;
    };
  } else {
    o.request = [&fixed](int64_t) { return fixed; };
  }
  o.concurrency = absl::GetFlag(FLAGS_concurrency);
  o.rate = absl::GetFlag(FLAGS_rate);
  o.duration = absl::GetFlag(FLAGS_duration);
  o.warmup = absl::GetFlag(FLAGS_warmup);
  o.max_calls = absl::GetFlag(FLAGS_calls);
  o.deadline = absl::GetFlag(FLAGS_deadline);
  // Connect before measuring.
  for (auto& ch : o.channels) {
    ch->WaitForConnected(std::chrono::system_clock::now() +
                         std::chrono::seconds(10));
  }

  const RunSummary s = RunLoad(o);
  if (absl::GetFlag(FLAGS_header)) std::cout << RunSummary::TableHeader() << "\n";
  std::cout << s.TableRow() << std::endl;
  if (!absl::GetFlag(FLAGS_json_out).empty()) {
    std::ofstream(absl::GetFlag(FLAGS_json_out), std::ios::app)
        << s.ToJson().dump() << "\n";
  }
  return 0;
}

}  // namespace
}  // namespace outreach::bench

int main(int argc, char** argv) {
  outreach::ParseFlagsWithEnv(argc, argv, "Load generator for the suite.");
  return outreach::bench::Main();
}
