"""Copy the files the web page loads from node_modules/ into sitroom/web/vendor/ (a build step).

sitroom/web/vendor.json names each file, per npm package. The copies are git-ignored but are package data,
so a wheel built after this step (`pip wheel --no-deps .`, no network) serves the whole page from any
folder. Run by scripts/setup.sh after `npm ci`; safe to run again (a file already equal is left alone).
`--check` copies nothing and exits 1 when a file is missing or differs.
"""

from __future__ import annotations

import filecmp
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT / "sitroom" / "web" / "vendor.json"
SOURCE = ROOT / "node_modules"
TARGET = ROOT / "sitroom" / "web" / "vendor"


def wanted() -> list[Path]:
    """Every vendored file, relative to node_modules/ and to vendor/ alike."""
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    return [Path(package) / name for package, names in sorted(manifest.items()) for name in names]


def stale(relative: Path) -> bool:
    copy = TARGET / relative
    return not copy.is_file() or not filecmp.cmp(SOURCE / relative, copy, shallow=False)


def main(argv: list[str]) -> int:
    missing = [str(p) for p in wanted() if not (SOURCE / p).is_file()]
    if missing:
        print(f"vendor_web: not in node_modules (run npm ci): {', '.join(missing)}", file=sys.stderr)
        return 1
    changed = [p for p in wanted() if stale(p)]
    if "--check" in argv:
        for p in changed:
            print(f"vendor_web: out of date: sitroom/web/vendor/{p}", file=sys.stderr)
        return 1 if changed else 0
    for relative in changed:
        (TARGET / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SOURCE / relative, TARGET / relative)
    copied = f"{len(changed)} of {len(wanted())} files copied"
    print(f"vendor_web: {copied} into sitroom/web/vendor/", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
