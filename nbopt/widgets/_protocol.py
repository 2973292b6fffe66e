"""The binary message protocol of every nbopt widget: JSON metadata + typed C-order buffers.

A message is ``(content, buffers)``. ``content`` is an :class:`Envelope`: the message
``type``, the ``epoch`` (bumped whenever the widget's history starts over: reset,
recompute), ``seq``, a ``meta`` dict of small values and ``arrays``, one
:class:`ArrayDescriptor` (``name``, ``dtype``, ``shape``) per buffer, in order.

Sequence numbers count the stream's appends, widget-wide: the n-th append carries
``seq = n``, and a snapshot carries the ``seq`` of the last append it already holds. A
frontend that holds seq ``s`` applies the append ``s + 1`` next; a larger one means a
message was lost or overtaken (appends of parallel search trials may be built in another
order than they finished): it keeps it aside and asks for a snapshot. Appends may
overlap what a snapshot holds; every view's append reducer is idempotent.

:func:`pack` turns a message into one byte string for the ``snapshot`` trait (saved with
the notebook): uint32 little-endian header length, the UTF-8 JSON header, zero padding to a
multiple of 8 bytes, then each array padded to a multiple of 8 bytes. The frontend decoder
is ``js/core/protocol.ts``.
"""

from __future__ import annotations

import json
import math
import struct
from collections.abc import Sequence
from typing import Any, Literal, TypedDict

import numpy as np

__all__ = [
    "DTYPES",
    "ArrayDescriptor",
    "ControlMessage",
    "Envelope",
    "ErrorMessage",
    "Message",
    "decode_arrays",
    "finite_or_none",
    "message",
    "pack",
    "unpack",
]

DType = Literal["float64", "float32", "int32", "uint8"]

#: dtypes a buffer may have on the wire (little-endian), by protocol name.
DTYPES: dict[str, np.dtype[Any]] = {
    "float64": np.dtype("<f8"),
    "float32": np.dtype("<f4"),
    "int32": np.dtype("<i4"),
    "uint8": np.dtype("u1"),
}


class ArrayDescriptor(TypedDict):
    """Name, dtype and shape of one binary buffer of a message."""

    name: str
    dtype: DType
    shape: list[int]


class Envelope(TypedDict):
    """The JSON part of a kernel-to-frontend stream message."""

    type: str
    epoch: int
    seq: int
    meta: dict[str, Any]
    arrays: list[ArrayDescriptor]


class ErrorMessage(TypedDict):
    """A control that failed, reported to the frontend (shown, never raised)."""

    type: Literal["error"]
    message: str


class ControlMessage(TypedDict, total=False):
    """A frontend-to-kernel control: ``type`` names the handler, the rest are its arguments.

    Every widget answers ``snapshot_request``, ``play``, ``pause``, ``step`` (``n``),
    ``stop``, ``reset`` and ``speed`` (``steps_per_second``); a widget adds its own.
    """

    type: str
    n: int
    steps_per_second: float | None


Message = tuple[Envelope, list[bytes]]


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


def _wire_dtype(a: np.ndarray) -> DType:
    kind = a.dtype
    if kind == np.float32:
        return "float32"
    if kind == np.uint8 or kind == np.bool_:
        return "uint8"
    if kind.kind in "iu" and a.size and (a.min() < -(2**31) or a.max() >= 2**31):
        return "float64"
    if kind.kind in "iu":
        return "int32"
    return "float64"


def message(
    type_: str,
    epoch: int,
    seq: int,
    meta: dict[str, Any],
    arrays: Sequence[tuple[str, Any]],
) -> Message:
    """Build ``(content, buffers)``; each array keeps a wire dtype close to its own.

    float32 stays float32, bools and uint8 become uint8, integers that fit become int32,
    everything else float64 (C order, little-endian).

    Examples
    --------
    >>> content, buffers = message("append", 0, 1, {}, [("n", np.arange(3))])
    >>> content["arrays"], len(buffers[0])
    ([{'name': 'n', 'dtype': 'int32', 'shape': [3]}], 12)
    """
    descriptors: list[ArrayDescriptor] = []
    buffers = []
    for name, a in arrays:
        arr = np.asarray(a)
        dtype = _wire_dtype(arr)
        out = np.ascontiguousarray(arr, dtype=DTYPES[dtype])
        descriptors.append({"name": name, "dtype": dtype, "shape": list(out.shape)})
        buffers.append(out.tobytes())
    content: Envelope = {
        "type": type_,
        "epoch": int(epoch),
        "seq": int(seq),
        "meta": meta,
        "arrays": descriptors,
    }
    return content, buffers


def _pad8(n: int) -> int:
    return (-n) % 8


def pack(content: Envelope, buffers: Sequence[bytes]) -> bytes:
    """One byte string holding a message (for a ``Bytes`` trait).

    Examples
    --------
    >>> c, b = message("snapshot", 0, 1, {}, [("a", np.arange(3.0))])
    >>> unpack(pack(c, b))[1][0] == b[0]
    True
    """
    head = json.dumps(content, allow_nan=False, separators=(",", ":")).encode()
    parts = [struct.pack("<I", len(head)), head, b"\0" * _pad8(4 + len(head))]
    for buf in buffers:
        parts += [buf, b"\0" * _pad8(len(buf))]
    return b"".join(parts)


def unpack(data: bytes) -> Message:
    """Inverse of :func:`pack`."""
    if len(data) < 4:
        raise ValueError(f"packed message of {len(data)} bytes is shorter than its header")
    (n,) = struct.unpack_from("<I", data, 0)
    content: Envelope = json.loads(data[4 : 4 + n])
    offset = 4 + n + _pad8(4 + n)
    buffers = []
    for d in content["arrays"]:
        if d.get("dtype") not in DTYPES:
            raise ValueError(f"array {d.get('name')!r}: unknown dtype {d.get('dtype')!r}")
        size = DTYPES[d["dtype"]].itemsize * int(np.prod(d["shape"], dtype=np.int64))
        if offset + size > len(data):
            raise ValueError("packed message is truncated")
        buffers.append(bytes(data[offset : offset + size]))
        offset += size + _pad8(size)
    return content, buffers


def decode_arrays(content: Envelope, buffers: Sequence[bytes]) -> dict[str, np.ndarray]:
    """Return the arrays of a message by name, as the frontend decodes them.

    Examples
    --------
    >>> c, b = message("append", 0, 1, {}, [("a", np.eye(2))])
    >>> decode_arrays(c, b)["a"].tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    if len(content["arrays"]) != len(buffers):
        raise ValueError(f"{len(content['arrays'])} array descriptors for {len(buffers)} buffers")
    out = {}
    for d, b in zip(content["arrays"], buffers):
        a = np.frombuffer(b, dtype=DTYPES[d["dtype"]])
        out[d["name"]] = a.reshape(d["shape"])
    return out
