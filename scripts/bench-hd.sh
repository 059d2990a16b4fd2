#!/usr/bin/env bash
# Reproduces docs/benchmarks.md#hd-and-4k: the Native AOT binary's `smartcam bench` on the sample footage at 768x576
# (configs/bench.yaml) and upscaled to 1920x1080 and 3840x2160 (configs/bench-1080p.yaml, bench-2160p.yaml; the files
# are made by scripts/make-hd-sources.sh), RUNS runs each (default 3) of FRAMES frames (default 3000), the three sizes
# alternated so a slow spell of the VM hits each alike; then `--decode-only` per size; then the medians as a table.
# A plot of each size's capture→publish distribution is left in out/bench-hd/ (SVG, one per run).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
[ -x out/smartcam/smartcam ] || scripts/publish.sh >/dev/null
bin=out/smartcam/smartcam
runs=${RUNS:-3}
frames=${FRAMES:-3000}
out=out/bench-hd
mkdir -p "$out"
rm -f "$out"/*.jsonl
for i in $(seq 1 "$runs"); do
  for size in 576p 1080p 2160p; do
    config=configs/bench.yaml
    [ "$size" = 576p ] || config=configs/bench-$size.yaml
    echo "=== smartcam bench --config $config --frames $frames --plot $out/$size-$i.svg (run $i)" >&2
    "$bin" bench --config "$config" --frames "$frames" --json --plot "$out/$size-$i.svg" >>"$out/$size.jsonl"
  done
done
for size in 576p 1080p 2160p; do
  config=configs/bench.yaml
  [ "$size" = 576p ] || config=configs/bench-$size.yaml
  echo "=== smartcam bench --config $config --decode-only --frames 1000" >&2
  for i in $(seq 1 "$runs"); do "$bin" bench --config "$config" --decode-only --frames 1000 --json >>"$out/$size-decode.jsonl"; done
done

/usr/bin/python3 - "$out" <<'PY'
import json, statistics, sys
out = sys.argv[1]
def median(values): return statistics.median(values)
print("| source | capture p50 / p99 | convert p50 | pre p50 | infer p50 (bare) | decode-only fps | fps (bare) | throughput vs bare | capture→publish p50 / p99 vs bare | loop B/frame, GCs |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
for size, name in (("576p", "768x576"), ("1080p", "1920x1080"), ("2160p", "3840x2160")):
    runs = [json.loads(l) for l in open(f"{out}/{size}.jsonl")]
    decode = [json.loads(l)["decode_only"][0] for l in open(f"{out}/{size}-decode.jsonl")]
    lat = lambda stage, q: median(r["latency_us"][stage][q] for r in runs) / 1000
    bare = median(r["latency_us"]["bare_session_run"]["p50"] for r in runs) / 1000 if "bare_session_run" in runs[0]["latency_us"] else float("nan")
    gcs = max(r["gc"]["gen0"] + r["gc"]["gen1"] + r["gc"]["gen2"] for r in runs)
    print(f"| {name} | {lat('capture','p50'):.2f} / {lat('capture','p99'):.2f} ms | {lat('convert','p50'):.2f} ms | {lat('pre','p50'):.2f} ms "
          f"| {lat('infer','p50'):.2f} ms ({bare:.2f}) | {median(d['fps'] for d in decode):.0f} "
          f"| {median(r['fps'] for r in runs):.1f} ({median(1000 / (r['latency_us']['bare_session_run']['p50'] / 1000) for r in runs):.1f}) "
          f"| {median(r['throughput_ratio'] for r in runs):.3f} "
          f"| {median(r['latency_p50_ratio'] for r in runs):.3f} / {median(r['latency_p99_ratio'] for r in runs):.3f} "
          f"| {max(r['bytes_per_frame_pipeline'] for r in runs):.0f}, {gcs} |")
print(f"\nmedians of {len(runs)} runs each; decode-only: median of {len(decode)} runs")
PY
