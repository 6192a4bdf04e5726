"""Draft events from news text, with the gazetteer read once from the product's data files."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path

from django.conf import settings

from chainvest.engine.news import Extraction, Gazetteer, extract, load_gazetteer


@lru_cache(maxsize=4)
def _gazetteer(data_dir: Path) -> Gazetteer:
    return load_gazetteer(data_dir)


def gazetteer() -> Gazetteer:
    return _gazetteer(Path(settings.DATA_DIR))


def read_news(text: str, doc_date: date | None = None) -> Extraction:
    """Drafts only: nothing here is written to the database."""
    return extract(text, gazetteer(), doc_date)
