#include "common/resource/resource_ids.h"

#include "absl/strings/strip.h"

#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/status/status_util.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/message.h"

namespace outreach {
namespace {

// FNV-1a: stable across processes and builds, unlike absl::Hash.
uint64_t Fnv1a(absl::string_view s, uint64_t h) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace

bool IsValidId(absl::string_view id) {
  if (id.empty() || id.size() > 63) return false;
  if (!absl::ascii_islower(id.front()) || id.back() == '-') return false;
  for (char c : id) {
    if (!(absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-')) {
      return false;
    }
  }
  return true;
}

std::string Slugify(absl::string_view text, absl::string_view suffix,
                    size_t max_length, absl::string_view fallback) {
  std::string slug;
  for (char c : text) {
    if (absl::ascii_isalnum(c)) {
      slug.push_back(absl::ascii_tolower(c));
    } else if (!slug.empty() && slug.back() != '-') {
      slug.push_back('-');
    }
  }
  if (slug.size() > max_length) {
    const size_t cut = slug.rfind('-', max_length);
    slug.resize(cut == std::string::npos || cut < max_length / 3 ? max_length
                                                                 : cut);
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  if (slug.empty()) slug = std::string(fallback);
  if (!absl::ascii_islower(slug.front())) {
    slug = absl::StrCat(fallback, "-", slug);
  }
  if (!suffix.empty()) absl::StrAppend(&slug, "-", suffix);
  if (slug.size() > 63) slug.resize(63);
  while (slug.back() == '-') slug.pop_back();
  return slug;
}

std::string WithNumberSuffix(absl::string_view id, int n) {
  const std::string suffix = absl::StrCat("-", n);
  std::string base(id.substr(0, 63 - suffix.size()));
  while (!base.empty() && base.back() == '-') base.pop_back();
  return absl::StrCat(base, suffix);
}

absl::StatusOr<std::string> ParseResourceName(absl::string_view name,
                                              absl::string_view collection,
                                              absl::string_view field) {
  if (name.empty()) return InvalidField(field, "is required");
  absl::string_view id = name;
  if (!absl::ConsumePrefix(&id, collection) || !IsValidId(id)) {
    return InvalidField(
        field, absl::StrCat("'", name.substr(0, 100), "' is not of the form ",
                            collection, "{id}"));
  }
  return std::string(id);
}

bool IsResourceName(absl::string_view name, absl::string_view collection) {
  return absl::ConsumePrefix(&name, collection) && IsValidId(name);
}

std::string IdFromName(absl::string_view name, absl::string_view collection) {
  absl::ConsumePrefix(&name, collection);
  return std::string(name);
}

std::string EtagForRevision(int64_t revision) {
  return absl::StrFormat("r%x", revision);
}

absl::StatusOr<int64_t> RevisionFromEtag(absl::string_view etag,
                                         absl::string_view field) {
  int64_t revision = 0;
  if (etag.size() < 2 || etag[0] != 'r' ||
      !absl::SimpleHexAtoi(etag.substr(1), &revision) || revision <= 0) {
    return InvalidField(field, "is not an etag this service issued");
  }
  return revision;
}

bool IsUuid(absl::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-') return false;
    } else if (!absl::ascii_isxdigit(s[i])) {
      return false;
    }
  }
  return true;
}

uint64_t Fingerprint(const std::vector<absl::string_view>& parts) {
  uint64_t h = 1469598103934665603ull;
  for (auto p : parts) h = Fnv1a("\n", Fnv1a(p, h));
  return h;
}

std::string EncodePageToken(uint64_t fingerprint,
                            const std::vector<std::string>& parts) {
  // "1" is the token format version.
  return absl::WebSafeBase64Escape(
      absl::StrCat("1\n", fingerprint, "\n", absl::StrJoin(parts, "\n")));
}

absl::StatusOr<std::vector<std::string>> DecodePageToken(
    absl::string_view token, uint64_t fingerprint, size_t n_parts) {
  auto error = [](absl::string_view why) {
    return InvalidField("page_token", why);
  };
  std::string raw;
  if (token.size() > 4096 || !absl::WebSafeBase64Unescape(token, &raw)) {
    return error("is not a token this service issued");
  }
  std::vector<std::string> parts =
      absl::StrSplit(raw, absl::MaxSplits('\n', n_parts + 1));
  uint64_t fp = 0;
  if (parts.size() != n_parts + 2 || parts[0] != "1" ||
      !absl::SimpleAtoi(parts[1], &fp)) {
    return error("is not a token this service issued");
  }
  if (fp != fingerprint) {
    return error("was issued for a different query");
  }
  parts.erase(parts.begin(), parts.begin() + 2);
  return parts;
}

std::string DeterministicBytes(const google::protobuf::Message& message) {
  std::string bytes;
  google::protobuf::io::StringOutputStream out(&bytes);
  google::protobuf::io::CodedOutputStream coded(&out);
  coded.SetSerializationDeterministic(true);
  message.SerializeToCodedStream(&coded);
  coded.Trim();
  return bytes;
}

std::string CanonicalBytes(const google::protobuf::Message& message) {
  std::unique_ptr<google::protobuf::Message> known(message.New());
  known->CopyFrom(message);
  known->DiscardUnknownFields();
  return DeterministicBytes(*known);
}

}  // namespace outreach
