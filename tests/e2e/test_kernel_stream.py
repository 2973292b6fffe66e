"""The race widget's stream through a real ipykernel comm: every step arrives, in order."""

from __future__ import annotations

import json

import numpy as np
from kernelhelpers import run_in_kernel

from nbopt.widgets._protocol import decode_arrays

CELL = r"""
import json
from nbopt import optimizers
from nbopt.widgets import OptimizerRace

race = optimizers.Race(
    "rosenbrock",
    {
        "SGD": optimizers.SGD(lr=1e-3, momentum=0.9),
        "Adam": optimizers.Adam(lr=0.05),
        "GD": optimizers.GradientDescent(lr=0.02),  # diverges within a few steps
    },
    start=(-1.5, 2.0),
    steps=6000,
)
w = OptimizerRace(race, steps_per_second=None)  # flat out: the most data per message
w.play()
assert w.wait(300)
runs = race.runs
print("RESULT " + json.dumps({
    name: [runs[name].step_count, runs[name].status, runs[name].loss] for name in race.names
}))
"""


def _decode(msg):
    content = msg["content"]["data"]["content"]
    return content, decode_arrays(content, [bytes(b) for b in msg["buffers"]])


def test_a_flat_out_race_streams_every_step_through_a_real_kernel():
    lines, messages = run_in_kernel([CELL], timeout=300)
    result = json.loads(next(line for line in lines if line.startswith("RESULT "))[7:])
    custom = [
        _decode(m)
        for m in messages
        if m["msg_type"] == "comm_msg" and m["content"]["data"].get("method") == "custom"
    ]
    appends = [(c, a) for c, a in custom if c["type"] == "append"]
    assert len(appends) >= 3
    seqs = [c["seq"] for c, _ in appends]
    # appends are numbered 1, 2, 3... widget-wide: consecutive, none lost
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))
    assert {c["epoch"] for c, _ in appends} == {appends[0][0]["epoch"]}
    final, _ = appends[-1]
    assert final["meta"]["state"] == "finished"
    assert final["meta"]["step"] == max(r[0] for r in result.values())

    for i, name in enumerate(["SGD", "Adam", "GD"]):
        steps_taken, status, loss = result[name]
        last = 0
        for _, arrays in appends:
            steps = arrays[f"t{i}.steps"]
            # the per-message point budget: whole while a snapshot would hold every point
            assert len(steps) <= (2000 if len(steps) and steps[-1] < 2000 else 256)
            if len(steps):
                # each message goes on exactly where the one before stopped: nothing lost
                assert steps[0] == last + 1
                assert np.all(np.diff(steps) > 0)
                last = int(steps[-1])
            assert arrays[f"t{i}.pos"].shape == (len(steps), 2)
        assert last == steps_taken
        update = final["meta"]["traces"][i]
        assert (update["status"], update["step"]) == (status, steps_taken)
        if status == "diverged":
            assert name == "GD" and steps_taken < 100
            assert update["diverged_at"] == steps_taken
        else:
            assert update["loss"] == loss
