"""Run every benchmark in bench/ (modules named bench_*.py with a main()), or the ones named.

Usage: python -m bench [name ...]     e.g. python -m bench import_xlsx
Benchmarks print numbers; they are not tests and `make test` does not run them.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys

import django


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nonasn.settings")
    django.setup()
    import bench

    names = sorted(m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_"))
    wanted = [f"bench_{a.removeprefix('bench_')}" for a in argv] or names
    for name in wanted:
        print(f"== {name}", flush=True)
        importlib.import_module(f"bench.{name}").main()


if __name__ == "__main__":
    main(sys.argv[1:])
