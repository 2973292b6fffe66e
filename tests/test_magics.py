"""The %nbopt magics, driven through a real IPython shell."""

from __future__ import annotations

import pytest
from IPython.testing.globalipapp import get_ipython

from nbopt.magics import Spec, parse_spec, parse_start

maybe_ip = get_ipython()
assert maybe_ip is not None
ip = maybe_ip
ip.run_line_magic("load_ext", "nbopt")


# ---------------------------------------------------------------- the spec mini-language


def test_parse_spec_name_only_and_call():
    assert parse_spec("adam") == Spec("adam", {}, None, "adam")
    spec = parse_spec(" sgd(lr=1e-3, momentum=0.9, nesterov=True) ")
    assert spec.name == "sgd"
    assert spec.kwargs == {"lr": 1e-3, "momentum": 0.9, "nesterov": True}
    assert spec.label is None
    assert spec.text == "sgd(lr=1e-3, momentum=0.9, nesterov=True)"


def test_parse_spec_tuples_negative_and_labels():
    spec = parse_spec("my adam = adam(betas=(0.5, 0.9), eps=-1e-8, weight_decay=+0)")
    assert spec.label == "my adam"
    assert spec.kwargs == {"betas": (0.5, 0.9), "eps": -1e-8, "weight_decay": 0}
    assert parse_spec("fast=gd").label == "fast"
    assert parse_spec("fast=gd").name == "gd"


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os').system('echo pwned')",
        "sgd(lr=__import__('os').getpid())",
        "sgd(lr=1e-3 * 2)",
        "sgd(lr=x)",
        "sgd(0.1)",
        "sgd(**{'lr': 0.1})",
        "sgd(lr=",
        "os.path(lr=1)",
        "sgd(lr=1j)",
        "sgd(lr={'a': 1})",
        "sgd(lr=[i for i in range(3)])",
        "",
    ],
)
def test_parse_spec_rejects_anything_but_literals(text):
    with pytest.raises(ValueError, match="optimizer"):
        parse_spec(text)


def test_parse_start_forms():
    assert parse_start("-1.5,2") == (-1.5, 2.0)
    assert parse_start("(-1.5, 2)") == (-1.5, 2.0)
    assert parse_start("[1 2 3]") == (1.0, 2.0, 3.0)
    for bad in ["", "a,b", "1,,x", "inf,0", "nan,1"]:
        with pytest.raises(ValueError, match="--start"):
            parse_start(bad)
