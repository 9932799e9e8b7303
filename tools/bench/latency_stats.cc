#include "tools/bench/latency_stats.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_format.h"

namespace outreach::bench {

void LatencyStats::Merge(const LatencyStats& other) {
  samples_.insert(samples_.end(), other.samples_.begin(), other.samples_.end());
}

void LatencyStats::Sort() {
  if (sorted_size_ != samples_.size()) {
    std::sort(samples_.begin(), samples_.end());
    sorted_size_ = samples_.size();
  }
}

double LatencyStats::QuantileMs(double q) {
  if (samples_.empty()) return 0;
  Sort();
  q = std::clamp(q, 0.0, 1.0);
  // Nearest rank: the smallest sample with at least q of all at or below.
  size_t rank = static_cast<size_t>(std::ceil(q * samples_.size()));
  if (rank == 0) rank = 1;
  return samples_[rank - 1] / 1e6;
}

double LatencyStats::MeanMs() const {
  if (samples_.empty()) return 0;
  long double sum = 0;
  for (int64_t s : samples_) sum += s;
  return static_cast<double>(sum / samples_.size() / 1e6);
}

double LatencyStats::MaxMs() {
  if (samples_.empty()) return 0;
  Sort();
  return samples_.back() / 1e6;
}

nlohmann::json RunSummary::ToJson() const {
  return {{"name", name},          {"mode", mode},
          {"concurrency", concurrency}, {"rate", rate},
          {"duration_s", duration_s},   {"calls", calls},
          {"errors", errors},          {"error_codes", error_codes},
          {"qps", qps},                {"p50_ms", p50_ms},
          {"p90_ms", p90_ms},          {"p99_ms", p99_ms},
          {"p999_ms", p999_ms},        {"mean_ms", mean_ms},
          {"max_ms", max_ms},          {"response_bytes", response_bytes},
          {"request_bytes", request_bytes}};
}

std::string RunSummary::TableHeader() {
  return absl::StrFormat("%-28s %-6s %5s %10s %9s %9s %9s %9s %7s",
                         "scenario", "mode", "conc", "qps", "p50 ms",
                         "p90 ms", "p99 ms", "p99.9 ms", "errors");
}

std::string RunSummary::TableRow() const {
  return absl::StrFormat("%-28s %-6s %5d %10.0f %9.3f %9.3f %9.3f %9.3f %7d",
                         name, mode, concurrency, qps, p50_ms, p90_ms, p99_ms,
                         p999_ms, errors);
}

}  // namespace outreach::bench
