#!/bin/bash
# Regenerates tests/corpus/daemon/ from a private libvirtd (see the project's reference recipe).
# usage: gen.sh SOCKET   e.g. gen.sh /tmp/xmlcorpus-d/sock/libvirt-sock
set -eu
HERE=$(cd "$(dirname "$0")" && pwd); OUT="$HERE/../daemon"
V="virsh -q -c qemu+unix:///system?socket=$1"
T="virsh -q -c test:///default"
mkdir -p "$OUT"
touch /tmp/xc-disk.raw; truncate -s 1M /tmp/xc-cd.iso
[ -f /tmp/xc-disk.qcow2 ] || qemu-img create -f qcow2 /tmp/xc-disk.qcow2 64M >/dev/null
rm -f /tmp/xc-snap.qcow2; qemu-img create -f qcow2 /tmp/xc-snap.qcow2 64M >/dev/null
$V capabilities > "$OUT/capabilities.xml"
$V domcapabilities --virttype qemu > "$OUT/domcaps-qemu-x86_64.xml"
$V domcapabilities --virttype qemu --machine q35 > "$OUT/domcaps-qemu-q35.xml"
$V domcapabilities --virttype qemu --arch i686 > "$OUT/domcaps-qemu-i686.xml"
# leftovers of an interrupted run
for d in corpus-full corpus-kernel corpus-loader corpus-snap; do
  $V snapshot-delete $d snap1 >/dev/null 2>&1 || true; $V undefine --nvram $d >/dev/null 2>&1 || true; done
for n in nat isolated bridge; do $V net-undefine "corpus-$n" >/dev/null 2>&1 || true; done
$V pool-destroy corpus-pool >/dev/null 2>&1 || true; $V pool-undefine corpus-pool >/dev/null 2>&1 || true
mkdir -p /tmp/xc-pool; rm -rf /tmp/xc-pool/*
$V pool-define-as corpus-pool dir --target /tmp/xc-pool >/dev/null
$V pool-start corpus-pool >/dev/null
$V vol-create-as corpus-pool vol1.raw 16M --format raw >/dev/null
$V vol-create-as corpus-pool vol2.qcow2 1G --format qcow2 >/dev/null
$V pool-dumpxml corpus-pool > "$OUT/pool-dir.xml"
$V vol-dumpxml --pool corpus-pool vol1.raw > "$OUT/vol-raw.xml"
$V vol-dumpxml --pool corpus-pool vol2.qcow2 > "$OUT/vol-qcow2.xml"
for d in full kernel loader snapdom; do
  $V define "$HERE/$d.xml" >/dev/null
done
$V dumpxml corpus-full > "$OUT/domain-full.xml"
$V dumpxml --inactive --security-info corpus-full > "$OUT/domain-full-secure.xml"
$V dumpxml corpus-kernel > "$OUT/domain-kernel-qemu-commandline.xml"
$V dumpxml corpus-loader > "$OUT/domain-loader.xml"
$V dumpxml corpus-snap > "$OUT/domain-snap.xml"
$V snapshot-create-as corpus-snap snap1 --description 'first snapshot' >/dev/null
$V snapshot-dumpxml corpus-snap snap1 > "$OUT/snapshot.xml"
for n in nat isolated bridge; do
  $V net-define "$HERE/net-$n.xml" >/dev/null
  $V net-dumpxml "corpus-$n" > "$OUT/network-$n.xml"
done
$V nodedev-dumpxml computer > "$OUT/nodedev-computer.xml"
for dev in $($V nodedev-list --cap net | head -2) $($V nodedev-list --cap pci | head -2); do
  $V nodedev-dumpxml "$dev" > "$OUT/nodedev-$dev.xml"
done
# clean up what was defined so the script can run again
$V snapshot-delete corpus-snap snap1 >/dev/null || true
for d in full kernel loader snapdom; do $V undefine --nvram "corpus-${d/snapdom/snap}" >/dev/null 2>&1 || true; done
for n in nat isolated bridge; do $V net-undefine "corpus-$n" >/dev/null || true; done
$V vol-delete --pool corpus-pool vol1.raw >/dev/null; $V vol-delete --pool corpus-pool vol2.qcow2 >/dev/null
$V pool-destroy corpus-pool >/dev/null; $V pool-undefine corpus-pool >/dev/null
# the built-in test driver
$T dumpxml test > "$OUT/test-domain.xml"
$T capabilities > "$OUT/test-capabilities.xml"
$T net-dumpxml default > "$OUT/test-network.xml"
$T pool-dumpxml default-pool > "$OUT/test-pool.xml"
$T nodedev-dumpxml computer > "$OUT/test-nodedev-computer.xml" 2>/dev/null || true
