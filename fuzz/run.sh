#!/usr/bin/env bash
# Runs every fuzz target (or those named) for SECONDS each (default 60) with libFuzzer, through
# cargo-fuzz on the machine's stable toolchain. Seeds come from fuzz/corpus/<target>/ (the
# project's own test files); new inputs go to a temporary folder, so the committed seeds stay as
# they are. A crash stops the run with libFuzzer's report and the input saved under
# fuzz/artifacts/<target>/.
#   fuzz/run.sh            every target, 60 s each
#   fuzz/run.sh 300 roll_csv counts_file
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-60}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(ballot_decode event_decode archive_read roll_csv counts_file)
fi
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
# cargo-fuzz passes unstable compiler flags; RUSTC_BOOTSTRAP lets the stable toolchain accept them.
export RUSTC_BOOTSTRAP=1
cargo fuzz build -O
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
for t in "${targets[@]}"; do
  mkdir -p "$scratch/$t" "corpus/$t"
  echo "== $t: ${seconds} s"
  cargo fuzz run -O "$t" "$scratch/$t" "corpus/$t" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=1048576 -print_final_stats=1 2>&1 |
    grep -E '^(#[0-9]+ +DONE|Done|stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==|SUMMARY)' || true
  if ls "artifacts/$t"/crash-* >/dev/null 2>&1; then
    echo "$t: crash found, see fuzz/artifacts/$t/" >&2
    exit 1
  fi
done
echo "no crash"
