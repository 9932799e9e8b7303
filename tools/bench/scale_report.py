#!/usr/bin/python3
"""The "Cost as the records grow" section of docs/performance.md, from the
results of `scripts/bench.sh --scale`.

Every path is measured at two sizes in one run: 1% of the records and all
of them. Its growth is the ratio of its median latencies; a path whose
calls do not grow with the records stays near 1x, one that reads every
record grows with them (up to 100x). Exits 1 when a scenario or a seeding
call had errors, or a result is missing.
"""

import argparse
import json
import sys

# (scenario, what it is, must it stay flat?)
PATHS = [
    ("summarize_events", "`SummarizeEvents` (kept counts)", True),
    ("summarize_participations", "`SummarizeParticipations` (kept counts)", True),
    ("summarize_recommendations", "`SummarizeRecommendations` (kept counts)", True),
    ("dashboard_cold", "`GetDashboard`, whole, composed (cache off)", True),
    ("dashboard_warm", "`GetDashboard`, whole, cached", True),
    ("dashboard_filtered",
     "`GetDashboard` with a filter (every record read, the path before)", False),
    ("profile_light", "`GetStateProfile`, an entity at 10 events", True),
    ("profile_heavy", "`GetStateProfile`, an entity at every event", False),
]
IMPORTS = [
    ("import_dry_seed", "dry run, the seed (36 participants)"),
    ("import_dry_500", "dry run, 500 participants"),
    ("import_seed", "import, the seed (36 participants)"),
    ("import_500", "import, 500 participants"),
]
# A flat path may grow this much between the sizes and still count as flat:
# the machine's noise between two runs of one call is up to about 1.5x.
FLAT = 2.0


def load(path):
    runs = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                runs[r["name"]] = r
    return runs


def ms(x):
    return f"{x:.3f}" if x < 10 else f"{x:.1f}"


def size(n):
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else (f"{n / 1e3:.1f} kB" if n >= 1e3 else f"{n} B")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--results", required=True)
    ap.add_argument("--seed", required=True)
    ap.add_argument("--rss", required=True)
    ap.add_argument("--small", type=int, required=True)
    ap.add_argument("--big", type=int, required=True)
    ap.add_argument("--per_event", type=int, required=True)
    ap.add_argument("--outcomes", type=int, required=True)
    ap.add_argument("--output", required=True)
    a = ap.parse_args()
    runs = load(a.results)
    problems = []
    seeded = 0
    with open(a.seed, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                seeded += r["calls"] - r["errors"]
                if r["errors"]:
                    problems.append(f"seeding: {r['errors']} errors {r['error_codes']}")

    out = ["## Cost as the records grow", ""]
    out.append(
        f"`scripts/bench.sh --scale`: the suite on SQLite, seeded with "
        f"{a.small:,} events of {a.per_event} participants each "
        f"({a.small * a.per_event:,} participations, {a.outcomes // 100:,} outcomes) "
        f"and measured, then with {a.big - a.small:,} more "
        f"({a.big:,} events, {a.big * a.per_event:,} participations, "
        f"{a.outcomes:,} outcomes) and measured again; one call at a time. "
        f"Growth is the median at the full size over the median at 1%: a "
        f"path whose work does not grow with the records stays near 1x "
        f"(at most {FLAT}x counts as flat, the noise between two runs on "
        f"this machine), one that reads every record grows up to "
        f"{a.big // a.small}x.")
    out.append("")
    out.append(f"| Path | p50 at {a.small:,} events (ms) | p50 at {a.big:,} events (ms) "
               f"| Growth | Largest reply at {a.big:,} | Flat? |")
    out.append("|---|---:|---:|---:|---:|---|")
    for name, what, flat in PATHS:
        s, b = runs.get(f"{name}@small"), runs.get(f"{name}@big")
        if not s or not b:
            problems.append(f"{name}: missing")
            continue
        for r in (s, b):
            if r["errors"]:
                problems.append(f"{r['name']}: {r['errors']} errors {r['error_codes']}")
        growth = b["p50_ms"] / s["p50_ms"] if s["p50_ms"] > 0 else float("inf")
        reply = size(b.get("response_bytes", 0))  # the largest reply
        verdict = ("yes — met" if growth <= FLAT else "**no — missed**") if flat \
            else "grows by design"
        out.append(f"| {what} | {ms(s['p50_ms'])} | {ms(b['p50_ms'])} | "
                   f"{growth:.2f}x | {reply} | {verdict} |")
    out.append("")
    out.append(
        "The whole dashboard is three calls, one per service, each reading "
        "the counts its store keeps in the transaction of every write "
        "(`common/sql/stored_counts.h`); their size grows with the number of "
        "years, countries, entities and areas, not with the records. A "
        "filtered dashboard still reads every matching event and every "
        "participation and outcome: it is the cost the kept counts remove. "
        "A profile reads the entity's own participations (by index) and "
        "their events 1000 per `BatchGetEvents`: it grows with the events "
        "that entity attended, which it returns, and not with the others.")
    out.append("")
    base = runs.get("import_seed")
    out.append(f"| Import (one at a time, cache-off gateway) | p50 (ms) | per participant (ms) |")
    out.append("|---|---:|---:|")
    for name, what in IMPORTS:
        r = runs.get(name)
        if not r:
            problems.append(f"{name}: missing")
            continue
        if r["errors"]:
            problems.append(f"{name}: {r['errors']} errors {r['error_codes']}")
        n = 500 if name.endswith("500") else 36
        out.append(f"| {what} | {ms(r['p50_ms'])} | {r['p50_ms'] / n:.3f} |")
    out.append("")
    rss = {}
    with open(a.rss, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                rss[r["process"]] = max(rss.get(r["process"], 0), r["rss_kib"])
    if rss:
        out.append("Resident memory after the scale run: " + ", ".join(
            f"{p} {k / 1024:.0f} MiB" for p, k in sorted(rss.items())) + ".")
        out.append("")
    if problems:
        out.append("Problems in this run: " + "; ".join(problems) + ".")
        out.append("")
    with open(a.output, "w", encoding="utf-8") as f:
        f.write("\n".join(out))
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
