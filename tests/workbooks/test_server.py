"""kinerja server: a real uvicorn on a loopback port answering real HTTP POSTs of the payload Excel sends (built
from the PK 2024 sample with the Hitung button), and the refusals: 401, 413, 422. Concurrency: 20 requests with
different data at once, each compared with the same request answered alone."""

from __future__ import annotations

import copy
import json
import shutil
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import httpx
import openpyxl
import pytest
import uvicorn
from click.testing import CliRunner
from fastapi.testclient import TestClient
from kinerja.cli import main
from kinerja.server import create_app, load_rule_sets
from kinerja.workbooks.tombol import pasang_tombol
from payload import Grid, payload_of

SAMPLE = Path(__file__).resolve().parents[2] / "workbooks" / "contoh-pk2024-sumsel.xlsx"
TOKEN = "rahasia-kantor-wilayah-sumsel-2024"


pytestmark = pytest.mark.usefixtures("remote_engine")  # tests/conftest.py: xlwings' remote engine licence


@pytest.fixture(scope="module")
def rules():
    return load_rule_sets(["pk2024-sumsel"])


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> tuple[dict, tuple[int, int, int], tuple[int, int, int]]:
    """The payload, and (sheet index, row, col) of the pembilang input and of the realisasi output cell."""
    tmp = tmp_path_factory.mktemp("server")
    src = tmp / "contoh-pk2024-sumsel.xlsx"
    shutil.copy(SAMPLE, src)
    dest = tmp / "contoh-pk2024-sumsel.xlsm"
    pasang_tombol(src, dest)
    wb = openpyxl.load_workbook(dest)

    def where(name):
        sheet, ref = next(iter(wb.defined_names[name].destinations))
        c = wb[sheet][ref.replace("$", "")]
        return wb.sheetnames.index(sheet), c.row, c.column

    return payload_of(dest), where("setjen_rb_kanwil_pembilang"), where("realisasi_setjen_rb_kanwil")


def with_value(payload: dict, at: tuple[int, int, int], value) -> dict:
    p = copy.deepcopy(payload)
    s, r, c = at
    p["sheets"][s]["values"][r - 1][c - 1] = value
    return p


def value_at(payload: dict, actions: list[dict], at: tuple[int, int, int]):
    grid = Grid(payload)
    grid.apply(actions)
    s, r, c = at
    return grid.sheets[s][1].get((r, c)), grid


@pytest.fixture(scope="module")
def live_server(rules):
    """uvicorn serving kinerja on 127.0.0.1 (a free port), in a thread."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(create_app(TOKEN, rules), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    assert server.started
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


def test_real_http_post_answers_with_the_actions(live_server, sample):
    payload, _, out_cell = sample
    r = httpx.post(f"{live_server}/hitung", json=payload, headers={"Authorization": TOKEN}, timeout=60)
    assert r.status_code == 200, r.text
    actions = r.json()["actions"]
    assert not [a for a in actions if a["func"] == "alert"]
    value, grid = value_at(payload, actions, out_cell)
    assert value == 100  # 55 / 55 × 100 % (report Tabel 6, line 1036)
    status = [v for _, cells in grid.sheets for (row, _), v in cells.items()
              if row <= 3 and isinstance(v, str) and v.startswith("Status Hitung:")]
    assert status and all("selesai" in s and "aturan: pk2024-sumsel" in s for s in status)
    # Bearer form of the same token
    r2 = httpx.post(f"{live_server}/hitung", json=payload, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60)
    assert r2.status_code == 200


def test_twenty_concurrent_requests_each_get_their_own_result(live_server, sample):
    payload, in_cell, out_cell = sample
    values = list(range(36, 56))  # 20 different numerators of 55

    def post(v):
        with httpx.Client(timeout=120) as c:
            r = c.post(f"{live_server}/hitung", json=with_value(payload, in_cell, v), headers={"Authorization": TOKEN})
        assert r.status_code == 200, r.text
        return v, r.json()["actions"]

    with ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(post, values))
    for v, actions in answers:
        got, _ = value_at(with_value(payload, in_cell, v), actions, out_cell)
        want = (Decimal(v) / Decimal(55) * 100)
        assert abs(Decimal(str(got)) - want) < Decimal("0.01"), (v, got, want)
        assert not [a for a in actions if a["func"] == "alert"]
    # the same request alone gives exactly the same actions (no state leaks between requests)
    alone = httpx.post(f"{live_server}/hitung", json=with_value(payload, in_cell, 40), headers={"Authorization": TOKEN},
                       timeout=60).json()["actions"]
    concurrent = dict(answers)[40]
    strip = [a for a in alone if not (a["func"] == "setValues" and "Status Hitung:" in json.dumps(a["values"]))]
    strip_c = [a for a in concurrent if not (a["func"] == "setValues" and "Status Hitung:" in json.dumps(a["values"]))]
    assert len(strip) == len(strip_c)
    time_col = [i for a in strip for row in (a["values"] or []) for i, v in enumerate(row)
                if isinstance(v, str) and " · dihitung " in v]
    assert time_col  # the Audit sheet's header line with the time differs between runs; everything else is the same
    for a, b in zip(strip, strip_c):
        assert a["func"] == b["func"] and a["sheet_position"] == b["sheet_position"]
        assert a["start_row"] == b["start_row"] and a["start_column"] == b["start_column"]


def test_bad_input_through_the_server_is_an_alert_naming_the_cell(live_server, sample):
    payload, in_cell, _ = sample
    r = httpx.post(f"{live_server}/hitung", json=with_value(payload, in_cell, "lima puluh"),
                   headers={"Authorization": TOKEN}, timeout=60)
    assert r.status_code == 200
    alerts = [a["args"][0] for a in r.json()["actions"] if a["func"] == "alert"]
    assert len(alerts) == 1 and "setjen_rb_kanwil_pembilang" in alerts[0] and "lima puluh" in alerts[0]


def test_wrong_token_oversized_and_malformed_payloads_are_refused(rules, sample):
    payload, _, _ = sample
    client = TestClient(create_app(TOKEN, rules, max_bytes=64 * 1024))
    r = client.post("/hitung", json={"x": 1}, headers={"Authorization": "salah-salah-salah-salah"})
    assert r.status_code == 401 and "token tidak sah" in r.json()["detail"]
    assert client.post("/hitung", json={"x": 1}).status_code == 401
    r = client.post("/hitung", json=payload, headers={"Authorization": TOKEN})
    assert r.status_code == 413 and "terlalu besar" in r.json()["detail"]
    r = client.post("/hitung", content=b"{ini bukan json", headers={"Authorization": TOKEN,
                                                                    "Content-Type": "application/json"})
    assert r.status_code == 422 and "bukan data buku kerja xlwings" in r.json()["detail"]
    r = client.post("/hitung", json={"version": "0.37.8", "book": {"name": "a.xlsm"}}, headers={"Authorization": TOKEN})
    assert r.status_code == 422 and "sheets" in r.json()["detail"]
    # a workbook naming rules the server does not serve cannot make it load them
    small = {"version": "0.37.8", "book": {"name": "a.xlsm", "active_sheet_index": 0}, "names": [],
             "sheets": [{"name": "Isian", "values": [["Status Hitung: belum dijalankan | aturan: /etc"]]}]}
    r = client.post("/hitung", json=small, headers={"Authorization": TOKEN})
    assert r.status_code == 200
    alerts = [a["args"][0] for a in r.json()["actions"] if a["func"] == "alert"]
    assert alerts and "tidak tersedia di server" in alerts[0]


def test_server_command_refuses_to_start_without_a_token(monkeypatch):
    monkeypatch.delenv("KINERJA_SERVER_TOKEN", raising=False)
    res = CliRunner().invoke(main, ["server"])
    assert res.exit_code == 2 and "KINERJA_SERVER_TOKEN" in res.output and "Traceback" not in res.output


def test_out_of_range_input_and_result_through_the_server(live_server, sample):
    """Issue 13 through the live path: a cell value of 1E+35 is the input problem B218 naming the cell; a value
    inside the range whose ratio is not (990,000,000,000,000 / 55 × 100 ≥ 10^15) leaves the realisasi cell
    without a number and says G008's text — never an internal error, the other results still written."""
    payload, in_cell, out_cell = sample
    r = httpx.post(f"{live_server}/hitung", json=with_value(payload, in_cell, 1e35),
                   headers={"Authorization": TOKEN}, timeout=60)
    assert r.status_code == 200
    alerts = [a["args"][0] for a in r.json()["actions"] if a["func"] == "alert"]
    assert len(alerts) == 1 and "setjen_rb_kanwil_pembilang" in alerts[0] and "di luar rentang" in alerts[0]
    r = httpx.post(f"{live_server}/hitung", json=with_value(payload, in_cell, 990000000000000),
                   headers={"Authorization": TOKEN}, timeout=60)
    assert r.status_code == 200, r.text
    text = json.dumps(r.json(), ensure_ascii=False)
    assert "galat internal" not in text and "di luar jangkauan" in text, text[:2000]
    value, _ = value_at(payload, r.json()["actions"], out_cell)
    assert not isinstance(value, (int, float)), value
