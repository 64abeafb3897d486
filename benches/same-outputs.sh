#!/bin/sh
# Checks that two costsim binaries write byte-identical JSON, for work on
# speed that must not change results: each shipped family on a generated
# 1M-request trace (with and without a `function` column), 500 one-worker
# dynos with shared and random routing, and the bundled `costsim compare`
# (also on one thread).
#
# Usage: benches/same-outputs.sh OLD_BINARY NEW_BINARY   (from the repo root)
set -eu
old=$1 new=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$new" trace gen -q --rate 1000 --span 1000s --seed 1 \
    --duration lognormal:median=120ms,p99=900ms -o "$work/named.csv"
cut -d, -f1,2 "$work/named.csv" > "$work/plain.csv"
run() {
    binary=$1 out=$2
    mkdir -p "$out"
    for platform in aws-lambda-2016 heroku-2016 ec2-2016 aws-lambda-2025 azure-functions-2016 gcf-2017 heroku-2025 ec2-2025; do
        for trace in plain named; do
            "$binary" simulate -q --trace "$work/$trace.csv" --platform "$platform" \
                --format json -o "$out/$platform-$trace.json" 2>/dev/null
        done
    done
    for routing in shared random; do
        "$binary" simulate -q --trace "$work/named.csv" --platform heroku-2016 --set dynos=500 \
            --set workers=1 --set routing=$routing --format json -o "$out/dynos-$routing.json" 2>/dev/null
    done
    "$binary" compare -q --format json -o - --no-report > "$out/compare.json" 2>/dev/null
    RAYON_NUM_THREADS=1 "$binary" compare -q --format json -o - --no-report > "$out/compare-1.json" 2>/dev/null
}
run "$old" "$work/old"
run "$new" "$work/new"
if diff -r "$work/old" "$work/new" > /dev/null; then
    echo "same: $(ls "$work/new" | wc -l) outputs byte-identical"
else
    diff -rq "$work/old" "$work/new" || true
    exit 1
fi
