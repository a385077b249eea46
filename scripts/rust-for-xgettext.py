#!/usr/bin/env python3
"""Copies Rust sources into DIR with every quote that is not part of a "string" blanked.

xgettext here has no Rust parser and reads Rust with its C lexer, which takes lifetimes
('a, '_) and some char literals for unterminated character constants and then loses track of
the strings that follow. Blanking those quotes keeps line numbers and every string intact.
usage: rust-for-xgettext.py DIR FILE...
"""
import os
import sys


def sanitize(text):
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        elif c == "/" and text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif c == "'":
            # a char literal like '"' must not open a string: blank it whole
            if text.startswith("'\"'", i):
                out.append("   ")
                i += 3
            else:
                out.append(" ")
                i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def main():
    dest = sys.argv[1]
    for path in sys.argv[2:]:
        target = os.path.join(dest, path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        with open(target, "w", encoding="utf-8") as f:
            f.write(sanitize(text))


main()
