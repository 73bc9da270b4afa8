#!/bin/sh
# Seed corpora for the fuzzers, made from the repository's own programs:
# every tests/**/*.arr and examples/*.arr file whole, plus each of its
# top-level statements (split at blank lines) as a separate small seed.
# Usage: fuzz/make_corpus.sh   (writes fuzz/corpus/parse and fuzz/corpus/run)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
for t in parse run; do
    mkdir -p "$here/corpus/$t"
done
n=0
for f in $(find "$root/tests" "$root/examples" "$root/stdlib" -name '*.arr' | sort); do
    base=$(echo "${f#$root/}" | tr '/' '_')
    for t in parse run; do
        cp "$f" "$here/corpus/$t/$base"
    done
    # Paragraphs (blank-line separated) as small seeds.
    awk -v out="$here/corpus/parse/$base" 'BEGIN{RS="";i=0} {i++; f=out "." i; print > f; close(f)}' "$f"
    n=$((n + 1))
done
cp "$here"/corpus/parse/*.arr.* "$here/corpus/run/" 2>/dev/null || true
echo "seeded from $n files: $(ls "$here/corpus/parse" | wc -l) parse seeds, $(ls "$here/corpus/run" | wc -l) run seeds"
