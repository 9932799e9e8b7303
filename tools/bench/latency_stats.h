#ifndef OUTREACH_TOOLS_BENCH_LATENCY_STATS_H_
#define OUTREACH_TOOLS_BENCH_LATENCY_STATS_H_

// Exact latency percentiles from every recorded sample. A run records at
// most a few million calls, so keeping them all (8 bytes each) is cheaper
// than the error analysis a bucketed histogram would need at p99.9.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "nlohmann/json.hpp"

namespace outreach::bench {

struct RunSummary {
  std::string name;
  std::string mode;  // "closed" or "open"
  int concurrency = 0;
  double rate = 0;  // calls per second asked for, open loop only
  double duration_s = 0;
  int64_t calls = 0;  // completed, OK or not
  int64_t errors = 0;
  std::map<std::string, int64_t> error_codes;
  double qps = 0;  // OK calls per second
  double p50_ms = 0, p90_ms = 0, p99_ms = 0, p999_ms = 0;
  double mean_ms = 0, max_ms = 0;
  // Largest successful response seen, serialized (the floor baseline of
  // scripts/bench.sh is sized from it).
  int64_t response_bytes = 0;
  // Largest request sent, serialized (sizes the chain floor's calls).
  int64_t request_bytes = 0;

  nlohmann::json ToJson() const;
  // One row: name, mode, concurrency, QPS, p50, p90, p99, p99.9, errors.
  std::string TableRow() const;
  static std::string TableHeader();
};

class LatencyStats {
 public:
  void Record(int64_t nanos) { samples_.push_back(nanos); }
  void Merge(const LatencyStats& other);
  size_t count() const { return samples_.size(); }
  // The q-quantile (0 <= q <= 1) in milliseconds, nearest-rank; 0 when
  // empty. Sorts on first use after a Record.
  double QuantileMs(double q);
  double MeanMs() const;
  double MaxMs();

 private:
  void Sort();
  std::vector<int64_t> samples_;
  bool sorted_ = true;
  size_t sorted_size_ = 0;
};

}  // namespace outreach::bench

#endif  // OUTREACH_TOOLS_BENCH_LATENCY_STATS_H_
