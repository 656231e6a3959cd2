"""Run the service in its own process (signals are process-wide).

Usage: ``python serve_runner.py CONFIG.yaml``.  The service gets the
deterministic test scorer; SIGHUP re-reads CONFIG.yaml and its indicator
files.  Prints ``METRICS <port>`` once the metrics endpoint is up.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from conftest import RuleScorer  # noqa: E402
from dnsguard.service.app import Service  # noqa: E402
from dnsguard.service.feeds_loader import load_index  # noqa: E402
from dnsguard.service.settings import ServeSettings  # noqa: E402


def load(path: str):
    settings = ServeSettings.from_dict(yaml.safe_load(Path(path).read_text())["serve"])
    index, problems = load_index(settings.indicator_files, time.time())
    return settings, RuleScorer(), index


async def main(path: str) -> int:
    logging.basicConfig(level=logging.INFO)
    settings, scorer, index = load(path)
    service = Service(settings, scorer, index, reload=lambda: load(path))
    task = asyncio.create_task(service.run())
    while service.metrics_port is None and not task.done():
        await asyncio.sleep(0.01)
    print(f"METRICS {service.metrics_port}", flush=True)
    return await task


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main(sys.argv[1])))
