#include "common/security/authorization_policy.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace outreach {
namespace {

using Json = nlohmann::json;

absl::Status Bad(absl::string_view where, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("authorization policy: ", where, ": ", why));
}

absl::StatusOr<std::vector<std::string>> Strings(const Json& object,
                                                 const char* key,
                                                 const std::string& where) {
  std::vector<std::string> out;
  if (!object.contains(key)) return out;
  const Json& list = object.at(key);
  if (!list.is_array()) return Bad(where, absl::StrCat(key, " is not a list"));
  for (const Json& s : list) {
    if (!s.is_string()) {
      return Bad(where, absl::StrCat(key, " holds a non-string"));
    }
    std::string pattern = s.get<std::string>();
    // One '*', first or last, or the pattern alone: any other '*' would be
    // matched literally by gRPC, which is never what a policy means.
    const absl::string_view inner =
        pattern == "*" ? absl::string_view()
                       : absl::string_view(pattern).substr(
                             1, pattern.size() >= 2 ? pattern.size() - 2 : 0);
    if (pattern.empty() || absl::StrContains(inner, '*') ||
        (pattern.size() > 1 && pattern.front() == '*' && pattern.back() == '*')) {
      return Bad(where, absl::StrCat(key, ": \"", pattern,
                                     "\" is not exact, *, prefix* or *suffix"));
    }
    out.push_back(std::move(pattern));
  }
  if (out.empty()) return Bad(where, absl::StrCat(key, " is empty"));
  return out;
}

absl::Status OnlyKeys(const Json& object, std::initializer_list<const char*> keys,
                      const std::string& where) {
  if (!object.is_object()) return Bad(where, "is not an object");
  for (const auto& [key, value] : object.items()) {
    bool known = false;
    for (const char* k : keys) known = known || key == k;
    if (!known) {
      return Bad(where, absl::StrCat("\"", key,
                                     "\" is not supported by this evaluator"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

bool PolicyStringMatches(absl::string_view pattern, absl::string_view value) {
  // gRPC's order: any, then suffix, then prefix, then exact.
  if (pattern == "*") return true;
  if (absl::StartsWith(pattern, "*")) {
    return absl::EndsWith(value, pattern.substr(1));
  }
  if (absl::EndsWith(pattern, "*")) {
    return absl::StartsWith(value, pattern.substr(0, pattern.size() - 1));
  }
  return pattern == value;
}

absl::StatusOr<AuthorizationPolicy> AuthorizationPolicy::Parse(
    absl::string_view text) {
  const Json json = Json::parse(text.begin(), text.end(), nullptr, false);
  if (json.is_discarded()) return Bad("file", "is not JSON");
  if (auto s = OnlyKeys(json, {"name", "allow_rules", "deny_rules"}, "policy");
      !s.ok()) {
    return s;
  }
  AuthorizationPolicy policy;
  if (!json.contains("name") || !json["name"].is_string() ||
      json["name"].get<std::string>().empty()) {
    return Bad("policy", "\"name\" is missing");
  }
  policy.name_ = json["name"].get<std::string>();
  if (!json.contains("allow_rules")) {
    return Bad("policy", "\"allow_rules\" is missing");
  }
  for (const char* list : {"deny_rules", "allow_rules"}) {
    if (!json.contains(list)) continue;
    if (!json[list].is_array()) return Bad(list, "is not a list");
    std::vector<Rule>& into =
        std::string(list) == "deny_rules" ? policy.deny_ : policy.allow_;
    for (const Json& r : json[list]) {
      std::string where = absl::StrCat(list, "[", into.size(), "]");
      if (auto s = OnlyKeys(r, {"name", "source", "request"}, where); !s.ok()) {
        return s;
      }
      Rule rule;
      if (!r.contains("name") || !r["name"].is_string()) {
        return Bad(where, "\"name\" is missing");
      }
      rule.name = r["name"].get<std::string>();
      if (r.contains("source")) {
        if (auto s = OnlyKeys(r["source"], {"principals"}, where + ".source");
            !s.ok()) {
          return s;
        }
        auto p = Strings(r["source"], "principals", where + ".source");
        if (!p.ok()) return p.status();
        rule.principals = std::move(*p);
      }
      if (r.contains("request")) {
        if (auto s = OnlyKeys(r["request"], {"paths"}, where + ".request");
            !s.ok()) {
          return s;
        }
        auto p = Strings(r["request"], "paths", where + ".request");
        if (!p.ok()) return p.status();
        rule.paths = std::move(*p);
      }
      into.push_back(std::move(rule));
    }
  }
  return policy;
}

bool AuthorizationPolicy::Matches(const Rule& rule, absl::string_view principal,
                                  absl::string_view path) {
  auto any = [](const std::vector<std::string>& patterns,
                absl::string_view value) {
    if (patterns.empty()) return true;
    for (const auto& p : patterns) {
      if (PolicyStringMatches(p, value)) return true;
    }
    return false;
  };
  return any(rule.principals, principal) && any(rule.paths, path);
}

std::vector<std::string> AuthorizationPolicy::NamedPaths() const {
  std::vector<std::string> out;
  for (const auto* rules : {&deny_, &allow_}) {
    for (const Rule& r : *rules) out.insert(out.end(), r.paths.begin(), r.paths.end());
  }
  return out;
}

bool AuthorizationPolicy::Allows(absl::string_view principal,
                                 absl::string_view path) const {
  for (const Rule& r : deny_) {
    if (Matches(r, principal, path)) return false;
  }
  for (const Rule& r : allow_) {
    if (Matches(r, principal, path)) return true;
  }
  return false;
}

}  // namespace outreach
