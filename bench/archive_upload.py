"""A 50 MB document through the product into S3, against a raw boto3 upload of the same file.

    .venv/bin/python bench/archive_upload.py [--megabytes 50] [--runs 3]

A fresh database (the configured PostgreSQL or the embedded one), the demo data, moto's S3 server
(the only S3-compatible server installable here), the API (gunicorn, one worker) and a dramatiq
worker as separate processes. Per run: the API worker's resident memory is sampled every 5 ms
during `POST /gminas/0811082/plans/{id}/documents` (peak growth over its size before), and the
time from the POST until the worker has archived the document is set beside
`boto3.upload_file` of the same bytes to the same endpoint. Compare the ratio; the machine is
noisy.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import boto3
import httpx
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from national_scale import ROOT, api_server, base_env, cli, database, free_port

TRZEBIEL = "0811082"


def moto_server() -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(url + "/moto-api/", timeout=1)
            return process, url
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit("moto did not start")


def api_worker_pid(url: str) -> int:
    """The gunicorn worker serving requests (the master's only child)."""
    port = int(url.rsplit(":", 1)[1])
    for connection in psutil.net_connections(kind="tcp"):
        if connection.laddr and connection.laddr.port == port and connection.status == "LISTEN" and connection.pid:
            children = psutil.Process(connection.pid).children()
            return children[0].pid if children else connection.pid
    raise SystemExit("no gunicorn worker found")


def sampled_peak(pid: int, stop: threading.Event, peaks: list[int]) -> None:
    process = psutil.Process(pid)
    peak = 0
    while not stop.is_set():
        peak = max(peak, process.memory_info().rss)
        time.sleep(0.005)
    peaks.append(peak)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--megabytes", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    moto, s3_url = moto_server()
    bucket = f"bench-{uuid.uuid4().hex[:8]}"
    aws = {"AWS_ENDPOINT_URL_S3": s3_url, "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
           "AWS_DEFAULT_REGION": "eu-central-1"}  # fmt: skip
    s3 = boto3.client("s3", endpoint_url=s3_url, region_name="eu-central-1", aws_access_key_id="bench",
                      aws_secret_access_key="bench")  # noqa: S106  # fmt: skip
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    env = {**base_env(), **aws, "ARCHIVE_S3_BUCKET": bucket, "API_RATE_LIMIT_PER_MINUTE": "100000",
           "MAX_DOCUMENT_BYTES": str((args.megabytes + 1) * 1_000_000)}  # fmt: skip
    size = args.megabytes * 1_000_000
    with tempfile.TemporaryDirectory() as scratch, database(env, "archive") as db:
        env = {**db, "ARCHIVE_STAGING_DIR": str(Path(scratch) / "staging")}
        document = Path(scratch) / "plan.pdf"
        with open(document, "wb") as out:  # incompressible, as a scanned PDF's image stream is
            body = size - 100
            out.write(b"%%PDF-1.7\n1 0 obj<</Type/XObject/Subtype/Image/Length %d>>stream\n" % body)
            out.write(os.urandom(body))
            out.write(b"\nendstream endobj\ntrailer<<>>\n%%EOF\n")
        cli(env, "migrate", "--verbosity", "0")
        cli(env, "load_demo")
        token = cli(env, "issue_token", "demo-trzebiel-admin")[0].strip().splitlines()[-1]
        worker = subprocess.Popen([sys.executable, "-m", "dramatiq", "mozaika.site.worker", "--processes", "1",
                                   "--threads", "2"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)  # fmt: skip
        try:
            with api_server(env) as url:
                measure(url, token, document, s3, bucket, args.runs)
        finally:
            worker.terminate()
            worker.wait(timeout=60)
    moto.terminate()


def measure(url: str, token: str, document: Path, s3: object, bucket: str, runs: int) -> None:
    client = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=300)
    plan_id = client.get(f"/api/v1/gminas/{TRZEBIEL}/plans").json()[0]["id"]
    pid = api_worker_pid(url)
    # Warm-up: the first upload loads what the upload path imports.
    warm = client.post(f"/api/v1/gminas/{TRZEBIEL}/plans/{plan_id}/documents", data={"kind": "annex"},
                       files={"file": ("warm.pdf", b"%PDF-1.4 warm-up", "application/pdf")})  # fmt: skip
    assert warm.status_code == 201, warm.text[:300]
    growth, posted, product, raw = [], [], [], []
    for run in range(runs):
        data = document.read_bytes()
        # A different document each run (the archive stores the same bytes once).
        data = data[:-7] + run.to_bytes(1, "big") + data[-6:]
        path = document.with_name(f"plan-{run}.pdf")
        path.write_bytes(data)
        del data
        before = psutil.Process(pid).memory_info().rss
        stop, peaks = threading.Event(), []
        sampler = threading.Thread(target=sampled_peak, args=(pid, stop, peaks))
        sampler.start()
        started = time.perf_counter()
        with open(path, "rb") as body:
            upload = {"file": ("plan.pdf", body, "application/pdf")}
            response = client.post(f"/api/v1/gminas/{TRZEBIEL}/plans/{plan_id}/documents", data={"kind": "plan"},
                                   files=upload)  # fmt: skip
        posted.append(time.perf_counter() - started)
        stop.set()
        sampler.join()
        assert response.status_code == 201, response.text[:500]
        document_id = response.json()["id"]
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            plan = client.get(f"/api/v1/gminas/{TRZEBIEL}/plans/{plan_id}").json()
            status = next(d["status"] for d in plan["documents"] if d["id"] == document_id)
            if status == "archived":
                break
            assert status == "pending", status
            time.sleep(0.05)
        product.append(time.perf_counter() - started)
        growth.append(peaks[0] - before)
        started = time.perf_counter()
        s3.upload_file(str(path), bucket, f"raw/{run}")  # type: ignore[attr-defined]
        raw.append(time.perf_counter() - started)
        path.unlink()
    mb = document.stat().st_size / 1e6
    print(f"\n{mb:.0f} MB document, {runs} runs (median):")
    print(f"  API worker peak memory growth during the upload: {statistics.median(growth) / 2**20:.1f} MiB "
          f"(max {max(growth) / 2**20:.1f} MiB; target < 20 MB)")  # fmt: skip
    print(f"  raw boto3.upload_file, same bytes, same endpoint: {statistics.median(raw):.2f} s")
    print(f"  the upload (POST until 201, pending): {statistics.median(posted):.2f} s, "
          f"ratio {statistics.median(posted) / statistics.median(raw):.2f}x (target within 2x)")  # fmt: skip
    print(f"  the upload and its background archiving to S3: {statistics.median(product):.2f} s, "
          f"ratio {statistics.median(product) / statistics.median(raw):.2f}x")  # fmt: skip


if __name__ == "__main__":
    main()
