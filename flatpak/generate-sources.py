#!/usr/bin/env python3
"""Writes flatpak/cargo-sources.json from Cargo.lock, for an offline cargo build in Flatpak.

The output has the shape flatpak-cargo-generator.py (flatpak-builder-tools) gives: for every
crates.io package in Cargo.lock an `archive` source unpacked to cargo/vendor/NAME-VERSION and an
inline `.cargo-checksum.json` next to it, then an inline cargo/config that replaces crates.io
with that vendored directory. Only crates.io packages are supported: a git or other registry
source in Cargo.lock is an error.

Usage:
  flatpak/generate-sources.py            rewrite flatpak/cargo-sources.json
  flatpak/generate-sources.py --check    exit 1 if the checked-in file differs from Cargo.lock

Python 3 standard library only (tomllib from 3.11; a small parser of Cargo.lock's subset of
TOML before that).
"""

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
LOCK = HERE.parent / "Cargo.lock"
OUT = HERE / "cargo-sources.json"
CRATES_IO = "registry+https://github.com/rust-lang/crates.io-index"
VENDOR = "cargo/vendor"
CARGO_CONFIG = f"""[source.vendored-sources]
directory = "{VENDOR}"

[source.crates-io]
replace-with = "vendored-sources"
"""


def parse_lock(text):
    """The [[package]] tables of a Cargo.lock, as dicts."""
    try:
        import tomllib
    except ImportError:  # Python < 3.11
        return parse_lock_minimal(text)
    return tomllib.loads(text).get("package", [])


def parse_lock_minimal(text):
    """Cargo.lock's packages: `[[package]]` headers, `key = "string"` and string arrays."""
    packages = []
    current = None
    in_array = None
    for raw in text.splitlines():
        line = raw.strip()
        if in_array is not None:
            if line.startswith("]"):
                in_array = None
            elif line.startswith('"'):
                current[in_array].append(line.rstrip(",").strip('"'))
            continue
        if not line or line.startswith("#"):
            continue
        if line == "[[package]]":
            current = {}
            packages.append(current)
        elif line.startswith("["):
            current = None  # [metadata] and the like
        elif current is not None and "=" in line:
            key, value = (part.strip() for part in line.split("=", 1))
            if value == "[":
                current[key] = []
                in_array = key
            elif value.startswith("[") and value.endswith("]"):
                inner = value[1:-1].strip()
                current[key] = [v.strip().strip('"') for v in inner.split(",") if v.strip()]
            else:
                current[key] = value.strip('"')
    return packages


def sources(packages):
    out = []
    for p in packages:
        source = p.get("source")
        if source is None:
            continue  # a workspace member
        name, version = p["name"], p["version"]
        if source != CRATES_IO:
            raise SystemExit(f"{name} {version}: only crates.io packages are supported, not {source}")
        checksum = p.get("checksum")
        if not checksum:
            raise SystemExit(f"{name} {version}: Cargo.lock has no checksum")
        dest = f"{VENDOR}/{name}-{version}"
        out.append(
            {
                "type": "archive",
                "archive-type": "tar-gzip",
                "url": f"https://static.crates.io/crates/{name}/{name}-{version}.crate",
                "sha256": checksum,
                "dest": dest,
            }
        )
        out.append(
            {
                "type": "inline",
                "contents": json.dumps({"package": checksum, "files": {}}),
                "dest": dest,
                "dest-filename": ".cargo-checksum.json",
            }
        )
    out.append(
        {
            "type": "inline",
            "contents": CARGO_CONFIG,
            "dest": "cargo",
            "dest-filename": "config",
        }
    )
    return out


def render(lock_text):
    return json.dumps(sources(parse_lock(lock_text)), indent=4) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="compare instead of writing")
    ap.add_argument("--lock", type=Path, default=LOCK)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    wanted = render(args.lock.read_text(encoding="utf-8"))
    if args.check:
        have = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if have != wanted:
            print(
                f"{args.out} is out of date with {args.lock}: run flatpak/generate-sources.py",
                file=sys.stderr,
            )
            return 1
        print("flatpak: cargo-sources.json in sync")
        return 0
    args.out.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
