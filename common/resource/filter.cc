#include "common/resource/filter.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/status/status_util.h"

namespace outreach {
namespace {

absl::Status FilterError(absl::string_view why) {
  return InvalidField("filter", why);
}

struct Token {
  enum Kind { kWord, kString, kOp, kEnd } kind;
  std::string text;
};

bool IsWordChar(char c) {
  return absl::ascii_isalnum(c) || c == '_' || c == '-' || c == '.' ||
         c == '/';
}

// Splits a filter into words, quoted strings and operators; one pass.
absl::StatusOr<std::vector<Token>> Tokenize(absl::string_view in) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < in.size()) {
    const char c = in[i];
    if (absl::ascii_isspace(c)) {
      ++i;
    } else if (c == '"') {
      std::string s;
      ++i;
      bool closed = false;
      while (i < in.size()) {
        if (in[i] == '\\' && i + 1 < in.size()) {
          s.push_back(in[i + 1]);
          i += 2;
        } else if (in[i] == '"') {
          closed = true;
          ++i;
          break;
        } else {
          s.push_back(in[i++]);
        }
      }
      if (!closed) return FilterError("has an unterminated string");
      out.push_back({Token::kString, std::move(s)});
    } else if (c == '<' || c == '>' || c == '!' || c == '=' || c == ':') {
      std::string op(1, c);
      if ((c == '<' || c == '>' || c == '!') && i + 1 < in.size() &&
          in[i + 1] == '=') {
        op.push_back('=');
      }
      if (op == "!") return FilterError("uses '!' without '='");
      i += op.size();
      out.push_back({Token::kOp, std::move(op)});
    } else if (IsWordChar(c)) {
      size_t j = i;
      while (j < in.size() && IsWordChar(in[j])) ++j;
      out.push_back({Token::kWord, std::string(in.substr(i, j - i))});
      i = j;
    } else {
      return FilterError(absl::StrCat("has an unexpected character '",
                                      std::string(1, c), "'"));
    }
  }
  out.push_back({Token::kEnd, ""});
  return out;
}

FilterOp OpOf(const std::string& op) {
  if (op == "!=") return FilterOp::kNe;
  if (op == "<") return FilterOp::kLt;
  if (op == "<=") return FilterOp::kLe;
  if (op == ">") return FilterOp::kGt;
  if (op == ">=") return FilterOp::kGe;
  if (op == ":") return FilterOp::kHas;
  return FilterOp::kEq;
}

}  // namespace

absl::string_view FilterOpText(FilterOp op) {
  switch (op) {
    case FilterOp::kEq:
      return "=";
    case FilterOp::kNe:
      return "!=";
    case FilterOp::kLt:
      return "<";
    case FilterOp::kLe:
      return "<=";
    case FilterOp::kGt:
      return ">";
    case FilterOp::kGe:
      return ">=";
    case FilterOp::kHas:
      return ":";
  }
  return "=";
}

absl::Status RequireFilterOps(const Restriction& r,
                              std::initializer_list<FilterOp> allowed) {
  for (FilterOp a : allowed) {
    if (a == r.op) return absl::OkStatus();
  }
  std::string ops;
  for (FilterOp a : allowed) {
    absl::StrAppend(&ops, ops.empty() ? "" : " ", FilterOpText(a));
  }
  return FilterError(absl::StrCat("'", r.field.substr(0, 50), "' takes ", ops,
                                  ", not ", FilterOpText(r.op)));
}

absl::StatusOr<std::vector<Restriction>> ParseFilterRestrictions(
    absl::string_view filter) {
  std::vector<Restriction> out;
  if (filter.size() > kMaxFilterBytes) {
    return FilterError(
        absl::StrCat("is longer than ", kMaxFilterBytes, " bytes"));
  }
  auto tokens = Tokenize(filter);
  if (!tokens.ok()) return tokens.status();
  const auto& t = *tokens;
  size_t i = 0;
  if (t[0].kind == Token::kEnd) return out;
  while (true) {
    if (t[i].kind != Token::kWord) {
      return FilterError("expects a field name, e.g. kind = STATE");
    }
    Restriction r;
    r.field = t[i++].text;
    if (t[i].kind != Token::kOp) {
      return FilterError(absl::StrCat("expects an operator after '",
                                      r.field.substr(0, 50), "'"));
    }
    r.op = OpOf(t[i++].text);
    if (t[i].kind != Token::kWord && t[i].kind != Token::kString) {
      return FilterError(
          absl::StrCat("expects a value after '", r.field.substr(0, 50), "'"));
    }
    r.value = t[i++].text;
    out.push_back(std::move(r));
    if (t[i].kind == Token::kEnd) break;
    if (t[i].kind != Token::kWord || t[i].text != "AND") {
      return FilterError("joins restrictions only with AND");
    }
    ++i;
  }
  return out;
}

}  // namespace outreach
