#include "common/sql/sql_db.h"

namespace outreach {

absl::Status Statement::Run() {
  while (true) {
    auto row = Step();
    if (!row.ok()) return row.status();
    if (!*row) return absl::OkStatus();
  }
}

void BindAll(Statement& stmt, const std::vector<SqlParam>& params) {
  for (size_t i = 0; i < params.size(); ++i) {
    const int index = static_cast<int>(i) + 1;
    if (params[i].is_int) {
      stmt.Bind(index, params[i].number);
    } else {
      stmt.Bind(index, params[i].text);
    }
  }
}

}  // namespace outreach
