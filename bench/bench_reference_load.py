"""Reference-data load: the bulk loader against a naive one-save()-per-row load, same rows.

Each run migrates two fresh SQLite databases under a temporary folder, so the figures never
touch var/. Prints one BENCH line.
"""

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
tmp = Path(tempfile.mkdtemp(prefix="chainvest-bench-"))
os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chainvest.settings")
sys.path.insert(0, str(ROOT / "src"))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

from chainvest.regions.loaders import load_reference, read_regions  # noqa: E402
from chainvest.regions.models import Region  # noqa: E402


def fresh_database() -> None:
    call_command("flush", interactive=False, verbosity=0)


def naive_regions() -> int:
    """What a first version would do: one INSERT per row, parents looked up one by one."""
    entries = read_regions(ROOT / "data" / "regions")
    order = {"province": 0, "city": 1, "county": 2}
    with transaction.atomic():
        for entry in sorted(entries, key=lambda e: order[e.level]):
            parent = Region.objects.get(code=entry.parent) if entry.parent else None
            values = {**entry.values, "level": entry.level}
            Region(code=entry.code, parent=parent, **values).save()
    return len(entries)


def timed(fn) -> float:
    fresh_database()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    call_command("migrate", verbosity=0)
    ours = min(timed(load_reference) for _ in range(3))
    rows = Region.objects.count()
    naive = min(timed(naive_regions) for _ in range(3))
    print(f"# {rows} regions; ours also loads parks and 1,971 industry codes, the baseline not")
    print(
        f"BENCH name=reference_load value={ours * 1000:.1f} unit=ms "
        f"baseline=naive_per_row_save_regions_only ratio={naive / ours:.2f}"
    )


if __name__ == "__main__":
    main()
