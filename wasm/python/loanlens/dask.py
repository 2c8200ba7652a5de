"""Scoring Dask DataFrames with a LoanLens bundle, partition by partition.

    import dask.dataframe as dd, loanlens, loanlens.dask
    bundle = loanlens.Bundle("models/credit_risk_gbdt.json")
    ddf = dd.read_csv("portfolio-*.csv", **bundle.read_csv_kwargs())
    scored = loanlens.dask.score_dataframe(ddf, "models/credit_risk_gbdt.json", explain=True)
    scored.to_csv("scored-*.csv", index=False)     # or .to_parquet(...) with pyarrow/fastparquet

Each worker process loads the bundle once (cached by absolute path and the SHA-256 of the file's
bytes, checked against the client's), so a partition costs only its own rows. The bundle path must
be readable by every worker (shared storage on a multi-machine cluster).
"""
import hashlib
import os
import threading

from . import Bundle, Error

__all__ = ["score_dataframe", "load_bundle", "file_sha256", "worker_stats"]

_LOCK = threading.Lock()
_BUNDLES = {}  # (absolute path, sha256 of the file) -> Bundle, per process
_STATS = {"bundle_loads": 0, "partitions": 0, "rows_in": 0, "rows_scored": 0, "rows_rejected": 0}
_LOADS = {}  # absolute path -> times loaded in this process


def file_sha256(path):
    """SHA-256 (hex) of a file's bytes."""
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def load_bundle(path, sha256=None):
    """The process's Bundle for ``path``: loaded once, then shared by every partition (and
    thread) of this process. With ``sha256``, the file must still have those bytes."""
    path = os.path.abspath(path)
    if sha256 is not None:
        with _LOCK:
            if (path, sha256) in _BUNDLES:
                return _BUNDLES[(path, sha256)]
    with open(path, "rb") as f:
        data = f.read()
    digest = hashlib.sha256(data).hexdigest()
    if sha256 is not None and digest != sha256:
        raise Error(f"file '{path}': the bundle changed (SHA-256 {digest}, expected {sha256}); "
                    "every worker must see the same bundle file")
    with _LOCK:
        if (path, digest) not in _BUNDLES:
            _BUNDLES[(path, digest)] = Bundle(text=data.decode("utf-8"), source=path)
            _STATS["bundle_loads"] += 1
            _LOADS[path] = _LOADS.get(path, 0) + 1
        return _BUNDLES[(path, digest)]


def worker_stats():
    """This process's counters (bundle loads in all and by absolute path, partitions and rows
    scored); with a distributed client, ``client.run(loanlens.dask.worker_stats)`` gives them per
    worker."""
    with _LOCK:
        return dict(_STATS, bundles_cached=len(_BUNDLES), bundle_loads_by_path=dict(_LOADS))


def _score_partition(part, path, sha256, explain, rejected, partition_info=None):
    bundle = load_bundle(path, sha256)
    number = partition_info["number"] if partition_info else "?"
    out = bundle.score(part, explain=explain, rejected=rejected, source=f"partition {number}")
    with _LOCK:
        _STATS["partitions"] += 1
        _STATS["rows_in"] += len(part)
        _STATS["rows_rejected"] += len(out.attrs["rejected"])
        _STATS["rows_scored"] += len(part) - len(out.attrs["rejected"])
    out.attrs = {}  # Dask does not carry attrs; the counts are in worker_stats()
    return out


def score_dataframe(ddf, bundle_path, explain=False, rejected="raise"):
    """Scores a Dask DataFrame (``map_partitions``): the result has the columns of
    ``loanlens score`` (the input columns, loanlens.SCORE_COLUMNS and, with ``explain``,
    shap_<feature> and base_value) and the same values as the CLI on the same rows.

    Rows are never dropped silently: with ``rejected="raise"`` (default) a row that cannot be
    scored fails the computation with loanlens.Error naming the partition, row, column and
    value; with ``rejected="keep"`` every row is kept and a ``rejected`` column holds the reason
    ("" when scored). ("report" is not available here: Dask does not carry DataFrame.attrs.)
    """
    if rejected not in ("raise", "keep"):
        raise ValueError(f"rejected={rejected!r}; expected 'raise' or 'keep'")
    path = os.path.abspath(bundle_path)
    sha256 = file_sha256(path)
    meta = load_bundle(path, sha256).meta(ddf._meta, explain=explain, rejected=rejected)
    return ddf.map_partitions(_score_partition, path, sha256, bool(explain), rejected, meta=meta)
