// Unit tests of the security pieces: the policy evaluator, the token
// verifier (keys made with openssl at test time), caller identification
// and the policy file's reloads.

#include <filesystem>
#include <jwt.h>

#include <cstdlib>
#include <fstream>
#include <set>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/security/authorization_policy.h"
#include "common/security/caller.h"
#include "common/security/caller_authenticator.h"
#include "common/security/jwt_verifier.h"
#include "common/security/visibility.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"
#include "outreach/events/v1/events.grpc.pb.h"
#include "outreach/gateway/v1/gateway.grpc.pb.h"
#include "outreach/participants/v1/participants.grpc.pb.h"
#include "outreach/recommendations/v1/recommendations.grpc.pb.h"

namespace outreach {
namespace {

using ::testing::HasSubstr;

constexpr char kPolicy[] = R"json({
  "name": "test",
  "deny_rules": [{"name": "no-deletes-for-gateway",
                  "source": {"principals": ["spiffe://outreach.local/gateway"]},
                  "request": {"paths": ["/x.Svc/Delete*"]}}],
  "allow_rules": [
    {"name": "health", "request": {"paths": ["/grpc.health.v1.Health/*"]}},
    {"name": "gateway", "source": {"principals": ["spiffe://outreach.local/gateway"]},
     "request": {"paths": ["/x.Svc/Get", "/x.Svc/DeleteThing"]}},
    {"name": "admins", "source": {"principals": ["*/admin"]}}
  ]})json";

TEST(AuthorizationPolicyTest, DenyOverridesAllowAndTheDefaultIsDeny) {
  auto policy = AuthorizationPolicy::Parse(kPolicy);
  ASSERT_TRUE(policy.ok()) << policy.status();
  const std::string gateway = "spiffe://outreach.local/gateway";
  EXPECT_TRUE(policy->Allows(gateway, "/x.Svc/Get"));
  EXPECT_FALSE(policy->Allows(gateway, "/x.Svc/DeleteThing"));  // denied
  EXPECT_FALSE(policy->Allows(gateway, "/x.Svc/Put"));          // no rule
  EXPECT_TRUE(policy->Allows("spiffe://outreach.local/admin", "/x.Svc/Put"));
  EXPECT_TRUE(policy->Allows("anyone", "/grpc.health.v1.Health/Check"));
  EXPECT_FALSE(policy->Allows("anyone", "/grpc.health.v1.HealthX/Check"));
}

TEST(AuthorizationPolicyTest, WhatTheEvaluatorCannotHonourIsRefused) {
  for (const char* bad : {
           "not json", "[]", R"({"allow_rules": []})",
           R"({"name": "x"})",
           R"({"name": "x", "allow_rules": [{"name": "h",
               "request": {"headers": [{"key": "a", "values": ["b"]}]}}]})",
           R"({"name": "x", "allow_rules": [{"name": "p",
               "source": {"principals": []}}]})",
           R"({"name": "x", "allow_rules": [{"name": "p",
               "source": {"principals": [3]}}]})",
           R"({"name": "x", "audit_logging_options": {}, "allow_rules": []})",
           R"({"name": "x", "allow_rules": [{"name": "p",
               "request": {"paths": ["/a/*/b"]}}]})",
           R"({"name": "x", "allow_rules": [{"name": "p",
               "request": {"paths": ["*/Delete*"]}}]})",
       }) {
    EXPECT_EQ(AuthorizationPolicy::Parse(bad).status().code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
  }
}

TEST(AuthorizationPolicyTest, StringMatching) {
  EXPECT_TRUE(PolicyStringMatches("*", ""));
  EXPECT_TRUE(PolicyStringMatches("/a/*", "/a/b"));
  EXPECT_FALSE(PolicyStringMatches("/a/*", "/b/a"));
  EXPECT_TRUE(PolicyStringMatches("*/Get", "/x/Get"));
  EXPECT_FALSE(PolicyStringMatches("*/Get", "/x/GetX"));
  EXPECT_TRUE(PolicyStringMatches("*suffix", "a-suffix"));
  EXPECT_TRUE(PolicyStringMatches("exact", "exact"));
  EXPECT_FALSE(PolicyStringMatches("exact", "exactly"));
}

// An EC P-256 key pair and a second one, written by openssl.
class JwtVerifierTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char tmpl[] = "/tmp/outreach-jwt-XXXXXX";
    dir_ = new std::string(mkdtemp(tmpl));
    for (const char* name : {"good", "other"}) {
      const std::string base = absl::StrCat(*dir_, "/", name);
      const std::string cmd = absl::StrCat(
          "openssl ecparam -name prime256v1 -genkey -noout -out ", base,
          ".key && openssl ec -in ", base, ".key -pubout -out ", base,
          ".pub 2>/dev/null");
      if (std::system(cmd.c_str()) != 0) setup_error_ = new std::string(cmd);
    }
  }
  static void TearDownTestSuite() {
    std::error_code ignored;
    std::filesystem::remove_all(*dir_, ignored);
  }
  void SetUp() override {
    if (setup_error_ != nullptr) GTEST_FAIL() << *setup_error_;
    JwtOptions options;
    options.public_key_files = {*dir_ + "/good.pub"};
    options.issuer = "iss-1";
    options.audience = "outreach";
    auto v = JwtVerifier::Create(options, &clock_);
    ASSERT_TRUE(v.ok()) << v.status();
    verifier_ = std::move(*v);
  }
  static std::string Read(const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  // A token with `grants` (JSON), signed with `alg` and `key`.
  std::string Sign(const std::string& grants, jwt_alg_t alg,
                   const std::string& key) {
    jwt_t* jwt = nullptr;
    jwt_new(&jwt);
    jwt_add_grants_json(jwt, grants.c_str());
    jwt_set_alg(jwt, alg,
                key.empty() ? nullptr
                            : reinterpret_cast<const unsigned char*>(key.data()),
                static_cast<int>(key.size()));
    char* text = jwt_encode_str(jwt);
    std::string out = text != nullptr ? text : "";
    free(text);
    jwt_free(jwt);
    return out;
  }
  std::string Good(const std::string& extra = "") {
    return Sign(absl::StrCat(R"({"iss": "iss-1", "aud": "outreach", "sub": "alice",)",
                             R"( "role": "editor", "exp": )",
                             absl::ToUnixSeconds(clock_.Now()) + 300, extra, "}"),
                JWT_ALG_ES256, Read(*dir_ + "/good.key"));
  }
  absl::Status Refusal(const std::string& token) {
    auto r = verifier_->Verify(token);
    EXPECT_FALSE(r.ok()) << token;
    return r.status();
  }

  static std::string* dir_;
  static std::string* setup_error_;
  FakeClock clock_{absl::FromUnixSeconds(1800000000)};
  std::unique_ptr<JwtVerifier> verifier_;
};
std::string* JwtVerifierTest::dir_ = nullptr;
std::string* JwtVerifierTest::setup_error_ = nullptr;

TEST_F(JwtVerifierTest, AGoodTokenGivesItsSubjectAndRole) {
  auto v = verifier_->Verify(Good());
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->subject, "alice");
  EXPECT_EQ(v->role, "editor");
}

TEST_F(JwtVerifierTest, EveryFailedCheckIsUnauthenticated) {
  const int64_t now = absl::ToUnixSeconds(clock_.Now());
  const std::string key = Read(*dir_ + "/good.key");
  struct Case {
    const char* what;
    std::string token;
    const char* reason;
  } cases[] = {
      {"another key",
       Sign(absl::StrCat(R"({"iss":"iss-1","aud":"outreach","sub":"a","role":"viewer","exp":)",
                         now + 60, "}"),
            JWT_ALG_ES256, Read(*dir_ + "/other.key")),
       "bad signature"},
      // The classic confusion: HMAC keyed with the public key's PEM.
      {"HS256 with the public key",
       Sign(absl::StrCat(R"({"iss":"iss-1","aud":"outreach","sub":"a","role":"admin","exp":)",
                         now + 60, "}"),
            JWT_ALG_HS256, Read(*dir_ + "/good.pub")),
       ""},
      {"alg none",
       Sign(absl::StrCat(R"({"iss":"iss-1","aud":"outreach","sub":"a","role":"admin","exp":)",
                         now + 60, "}"),
            JWT_ALG_NONE, ""),
       ""},
      {"expired",
       Sign(absl::StrCat(R"({"iss":"iss-1","aud":"outreach","sub":"a","role":"viewer","exp":)",
                         now - 120, "}"),
            JWT_ALG_ES256, key),
       "expired"},
      {"no exp",
       Sign(R"({"iss":"iss-1","aud":"outreach","sub":"a","role":"viewer"})",
            JWT_ALG_ES256, key),
       "no exp"},
      {"not yet valid", Good(absl::StrCat(R"(, "nbf": )", now + 600)),
       "not valid yet"},
      {"wrong audience",
       Sign(absl::StrCat(R"({"iss":"iss-1","aud":"elsewhere","sub":"a","role":"viewer","exp":)",
                         now + 60, "}"),
            JWT_ALG_ES256, key),
       "wrong audience"},
      {"wrong issuer",
       Sign(absl::StrCat(R"({"iss":"iss-2","aud":"outreach","sub":"a","role":"viewer","exp":)",
                         now + 60, "}"),
            JWT_ALG_ES256, key),
       "wrong issuer"},
      {"no role",
       Sign(absl::StrCat(R"({"iss":"iss-1","aud":"outreach","sub":"a","exp":)", now + 60, "}"),
            JWT_ALG_ES256, key),
       "no role"},
      {"garbage", "a.b.c", ""},
      {"huge", std::string(100000, 'a'), "too long"},
  };
  for (const Case& c : cases) {
    const absl::Status s = Refusal(c.token);
    EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated) << c.what;
    EXPECT_THAT(s.message(), HasSubstr(c.reason)) << c.what;
  }
}

TEST_F(JwtVerifierTest, AnAudienceListNeedsOurs) {
  const int64_t now = absl::ToUnixSeconds(clock_.Now());
  const std::string key = Read(*dir_ + "/good.key");
  EXPECT_TRUE(verifier_
                  ->Verify(Sign(absl::StrCat(R"({"iss":"iss-1","aud":["x","outreach"],)",
                                             R"("sub":"a","role":"viewer","exp":)",
                                             now + 60, "}"),
                                JWT_ALG_ES256, key))
                  .ok());
  EXPECT_FALSE(verifier_
                   ->Verify(Sign(absl::StrCat(R"({"iss":"iss-1","aud":["x","y"],)",
                                              R"("sub":"a","role":"viewer","exp":)",
                                              now + 60, "}"),
                                 JWT_ALG_ES256, key))
                   .ok());
}

TEST(JwtVerifierOptionsTest, MissingKeysOrClaimsAreRefusedAtStart) {
  JwtOptions options;
  EXPECT_FALSE(JwtVerifier::Create(options).ok());
  options.public_key_files = {"/nonexistent.pub"};
  options.issuer = "i";
  options.audience = "a";
  EXPECT_THAT(JwtVerifier::Create(options).status().message(),
              HasSubstr("/nonexistent.pub"));
}

TEST(IdentifyCallerTest, CertificatesTokensAndDelegation) {
  CallerConfig config;
  config.authenticated = true;
  config.trusted_delegators = {"gateway"};
  auto cert = IdentifyCaller({"spiffe://outreach.local/editor", "", "", ""},
                             config, nullptr);
  ASSERT_TRUE(cert.ok());
  EXPECT_EQ(cert->identity, "editor");
  EXPECT_EQ(cert->role, "editor");

  // The gateway calling for a viewer: the viewer's rights, the gateway's
  // grant.
  auto delegated = IdentifyCaller(
      {"spiffe://outreach.local/gateway", "", "viewer", "viewer"}, config,
      nullptr);
  ASSERT_TRUE(delegated.ok());
  EXPECT_EQ(delegated->identity, "viewer");
  EXPECT_EQ(delegated->via, "gateway");
  EXPECT_EQ(delegated->peer_role, "gateway");

  // Anyone else claiming to call for an admin is just itself.
  auto claim = IdentifyCaller(
      {"spiffe://outreach.local/viewer", "", "admin", "admin"}, config, nullptr);
  ASSERT_TRUE(claim.ok());
  EXPECT_EQ(claim->role, "viewer");
  EXPECT_EQ(claim->via, "");

  for (const CallerEvidence& bad : std::vector<CallerEvidence>{
           {"", "", "", ""},
           {"spiffe://outreach.local/editor", "Bearer x.y.z", "", ""},
           {"spiffe://elsewhere/editor", "", "", ""},
           {"spiffe://outreach.local/ed itor", "", "", ""},
           {"spiffe://outreach.local/gateway", "", "bad\nname", "viewer"},
           {"", "Basic abc", "", ""},
       }) {
    EXPECT_EQ(IdentifyCaller(bad, config, nullptr).status().code(),
              absl::StatusCode::kUnauthenticated)
        << bad.spiffe_id << " " << bad.authorization;
  }
}

TEST(IdentifyCallerTest, AForwarderCarriesThePersonsTokenNotItsOwnChoice) {
  CallerConfig config;
  config.authenticated = true;
  config.trusted_delegators = {"gateway"};
  config.token_forwarders = {"web"};
  // Claims read without verification (verifier null), as handlers do.
  const std::string token = absl::StrCat(
      "Bearer e30.",
      absl::WebSafeBase64Escape(R"({"sub": "alice", "role": "viewer"})"),
      ".sig");
  auto forwarded = IdentifyCaller(
      {"spiffe://outreach.local/web", token, "", ""}, config, nullptr);
  ASSERT_TRUE(forwarded.ok()) << forwarded.status();
  EXPECT_EQ(forwarded->identity, "jwt:alice");
  EXPECT_EQ(forwarded->role, "viewer");
  EXPECT_EQ(forwarded->via, "web");
  EXPECT_EQ(forwarded->peer_role, "web");
  EXPECT_TRUE(forwarded->forwarded_token);

  // The forwarder cannot also name a person of its choosing.
  auto named = IdentifyCaller(
      {"spiffe://outreach.local/web", token, "admin", "admin"}, config,
      nullptr);
  ASSERT_TRUE(named.ok());
  EXPECT_EQ(named->role, "viewer");

  // Its certificate alone is refused: it acts only for a person.
  EXPECT_EQ(IdentifyCaller({"spiffe://outreach.local/web", "", "", ""}, config,
                           nullptr)
                .status()
                .code(),
            absl::StatusCode::kUnauthenticated);

  // Anyone not a forwarder still presents one or the other.
  for (const char* who : {"spiffe://outreach.local/editor",
                          "spiffe://outreach.local/gateway"}) {
    EXPECT_EQ(IdentifyCaller({who, token, "", ""}, config, nullptr)
                  .status()
                  .code(),
              absl::StatusCode::kUnauthenticated)
        << who;
  }
  // A forwarded token that names a service's role is refused.
  const std::string service_token = absl::StrCat(
      "Bearer e30.",
      absl::WebSafeBase64Escape(R"({"sub": "alice", "role": "gateway"})"),
      ".sig");
  EXPECT_EQ(IdentifyCaller({"spiffe://outreach.local/web", service_token, "",
                            ""},
                           config, nullptr)
                .status()
                .code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(VisibilityTest, OnlyReadersSeeConfidentialRecords) {
  ConfidentialReaders readers({"admin", "confidential-reader"});
  EXPECT_EQ(readers.For("viewer", true), Visibility::kPublic);
  EXPECT_EQ(readers.For("editor", true), Visibility::kPublic);
  EXPECT_EQ(readers.For("admin", true), Visibility::kConfidential);
  // Nobody is authenticated on a plaintext server: security is off.
  EXPECT_EQ(readers.For("", false), Visibility::kConfidential);
}

TEST(PolicyFileTest, ReloadsAChangeAndKeepsTheLastGoodPolicy) {
  char tmpl[] = "/tmp/outreach-policy-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  const std::string path = dir + "/policy.json";
  auto write = [&](const std::string& text) {
    std::ofstream(path + ".new") << text;
    std::rename((path + ".new").c_str(), path.c_str());
  };
  write(R"({"name": "a", "allow_rules": [{"name": "r",
            "request": {"paths": ["/a"]}}]})");
  auto file = PolicyFile::Open(path, absl::Milliseconds(50));
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_TRUE((*file)->current()->Allows("p", "/a"));
  write(R"({"name": "b", "allow_rules": [{"name": "r",
            "request": {"paths": ["/b"]}}]})");
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  while ((*file)->current()->name() != "b" && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_TRUE((*file)->current()->Allows("p", "/b"));
  EXPECT_FALSE((*file)->current()->Allows("p", "/a"));
  write("{ broken");
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_EQ((*file)->current()->name(), "b");
  EXPECT_FALSE(PolicyFile::Open(dir + "/missing.json", absl::Seconds(1)).ok());
  file->reset();
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
}

// The policies the suite ships: each parses, names only methods its
// service has (a misspelt method would be denied to everyone, silently),
// and grants every method of its service to someone.
TEST(ShippedPoliciesTest, NameRealMethodsAndLeaveNoneUnreachable) {
  // Through a message of each file, so that its descriptor is linked in.
  const std::pair<const char*, const google::protobuf::FileDescriptor*>
      services[] = {
          {"events", events::v1::Event::descriptor()->file()},
          {"participants", participants::v1::Entity::descriptor()->file()},
          {"recommendations",
           recommendations::v1::Recommendation::descriptor()->file()},
          {"gateway", gateway::v1::InformationNote::descriptor()->file()},
      };
  for (const auto& [file, proto] : services) {
    SCOPED_TRACE(file);
    std::ifstream in(absl::StrCat(OUTREACH_SOURCE_DIR "/deploy/k8s/base/authz/",
                                  file, ".json"));
    const std::string text(std::istreambuf_iterator<char>(in), {});
    auto policy = AuthorizationPolicy::Parse(text);
    ASSERT_TRUE(policy.ok()) << policy.status();
    ASSERT_EQ(proto->service_count(), 1);
    const auto* service = proto->service(0);
    const std::string full_name = service->full_name();
    std::set<std::string> methods;
    for (int i = 0; i < service->method_count(); ++i) {
      methods.insert(absl::StrCat("/", full_name, "/", service->method(i)->name()));
    }
    for (const std::string& path : policy->NamedPaths()) {
      if (path.find('*') != std::string::npos || path.rfind("/grpc.", 0) == 0) {
        continue;
      }
      EXPECT_TRUE(methods.count(path)) << path << " is not a method of " << full_name;
    }
    for (const std::string& method : methods) {
      bool granted = false;
      for (const char* who : {"viewer", "editor", "admin", "confidential-reader",
                              "events", "participants", "recommendations", "gateway",
                              "web"}) {
        granted |= policy->Allows(absl::StrCat(kSpiffePrefix, who), method);
      }
      EXPECT_TRUE(granted) << method << " is granted to nobody";
    }
  }
}

}  // namespace
}  // namespace outreach
