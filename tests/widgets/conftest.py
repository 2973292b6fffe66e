"""Fixtures of the widget tests: the frontend's reducers, run in node."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RUNNER = """
const fs = require("fs");
const { replay } = require(process.argv[2]);
const dir = process.argv[3];
const spec = JSON.parse(fs.readFileSync(dir + "/spec.json", "utf8"));
const read = (f) => new Uint8Array(fs.readFileSync(dir + "/" + f));
const out = replay(spec.view, spec.stream.map(read), read(spec.fresh));
process.stdout.write(JSON.stringify(out));
"""


@pytest.fixture(scope="module")
def replayer(tmp_path_factory):
    """Return ``replay(view, stream, fresh)`` running the frontend's reducers in node."""
    node = shutil.which("node")
    esbuild = ROOT / "node_modules" / ".bin" / "esbuild"
    if node is None or not esbuild.exists():
        pytest.fail("node and node_modules are needed: run `npm ci` (make test does)")
    out = tmp_path_factory.mktemp("replay")
    bundle = out / "replay.cjs"
    subprocess.run(
        [
            str(esbuild),
            str(ROOT / "js" / "testing" / "replay.ts"),
            "--bundle",
            "--platform=node",
            "--format=cjs",
            f"--outfile={bundle}",
            "--log-level=warning",
        ],
        check=True,
        cwd=ROOT,
    )
    runner = out / "runner.cjs"
    runner.write_text(RUNNER)
    counter = iter(range(10**6))

    def replay(view, stream, fresh):
        work = out / f"case{next(counter)}"
        work.mkdir()
        names = []
        for i, packed in enumerate(stream):
            (work / f"{i:05d}.bin").write_bytes(packed)
            names.append(f"{i:05d}.bin")
        (work / "fresh.bin").write_bytes(fresh)
        (work / "spec.json").write_text(
            json.dumps({"view": view, "stream": names, "fresh": "fresh.bin"})
        )
        done = subprocess.run(
            [node, str(runner), str(bundle), str(work)], capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    return replay
