"""Running code in a real ipykernel (jupyter_client) and reading everything it publishes."""

from __future__ import annotations

import queue
import tempfile
import time
from typing import Any


def run_in_kernel(code_cells: list[str], timeout: float = 900) -> tuple[list[str], list[Any]]:
    """Execute cells in a fresh ipykernel, draining IOPub throughout like a frontend would.

    Returns every stdout line and every IOPub message received (in order), with the
    messages of background threads included. A cell that raises raises ``RuntimeError``
    with the kernel's traceback.
    """
    from jupyter_client.manager import KernelManager

    sockets = tempfile.mkdtemp(prefix="nbopt-kernel-")
    # IPC sockets: local, and no warning about unencrypted TCP
    km = KernelManager(kernel_name="python3", transport="ipc", ip=f"{sockets}/kernel")
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    lines: list[str] = []
    messages: list[Any] = []
    try:
        kc.wait_for_ready(timeout=120)
        for code in code_cells:
            msg_id = kc.execute(code)
            deadline = time.monotonic() + timeout
            while True:
                try:
                    msg = kc.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
                except queue.Empty:
                    raise TimeoutError(f"kernel did not finish within {timeout} s") from None
                messages.append(msg)
                if msg["parent_header"].get("msg_id") != msg_id:
                    continue
                kind, content = msg["msg_type"], msg["content"]
                if kind == "stream" and content["name"] == "stdout":
                    lines.extend(content["text"].splitlines())
                elif kind == "error":
                    raise RuntimeError("kernel error:\n" + "\n".join(content["traceback"]))
                elif kind == "status" and content["execution_state"] == "idle":
                    break
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return lines, messages
