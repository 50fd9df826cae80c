"""The same evaluation on a Dask DataFrame, on a local cluster (two small in-process workers)."""

from __future__ import annotations

from typing import Any

import pytest

pd = pytest.importorskip("pandas")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

from discretion import synthetic  # noqa: E402
from discretion.batch import evaluate_frame  # noqa: E402


def test_dask_partitions_match_pandas(tax: Any) -> None:
    frame = synthetic.cases(tax, 400, seed=11, unknown=0.1)
    expected = evaluate_frame(tax, frame, progress=False)
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None)
    try:
        with distributed.Client(cluster):
            lazy = evaluate_frame(tax, dd.from_pandas(frame, npartitions=4))
            assert lazy.npartitions == 4
            got = lazy.compute().reset_index(drop=True)
    finally:
        cluster.close()
    for column in ("outcome", "mandatory", "fine_min", "fine_max", "list_item", "tier", "band", "measures"):
        assert got[column].astype(object).tolist() == expected[column].astype(object).tolist(), column


def test_partition_function_pickles_without_closures(tax: Any) -> None:
    import pickle

    from discretion.batch.distributed import _Partition

    part = pickle.loads(pickle.dumps(_Partition(tax, {"violation": None, "id_column": None, "passthrough": ()})))
    frame = synthetic.cases(tax, 10, seed=1)
    assert len(part(frame)) == 10
