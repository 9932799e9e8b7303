#include "common/sql/table_copy.h"

#include <istream>
#include <ostream>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "nlohmann/json.hpp"

namespace outreach {
namespace {

using nlohmann::json;

constexpr int kFormatVersion = 1;

std::string SelectSql(const TableSpec& t) {
  std::vector<std::string> names;
  for (const auto& c : t.columns) names.push_back(c.name);
  return absl::StrCat("SELECT ", absl::StrJoin(names, ", "), " FROM ", t.name,
                      " ORDER BY ", t.order_by);
}

std::string InsertSql(const TableSpec& t) {
  std::vector<std::string> names, marks;
  for (const auto& c : t.columns) {
    names.push_back(c.name);
    marks.push_back("?");
  }
  return absl::StrCat("INSERT INTO ", t.name, " (", absl::StrJoin(names, ", "),
                      ") VALUES (", absl::StrJoin(marks, ", "), ")");
}

// The row the statement is on, as the export writes it.
json RowOf(const Statement& stmt, const TableSpec& t) {
  json row = json::array();
  for (size_t i = 0; i < t.columns.size(); ++i) {
    const int col = static_cast<int>(i);
    if (stmt.ColumnIsNull(col)) {
      row.push_back(nullptr);
      continue;
    }
    switch (t.columns[i].type) {
      case ColumnType::kInteger:
        row.push_back(stmt.ColumnInt64(col));
        break;
      case ColumnType::kText:
        row.push_back(stmt.ColumnText(col));
        break;
      case ColumnType::kBytes:
        row.push_back(absl::Base64Escape(stmt.ColumnBlob(col)));
        break;
    }
  }
  return row;
}

// Binds an exported row; INVALID_ARGUMENT when it does not fit the table.
absl::Status BindRow(Statement& stmt, const TableSpec& t, const json& row) {
  if (!row.is_array() || row.size() != t.columns.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "a row of ", t.name, " has not ", t.columns.size(), " values"));
  }
  for (size_t i = 0; i < t.columns.size(); ++i) {
    const int index = static_cast<int>(i) + 1;
    const json& v = row[i];
    if (v.is_null()) {
      stmt.BindNull(index);
      continue;
    }
    switch (t.columns[i].type) {
      case ColumnType::kInteger:
        if (!v.is_number_integer()) {
          return absl::InvalidArgumentError(
              absl::StrCat(t.name, ".", t.columns[i].name, " is not a number"));
        }
        stmt.Bind(index, v.get<int64_t>());
        break;
      case ColumnType::kText:
        if (!v.is_string()) {
          return absl::InvalidArgumentError(
              absl::StrCat(t.name, ".", t.columns[i].name, " is not text"));
        }
        stmt.Bind(index, v.get_ref<const std::string&>());
        break;
      case ColumnType::kBytes: {
        std::string bytes;
        if (!v.is_string() ||
            !absl::Base64Unescape(v.get_ref<const std::string&>(), &bytes)) {
          return absl::InvalidArgumentError(
              absl::StrCat(t.name, ".", t.columns[i].name, " is not base64"));
        }
        stmt.BindBlob(index, bytes);
        break;
      }
    }
  }
  return absl::OkStatus();
}

// An export read whole: its header's revision and each table's rows.
struct Export {
  int64_t revision = 0;
  std::map<std::string, std::vector<json>> rows;
};

absl::StatusOr<Export> ReadExport(const StoreSpec& spec, std::istream& in) {
  Export out;
  std::string line;
  bool header = false, end = false;
  std::map<std::string, int64_t> counted;
  int64_t line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (line.empty()) continue;
    json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", line_number, " is not a JSON object"));
    }
    if (!header) {
      if (j.value("outreach_export", 0) != kFormatVersion ||
          j.value("store", "") != spec.store) {
        return absl::InvalidArgumentError(absl::StrCat(
            "not an export of the ", spec.store, " store (format ",
            kFormatVersion, ")"));
      }
      out.revision = j.value("revision", int64_t{0});
      header = true;
      continue;
    }
    if (end) {
      return absl::InvalidArgumentError("lines follow the export's end");
    }
    if (j.value("end", false)) {
      end = true;
      const json counts = j.value("counts", json::object());
      for (const auto& t : spec.tables) {
        if (counts.value(t.name, int64_t{-1}) !=
            static_cast<int64_t>(out.rows[t.name].size())) {
          return absl::InvalidArgumentError(
              absl::StrCat("the export's count of ", t.name,
                           " does not match its rows: the file is damaged"));
        }
      }
      continue;
    }
    const std::string table = j.value("table", "");
    bool known = false;
    for (const auto& t : spec.tables) known = known || t.name == table;
    if (!known) {
      return absl::InvalidArgumentError(
          absl::StrCat("line ", line_number, ": no table '", table, "' in ",
                       spec.store));
    }
    out.rows[table].push_back(j["row"]);
  }
  if (!header || !end) {
    return absl::InvalidArgumentError(
        "the export is cut short (no end line): export again");
  }
  return out;
}

}  // namespace

TableSpec RequestLedgerTable() {
  return {"request_ids",
          {{"request_id", ColumnType::kText},
           {"request_bytes", ColumnType::kBytes},
           {"revision", ColumnType::kInteger},
           {"body", ColumnType::kBytes},
           {"create_time", ColumnType::kInteger}},
          "request_id"};
}

TableSpec AuditTable() {
  return {"audit_records",
          {{"seq", ColumnType::kInteger},
           {"time", ColumnType::kInteger},
           {"actor", ColumnType::kText},
           {"method", ColumnType::kText},
           {"resource", ColumnType::kText},
           {"etag_before", ColumnType::kText},
           {"etag_after", ColumnType::kText},
           {"request_id", ColumnType::kText}},
          "seq"};
}

TableSpec StoredCountsTable() {
  return {"counts",
          {{"dimension", ColumnType::kText},
           {"key", ColumnType::kText},
           {"n", ColumnType::kInteger}},
          "dimension, key"};
}

TableSpec CountDeltasTable() {
  return {"count_deltas",
          {{"dimension", ColumnType::kText},
           {"key", ColumnType::kText},
           {"delta", ColumnType::kInteger}},
          "dimension, key, delta"};
}

bool StoreCheck::ok() const {
  for (const auto& [name, t] : tables) {
    if (t.expected != t.found || t.equal != t.expected) return false;
  }
  return store_revision >= exported_revision;
}

absl::Status ExportStore(SqlDb& db, const StoreSpec& spec, std::ostream& out) {
  auto revision = db.LatestRevision();
  if (!revision.ok()) return revision.status();
  std::string text;
  json counts = json::object();
  // One snapshot for every table, so that rows refer to rows that exist.
  absl::Status s = db.Read([&](SqlConnection& c) -> absl::Status {
    text.clear();
    counts = json::object();
    for (const auto& t : spec.tables) {
      auto stmt = c.Prepare(SelectSql(t));
      if (!stmt.ok()) return stmt.status();
      int64_t n = 0;
      while (true) {
        auto row = stmt->Step();
        if (!row.ok()) return row.status();
        if (!*row) break;
        json line = {{"table", t.name}, {"row", RowOf(*stmt, t)}};
        try {
          absl::StrAppend(&text, line.dump(), "\n");
        } catch (const json::exception& e) {
          return absl::DataLossError(
              absl::StrCat("a row of ", t.name, " cannot be written: ",
                           e.what()));
        }
        ++n;
      }
      counts[t.name] = n;
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  json header = {{"outreach_export", kFormatVersion},
                 {"store", spec.store},
                 {"revision", *revision}};
  out << header.dump() << "\n" << text
      << json({{"end", true}, {"counts", counts}}).dump() << "\n";
  out.flush();
  if (!out) return absl::InternalError("cannot write the export");
  return absl::OkStatus();
}

absl::Status ImportStore(SqlDb& db, const StoreSpec& spec, std::istream& in) {
  auto data = ReadExport(spec, in);
  if (!data.ok()) return data.status();
  return db.Write([&](SqlConnection& c) -> absl::Status {
    for (const auto& t : spec.tables) {
      auto any = c.Prepare(absl::StrCat("SELECT 1 FROM ", t.name, " LIMIT 1"));
      if (!any.ok()) return any.status();
      auto row = any->Step();
      if (!row.ok()) return row.status();
      if (*row) {
        return absl::FailedPreconditionError(absl::StrCat(
            "the ", spec.store, " store already holds rows in ", t.name,
            "; import only into an empty store"));
      }
    }
    for (const auto& t : spec.tables) {
      const std::string sql = InsertSql(t);
      for (const json& row : data->rows[t.name]) {
        auto ins = c.Prepare(sql);
        if (!ins.ok()) return ins.status();
        if (auto s = BindRow(*ins, t, row); !s.ok()) return s;
        if (auto s = ins->Run(); !s.ok()) {
          return absl::Status(s.code(),
                              absl::StrCat(t.name, ": ", s.message()));
        }
      }
    }
    return c.AdvanceCounters(data->revision);
  });
}

absl::StatusOr<StoreCheck> VerifyStore(SqlDb& db, const StoreSpec& spec,
                                       std::istream& in) {
  auto data = ReadExport(spec, in);
  if (!data.ok()) return data.status();
  StoreCheck check;
  check.exported_revision = data->revision;
  auto revision = db.LatestRevision();
  if (!revision.ok()) return revision.status();
  check.store_revision = *revision;
  absl::Status s = db.Read([&](SqlConnection& c) -> absl::Status {
    check.tables.clear();
    for (const auto& t : spec.tables) {
      TableCheck& tc = check.tables[t.name];
      const auto& expected = data->rows[t.name];
      tc.expected = static_cast<int64_t>(expected.size());
      auto stmt = c.Prepare(SelectSql(t));
      if (!stmt.ok()) return stmt.status();
      // Both sides are in the same order (the key's), so rows pair up.
      size_t i = 0;
      while (true) {
        auto row = stmt->Step();
        if (!row.ok()) return row.status();
        if (!*row) break;
        ++tc.found;
        if (i < expected.size() && RowOf(*stmt, t) == expected[i]) ++tc.equal;
        ++i;
      }
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return check;
}

}  // namespace outreach
