"""Valid calls of vrp_lib.refresh for the bad-input campaign (tests/test_campaign.py).

refresh() and load_latest() need a server and a refreshed folder: the test server of
tests/test_refresh.py (127.0.0.1, port 0, the embedded data extended by SYNTHETIC rows) is
started once per process, in a daemon thread, and one refresh fills a temporary folder for
load_latest(); both folders are removed at exit. No other address is contacted.
"""

import atexit
import importlib.util
import shutil
import sys
import tempfile
from pathlib import Path

from vrp_lib import data, refresh

_NAME = "_vrp_refresh_campaign_server"


def _quiet(line):
    pass


def _start():
    path = Path(__file__).resolve().parent.parent / "test_refresh.py"
    spec = importlib.util.spec_from_file_location(_NAME, path)
    helpers = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(helpers)
    helpers.server, base = helpers.serve(helpers.Site(helpers.served_files()))
    helpers.cboe_url, helpers.fred_url = f"{base}/cboe", f"{base}/fred/fredgraph.csv"
    helpers.homes = [Path(tempfile.mkdtemp(prefix="vrp-campaign-")) for _ in range(2)]
    atexit.register(lambda: [shutil.rmtree(h, ignore_errors=True) for h in helpers.homes])
    refresh.refresh(data_home=helpers.homes[0], cboe_url=helpers.cboe_url, fred_url=helpers.fred_url,
                    progress=_quiet)
    sys.modules[_NAME] = helpers
    return helpers


_server = sys.modules.get(_NAME) or _start()
HOME, SCRATCH = _server.homes
#: The embedded VIX since 2024 and the refreshed one since March 2024 (SYNTHETIC rows after 2024-06-20).
EMBEDDED = data.load_vix().loc["2024-01-02":]
REFRESHED = refresh.load_latest("vix", data_home=HOME).loc["2024-03-01":]

CALLS = {
    "RefreshError": (("SP500.csv", "https://fred.stlouisfed.org/graph/fredgraph.csv?id=SP500",
                      "HTTP 404 Not Found"), {}),
    "data_folder": ((), {"data_home": HOME}),
    "refresh": ((), {"data_home": SCRATCH, "cboe_url": _server.cboe_url, "fred_url": _server.fred_url,
                     "timeout": 10.0, "attempts": 2, "max_wait": 1.0, "progress": _quiet}),
    "load_latest": (("vix",), {"data_home": HOME}),
    "extend": ((EMBEDDED, REFRESHED), {}),
}

_FREE_TEXT = "free text (a file name, an address, a message): any string is valid"
VALID = {("RefreshError", arg): {"unknown option": _FREE_TEXT} for arg in ("file", "address", "problem")}
# attempts=2.0 is accepted as 2 (tests/test_refresh.py pins it), but two refreshes never return the same
# manifest: it records the time of each fetch.
VALID[("refresh", "attempts")] = {"integral float": "accepted as the integer; the manifests differ in times"}
