"""Binary message protocol of the race widget: JSON metadata + float64 C-order buffers.

A message is ``(content, buffers)``: ``content`` holds ``type``, ``epoch``, ``seq``, a
``meta`` dict of small values and ``arrays``, one ``{"name", "shape"}`` descriptor per
buffer, in order. :func:`pack` turns a message into one byte string for the ``snapshot``
trait (saved with the notebook): uint32 little-endian header length, the UTF-8 JSON
header, zero padding to a multiple of 8 bytes, then the arrays back to back. The
frontend decoder is ``js/protocol.ts``.
"""

from __future__ import annotations

import json
import math
import struct
from collections.abc import Sequence
from typing import Any

import numpy as np

from nbopt.drawing import RaceInfo

__all__ = [
    "Message",
    "finite_or_none",
    "message",
    "pack",
    "snapshot_message",
    "trace_update",
    "unpack",
]

Message = tuple[dict[str, Any], list[bytes]]


def finite_or_none(x: Any) -> float | None:
    """JSON cannot carry NaN/inf: non-finite numbers (and None) become None.

    Examples
    --------
    >>> finite_or_none(float("inf")) is None, finite_or_none(2)
    (True, 2.0)
    """
    if x is None:
        return None
    v = float(x)
    return v if math.isfinite(v) else None


def _point(p: Any) -> list[float] | None:
    if p is None:
        return None
    a = np.asarray(p, dtype=float).reshape(-1)
    if a.size < 2 or not np.isfinite(a[:2]).all():
        return None
    return [float(a[0]), float(a[1])]


def message(
    type_: str,
    epoch: int,
    seq: int,
    meta: dict[str, Any],
    arrays: Sequence[tuple[str, Any]],
) -> Message:
    """Build ``(content, buffers)`` with every array as float64 C-order bytes."""
    descriptors = []
    buffers = []
    for name, a in arrays:
        arr = np.ascontiguousarray(np.asarray(a, dtype="<f8"))
        descriptors.append({"name": name, "shape": list(arr.shape)})
        buffers.append(arr.tobytes())
    content = {"type": type_, "epoch": epoch, "seq": seq, "meta": meta, "arrays": descriptors}
    return content, buffers


def pack(content: dict[str, Any], buffers: Sequence[bytes]) -> bytes:
    """One byte string holding a message (for a ``Bytes`` trait).

    Examples
    --------
    >>> c, b = message("snapshot", 0, 1, {}, [("a", np.arange(3.0))])
    >>> unpack(pack(c, b))[1][0] == b[0]
    True
    """
    head = json.dumps(content, allow_nan=False, separators=(",", ":")).encode()
    pad = (-(4 + len(head))) % 8
    return b"".join([struct.pack("<I", len(head)), head, b"\0" * pad, *buffers])


def unpack(data: bytes) -> Message:
    """Inverse of :func:`pack`."""
    if len(data) < 4:
        raise ValueError(f"packed message of {len(data)} bytes is shorter than its header")
    (n,) = struct.unpack_from("<I", data, 0)
    content = json.loads(data[4 : 4 + n])
    offset = 4 + n + (-(4 + n)) % 8
    buffers = []
    for d in content["arrays"]:
        size = 8 * int(np.prod(d["shape"], dtype=np.int64))
        if offset + size > len(data):
            raise ValueError("packed message is truncated")
        buffers.append(bytes(data[offset : offset + size]))
        offset += size
    return content, buffers


def trace_update(t: Any) -> dict[str, Any]:
    """Small per-optimizer metadata shared by snapshot and append messages."""
    return {
        "status": str(t.status),
        "step": int(t.step),
        "lr": finite_or_none(t.lr),
        "loss": finite_or_none(t.loss),
        "val_loss": finite_or_none(t.val_loss),
        "diverged_at": t.diverged_at,
        "converged_at": t.converged_at,
        "point": _point(t.point),
        "exit": _point(t.exit),
    }


def snapshot_message(info: RaceInfo, epoch: int, seq: int, *, interactive: bool) -> Message:
    """Encode the whole drawable state of a race as one message.

    Examples
    --------
    >>> from nbopt import optimizers
    >>> from nbopt.drawing import race_info
    >>> race = optimizers.Race("booth", {"GD": optimizers.GradientDescent(lr=0.05)}, steps=5)
    >>> content, buffers = snapshot_message(race_info(race), 0, 0, interactive=True)
    >>> content["type"], len(content["arrays"]) == len(buffers)
    ('snapshot', True)
    """
    arrays: list[tuple[str, Any]] = []
    land = info.landscape
    land_meta = None
    if land is not None:
        land_meta = {
            "log": land.log,
            "floor": land.floor,
            "z_range": [float(land.z_range[0]), float(land.z_range[1])],
        }
        arrays += [
            ("land.x", land.x),
            ("land.y", land.y),
            ("land.z", land.z),
            ("land.levels", land.levels),
        ]
    arrays += [("minima", info.minima.reshape(-1, 2)), ("start", info.start_point.reshape(1, 2))]
    data_meta = None
    if info.data is not None:
        d = info.data
        has_val = d.x_val is not None and d.y_val is not None and len(d.x_val) > 0
        data_meta = {"has_val": has_val, "x_label": d.x_label, "y_label": d.y_label}
        arrays += [("data.x", d.x_train), ("data.y", d.y_train), ("data.line_x", d.line_x)]
        if has_val:
            arrays += [("data.xv", d.x_val), ("data.yv", d.y_val)]
    traces = []
    for i, t in enumerate(info.traces):
        traces.append(
            {"name": t.name, "colour": t.colour, "optimizer": t.optimizer, **trace_update(t)}
        )
        arrays += [
            (f"t{i}.path_steps", t.path_steps),
            (f"t{i}.path", t.path.reshape(-1, 2)),
            (f"t{i}.loss_steps", t.loss_steps),
            (f"t{i}.losses", t.losses),
        ]
        if t.val_losses is not None:
            arrays.append((f"t{i}.val", t.val_losses))
        if t.line_y is not None:
            arrays.append((f"t{i}.line_y", t.line_y))
    meta = {
        "problem": info.problem,
        "dim": info.dim,
        "param_names": list(info.param_names),
        "axis_labels": list(info.axis_labels),
        "step": info.step,
        "total_steps": info.total_steps,
        "state": info.state,
        "error": info.error,
        "view": [[float(a), float(b)] for a, b in info.view],
        "landscape": land_meta,
        "projection": None
        if info.projection is None
        else {"explained": [float(v) for v in info.projection.explained]},
        "data": data_meta,
        "loss": {"log": info.loss_log, "offset": info.loss_offset, "label": info.loss_label},
        "has_validation": info.has_validation,
        "interactive": interactive,
        "traces": traces,
    }
    return message("snapshot", epoch, seq, meta, arrays)
