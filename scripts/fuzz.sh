#!/usr/bin/env bash
# Fuzzing with cargo-fuzz (libFuzzer, nightly) on the native core.
#   bash scripts/fuzz.sh              smoke, part of the tests (~1 minute of fuzzing after the build;
#                                     each job prints its seconds): every target replays its corpus
#                                     (seed files, small binary seeds and every crash found so far),
#                                     then mutates from a fixed seed for a fixed number of runs
#                                     (ingest: 12,000 runs of its text formats, CSV/TSV/JSON/NDJSON,
#                                     under 4 KB; sql_guard 20,000; engine_sql 20,000; question 6,000;
#                                     chart_insight 30,000). Coverage feedback is not deterministic
#                                     (hash seeds), and mutating Parquet/Arrow still found Polars
#                                     reader panics every ~30,000-900,000 runs: that exploration is
#                                     the long runs' job, not a test's; each find becomes a regression
#                                     input that every smoke replays.
#   bash scripts/fuzz.sh 3600         a long run: an hour per target
#   bash scripts/fuzz.sh 600 ingest   one target
#   MAX_LEN=4096 bash scripts/fuzz.sh 36000 ingest   smaller inputs, ~4x the executions per second
#     (the small Parquet/Arrow seeds in fuzz/seeds/ keep every reader reachable under 4 KB)
#   MALLOC_LIMIT_MB=512 ...           report any single allocation over 512 MB as a crash (what a
#     page can still allocate is far less than the 4 GB libFuzzer allows by default)
#   SANITIZER=address TOOLCHAIN=nightly bash scripts/fuzz.sh 3600   with AddressSanitizer (needs a
#     nightly that still builds Polars 0.51: its build scripts enable `nightly` features when they
#     see a nightly compiler, and the nightly installed here (2026) has dropped one of them)
# Crashes are saved under fuzz/artifacts/<target>/; each becomes a regression test and a fix.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
secs=${1:-}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(ingest sql_guard engine_sql question chart_insight)
# Without a sanitizer, libFuzzer's coverage flags are stable `-C` options: the stable toolchain
# builds the targets (the installed nightly cannot build polars-ops 0.51, see above).
toolchain=${TOOLCHAIN:-stable}
command -v cargo-fuzz >/dev/null || cargo install -q cargo-fuzz
export CARGO_TARGET_DIR="$HOME/.cache/insightflow/fuzz-target"
sanitizer=${SANITIZER:-none}

# Seed corpora from real files and queries.
mkdir -p fuzz/corpus/{ingest,sql_guard,engine_sql,question,chart_insight}
i=0
for f in tests/fixtures/*; do
  [ -f "$f" ] || continue
  case "$f" in *.json) fmt='\x03' ;; *.ndjson) fmt='\x04' ;; *.parquet) fmt='\x05' ;; *.arrow) fmt='\x06' ;; *.arrows) fmt='\x07' ;; *.tsv) fmt='\x02' ;; *) fmt='\x00' ;; esac
  { printf "$fmt"; head -c 60000 "$f"; } > "fuzz/corpus/ingest/seed$i"
  i=$((i + 1))
done
# Small Parquet / Arrow IPC seeds (fuzz/seeds/make.py; first byte already the format).
for f in fuzz/seeds/*.bin; do cp "$f" "fuzz/corpus/ingest/small-$(basename "$f" .bin)"; done
# Crashes found earlier (fixed; first byte already the format) replay on every run.
for f in tests/fixtures/fuzz/*.bin; do cp "$f" "fuzz/corpus/ingest/regression-$(basename "$f" .bin)"; done
for f in tests/fixtures/fuzz/sql-*.txt; do for t in sql_guard engine_sql; do cp "$f" "fuzz/corpus/$t/regression-$(basename "$f" .txt)"; done; done
for f in tests/fixtures/fuzz/question-*.txt; do cp "$f" "fuzz/corpus/question/regression-$(basename "$f" .txt)"; done
n=0
while IFS= read -r q; do
  printf '%s' "$q" > "fuzz/corpus/sql_guard/seed$n"
  printf '%s' "$q" > "fuzz/corpus/engine_sql/seed$n"
  n=$((n + 1))
done <<'SQL'
SELECT region, SUM(amount) AS s FROM t GROUP BY region ORDER BY s DESC LIMIT 3
SELECT * FROM t WHERE amount > (SELECT AVG(amount) FROM t)
WITH a AS (SELECT region, COUNT(*) n FROM t GROUP BY region) SELECT * FROM a JOIN u ON a.region = u.region
SELECT id, SUM(amount) OVER (PARTITION BY region ORDER BY day) FROM t
SELECT CASE WHEN flag THEN 'y' ELSE 'n' END AS f, MEDIAN(amount) FROM t GROUP BY 1
SELECT EXTRACT(YEAR FROM day), CAST(amount AS INT), UPPER(region) FROM t UNION ALL SELECT 1, 2, 'x'
SELECT 1; DROP TABLE t
SELECT * FROM read_csv('x')
SQL
n=0
while IFS= read -r q; do
  printf '%s' "$q" > "fuzz/corpus/question/seed$n"
  n=$((n + 1))
done <<'QUESTIONS'
total amount by region
average price per product in 2021
top 3 products by qty
monthly amount trend
amount by region not in North
share of amount by product
distribution of price
amount vs qty
sales in O'Brien between March and June 2021
how many rows where price over 5 and region is South'; DROP TABLE sales --
year over year growth of amount
QUESTIONS
printf '\x41\x01\x02\x03\x04\x05\x06\x07\x08' > fuzz/corpus/chart_insight/seed0
printf '\x07\x00\x00\x00' > fuzz/corpus/chart_insight/seed1

log "building fuzz targets ($toolchain, sanitizer: $sanitizer)"
cargo +"$toolchain" fuzz build -O --sanitizer "$sanitizer" >/dev/null 2>"$CARGO_TARGET_DIR.build.log" || { tail -40 "$CARGO_TARGET_DIR.build.log"; exit 1; }
printf '%-14s %12s %8s %8s %6s %s\n' target executions cov features secs outcome
fail=0
fuzz_start=$SECONDS
# jobs: "name target text_only budget..."
jobs=()
for t in "${targets[@]}"; do
  if [ -n "$secs" ]; then
    jobs+=("$t $t 0 -max_total_time=$secs -max_len=${MAX_LEN:-65536}")
  else
    # smoke: replay the corpus, then a fixed seed and number of runs (~4-12 s each here)
    case "$t" in question) runs=6000 ;; chart_insight) runs=30000 ;; *) runs=20000 ;; esac
    if [ "$t" = ingest ]; then
      # the replay keeps whole files (libFuzzer truncates inputs to -max_len); the text mutation
      # stays under 4 KB, where it runs ~5x faster than at 64 KB
      jobs+=("ingest_replay ingest 0 -runs=0 -max_len=65536" "ingest_text ingest 1 -seed=1 -runs=12000 -max_len=4096")
    else
      jobs+=("$t $t 0 -seed=1 -runs=$runs -max_len=65536")
    fi
  fi
done
for job in "${jobs[@]}"; do
  read -r name t text_only budget <<<"$job"
  budget=($budget)
  text_env=()
  job_start=$SECONDS
  [ "$text_only" = 1 ] && text_env=(env INSIGHTFLOW_FUZZ_TEXT_ONLY=1)
  out=$("${text_env[@]}" cargo +"$toolchain" fuzz run -O --sanitizer "$sanitizer" "$t" "fuzz/corpus/$t" -- \
    "${budget[@]}" -rss_limit_mb=4096 -malloc_limit_mb="${MALLOC_LIMIT_MB:-4096}" -timeout=20 -print_final_stats=1 2>&1) && rc=0 || rc=$?
  execs=$(printf '%s\n' "$out" | sed -n 's/^stat::number_of_executed_units: *//p' | tail -1)
  cov=$(printf '%s\n' "$out" | grep -oE 'cov: [0-9]+' | tail -1 | cut -d' ' -f2)
  ft=$(printf '%s\n' "$out" | grep -oE 'ft: [0-9]+' | tail -1 | cut -d' ' -f2)
  if [ $rc -eq 0 ]; then outcome=ok; else outcome="CRASH (exit $rc, see fuzz/artifacts/$t/)"; fail=1; printf '%s\n' "$out" | grep -E 'panicked|ERROR|Test unit written' | head -5; fi
  printf '%-14s %12s %8s %8s %6s %s\n' "$name" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$((SECONDS - job_start))" "$outcome"
done
log "fuzzing took $((SECONDS - fuzz_start)) s in all"
exit $fail
