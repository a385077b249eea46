#!/usr/bin/env bash
# Takes the software-centre screenshots (data/screenshots/*.png) from the app itself: the
# `screenshots` example starts a private libvirtd (root) with a few test-driver VMs and renders
# the main window and a VM window under Xvfb with fresh settings; the pictures are then made
# small (metadata stripped, 256 colours).
#   scripts/screenshots.sh [OUT-DIR]      (default: data/screenshots)
set -euo pipefail
cd "$(dirname "$0")/.."

out=${1:-data/screenshots}
# ImageMagick itself, not a stand-in earlier in PATH.
convert=$(command -v convert-im6.q16 || command -v convert)
if [ "$(id -u)" -ne 0 ]; then
  exec sudo --preserve-env=PATH,HOME,CARGO_HOME,RUSTUP_HOME "$0" "$@"
fi
cargo build --locked --example screenshots
raw=$(mktemp -d)
trap 'rm -rf "$raw"' EXIT
XDG_RUNTIME_DIR=$(mktemp -d /tmp/hangar-run-XXXXXX)
export XDG_RUNTIME_DIR
GSK_RENDERER=cairo NO_AT_BRIDGE=1 dbus-run-session -- \
  xvfb-run -a -s "-screen 0 1280x800x24" target/debug/examples/screenshots "$raw"
mkdir -p "$out"
for png in "$raw"/*.png; do
  "$convert" "$png" -strip -colors 256 -define png:compression-level=9 "PNG8:$out/$(basename "$png")"
  echo "$out/$(basename "$png"): $(identify -format '%wx%h' "$out/$(basename "$png")"), $(stat -c %s "$out/$(basename "$png")") bytes"
done
