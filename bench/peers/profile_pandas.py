"""Peer of Assay's profile(): the same statistics with pandas 1.5 in one Python process.

Usage: profile_pandas.py <csv>   prints {"readMs", "profileMs"} as JSON.
Per column: count, missing, distinct, top 10 values; per numeric column: mean, std, min, max,
p5/q1/median/q3/p95, skewness, excess kurtosis, MAD, IQR and MAD outlier counts, zeros and a
Freedman-Diaconis histogram (at most 50 bins); then Pearson and Spearman matrices of the numeric
columns (at most 30), and the duplicate row count, as Assay's profile reports them.
"""
import json
import sys
import time

import numpy as np
import pandas as pd

MAX_BINS = 50
TOP_VALUES = 10
MAX_ASSOCIATION_COLUMNS = 30


def histogram(values: np.ndarray, q1: float, q3: float) -> np.ndarray:
    iqr = q3 - q1
    lo, hi = values.min(), values.max()
    if iqr > 0 and hi > lo:
        width = 2 * iqr / len(values) ** (1 / 3)
        bins = int(min(MAX_BINS, max(1, np.ceil((hi - lo) / width))))
    else:
        bins = int(min(MAX_BINS, np.ceil(np.log2(len(values)) + 1)))
    return np.histogram(values, bins=bins)[0]


def profile(df: pd.DataFrame) -> dict:
    out = {"rows": len(df), "duplicates": int(df.duplicated().sum()), "columns": {}}
    numeric = []
    for name in df.columns:
        col = df[name]
        non_null = col.dropna()
        stats = {
            "count": int(non_null.size),
            "missing": int(col.isna().sum()),
            "distinct": int(non_null.nunique()),
            "top": non_null.value_counts().head(TOP_VALUES).to_dict(),
        }
        if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col) and non_null.size:
            numeric.append(name)
            values = non_null.to_numpy(dtype="float64")
            p5, q1, median, q3, p95 = np.quantile(values, [0.05, 0.25, 0.5, 0.75, 0.95])
            mad = float(np.median(np.abs(values - median)))
            iqr = q3 - q1
            stats.update(
                mean=float(values.mean()),
                std=float(non_null.std()),
                min=float(values.min()),
                max=float(values.max()),
                quantiles=[p5, q1, median, q3, p95],
                skew=float(non_null.skew()),
                kurt=float(non_null.kurt()),
                mad=mad,
                zeros=int((values == 0).sum()),
                outliersIqr=int(((values < q1 - 1.5 * iqr) | (values > q3 + 1.5 * iqr)).sum()),
                outliersMad=int((0.6745 * np.abs(values - median) > 3.5 * mad).sum()),
                histogram=histogram(values, q1, q3).tolist(),
            )
        out["columns"][name] = stats
    chosen = numeric[:MAX_ASSOCIATION_COLUMNS]
    if len(chosen) > 1:
        out["pearson"] = df[chosen].corr(method="pearson").to_numpy().tolist()
        out["spearman"] = df[chosen].corr(method="spearman").to_numpy().tolist()
    return out


def main() -> None:
    started = time.perf_counter()
    df = pd.read_csv(sys.argv[1])
    read = time.perf_counter()
    result = profile(df)
    done = time.perf_counter()
    json.dump(
        {"readMs": (read - started) * 1000, "profileMs": (done - read) * 1000, "columns": len(result["columns"])},
        sys.stdout,
    )


if __name__ == "__main__":
    main()
