#!/usr/bin/env python3
"""Converts a SQLite backend source file to its PostgreSQL twin.

The two backends share their SQL apart from placeholders (`?` → `$n`, counted
per string literal) and sqlx type names. Used for files written once in the
SQLite backend and mirrored; review the result, then `cargo fmt --all`.

usage: scripts/dev/sqlite-to-pg.py SRC DST
"""
import re
import sys

src, dst = sys.argv[1], sys.argv[2]
text = open(src).read()


def number_placeholders(match):
    literal = match.group(0)
    if "?" not in literal or not re.search(r"\b(SELECT|INSERT|UPDATE|DELETE)\b", literal):
        return literal
    counter = iter(range(1, 1000))
    return re.sub(r"\?", lambda _: f"${next(counter)}", literal)


text = re.sub(r'"(?:[^"\\]|\\.)*"', number_placeholders, text, flags=re.S)
for a, b in [
    ("SqliteStore", "PgStore"),
    ("sqlx::sqlite::SqliteRow", "sqlx::postgres::PgRow"),
    ("SqliteRow", "PgRow"),
    ("sqlx::SqliteConnection", "sqlx::PgConnection"),
    ("(SQLite)", "(PostgreSQL)"),
    ("The PostgreSQL twin differs", "Mirrors the SQLite file; they differ"),
    ('(from..from + n).map(|_| "?")', '(from..from + n).map(|i| format!("${i}"))'),
]:
    text = text.replace(a, b)
open(dst, "w").write(text)
