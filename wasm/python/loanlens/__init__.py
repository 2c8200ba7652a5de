"""LoanLens in Python: the C++ engine's scoring and explanations on pandas DataFrames.

The same engine as the ``loanlens`` CLI and the browser's WebAssembly module, built as a Python
extension (pybind11). ``Bundle.score`` gives exactly the columns and values of ``loanlens score``;
``Bundle.explain`` gives the JSON of ``loanlens explain --row``.

    import loanlens, pandas as pd
    bundle = loanlens.Bundle("models/credit_risk_gbdt.json")
    frame = pd.read_csv("applications.csv", **bundle.read_csv_kwargs())
    scored = bundle.score(frame, explain=True)   # input columns + the decision columns + shap_*
    scored.attrs["rejected"]                     # rows that could not be scored, with the reason

Each row's added cells are the ones the CLI writes (the engine's AppendScoreCells, shared with
``loanlens score``): numbers as float64 (an empty cell, e.g. max_amount when no amount is
approvable, is NaN), text (band, rules, reason_1..reason_4) as str ("" when empty).

Numeric columns go to the engine as float64 buffers (no text round trip); text, boolean and
categorical columns are read cell by cell exactly as the CLI reads the same CSV cell. For Dask see
``loanlens.dask``.
"""
import json
import math
import os

import numpy as np
import pandas as pd

from . import _engine
from ._engine import Error, engine_version, format_number

__all__ = ["Bundle", "Error", "engine_version", "format_number", "SCORE_COLUMNS"]
__version__ = engine_version

#: The columns ``loanlens score`` adds after the input columns (then, with explanations,
#: shap_<feature> and base_value): pd, margin, points, band (the decision after the review rules),
#: rules, reason_1..reason_4, expected_loss, rate, max_amount.
SCORE_COLUMNS = tuple(_engine.decision_columns)
_REJECT_MODES = ("report", "raise", "keep")


def _column_values(series):
    """A pandas column as the engine takes it: float64 buffer (numeric) or a list of objects."""
    dtype = series.dtype
    if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
        return np.ascontiguousarray(series.to_numpy(dtype=np.float64, na_value=np.nan))
    values = series.to_numpy(dtype=object)
    missing = pd.isna(values)
    if missing.any():
        values = values.copy()
        values[missing] = None
    return values.tolist()


def _json_value(v):
    """A record value as JSON: numpy scalars as Python values, NaN / NA as null (missing)."""
    if isinstance(v, np.generic):
        v = v.item()
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return None
    return v


class Bundle:
    """A model bundle (models/README.md), loaded and validated by the engine (content hash too).

    ``Bundle(path)`` reads a file; ``Bundle(text=..., source=...)`` parses JSON text.
    """

    def __init__(self, path=None, *, text=None, source=None):
        if text is not None:
            self._bundle = _engine.Bundle.parse(text, source or "bundle")
            self.path = None
        else:
            self.path = os.fspath(path)
            self._bundle = _engine.Bundle(self.path)

    @property
    def features(self):
        """Names of the model's input features (original columns), in schema order."""
        return self._bundle.features

    @property
    def feature_types(self):
        """'numeric' | 'categorical' | 'boolean' per feature."""
        return self._bundle.feature_types

    @property
    def missing_tokens(self):
        """Cell values the bundle reads as missing (as its training file was read)."""
        return self._bundle.missing_tokens

    @property
    def kind(self):
        return self._bundle.kind

    @property
    def explain_method(self):
        return self._bundle.explain_method

    @property
    def content_sha256(self):
        return self._bundle.content_sha256

    def read_csv_kwargs(self):
        """``pandas.read_csv`` / ``dask.dataframe.read_csv`` options that read a CSV as the CLI
        does: exactly the bundle's missing tokens (not pandas' longer default list) and the text
        of categorical and boolean features kept as text (a level '01' stays '01')."""
        text = {f: str for f, t in zip(self.features, self.feature_types) if t != "numeric"}
        return {"keep_default_na": False, "na_values": list(self.missing_tokens), "dtype": text}

    def output_columns(self, explain=False, input_columns=()):
        """The CLI's output header: the input columns, then SCORE_COLUMNS and, with ``explain``,
        shap_<feature> per feature and base_value (the engine's ScoreColumns)."""
        return [str(c) for c in input_columns] + [c for c, _ in self.score_column_kinds(explain)]

    def score_column_kinds(self, explain=False):
        """[(column, is_number)] for the columns ``score`` adds: float64 if a number, else str."""
        return [(c, bool(n)) for c, n in self._bundle.score_column_kinds(bool(explain))]

    def meta(self, frame, explain=False, rejected="report"):
        """An empty DataFrame with the columns and dtypes ``score`` returns for frames like
        ``frame`` (Dask's ``meta``)."""
        head = frame.iloc[:0]
        new = {c: pd.Series([], dtype=np.float64 if number else object)
               for c, number in self.score_column_kinds(explain)}
        if rejected == "keep":
            new["rejected"] = pd.Series([], dtype=object)
        return pd.concat([head, pd.DataFrame(new, index=head.index)], axis=1)

    def score(self, frame, explain=False, rejected="report", source="DataFrame"):
        """Scores every row of ``frame`` (a pandas DataFrame) as ``loanlens score`` scores a CSV.

        Returns the scored rows (input index kept) with the input columns, then the columns and
        values ``loanlens score`` writes: pd, margin, points, band, rules, reason_1..reason_4,
        expected_loss, rate, max_amount and, with ``explain``, shap_<feature> and base_value
        (base_value + sum of shap_* = margin). Rows in = rows scored + rows rejected, always.
        ``rejected``:

        - "report" (default): rejected rows are left out of the result and listed in
          ``result.attrs["rejected"]`` (index = input labels; columns position, reason);
        - "raise": a rejected row raises loanlens.Error (count and the first reason);
        - "keep": every input row, in order, plus a ``rejected`` column (the reason, "" when
          scored); rejected rows have NaN numbers and "" text.

        ``result.attrs`` also holds ``rows_in`` and ``warnings`` (unseen categories, ...).
        Reasons name ``source`` and the row the cell would have in the frame written as CSV with
        a header (first data row = row 2), as the CLI does.
        """
        if rejected not in _REJECT_MODES:
            raise ValueError(f"rejected={rejected!r}; expected one of {_REJECT_MODES}")
        header = [str(c) for c in frame.columns]
        by_name = {}
        for label, name in zip(frame.columns, header):
            by_name.setdefault(name, label)
        unique = len(by_name) == len(header)
        columns = [_column_values(frame[by_name[f]]) if unique and f in by_name else None
                   for f in self.features]
        res = self._bundle.score_frame(header, columns, len(frame), bool(explain), source)
        out = self._assemble(frame, res, keep=rejected == "keep")
        rpos = res["rejected_positions"]
        reasons = pd.DataFrame({"position": rpos, "reason": res["rejected_reasons"]},
                               index=frame.index[rpos])
        if rejected == "raise" and len(rpos):
            raise Error(f"{len(rpos)} of {len(frame)} rows could not be scored; first: "
                        f"{res['rejected_reasons'][0]}")
        warn = res["warnings"]
        out.attrs["rows_in"] = len(frame)
        out.attrs["rejected"] = reasons
        out.attrs["warnings"] = pd.DataFrame(
            warn, columns=["position", "column", "value", "message"])
        return out

    def _assemble(self, frame, res, keep):
        """Input rows (all with ``keep``, else the scored ones) + the score columns."""
        pos = res["positions"]
        n = len(frame) if keep else len(pos)
        cols = {}
        for name, values in res["columns"]:
            if isinstance(values, tuple):  # text: codes into its distinct values
                codes, levels = values
                levels = np.asarray(list(levels) + [""], dtype=object)
                if keep:
                    full = np.full(n, len(levels) - 1, dtype=np.int32)
                    full[pos] = codes
                    codes = full
                cols[name] = levels[codes]
            elif keep:
                full = np.full(n, np.nan)
                full[pos] = values
                cols[name] = full
            else:
                cols[name] = values
        if keep:
            reason = np.full(n, "", dtype=object)
            reason[res["rejected_positions"]] = res["rejected_reasons"]
            cols["rejected"] = reason
            rows = frame
        else:
            rows = frame.iloc[pos]
        return pd.concat([rows, pd.DataFrame(cols, index=rows.index)], axis=1)

    def explain(self, record, interactions=False):
        """One applicant, ``{"column": value, ...}`` (or a pandas Series): the dict that
        ``loanlens explain --row`` prints as JSON (pd, margin, points, band, base_value,
        contributions, reasons, warnings; with ``interactions`` also interactions)."""
        items = {str(k): _json_value(v) for k, v in dict(record).items()}
        text = json.dumps(items, allow_nan=False)
        return json.loads(self._bundle.explain_json(text, bool(interactions)))

    def __repr__(self):
        return f"loanlens.Bundle({self.path or 'text'!r}, kind={self.kind!r})"
