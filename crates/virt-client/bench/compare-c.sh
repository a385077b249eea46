#!/bin/sh
# Runs virt-client's bench (K tokio tasks on one Connection) and a C peer (K pthreads on one
# virConnectPtr of libvirt's own client library, bench/peer.c) side by side: N
# virDomainGetInfo calls against the same private libvirtd holding a test-driver node of 1,000
# domains. Prints calls/s, client CPU time per call (getrusage) and the ratios ours/peer.
#
#   crates/virt-client/bench/compare-c.sh [N] [REPEAT] [KS]
#
# N (default 8000) calls per run; REPEAT (default 3) runs of each side, alternating ours and
# the peer so that load from elsewhere hits both alike; KS (default "1 8 32") the numbers of
# concurrent callers. The figures are medians over the runs, with the daemon's CPU time per
# call (from /proc) as a third column: it shows whether a client makes the daemon work harder.
# With one caller a third client runs too, examples/floor.rs: one pre-encoded packet written
# and its reply read over a blocking socket, nothing else; its figures bound what any client
# can reach against this daemon one call at a time.
#
# BENCH (optional, environment): a bench binary to measure instead of building this tree's,
# e.g. an older build kept for a before/after comparison.
#
# PRIO (optional, environment), e.g. PRIO=-10: the daemon's threads and both clients run at
# this nice level, so that other work on a busy machine disturbs the figures less.
#
# Needs root (the private daemon runs in its own namespaces). Installs libvirt-dev (for
# peer.c's headers) with apt-get when it is missing; nothing else needs it.
set -eu
N=${1:-8000}
REPEAT=${2:-3}
KS=${3:-"1 8 32"}
[ -e /usr/include/libvirt/libvirt.h ] || {
    apt-get install -y -o DPkg::Lock::Timeout=600 libvirt-dev >/dev/null
}
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE/../../.."
if [ -z "${BENCH:-}" ]; then
    cargo build -q --release -p virt-client --example bench
    BENCH=$PWD/target/release/examples/bench
fi
cargo build -q --release -p virt-client --example floor
FLOOR=$PWD/target/release/examples/floor
TMP=$(mktemp -d /tmp/hangar-bench-XXXXXX)
cc -O2 -o "$TMP/peer-c" "$HERE/peer.c" -lvirt -lpthread
# The daemon lives as long as `bench serve` reads from the fifo held open on fd 3.
mkfifo "$TMP/hold"
"$BENCH" serve 1000 < "$TMP/hold" > "$TMP/daemon" &
SERVE=$!
exec 3> "$TMP/hold"
trap 'exec 3>&-; wait $SERVE 2>/dev/null; rm -rf "$TMP"' EXIT
i=0
until grep -q '^uri=' "$TMP/daemon"; do
    kill -0 "$SERVE" 2>/dev/null || { echo "the private daemon did not start" >&2; exit 1; }
    i=$((i + 1)); [ "$i" -lt 600 ] || { echo "the private daemon did not start in time" >&2; exit 1; }
    sleep 0.1
done
URI=$(sed -n 's/^uri=\([^ ]*\) .*/\1/p' "$TMP/daemon")
DAEMON_PID=$(sed -n 's/.* pid=\([0-9]*\)$/\1/p' "$TMP/daemon")
echo "daemon pid $DAEMON_PID, $URI"
RUN=
if [ -n "${PRIO:-}" ]; then
    for t in /proc/"$DAEMON_PID"/task/*; do renice -n "$PRIO" -p "${t##*/}" >/dev/null; done
    RUN="nice -n $PRIO"
fi
# The daemon's user+system CPU time in microseconds.
dcpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.0f", ($14 + $15) * 1e6 / hz }' "/proc/$DAEMON_PID/stat"; }
echo "load: $(uptime)"
field() { printf '%s' "$1" | sed -n "s/.*$2=\([0-9.]*\).*/\1/p"; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
for k in $KS; do
    : > "$TMP/ours"; : > "$TMP/peer"; : > "$TMP/floor"
    r=0
    while [ "$r" -lt "$REPEAT" ]; do
        d0=$(dcpu); ours=$($RUN "$BENCH" -c "$URI" getinfo "$N" "$k"); d1=$(dcpu)
        peer=$($RUN "$TMP/peer-c" "$URI" "$N" "$k"); d2=$(dcpu)
        ours="$ours daemon_us_per_call=$(( (d1 - d0) / N ))"
        peer="$peer daemon_us_per_call=$(( (d2 - d1) / N ))"
        echo "ours: $ours"
        echo "peer: $peer"
        for f in calls_per_s cpu_us_per_call daemon_us_per_call; do
            printf '%s ' "$(field "$ours" $f)" >> "$TMP/ours"
            printf '%s ' "$(field "$peer" $f)" >> "$TMP/peer"
        done
        echo >> "$TMP/ours"; echo >> "$TMP/peer"
        if [ "$k" = 1 ]; then
            d0=$(dcpu); floor=$($RUN "$FLOOR" "$URI" "$N"); d1=$(dcpu)
            echo "floor: $floor daemon_us_per_call=$(( (d1 - d0) / N ))"
            printf '%s %s %s\n' "$(field "$floor" calls_per_s)" "$(field "$floor" cpu_us_per_call)" \
                "$(( (d1 - d0) / N ))" >> "$TMP/floor"
        fi
        r=$((r + 1))
    done
    a=$(cut -d' ' -f1 "$TMP/ours" | median); b=$(cut -d' ' -f1 "$TMP/peer" | median)
    c=$(cut -d' ' -f2 "$TMP/ours" | median); d=$(cut -d' ' -f2 "$TMP/peer" | median)
    e=$(cut -d' ' -f3 "$TMP/ours" | median); f=$(cut -d' ' -f3 "$TMP/peer" | median)
    awk -v a="$a" -v b="$b" -v c="$c" -v d="$d" -v e="$e" -v f="$f" -v k="$k" -v r="$REPEAT" \
        'BEGIN { printf "median of %d: getinfo K=%s ours=%.0f/s cpu=%.1fus/call daemon=%dus/call | peer=%.0f/s cpu=%.1fus/call daemon=%dus/call | throughput=%.2fx cpu_per_call=%.2fx\n", r, k, a, c, e, b, d, f, a/b, c/d }'
    if [ -s "$TMP/floor" ]; then
        g=$(cut -d' ' -f1 "$TMP/floor" | median); h=$(cut -d' ' -f2 "$TMP/floor" | median)
        j=$(cut -d' ' -f3 "$TMP/floor" | median)
        awk -v b="$b" -v d="$d" -v g="$g" -v h="$h" -v j="$j" -v r="$REPEAT" \
            'BEGIN { printf "median of %d: floor (blocking socket, nothing else) %.0f/s cpu=%.1fus/call daemon=%dus/call | floor/peer throughput=%.2fx cpu_per_call=%.2fx\n", r, g, h, j, g/b, h/d }'
    fi
    echo
done
echo "load: $(uptime)"
