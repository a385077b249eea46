#!/usr/bin/env bash
# Keeps po/ in sync with the sources.
#   scripts/po.sh update   regenerate po/hangar.pot and merge it into every po/LL.po
#   scripts/po.sh check    fail if a source with translatable strings is missing from
#                          po/POTFILES, or if po/hangar.pot or a translation is out of date
set -euo pipefail
cd "$(dirname "$0")/.."

KEYWORDS=(--keyword=gettext --keyword=gettext_f --keyword=ngettext:1,2 --keyword=pgettext:1c,2)

make_pot() { # make_pot OUT
  local rust=() other=()
  while read -r f; do
    [ -n "$f" ] || continue
    case "$f" in *.rs) rust+=("$f") ;; *) other+=("$f") ;; esac
  done < po/POTFILES
  xgettext --from-code=UTF-8 --add-comments=Translators --package-name=hangar \
    --msgid-bugs-address=none --sort-by-file --package-version=0.1.0 -o "$1" "${other[@]}"
  sed -i "s/charset=CHARSET/charset=UTF-8/" "$1"
  # xgettext has no Rust parser here; C's lexer reads Rust string literals the same way as long
  # as translatable strings use no line continuations, once lifetimes are out of its way.
  local clean; clean=$(mktemp -d)
  python3 scripts/rust-for-xgettext.py "$clean" "${rust[@]}"
  (cd "$clean" && xgettext --from-code=UTF-8 --language=C "${KEYWORDS[@]}" \
    --add-comments=Translators --sort-by-file --join-existing -o "$1" "${rust[@]}")
  rm -rf "$clean"
}

msgids() { msgcat --no-location --no-wrap --sort-output "$1" | grep -E '^(msgctxt|msgid)' ; }

case "${1:-check}" in
  update)
    make_pot "$PWD/po/hangar.pot"
    for l in $(cat po/LINGUAS); do
      if [ -f "po/$l.po" ]; then msgmerge --quiet --update --backup=none "po/$l.po" po/hangar.pot
      else msginit --no-translator --locale="$l" -i po/hangar.pot -o "po/$l.po"; fi
    done
    ;;
  check)
    status=0
    for f in $(grep -rlE '\b(gettext|gettext_f|ngettext)\(' src --include='*.rs' | grep -v '^src/i18n.rs$'); do
      grep -qx "$f" po/POTFILES || { echo "po/POTFILES lacks $f"; status=1; }
    done
    for f in $(grep -rl 'translatable="yes"' resources data 2>/dev/null); do
      grep -qx "$f" po/POTFILES || { echo "po/POTFILES lacks $f"; status=1; }
    done
    while read -r f; do
      [ -z "$f" ] || [ -f "$f" ] || { echo "po/POTFILES names a missing file: $f"; status=1; }
    done < po/POTFILES
    tmp=$(mktemp); trap 'rm -f "$tmp"' EXIT
    make_pot "$tmp"
    if ! diff <(msgids "$tmp") <(msgids po/hangar.pot) >/dev/null; then
      echo "po/hangar.pot is out of date: run scripts/po.sh update"; status=1
    fi
    for l in $(cat po/LINGUAS); do
      msgfmt --check -o /dev/null "po/$l.po" || status=1
      if ! diff <(msgids "$tmp") <(msgids "po/$l.po") >/dev/null; then
        echo "po/$l.po is out of date: run scripts/po.sh update"; status=1
      fi
    done
    [ $status -eq 0 ] && echo "po: in sync"
    exit $status
    ;;
  *) echo "usage: $0 update|check" >&2; exit 2 ;;
esac
