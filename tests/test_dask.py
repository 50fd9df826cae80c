"""The same evaluation on a Dask DataFrame, on local clusters: two in-process workers, and two worker processes."""

from __future__ import annotations

import os
from typing import Any

import pytest

pd = pytest.importorskip("pandas")
dask = pytest.importorskip("dask")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

from discretion import CaseError, synthetic  # noqa: E402
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

    from discretion.batch import distributed as batch_distributed
    from discretion.batch.distributed import _Partition

    options = {"violation": None, "id_column": None, "passthrough": ()}
    part = pickle.loads(pickle.dumps(_Partition(tax, options)))
    again = pickle.loads(pickle.dumps(_Partition(tax, options)))
    frame = synthetic.cases(tax, 10, seed=1)
    assert len(part(frame)) == 10 and len(again(frame)) == 10
    compiled = batch_distributed._COMPILED[part.digest]
    assert compiled.sha256 == tax.sha256 and compiled is not tax  # compiled once per process, same version
    assert batch_distributed._arrived(again.data, again.digest) is compiled


def test_dask_on_worker_processes_matches_pandas(tax: Any) -> None:
    """Two worker processes: the partition function and the ruleset cross a process boundary."""
    frame = synthetic.cases(tax, 300, seed=5, unknown=0.1)
    frame["violations"] = [[v, "books"] if i % 4 == 0 else None for i, v in enumerate(frame["violation"])]
    frame.loc[frame["violations"].notna(), "violation"] = None
    expected = evaluate_frame(tax, frame, progress=False)
    with dask.config.set({"dataframe.convert-string": False}):  # lists stay lists
        lazy_frame = dd.from_pandas(frame, npartitions=4)
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    try:
        with distributed.Client(cluster) as client:
            lazy = evaluate_frame(tax, lazy_frame)
            got = lazy.compute().reset_index(drop=True)
            pids = client.run(os.getpid)
    finally:
        cluster.close()
    assert len(set(pids.values())) == 2 and os.getpid() not in pids.values()
    for column in ("outcome", "mandatory", "fine_min", "fine_max", "list_item", "tier", "band", "measures", "rules",
                   "flags", "error"):
        assert got[column].astype(object).tolist() == expected[column].astype(object).tolist(), column


def test_lists_turned_into_text_by_dask_are_named(tax: Any) -> None:
    if dask.config.get("dataframe.convert-string", None) is False:
        pytest.skip("Dask keeps object columns as they are here")
    frame = pd.DataFrame({"violations": [["late-filing", "books"]], "first_violation": [True]})
    with pytest.raises(CaseError) as info:
        evaluate_frame(tax, dd.from_pandas(frame, npartitions=1))  # convert-string on: the lists became text
    assert info.value.problems[0].code == "violations-not-lists" and "convert-string" in str(info.value)
