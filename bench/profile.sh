#!/usr/bin/env bash
# Profile the server under S1's load: 100k numbers in a fresh SQLite store, wrk on CPU 1, the server on
# CPU 0, py-spy sampling the server for 5 s. Needs wrk and py-spy (pip install py-spy); installs nothing.
# Usage: bench/profile.sh [OUTPUT]   (default /tmp/wanumbers-s1.txt, py-spy's collapsed "raw" format;
#        turn it into a flame graph with any folded-stack tool, or read it with sort -k2 -n)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-/tmp/wanumbers-s1.txt}
for tool in wrk py-spy taskset; do
  command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install wrk / pip install py-spy)"; exit 2; }
done
dir=$(mktemp -d); url="sqlite:///$dir/profile.db"; port=${PORT:-8939}
trap 'kill "$server" 2>/dev/null || true; rm -rf "$dir"' EXIT
json() { python -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
created=$(wanumbers accounts create --name profile --database-url "$url" --json)
sid=$(echo "$created" | json sid); key=$(echo "$created" | json api_key)
waba=$(wanumbers wabas create --sid "$sid" --database-url "$url" --json | json waba_id)
python - "$dir" "$waba" "$sid" <<'PY'
import sys
from pathlib import Path

from bench import seed
from bench.databases import sqlite_database
from bench.loadgen import write_paths

directory, waba, sid = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
seed.seed_numbers(sqlite_database(directory, "profile"), waba, 100_000)
paths = [f"/v2/{sid}/whatsapp/{seed.e164(i)[1:]}/phone_number_details" for i in range(0, 100_000, 5)]
write_paths(directory / "paths.txt", paths)
PY
taskset -c 0 wanumbers serve --port "$port" --database-url "$url" & server=$!
sleep 1.5
taskset -c 1 wrk -t1 -c32 -d8s -s bench/wrk_paths.lua "http://127.0.0.1:$port" -- "$dir/paths.txt" GET "api-key: $key" &
load=$!
sleep 1
py-spy record -p "$server" -d 5 -r 500 -f raw -o "$out" >/dev/null
wait "$load"
echo "profile written to $out"
