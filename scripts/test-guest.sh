#!/bin/bash
# Builds the small Linux guest that Hangar's end-to-end tests boot under QEMU TCG:
#   OUTDIR/vmlinuz        Debian's own kernel, unmodified, taken from its package
#   OUTDIR/initramfs.gz   busybox-static, a few kernel modules and the guest's init scripts
# The guest gives a root shell on ttyS0 and tty1 (prompt `guest# `), ACPI power off/reboot,
# balloon statistics and, with a virtio network card, an address by DHCP. Given a virtio disk
# labelled `cidata` (a cloud-init NoCloud seed) it mounts it on /mnt/cidata, takes its host
# name and prints `cidata: hostname=H user=U` on ttyS0.
#
# usage: scripts/test-guest.sh OUTDIR
#   env FLAVOUR=cloud-amd64 (default) | amd64   which Debian kernel flavour to use
#   env KERNEL_PKG=linux-image-6.1.0-NN-...     pin an exact kernel package instead
#   env CACHE=DIR                               where the .debs are kept (default OUTDIR/cache)
#   env AGENT=1                                 add qemu-guest-agent (Debian's, with the libraries
#                                               it links to), started when the VM has its channel;
#                                               a disk vda with a file system is mounted on /data
#                                               (for the agent to report)
#
# Needs apt-get (Debian's package archive), dpkg-deb, tar, gzip. The .debs are downloaded once
# (28 MB); the outputs are rebuilt in ~2 s and are the same byte for byte every time.
# `./dev.sh test` runs it into ~/.cache/hangar/test-guest; the tests (crates/testbed) run it
# themselves when no guest is built yet.
set -euo pipefail

OUT=$(realpath -m "${1:?usage: build-initramfs.sh OUTDIR}")
FLAVOUR=${FLAVOUR:-cloud-amd64}
CACHE=$(realpath -m "${CACHE:-$OUT/cache}")
mkdir -p "$OUT" "$CACHE"

# Kernel modules to load, in dependency order (Debian builds all of these as modules):
#   button         ACPI power button -> an input device (needed for `virsh shutdown/reboot`)
#   evdev          /dev/input/event*, which busybox acpid reads
#   virtio_*       the virtio PCI transport + virtio_balloon, so libvirt gets memory statistics
#   virtio_net     a virtio network card, which asks for an address by DHCP at start
#   virtio_blk, cdrom, nls_utf8, isofs   virtio disks; ISO 9660 (Joliet), for a seed (isofs needs cdrom)
# The ACPI ones go first: a power-button press is lost until acpid listens.
ACPI_MODULES="button evdev"
VIRTIO_MODULES="virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio_balloon"
NET_MODULES="failover net_failover virtio_net"
DISK_MODULES="virtio_blk cdrom nls_utf8 isofs"
MODULES="$ACPI_MODULES $VIRTIO_MODULES $NET_MODULES $DISK_MODULES"
# With the guest agent: virtio_console, for the channel's virtio-serial port.
AGENT=${AGENT:-0}
AGENT_MODULES=""
if [ "$AGENT" = 1 ]; then AGENT_MODULES="virtio_console"; MODULES="$MODULES $AGENT_MODULES"; fi
AGENT_PKGS="qemu-guest-agent libc6 libglib2.0-0 libpcre2-8-0 libudev1 libnuma1 liburing2"
# what qemu-ga links to (readelf -d), all in the packages above
AGENT_LIBS="libc.so.6 libm.so.6 libglib-2.0.so.0 libgmodule-2.0.so.0 libpcre2-8.so.0 libudev.so.1
  libnuma.so.1 liburing.so.2"

# ---- 1. fetch the two packages (once) --------------------------------------------------------
if [ -z "${KERNEL_PKG:-}" ]; then
  # the versioned package that the metapackage currently points at, e.g. linux-image-6.1.0-56-cloud-amd64
  KERNEL_PKG=$(apt-cache depends "linux-image-$FLAVOUR" 2>/dev/null |
               awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }')
  [ -n "$KERNEL_PKG" ] || { echo "cannot resolve linux-image-$FLAVOUR (apt-get update?)" >&2; exit 1; }
fi
fetch() {   # fetch PKG -> prints the path of its .deb in CACHE
  local deb
  deb=$(ls "$CACHE/$1"_*.deb 2>/dev/null | head -1 || true)
  if [ -z "$deb" ]; then
    # -o APT::Sandbox::User=root: apt's _apt user may not be able to write into CACHE
    (cd "$CACHE" && apt-get download -q -o APT::Sandbox::User=root "$1" >&2)
    deb=$(ls "$CACHE/$1"_*.deb | head -1)
  fi
  echo "$deb"
}
KDEB=$(fetch "$KERNEL_PKG")
BDEB=$(fetch busybox-static)

# ---- 2. extract only what we need (into a scratch dir, every run: ~1 s) ---------------------
WORK=$(mktemp -d "$OUT/.work.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
KX=$WORK/kernel BX=$WORK/busybox ROOT=$WORK/root
mkdir -p "$KX" "$BX" "$ROOT"
pats=(); for m in $MODULES; do pats+=("*/$m.ko*"); done
dpkg-deb --fsys-tarfile "$KDEB" | tar -xf - -C "$KX" --wildcards './boot/vmlinuz-*' "${pats[@]}"
dpkg-deb --fsys-tarfile "$BDEB" | tar -xf - -C "$BX" ./bin/busybox
KVER=$(ls "$KX/lib/modules" | head -1)
BB="$BX/bin/busybox"
[ -x "$BB" ] && [ -f "$KX/boot/vmlinuz-$KVER" ] || { echo "unexpected package layout" >&2; exit 1; }

# ---- 3. stage the root file system -----------------------------------------------------------
mkdir -p "$ROOT"/{bin,dev,proc,sys,tmp,root,mnt,etc/acpi/PWRF,lib/modules,var/log,run}
cp "$BB" "$ROOT/bin/busybox"
for a in $("$BB" --list); do                       # one symlink per applet (sh, mount, insmod, ...)
  [ "$a" = busybox ] || ln -s busybox "$ROOT/bin/$a"
done
ln -s bin "$ROOT/sbin"; mkdir -p "$ROOT/usr"; ln -s ../bin "$ROOT/usr/bin"; ln -s ../bin "$ROOT/usr/sbin"
for m in $MODULES; do                              # flat copy, decompressed: insmod takes a path
  f=$(find "$KX/lib/modules/$KVER" \( -name "$m.ko" -o -name "$m.ko.xz" -o -name "$m.ko.zst" \) -print -quit)
  [ -n "$f" ] || { echo "module $m not in $KERNEL_PKG" >&2; exit 1; }
  case "$f" in
    *.xz)  xz -dc "$f"   > "$ROOT/lib/modules/$m.ko" ;;
    *.zst) zstd -qdc "$f" > "$ROOT/lib/modules/$m.ko" ;;
    *)     cp "$f" "$ROOT/lib/modules/$m.ko" ;;
  esac
done
if [ "$AGENT" = 1 ]; then
  AX=$WORK/agent
  mkdir -p "$AX" "$ROOT/lib/x86_64-linux-gnu" "$ROOT/lib64"
  for p in $AGENT_PKGS; do dpkg-deb -x "$(fetch "$p")" "$AX"; done
  cp "$AX/usr/sbin/qemu-ga" "$ROOT/bin/qemu-ga"
  for l in $AGENT_LIBS ld-linux-x86-64.so.2; do
    f=$(find "$AX" -name "$l" -print -quit)
    [ -n "$f" ] || { echo "$l not in $AGENT_PKGS" >&2; exit 1; }
    case "$l" in
      ld-linux*) cp -L "$f" "$ROOT/lib64/$l" ;;
      *) cp -L "$f" "$ROOT/lib/x86_64-linux-gnu/$l" ;;
    esac
  done
  cat > "$ROOT/etc/os-release" <<'EOF'
NAME="Hangar test guest"
PRETTY_NAME="Hangar test guest (busybox)"
ID=hangar-test-guest
VERSION_ID=1
EOF
fi

# The kernel opens /dev/console for init before anything is mounted; mknod needs root.
[ "$(id -u)" = 0 ] && mknod -m 600 "$ROOT/dev/console" c 5 1

# /init: PID 1 as started by the kernel. Mount devtmpfs (the kernel does not do that for an
# initramfs), make sure stdio is the console, then hand over to busybox init (inittab below),
# which gives respawning shells, `poweroff`/`reboot` that work, and reaps orphans.
cat > "$ROOT/init" <<'EOF'
#!/bin/sh
export PATH=/bin
mount -t devtmpfs devtmpfs /dev
exec 0<>/dev/console 1>&0 2>&0
exec /bin/busybox init
EOF

cat > "$ROOT/etc/inittab" <<'EOF'
# busybox init: id(=tty)::action:command
::sysinit:/etc/rc
# "-" = login shell (reads /etc/profile); respawn: `exit` gives a fresh shell
ttyS0::respawn:-/bin/sh
tty1::respawn:-/bin/sh
::ctrlaltdel:/bin/reboot -f
EOF

# one-time start-up, run by init before the shells start
cat > "$ROOT/etc/rc" <<EOF
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mkdir -p /dev/pts /dev/shm && mount -t devpts devpts /dev/pts
hostname guest
for m in $ACPI_MODULES; do insmod /lib/modules/\$m.ko; done
# ACPI power button (= virsh shutdown, and virsh reboot, which libvirt turns into
# power-off + reset) -> /etc/acpi/PWRF/00000080
acpid -l /var/log/acpid.log
for m in $VIRTIO_MODULES $NET_MODULES $DISK_MODULES $AGENT_MODULES; do insmod /lib/modules/\$m.ko; done
EOF
cat >> "$ROOT/etc/rc" <<'EOF'
# a network card: ask for an address in the background (the lease is what tests look for)
if [ -e /sys/class/net/eth0 ]; then
  ip link set eth0 up
  udhcpc -i eth0 -b -q -t 20 -s /etc/udhcpc.script >/dev/null 2>&1 &
fi
EOF
cat >> "$ROOT/etc/rc" <<'EOF'
# a cloud-init NoCloud seed (a disk labelled cidata): what cloud-init would take from it
seed=$(findfs LABEL=cidata 2>/dev/null)
if [ -n "$seed" ] && mkdir -p /mnt/cidata && mount -t iso9660 -o ro "$seed" /mnt/cidata; then
  host=$(sed -n 's/^local-hostname: *"*\([^"]*\)"*$/\1/p' /mnt/cidata/meta-data)
  user=$(sed -n 's/^  - name: *"*\([^"]*\)"*$/\1/p' /mnt/cidata/user-data | head -1)
  [ -n "$host" ] && hostname "$host"
  echo "cidata: hostname=$host user=$user" > /dev/ttyS0
fi
EOF
cat > "$ROOT/etc/udhcpc.script" <<'EOF'
#!/bin/sh
[ "$1" = bound ] && ip addr add "$ip/${mask:-24}" dev "$interface"
exit 0
EOF
cat >> "$ROOT/etc/rc" <<'EOF'
# the guest agent, on the port of its channel (no udev here: the port is found by its name)
if [ -x /bin/qemu-ga ]; then
  [ -b /dev/vda ] && mkdir -p /data && mount -o ro /dev/vda /data
  for p in /sys/class/virtio-ports/*; do
    [ "$(cat "$p/name" 2>/dev/null)" = org.qemu.guest_agent.0 ] || continue
    LD_LIBRARY_PATH=/lib/x86_64-linux-gnu qemu-ga -d -m virtio-serial -p "/dev/${p##*/}" \
      -f /run/qemu-ga.pid -t /run -l /var/log/qemu-ga.log
  done
fi
EOF
cat >> "$ROOT/etc/rc" <<'EOF'
# a marker a test can wait for on either console; the prompt follows right after it
banner="guest ready: $(uname -r), $(cut -d' ' -f1 /proc/uptime)s after kernel start"
echo "$banner" > /dev/ttyS0
printf '\033[H\033[J%s\n' "$banner" > /dev/tty1     # clear SeaBIOS' text off the VGA screen
EOF

cat > "$ROOT/etc/acpi/PWRF/00000080" <<'EOF'
#!/bin/sh
# nothing to unmount or sync in a RAM-only guest: power off at once
echo "<2>guest: ACPI power button -> poweroff" > /dev/kmsg
exec poweroff -f
EOF

cat > "$ROOT/etc/profile" <<'EOF'
export PATH=/bin HOME=/root
# fixed prompt: tests wait for "guest# " after each command
PS1='guest# '
cd /root
EOF
echo 'root::0:0:root:/root:/bin/sh' > "$ROOT/etc/passwd"
echo 'root:x:0:' > "$ROOT/etc/group"
chmod 755 "$ROOT/init" "$ROOT/etc/rc" "$ROOT/etc/acpi/PWRF/00000080" "$ROOT/etc/udhcpc.script"

# ---- 4. pack: newc cpio (owner root, fixed mtimes and inode numbers), gzip -n ---------------
find "$ROOT" -exec touch -h -d @0 {} +
(cd "$ROOT" && find . -mindepth 1 | LC_ALL=C sort |
   "$BB" cpio -o -H newc -R 0:0 --ignore-devno --renumber-inodes 2>/dev/null) |
  gzip -9 -n > "$OUT/initramfs.gz.tmp"
mv "$OUT/initramfs.gz.tmp" "$OUT/initramfs.gz"
cp "$KX/boot/vmlinuz-$KVER" "$OUT/vmlinuz.tmp" && mv "$OUT/vmlinuz.tmp" "$OUT/vmlinuz"
echo "$KERNEL_PKG ($KVER)" > "$OUT/VERSION"
echo "built $OUT/vmlinuz ($(stat -c %s "$OUT/vmlinuz") B) and initramfs.gz" \
     "($(stat -c %s "$OUT/initramfs.gz") B) from $KERNEL_PKG"
