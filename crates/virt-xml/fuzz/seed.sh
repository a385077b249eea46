#!/bin/sh
# Seeds the fuzz corpus with the test corpus, then runs the parser target.
# usage: seed.sh [SECONDS]   (needs cargo-fuzz; RUSTC_BOOTSTRAP=1 lets a stable toolchain build it)
set -eu
cd "$(dirname "$0")"
mkdir -p corpus/parse
cp ../tests/corpus/*/*.xml corpus/parse/
RUSTC_BOOTSTRAP=1 cargo fuzz run parse corpus/parse -- -max_total_time="${1:-60}" -max_len=65536
