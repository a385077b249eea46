#!/usr/bin/python3
"""Walks the accessible tree of one running application over AT-SPI, from outside.

Prints one tab-separated line per actionable control (buttons, toggles, menu buttons, combo
boxes and drop-downs, entries, spin buttons, editable text, check boxes, sliders, ...) in the
application's windows:

    control <TAB> ok|unnamed <TAB> role <TAB> name <TAB> window <TAB> path

"unnamed" means the control has no accessible name, or only its toolkit type name (what GTK
reports when nothing names a widget, e.g. "GtkMenuButton"). The last line is
"done <TAB> COUNT". Exit status: 0 when the application was found and walked, 2 when not.

Usage: a11y-walk.py --pid PID [--timeout SECS] [--tree]
  --tree  also print the whole tree (role, name, states) to stderr

GTK 4.8 reports no "showing" state for widgets and presents every visible widget, the pages of
a stack that are not on screen included: a walk covers every built page of every window.

Needs python3-pyatspi (and gir1.2-atspi-2.0) and a running accessibility bus (at-spi2-core),
e.g. inside `dbus-run-session`. Run it against a running Hangar to see what a screen reader
sees: `scripts/a11y-walk.py --pid $(pidof hangar)`.
"""

import argparse
import re
import sys
import time

import pyatspi

ACTIONABLE = {
    pyatspi.ROLE_PUSH_BUTTON,
    pyatspi.ROLE_TOGGLE_BUTTON,
    pyatspi.ROLE_CHECK_BOX,
    pyatspi.ROLE_RADIO_BUTTON,
    pyatspi.ROLE_COMBO_BOX,
    pyatspi.ROLE_ENTRY,
    pyatspi.ROLE_PASSWORD_TEXT,
    pyatspi.ROLE_SPIN_BUTTON,
    pyatspi.ROLE_SLIDER,
    pyatspi.ROLE_LINK,
    pyatspi.ROLE_MENU_ITEM,
    pyatspi.ROLE_CHECK_MENU_ITEM,
    pyatspi.ROLE_RADIO_MENU_ITEM,
    pyatspi.ROLE_PAGE_TAB,
}
# Roles that are actionable only when the user can type into them.
EDITABLE_ONLY = {pyatspi.ROLE_TEXT}

TYPE_NAME = re.compile(r"^(Gtk|Adw|Vte|Gvnc|Vnc|Spice|Hangar)[A-Z]\w*$")


def find_app(pid, timeout):
    deadline = time.monotonic() + timeout
    while True:
        desktop = pyatspi.Registry.getDesktop(0)
        for app in desktop:
            try:
                if app is not None and app.get_process_id() == pid:
                    return app
            except Exception:  # an application that went away meanwhile
                continue
        if time.monotonic() > deadline:
            return None
        time.sleep(0.2)


def states(acc):
    try:
        return acc.getState()
    except Exception:
        return None


def walk(acc, path, window, tree, out, depth=0):
    if depth > 200:
        return
    try:
        role = acc.getRole()
        name = acc.name or ""
    except Exception:
        return
    st = states(acc)
    if tree:
        names = [pyatspi.stateToString(s) for s in st.getStates()] if st else []
        print("  " * depth + f"{acc.getRoleName()} {name!r} {' '.join(names)}", file=sys.stderr)
    if role in (pyatspi.ROLE_FRAME, pyatspi.ROLE_WINDOW, pyatspi.ROLE_DIALOG):
        window = name or window
    actionable = role in ACTIONABLE or (
        role in EDITABLE_ONLY and st is not None and st.contains(pyatspi.STATE_EDITABLE)
    )
    if actionable:
        ok = name.strip() != "" and not TYPE_NAME.match(name.strip())
        role_name = acc.getRoleName()
        out.append(
            "\t".join(
                [
                    "control",
                    "ok" if ok else "unnamed",
                    role_name,
                    name.replace("\t", " ").replace("\n", " "),
                    window.replace("\t", " "),
                    path,
                ]
            )
        )
    try:
        n = acc.childCount
    except Exception:
        return
    for i in range(n):
        try:
            child = acc.getChildAtIndex(i)
        except Exception:
            continue
        if child is None:
            continue
        try:
            label = child.getRoleName().replace(" ", "_")
            if child.name:
                label += repr(child.name[:24])
        except Exception:
            label = "?"
        walk(child, f"{path}/{label}[{i}]", window, tree, out, depth + 1)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--pid", type=int, required=True)
    p.add_argument("--timeout", type=float, default=20)
    p.add_argument("--tree", action="store_true")
    args = p.parse_args()
    app = find_app(args.pid, args.timeout)
    if app is None:
        print(f"no application with pid {args.pid} on the accessibility bus", file=sys.stderr)
        return 2
    out = []
    walk(app, "app", "", args.tree, out)
    for line in out:
        print(line)
    print(f"done\t{len(out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
