"""The columnar pool snapshot: dtypes, CSR link slices, save/load round trip, updates."""

import datetime as dt

import numpy as np
import pytest

from chainvest.engine import snapshot as sn


def small(ids=(3, 5, 9), links=((7,), (), (7, 8))) -> sn.Snapshot:
    n = len(ids)
    flat = [link for row in links for link in row]
    return sn.from_columns(
        {
            "ids": ids,
            "region": [652301, 652325, 110105][:n],
            "industry": [3825, 0, 3415][:n],
            "capital": [100.5, np.nan, 2000][:n],
            "insured": [12, sn.INSURED_NA, 300][:n],
            "established": [sn.day_number(dt.date(2020, 1, 2)), sn.DAY_NA, 0][:n],
            "status": [1, 8, 2][:n],
            "flags": [0, sn.FLAG_ARCHIVED, sn.FLAG_LISTED][:n],
        },
        [len(row) for row in links],
        flat,
        [0.5] * len(flat),
        {"built_at": "2024-01-01T00:00:00+00:00"},
    )


def test_columns_take_the_snapshot_dtypes():
    snap = small()
    assert snap.ids.dtype == np.int64
    assert snap.region.dtype == np.int32
    assert snap.industry.dtype == np.int16
    assert snap.capital.dtype == np.float32
    assert snap.status.dtype == np.int8
    assert snap.flags.dtype == np.uint8
    assert snap.link_indptr.dtype == np.int64
    assert snap.link_conf.dtype == np.float16


def test_links_of_a_row_are_its_csr_slice():
    snap = small()
    assert snap.links_of(0)[0].tolist() == [7]
    assert snap.links_of(1)[0].tolist() == []
    assert snap.links_of(2)[0].tolist() == [7, 8]


def test_rows_of_finds_positions_and_marks_absent_ids():
    assert small().rows_of([9, 4, 3, 100]).tolist() == [2, -1, 0, -1]
    assert sn.empty().rows_of([1]).tolist() == [-1]


def test_save_and_load_round_trip_memory_mapped(tmp_path):
    snap = small()
    sn.save(snap, tmp_path / "snapshot")
    back = sn.load(tmp_path / "snapshot")
    assert isinstance(back.ids, np.memmap)
    for name in (*sn.COLUMNS, *sn.CSR):
        np.testing.assert_array_equal(getattr(back, name), getattr(snap, name))
    assert back.meta["rows"] == 3
    assert back.meta["last_id"] == 9
    assert back.meta["built_at"] == "2024-01-01T00:00:00+00:00"


def test_saving_again_replaces_the_folder_whole(tmp_path):
    sn.save(small(), tmp_path / "snapshot")
    sn.save(small(ids=(1,), links=((2, 3),)), tmp_path / "snapshot")
    back = sn.load(tmp_path / "snapshot", mmap=False)
    assert back.ids.tolist() == [1]
    assert back.link_ids.tolist() == [2, 3]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["snapshot"]


def test_update_replaces_changed_rows_adds_new_ones_and_drops_removed():
    base = small()
    changed = small(ids=(5, 12), links=((1, 2), (4,)))
    result = sn.update(base, changed, removed_ids=[9], meta={"built_at": "later"})
    assert result.ids.tolist() == [3, 5, 12]
    assert [result.links_of(i)[0].tolist() for i in range(3)] == [[7], [1, 2], [4]]
    assert result.region.tolist() == [652301, 652301, 652325]
    assert result.meta == {"built_at": "later"}


def test_status_codes_read_vendor_wording():
    assert sn.status_code("存续（在营、开业、在册）") == 1
    assert sn.status_code("吊销，未注销") == 7
    assert sn.status_code("") == sn.STATUS_UNKNOWN
    assert sn.status_code("歇业") == sn.STATUS_OTHER


def test_mismatched_columns_are_refused():
    with pytest.raises(ValueError, match="region"):
        sn.from_columns({**{name: [1, 2] for name in sn.COLUMNS}, "region": [1]}, [0, 0], [], [])
    with pytest.raises(ValueError, match="increasing"):
        sn.from_columns({name: [2, 1] for name in sn.COLUMNS}, [0, 0], [], [])
