#!/bin/sh
# Runs virt-client's bench and a python3-libvirt peer (libvirt's C client) side by side on the
# same daemon, same operation and concurrency, and prints the ratios.
#
#   crates/virt-client/bench/compare.sh URI [N] [REPEAT] [SPECS]
#
# REPEAT (default 1): runs of each side, alternating ours and the peer, so that load from
# elsewhere on the machine hits both alike; the ratio is that of the median throughputs.
# SPECS: "op threads" pairs separated by commas, e.g. "getinfo 8,list 8" (default: all).
#
# DAEMON_PID (optional, environment): the daemon's pid; each run then also prints the daemon's
# CPU time per call (daemon_us_per_call), which tells whether a client makes the daemon work
# harder per call.
#
# URI: a daemon socket, e.g. test+unix:///default?socket=/path/libvirt-sock. For `stats` a
# test-driver node with 1,000 running domains is written next to this script's temp dir and
# opened through the same socket.
set -eu
URI=${1:?usage: compare.sh URI [N]}
N=${2:-4000}
REPEAT=${3:-1}
SPECS=${4:-"getinfo 1,getinfo 8,getinfo 32,xml 1,xml 8,list 1,list 8,stats 1"}
PY=/usr/bin/python3
"$PY" -c 'import libvirt' 2>/dev/null || {
    apt-get install -y -o DPkg::Lock::Timeout=600 python3-libvirt >/dev/null
}
cd "$(dirname "$0")/../../.."
cargo build -q --release -p virt-client --example bench
BENCH=target/release/examples/bench
TMP=$(mktemp -d /tmp/hangar-bench-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
SOCKPARAM=$(printf '%s' "$URI" | sed -n 's/.*?\(.*\)$/\1/p')
python3 - "$TMP/node.xml" <<'PY'
import sys
n = ['<node><cpu><mhz>2000</mhz><model>i686</model><active>4</active><nodes>1</nodes>'
     '<sockets>1</sockets><cores>4</cores><threads>1</threads></cpu><memory>4194304</memory>']
for i in range(1000):
    n.append(f"<domain type='test'><name>bench-{i}</name><memory>65536</memory><vcpu>1</vcpu>"
             "<os><type>hvm</type></os></domain>")
n.append('</node>')
open(sys.argv[1], 'w').write(''.join(n))
PY
STATS_URI="test+unix://$TMP/node.xml?$SOCKPARAM"
cat > "$TMP/peer.py" <<'PY'
import sys, time, threading, resource, statistics, libvirt
uri, op, n, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
conn = libvirt.open(uri)
dom = conn.listAllDomains(0)[0]
def one():
    if op == 'getinfo': dom.info()
    elif op == 'xml': dom.XMLDesc(0)
    elif op == 'list': conn.listAllDomains(0)
    else: conn.getAllDomainStats(0, 0)
for _ in range(50): one()
per = n // threads
lat = []
lock = threading.Lock()
def work():
    mine = []
    for _ in range(per):
        s = time.perf_counter(); one(); mine.append((time.perf_counter() - s) * 1e6)
    with lock: lat.extend(mine)
r0 = resource.getrusage(resource.RUSAGE_SELF); t0 = time.perf_counter()
ts = [threading.Thread(target=work) for _ in range(threads)]
[t.start() for t in ts]; [t.join() for t in ts]
wall = time.perf_counter() - t0; r1 = resource.getrusage(resource.RUSAGE_SELF)
cpu = (r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime) * 1e6
print(f"{op} threads={threads} calls_per_s={len(lat)/wall:.0f} median_us={statistics.median(lat):.1f} cpu_us_per_call={cpu/len(lat):.1f}")
PY
# The daemon's user+system CPU time in microseconds (0 without DAEMON_PID).
dcpu() {
    if [ -n "${DAEMON_PID:-}" ]; then
        awk -v hz="$(getconf CLK_TCK)" '{ printf "%.0f", ($14 + $15) * 1e6 / hz }' "/proc/$DAEMON_PID/stat"
    else echo 0; fi
}
field() { printf '%s' "$1" | sed -n "s/.*$2=\([0-9.]*\).*/\1/p"; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
echo "$SPECS" | tr ',' '\n' | while read -r spec; do
    set -- $spec
    op=$1; t=$2; u=$URI; n=$N
    if [ "$op" = stats ]; then u=$STATS_URI; n=$((N / 20)); fi
    : > "$TMP/ours"; : > "$TMP/peer"
    i=0
    while [ "$i" -lt "$REPEAT" ]; do
        d0=$(dcpu); ours=$($BENCH -c "$u" "$op" "$n" "$t"); d1=$(dcpu)
        peer=$("$PY" "$TMP/peer.py" "$u" "$op" "$n" "$t"); d2=$(dcpu)
        if [ -n "${DAEMON_PID:-}" ]; then
            ours="$ours daemon_us_per_call=$(( (d1 - d0) / n ))"
            peer="$peer daemon_us_per_call=$(( (d2 - d1) / n ))"
        fi
        echo "ours: $ours"
        echo "peer: $peer"
        echo "$(field "$ours" calls_per_s) $(field "$ours" cpu_us_per_call)" >> "$TMP/ours"
        echo "$(field "$peer" calls_per_s) $(field "$peer" cpu_us_per_call)" >> "$TMP/peer"
        i=$((i + 1))
    done
    a=$(cut -d' ' -f1 "$TMP/ours" | median); b=$(cut -d' ' -f1 "$TMP/peer" | median)
    c=$(cut -d' ' -f2 "$TMP/ours" | median); d=$(cut -d' ' -f2 "$TMP/peer" | median)
    awk -v a="$a" -v b="$b" -v c="$c" -v d="$d" -v o="$op" -v t="$t" -v r="$REPEAT" \
        'BEGIN { printf "median of %d: %s threads=%s ours=%.0f/s peer=%.0f/s throughput=%.2fx cpu_per_call=%.2fx\n\n", r, o, t, a, b, a/b, c/d }'
done
