"""Tests of nbopt.space: validation, sampling, encoding, grids."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nbopt import space
from nbopt.space import Choice, Float, Int, Space, as_space

# -- validation of dimensions ---------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (lambda: Float(1.0, 1.0), ValueError, "lo < hi"),
        (lambda: Float(2.0, 1.0), ValueError, "lo < hi"),
        (lambda: Float(0.0, 1.0, log=True), ValueError, "positive bounds"),
        (lambda: Float(-1.0, 1.0, log=True), ValueError, "positive bounds"),
        (lambda: Float(0.1, 1.0, log=True, step=0.1), ValueError, "step cannot be combined"),
        (lambda: Float(0.0, 1.0, step=0.0), ValueError, "step must be > 0"),
        (lambda: Float(0.0, 1.0, step=-0.1), ValueError, "step must be > 0"),
        (lambda: Float(0.0, 1.0, step=2.0), ValueError, "larger than the range"),
        (lambda: Float("0", 1.0), TypeError, "lo must be a real number"),
        (lambda: Float(0.0, None), TypeError, "hi must be a real number"),
        (lambda: Float(True, 2.0), TypeError, "real number"),
        (lambda: Float(0.0, math.inf), ValueError, "finite"),
        (lambda: Float(0.0, 1.0, log="yes"), TypeError, "log must be True or False"),
        (lambda: Int(1, 1), ValueError, "lo < hi"),
        (lambda: Int(0, 10, log=True), ValueError, "lo >= 1"),
        (lambda: Int(0.5, 10), TypeError, "lo must be an int"),
        (lambda: Int(0, "9"), TypeError, "hi must be an int"),
        (lambda: Choice([]), ValueError, "must not be empty"),
        (lambda: Choice(["a", "b", "a"]), ValueError, "duplicate option 'a'"),
        (lambda: Choice([1, 1.0]), ValueError, "duplicate option"),
        (lambda: Choice("abc"), TypeError, "list or tuple"),
        (lambda: Choice({"a", "b"}), TypeError, "list or tuple"),
    ],
)
def test_bad_dimensions(make: Any, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        make()


def test_choice_keeps_bools_apart_from_numbers() -> None:
    c = Choice([0, False, 1, True])
    assert c.validate(False) is False
    assert c.validate(np.int64(1)) == 1 and c.validate(np.int64(1)) is not True
    assert c.index(True) == 3


def test_bad_spaces() -> None:
    with pytest.raises(TypeError, match="names must be str"):
        Space({1: Float(0, 1)})  # type: ignore[dict-item]
    with pytest.raises(TypeError, match="'x' must be a Float, Int or Choice"):
        Space({"x": (0, 1)})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="at least one dimension"):
        Space({})
    with pytest.raises(TypeError, match="mapping name -> dimension"):
        Space([("x", Float(0, 1))])  # type: ignore[arg-type]


def test_validate_params() -> None:
    s = Space({"lr": Float(1e-4, 1e-1, log=True), "n": Int(1, 4), "act": Choice(["relu", "tanh"])})
    out = s.validate({"act": "tanh", "n": np.int64(2), "lr": np.float32(0.01)})
    assert list(out) == ["lr", "n", "act"]
    assert type(out["lr"]) is float and type(out["n"]) is int
    assert s.validate({"lr": 0.01, "n": 3.0, "act": "relu"})["n"] == 3
    with pytest.raises(ValueError, match=r"unknown parameter\(s\) \['depth'\]"):
        s.validate({"lr": 0.01, "n": 2, "act": "relu", "depth": 3})
    with pytest.raises(ValueError, match=r"missing parameter\(s\) \['act'\]"):
        s.validate({"lr": 0.01, "n": 2})
    with pytest.raises(ValueError, match="outside"):
        s.validate({"lr": 0.5, "n": 2, "act": "relu"})
    with pytest.raises(ValueError, match="outside"):
        s.validate({"lr": 0.01, "n": 5, "act": "relu"})
    with pytest.raises(TypeError, match="expected an integer"):
        s.validate({"lr": 0.01, "n": 2.5, "act": "relu"})
    with pytest.raises(TypeError, match="expected a real number"):
        s.validate({"lr": "0.01", "n": 2, "act": "relu"})
    with pytest.raises(ValueError, match="not one of the options"):
        s.validate({"lr": 0.01, "n": 2, "act": "sigmoid"})
    with pytest.raises(TypeError, match="dict name -> value"):
        s.validate([0.01, 2, "relu"])  # type: ignore[arg-type]


def test_step_validation() -> None:
    f = Float(0.0, 0.3, step=0.1)
    assert f.grid() == [0.0, 0.1, 0.2, 0.3]
    assert f.validate(0.30000000000000004) == 0.3
    with pytest.raises(ValueError, match="not on the step grid"):
        f.validate(0.15)
    # a step equal to the range, up to rounding of lo + width, gives the two ends
    width = 16383.252805542828
    assert Float(5.0, 5.0 + width, step=width).grid() == [5.0, 5.0 + width]


def test_reprs() -> None:
    s = as_space(
        {
            "lr": Float(1e-4, 1e-1, log=True),
            "d": Float(0, 1, step=0.25),
            "n": Int(1, 4),
            "u": Int(8, 512, log=True),
            "act": Choice(["relu", "tanh"]),
            "k": Choice([1, 2, 4], ordered=True),
        }
    )
    assert repr(s) == (
        "Space({'lr': Float(0.0001, 0.1, log=True), 'd': Float(0.0, 1.0, step=0.25), "
        "'n': Int(1, 4), 'u': Int(8, 512, log=True), 'act': Choice(['relu', 'tanh']), "
        "'k': Choice([1, 2, 4], ordered=True)})"
    )
    assert as_space(s) is s
    assert s == Space(s.dims)
    assert s.encoded_dim == 1 + 1 + 1 + 1 + 2 + 1


# -- sampling -------------------------------------------------------------------------


def test_log_sampling_is_log_uniform() -> None:
    rng = np.random.default_rng(0)
    f = Float(1e-4, 1.0, log=True)
    x = np.array([f.sample(rng) for _ in range(4000)])
    # log-uniform: each decade holds a quarter of the mass.
    counts = np.histogram(np.log10(x), bins=[-4, -3, -2, -1, 0])[0] / len(x)
    np.testing.assert_allclose(counts, 0.25, atol=0.03)


def test_int_sampling_includes_both_ends_uniformly() -> None:
    rng = np.random.default_rng(1)
    d = Int(1, 4)
    x = np.array([d.sample(rng) for _ in range(4000)])
    counts = np.bincount(x, minlength=5)[1:] / len(x)
    np.testing.assert_allclose(counts, 0.25, atol=0.03)


def test_int_log_sampling() -> None:
    rng = np.random.default_rng(2)
    d = Int(1, 1000, log=True)
    x = np.array([d.sample(rng) for _ in range(4000)])
    assert x.min() >= 1 and x.max() <= 1000
    # each integer owns its log-width bin [k - 0.5, k + 0.5] of [0.5, 1000.5]
    expected = math.log(31.5 / 0.5) / math.log(1000.5 / 0.5)
    assert np.mean(x < 32) == pytest.approx(expected, abs=0.03)


def test_step_sampling_hits_only_the_grid() -> None:
    rng = np.random.default_rng(3)
    f = Float(0.0, 1.0, step=0.25)
    x = {f.sample(rng) for _ in range(500)}
    assert x == {0.0, 0.25, 0.5, 0.75, 1.0}


def test_sample_returns_python_scalars() -> None:
    s = Space({"x": Float(0, 1), "n": Int(0, 5), "c": Choice([None, "a", (1, 2)])})
    p = s.sample(np.random.default_rng(4))
    assert type(p["x"]) is float and type(p["n"]) is int
    assert any(p["c"] is o for o in s["c"].options)  # type: ignore[attr-defined]


# -- encoding -------------------------------------------------------------------------


def test_encode_decode_examples() -> None:
    s = Space({"lr": Float(1e-3, 1e-1, log=True), "n": Int(1, 4), "act": Choice(["a", "b", "c"])})
    u = s.encode({"lr": 1e-2, "n": 1, "act": "b"})
    np.testing.assert_allclose(u, [0.5, 0.125, 0.0, 1.0, 0.0])
    assert s.decode(u) == {"lr": pytest.approx(1e-2), "n": 1, "act": "b"}
    assert s.decode(np.zeros((2, 5)))[0] == {"lr": 1e-3, "n": 1, "act": "a"}
    assert s.decode(np.ones(5)) == {"lr": 1e-1, "n": 4, "act": "a"}
    assert s.decode([1.7, -3.0, 0.2, 0.1, 0.9]) == {"lr": 1e-1, "n": 1, "act": "c"}
    with pytest.raises(ValueError, match=r"expected shape \(n, 5\)"):
        s.decode(np.zeros((2, 4)))
    with pytest.raises(ValueError, match="NaN"):
        s.decode([np.nan, 0.5, 0.2, 0.1, 0.9])
    assert s.slices == {"lr": slice(0, 1), "n": slice(1, 2), "act": slice(2, 5)}


def test_grid() -> None:
    s = Space({"lr": Float(1e-3, 1e-1, log=True), "n": Int(1, 4), "act": Choice(["a", "b"])})
    g = s.grid(3)
    assert len(g) == s.grid_size(3) == 3 * 3 * 2
    assert [p["lr"] for p in g[::6]] == pytest.approx([1e-3, 1e-2, 1e-1])
    assert g[0] == {"lr": 1e-3, "n": 1, "act": "a"}
    assert g[1] == {"lr": 1e-3, "n": 1, "act": "b"}
    assert s.grid_size({"lr": 5}) == 5 * 4 * 2
    assert s.grid_size() == 10 * 4 * 2
    assert Int(1, 100).grid(5) == [1, 26, 50, 75, 100]
    with pytest.raises(ValueError, match="unknown dimension"):
        s.grid({"depth": 3})
    with pytest.raises(ValueError, match=">= 2"):
        s.grid(1)
    with pytest.raises(TypeError, match="int >= 2"):
        s.grid(2.5)  # type: ignore[arg-type]


# -- properties over random spaces ----------------------------------------------------

finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)


@st.composite
def dimensions(draw: Any) -> Any:
    kind = draw(st.sampled_from(["float", "logfloat", "step", "int", "logint", "choice", "ord"]))
    if kind in ("float", "step"):
        lo = draw(finite)
        width = draw(st.floats(1e-3, 1e5))
        if kind == "float":
            return Float(lo, lo + width)
        return Float(lo, lo + width, step=width / draw(st.integers(1, 50)))
    if kind == "logfloat":
        lo = draw(st.floats(1e-8, 1e3))
        return Float(lo, lo * draw(st.floats(1.01, 1e6)), log=True)
    if kind in ("int", "logint"):
        lo = draw(st.integers(1 if kind == "logint" else -1000, 1000))
        return Int(lo, lo + draw(st.integers(1, 10_000)), log=kind == "logint")
    opts = draw(
        st.lists(
            st.one_of(st.text(max_size=3), st.integers()),
            min_size=1,
            max_size=6,
            unique_by=lambda x: (type(x), x),
        )
    )
    return Choice(opts, ordered=kind == "ord")


spaces = st.dictionaries(st.text(min_size=1, max_size=5), dimensions(), min_size=1, max_size=5).map(
    Space
)


@settings(max_examples=60, deadline=None)
@given(s=spaces, seed=st.integers(0, 2**32 - 1))
def test_samples_in_bounds_and_encode_round_trip(s: Space, seed: int) -> None:
    rng = np.random.default_rng(seed)
    points = [s.sample(rng) for _ in range(5)]
    for p in points:
        assert s.validate(p) == p
    u = s.encode(points)
    assert u.shape == (5, s.encoded_dim)
    assert np.all((u >= 0) & (u <= 1))
    back = s.decode(u)
    for p, q in zip(points, back):
        for name, dim in s.items():
            if isinstance(dim, Float) and dim.step is None:
                assert q[name] == pytest.approx(p[name], rel=1e-9, abs=1e-9 * (dim.hi - dim.lo))
            else:
                assert q[name] == p[name] and type(q[name]) is type(p[name])


@settings(max_examples=60, deadline=None)
@given(s=spaces, seed=st.integers(0, 2**32 - 1))
def test_decode_of_any_unit_point_is_valid(s: Space, seed: int) -> None:
    u = np.random.default_rng(seed).uniform(-0.2, 1.2, size=(4, s.encoded_dim))
    for p in s.decode(u):
        assert s.validate(p) == p


@settings(max_examples=40, deadline=None)
@given(s=spaces, res=st.integers(2, 6))
def test_grid_sizes_and_points(s: Space, res: int) -> None:
    size = s.grid_size(res)
    if size > 5000:
        return
    g = s.grid(res)
    assert len(g) == size
    assert len({s.key(p) for p in g}) == size
    for name, dim in s.items():
        values = s.grid_values(res)[name]
        if isinstance(dim, Choice):
            assert values == list(dim.options)
        else:
            assert values[0] == dim.lo
            assert values == sorted(values) and len(values) <= res
            if isinstance(dim, Int) and dim.hi - dim.lo + 1 <= res:
                assert values == list(range(dim.lo, dim.hi + 1))
            if isinstance(dim, Float) and dim.step is None:
                assert len(values) == res and values[-1] == dim.hi
    for p in g[:50]:
        assert s.validate(p) == p


# ------------------------------------------------------------------ dimensions as text


@pytest.mark.parametrize(
    ("text", "name", "dim"),
    [
        ("lr=float(1e-4,1e-1,log)", "lr", space.Float(1e-4, 1e-1, log=True)),
        ("lr = Float( 0.001 , 1 )", "lr", space.Float(0.001, 1.0)),
        ("units=int(16, 1024, log=True)", "units", space.Int(16, 1024, log=True)),
        ("n=int(1,4)", "n", space.Int(1, 4)),
        ("act=choice(relu, tanh)", "act", space.Choice(["relu", "tanh"])),
        ("k=choice(1, 2.5, 'a, b', None)", "k", space.Choice([1, 2.5, "a, b", None])),
        ("<b>x</b>=float(0,1)", "<b>x</b>", space.Float(0, 1)),
    ],
)
def test_parse_dimension_reads_each_form(text, name, dim):
    assert space.parse_dimension(text) == (name, dim)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("lr", "expected name=float"),
        ("lr=double(0,1)", "expected name=float"),
        ("lr=float(0)", "needs two numbers"),
        ("lr=float(a,b)", "needs two numbers"),
        ("n=int(1.5,3)", "whole numbers"),
        ("c=choice()", "at least one option"),
        ("lr=float(1,0)", "lo"),
    ],
)
def test_parse_dimension_rejects_bad_text_naming_the_expected_form(text, match):
    with pytest.raises(ValueError, match=match):
        space.parse_dimension(text)


def test_parse_space_keeps_the_order_and_rejects_repeats():
    sp = space.parse_space(["b=int(1,3)", "a=choice(x,y)"])
    assert sp.names == ("b", "a")
    with pytest.raises(ValueError, match="given twice"):
        space.parse_space(["a=int(1,3)", "a=int(1,4)"])
    with pytest.raises(ValueError, match="at least one dimension"):
        space.parse_space([])
