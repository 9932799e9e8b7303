#include "services/web/csrf.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <fstream>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace outreach::web {

std::string CsrfTokens::RandomKey() {
  std::string key(32, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()),
                 static_cast<int>(key.size())) != 1) {
    // Without randomness no token could be trusted: refuse to start.
    std::abort();
  }
  return key;
}

absl::StatusOr<std::string> CsrfTokens::KeyFromFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string key(std::istreambuf_iterator<char>(in), {});
  if (key.size() < 32) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--csrf_key_file ", path, " is unreadable or shorter than 32 bytes"));
  }
  return key;
}

std::string CsrfTokens::Mac(absl::string_view subject, int64_t issued) const {
  // The subject's length first, so that no subject and time run together
  // to equal another's.
  const std::string message =
      absl::StrCat(subject.size(), ":", subject, ":", issued);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
       mac, &len);
  return absl::WebSafeBase64Escape(
      absl::string_view(reinterpret_cast<const char*>(mac), len));
}

std::string CsrfTokens::Issue(absl::string_view subject) const {
  const int64_t now = absl::ToUnixSeconds(clock_->Now());
  return absl::StrCat(now, ".", Mac(subject, now));
}

absl::Status CsrfTokens::Check(absl::string_view subject,
                               absl::string_view token) const {
  const size_t dot = token.find('.');
  int64_t issued = 0;
  if (token.empty() || dot == absl::string_view::npos ||
      !absl::SimpleAtoi(token.substr(0, dot), &issued)) {
    return absl::PermissionDeniedError(
        "the form carries no valid CSRF token: reload the page and submit "
        "it again");
  }
  const std::string want = Mac(subject, issued);
  const absl::string_view got = token.substr(dot + 1);
  if (got.size() != want.size() ||
      CRYPTO_memcmp(got.data(), want.data(), want.size()) != 0) {
    return absl::PermissionDeniedError(
        "the form's CSRF token was not issued to you: reload the page and "
        "submit it again");
  }
  const absl::Time at = absl::FromUnixSeconds(issued);
  const absl::Time now = clock_->Now();
  if (at > now + absl::Minutes(5) || now - at > lifetime_) {
    return absl::PermissionDeniedError(
        "the form's CSRF token has expired: reload the page and submit it "
        "again");
  }
  return absl::OkStatus();
}

}  // namespace outreach::web
