#!/usr/bin/env bash
# Hangar's two set-up commands, for a fresh Debian 12 machine:
#   ./dev.sh run    installs what is missing, builds Hangar and starts it
#   ./dev.sh test   installs what the tests need and runs the whole test suite
# Extra arguments after `run` go to hangar (e.g. ./dev.sh run --connect test:///default).
set -euo pipefail
cd "$(dirname "$0")"

MIN_RUST=1.93

# What building Hangar needs.
BUILD_PKGS=(build-essential pkg-config gettext libglib2.0-dev-bin libgtk-4-dev libadwaita-1-dev
  libvte-2.91-gtk4-dev libgvnc-1.0-dev libspice-client-glib-2.0-dev libusb-1.0-0-dev)
# A local hypervisor for Hangar to connect to.
# OVMF and swtpm: UEFI (with Secure Boot) and emulated TPMs for new VMs.
RUN_PKGS=(libvirt-daemon libvirt-clients qemu-system-x86 "qemu-utils/bookworm" dbus-x11 osinfo-db
  ovmf swtpm swtpm-tools)
# What the tests add: a private libvirtd and TCG VMs, a display for GUI tests, po checks.
TEST_PKGS=(tini xvfb xauth dbus python3 procps imagemagick xorriso openssh-server openssh-client
  netcat-openbsd sasl2-bin libsasl2-modules gnome-keyring
  # Virtual networks started by a daemon in a network namespace of its own.
  dnsmasq-base iptables
  # Storage pools on loop devices: an LVM volume group and an ext4 file system.
  lvm2 e2fsprogs util-linux
  # Real key events for keyboard tests; window lookups.
  xdotool x11-utils
  # The accessibility bus and the walker that reads it from outside (tests/gui_a11y.rs).
  at-spi2-core python3-pyatspi gir1.2-atspi-2.0
  # Checks of the desktop file, software-centre metadata and settings schema.
  desktop-file-utils appstream)

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing_pkgs() {
  local p name
  for p in "$@"; do
    name=${p%%/*}
    if ! dpkg-query -W -f='${Status}' "$name" 2>/dev/null | grep -q "ok installed"; then
      echo "$p"
    elif [ "$p" != "$name" ] && [ "$name" = qemu-utils ] &&
         ! dpkg-query -W -f='${Version}' qemu-utils | grep -q '^1:7\.2'; then
      echo "$p"   # a newer qemu-utils (backports) conflicts with Debian 12's QEMU 7.2
    fi
  done
}

install_pkgs() {
  local missing
  mapfile -t missing < <(missing_pkgs "$@")
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing: ${missing[*]}"
  as_root apt-get update -q
  # --allow-downgrades: QEMU 7.2 needs Debian 12's own qemu-utils, not a newer one from backports
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    --allow-downgrades -o DPkg::Lock::Timeout=600 "${missing[@]}"
}

version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -1)" = "$2" ]; }

ensure_rust() {
  [ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
  local have=""
  command -v cargo >/dev/null && have=$(cargo --version | awk '{print $2}')
  if [ -n "$have" ] && version_ge "$have" "$MIN_RUST"; then return 0; fi
  if command -v rustup >/dev/null; then
    rustup toolchain install stable --profile minimal -c clippy -c rustfmt
    rustup default stable
    return 0
  fi
  echo "Hangar needs Rust $MIN_RUST or newer (found: ${have:-none})." >&2
  echo "Install it with rustup (https://rustup.rs), then run this command again." >&2
  exit 1
}

cmd_run() {
  install_pkgs "${BUILD_PKGS[@]}" "${RUN_PKGS[@]}"
  ensure_rust
  cargo build --release --locked
  exec ./target/release/hangar "$@"
}

cmd_test() {
  install_pkgs "${BUILD_PKGS[@]}" "${RUN_PKGS[@]}" "${TEST_PKGS[@]}"
  ensure_rust
  if [ "$(id -u)" -ne 0 ]; then
    # The test harness runs private libvirt daemons in their own namespaces: that takes root.
    exec sudo --preserve-env=PATH,HOME,CARGO_HOME,RUSTUP_HOME "$0" test
  fi
  local t0=$SECONDS
  echo "== format";  cargo fmt --all --check
  echo "== lint";    cargo clippy --workspace --all-targets --locked -- -D warnings
  echo "== po";      scripts/po.sh check
  echo "== metadata"
  appstreamcli validate --no-net data/*.metainfo.xml
  desktop-file-validate data/*.desktop
  glib-compile-schemas --strict --dry-run data
  echo "== flatpak"; python3 flatpak/generate-sources.py --check
  echo "== build";   cargo test --workspace --locked --no-run
  echo "== guest"     # the Linux guest of the end-to-end tests, kept in ~/.cache between runs
  local guest="$HOME/.cache/hangar/test-guest"
  if ! scripts/test-guest.sh "$guest" >/dev/null; then
    apt-get update -q && scripts/test-guest.sh "$guest" >/dev/null
  fi
  export HANGAR_TEST_GUEST="$guest"
  echo "== tests"
  # A runtime directory of this run's own: the accessibility bus of its D-Bus session and the
  # like live there, not in ~/.cache where another session's could replace them.
  XDG_RUNTIME_DIR=$(mktemp -d /tmp/hangar-run-XXXXXX)
  export XDG_RUNTIME_DIR
  GSK_RENDERER=cairo NO_AT_BRIDGE=1 dbus-run-session -- \
    xvfb-run -a -s "-screen 0 1280x800x24" cargo test --workspace --locked
  echo "== all checks passed in $((SECONDS - t0)) s"
}

case "${1:-}" in
  run) shift; cmd_run "$@" ;;
  test) cmd_test ;;
  *) echo "usage: $0 run [HANGAR-ARGS…] | test" >&2; exit 2 ;;
esac
