"""The %nbopt magics, driven through a real IPython shell."""

from __future__ import annotations

import pytest
from IPython.core.error import UsageError
from IPython.testing.globalipapp import get_ipython

from nbopt import optimizers, problems
from nbopt.optimizers import Spec, parse_spec, parse_start

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


def test_the_magic_module_re_exports_the_spec_parser():
    import nbopt.magics

    assert nbopt.magics.parse_spec is parse_spec
    assert nbopt.magics.parse_start is parse_start
    assert nbopt.magics.Spec is Spec


def test_parse_start_forms():
    assert parse_start("-1.5,2") == (-1.5, 2.0)
    assert parse_start("(-1.5, 2)") == (-1.5, 2.0)
    assert parse_start("[1 2 3]") == (1.0, 2.0, 3.0)
    for bad in ["", "a,b", "1,,x", "inf,0", "nan,1"]:
        with pytest.raises(ValueError, match="--start"):
            parse_start(bad)


# ---------------------------------------------------------------- through the shell


def _run(cell: str):
    """Run a cell in the shell; returns (result, stdout, stderr) as IPython shows them."""
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        result = ip.run_cell(cell)
    return result, out.getvalue(), err.getvalue()


def test_help_lists_every_problem_and_optimizer_with_defaults():
    result, out, _ = _run("%nbopt --help")
    assert result.success
    for name in problems.names():
        assert f"\n  {name} " in out
    for name in optimizers.names():
        assert f"\n  {name} " in out
    assert "momentum=0" in out and "betas=(0.9, 0.999)" in out and "lr=0.001" in out
    assert "33-D" in out  # the MLP's size is shown
    result, out, _ = _run("%nbopt optimize --help")
    assert result.success
    for flag in ("--optimizers", "--steps", "--start", "--batch-size", "--seed", "--block"):
        assert flag in out
    assert "rosenbrock" in out and "adagrad" in out
    result, out, _ = _run("%nbopt")
    assert result.success and "optimize" in out


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "optimize rosenbruck -o adam",
            "unknown problem 'rosenbruck' (did you mean 'rosenbrock'?)",
        ),
        ("optimize rosenbrock -o adamm", "unknown optimizer 'adamm' (did you mean 'adam'?)"),
        ("optimize rosenbrock -o 'sgd(mom=0.9)'", "optimizer 'sgd' has no hyperparameter 'mom'"),
        ("optimize rosenbrock -o 'sgd(lr=-1)'", "sgd(lr=-1)"),
        ("optimize rosenbrock -o 'sgd(lr=1e-3'", "expected optimizer spec"),
        ("optimize rosenbrock -o 'sgd(lr=open)'", "is not a literal"),
        ("optimize rosenbrock -o adam --start 1,2,3", "'rosenbrock' is 2-D, got 3 coordinates"),
        ("optimize rosenbrock -o adam --start one,two", "--start: expected comma-separated"),
        ("optimize rosenbrock -o adam --steps 0", "--steps: expected a positive"),
        ("optimize rosenbrock -o adam --steps many", "argument --steps: invalid int value"),
        ("optimize rosenbrock -o adam --batch-size 8", "mini-batches need a model problem"),
        ("optimize rosenbrock -o adam --frobnicate", "unrecognized arguments: --frobnicate"),
        ("optimise rosenbrock", "invalid choice: 'optimise'"),
        ("optimize rosenbrock -o 'a=sgd' 'a=adam'", "two optimizers are both called 'a'"),
        ("optimize 'rosenbrock' -o \"adam", "cannot split the line"),
        ("optimize 'quadratic(condition=-5)' -o adam", "problem 'quadratic(condition=-5)'"),
    ],
)
def test_bad_arguments_print_a_short_usage_error_not_a_traceback(line, message):
    result, out, err = _run(f"%nbopt {line}")
    assert not result.success
    assert type(result.error_in_exec).__name__ == "UsageError"
    assert message in err
    assert "Traceback" not in err and "Traceback" not in out
    assert len(err.splitlines()) <= 4


def test_line_magic_builds_the_race_it_was_asked_for():
    result, _, err = _run(
        'w = %nbopt optimize rosenbrock --optimizers "sgd(lr=1e-3, momentum=0.9)" '
        '"adam(lr=0.05, betas=(0.8, 0.99))" --steps 30 --start -1.5,2 --block'
    )
    assert result.success, err
    widget = ip.user_ns["w"]
    from nbopt.widgets import OptimizerRace

    assert isinstance(widget, OptimizerRace)
    race = widget.race
    assert race.problem.name == "rosenbrock"
    assert race.names == ["SGD", "Adam"]
    sgd = race.runs["SGD"].optimizer.hyperparams
    adam = race.runs["Adam"].optimizer.hyperparams
    assert (sgd["lr"], sgd["momentum"], sgd["nesterov"]) == (1e-3, 0.9, False)
    assert (adam["lr"], adam["betas"]) == (0.05, (0.8, 0.99))
    assert race.start.tolist() == [-1.5, 2.0]
    assert race.total_steps == 30
    assert widget.state == "finished" and widget.step == 30


def test_without_optimizers_the_magic_races_the_classics_at_the_problems_rates():
    result, _, err = _run("w = %nbopt optimize rosenbrock --steps 20 --block")
    assert result.success, err
    race = ip.user_ns["w"].race
    assert race.names == ["GradientDescent", "SGD", "RMSProp", "Adam"]
    lrs = problems.get("rosenbrock").default_lrs
    runs = race.runs
    assert type(runs["GradientDescent"].optimizer) is optimizers.GradientDescent
    assert runs["GradientDescent"].optimizer.lr == lrs["gd"]
    assert (runs["SGD"].optimizer.lr, runs["SGD"].optimizer.momentum) == (lrs["sgd"], 0.9)
    assert type(runs["RMSProp"].optimizer) is optimizers.RMSProp
    assert runs["RMSProp"].optimizer.lr == lrs["rmsprop"]
    assert runs["Adam"].optimizer.lr == lrs["adam"]
    # a notebook's own problem gets the rule's rates
    result, _, err = _run(
        "from nbopt.problems import Problem\n"
        "tilted = Problem(lambda p: float(p[0] ** 2 + 10 * p[1] ** 2), "
        "bounds=((-3, 3), (-3, 3)))\n"
        "w = %nbopt optimize tilted --steps 5 --block"
    )
    assert result.success, err
    race = ip.user_ns["w"].race
    assert len(race.names) == 4
    assert race.runs["Adam"].optimizer.lr == ip.user_ns["tilted"].default_lrs["adam"]


def test_help_says_what_runs_without_optimizers():
    _, out, _ = _run("%nbopt optimize --help")
    assert "default: the classics" in " ".join(out.split())


def test_model_problem_options_batch_size_and_seed_reach_the_race():
    result, _, err = _run(
        "w = %nbopt optimize 'linear_regression(n_samples=40, seed=3)' "
        "-o 'sgd(lr=0.05)' 'sgd(lr=0.005)' --batch-size 8 --seed 0 --steps 5 --block"
    )
    assert result.success, err
    race = ip.user_ns["w"].race
    assert race.problem.n_train is not None and race.batch_size == 8 and race.seed == 0
    # two SGDs: told apart by their hyperparameters
    assert race.names == ["SGD(lr=0.05)", "SGD(lr=0.005)"]
    assert race.runs["SGD(lr=0.005)"].optimizer.lr == 0.005


def test_cell_magic_takes_one_labelled_optimizer_per_line():
    cell = "# two learning rates\nfast = gd(lr=0.1)\n\nslow = gd(lr=0.01)  # crawls\n"
    widget = ip.run_cell_magic("nbopt", "optimize booth --steps 10 --block -o adam", cell)
    assert widget.race.names == ["Adam", "fast", "slow"]
    assert widget.race.runs["slow"].optimizer.lr == 0.01
    assert widget.race.problem.name == "booth"


def test_without_block_the_cell_returns_while_the_race_runs():
    widget = ip.run_line_magic("nbopt", "optimize himmelblau -o 'adam(lr=0.1)' --steps 400")
    try:
        assert widget.session.state in ("running", "finished")
        assert widget.wait(timeout=60)
        assert widget.step == 400
    finally:
        widget.stop()


def test_run_line_magic_raises_usage_error_for_callers():
    with pytest.raises(UsageError, match="unknown optimizer"):
        ip.run_line_magic("nbopt", "optimize booth -o nope")


def test_save_writes_the_finished_race(tmp_path):
    target = tmp_path / "race.svg"
    result, out, err = _run(
        f"w = %nbopt optimize booth -o 'fast=gd(lr=0.05)' --steps 15 --save '{target}'"
    )
    assert result.success, err
    assert f"saved {target}" in out
    widget = ip.user_ns["w"]
    assert widget.state == "finished"  # --save implies --block
    svg = target.read_text()
    assert "fast: " in svg and "booth: step 15 of 15" in svg
    result, _, err = _run(f"%nbopt optimize booth -o gd --save '{tmp_path / 'race.jpg'}'")
    assert not result.success and "--save: expected a .png, .svg or .gif" in err
    assert not (tmp_path / "race.jpg").exists()


def test_notebook_variables_can_name_the_problem_and_optimizers():
    import numpy as np

    result, _, err = _run(
        "import numpy as np\n"
        "from nbopt.problems import Problem\n"
        "from nbopt.optimizers import Adam\n"
        "bowl = Problem(lambda p: float(p @ p), bounds=((-2, 2), (-2, 2)), name='bowl')\n"
        "mine = Adam(lr=0.2)\n"
        "w = %nbopt optimize bowl -o mine 'gd(lr=0.1)' --start 1,1 --steps 10 --block"
    )
    assert result.success, err
    race = ip.user_ns["w"].race
    assert race.problem is ip.user_ns["bowl"]
    assert race.names == ["mine", "GradientDescent"]
    assert race.runs["mine"].optimizer.lr == 0.2
    assert np.allclose(race.start, [1.0, 1.0])
    # variables take no options in the spec
    result, _, err = _run("%nbopt optimize bowl -o 'mine(lr=0.5)'")
    assert not result.success and "is a variable of the notebook" in err
    result, _, err = _run("%nbopt optimize not_defined_anywhere -o adam")
    assert not result.success and "unknown problem 'not_defined_anywhere'" in err


def test_in_a_real_kernel_the_output_has_the_widget_and_a_static_png():
    import base64
    import io

    import nbformat
    from nbclient import NotebookClient
    from PIL import Image

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(src)
        for src in (
            "%load_ext nbopt",
            "%nbopt optimize booth -o 'gd(lr=0.05)' 'adam(lr=0.5)' --steps 20 --block",
            "%nbopt optimize booth -o nope",
        )
    ]
    NotebookClient(nb, kernel_name="python3", timeout=300, allow_errors=True).execute()
    # shown as an output the widget can update (display_data), not as the cell's result
    (result,) = [o for o in nb.cells[1].outputs if o["output_type"] == "display_data"]
    data = result["data"]
    assert "application/vnd.jupyter.widget-view+json" in data
    assert "step 20/20, finished" in data["text/plain"]
    png = Image.open(io.BytesIO(base64.b64decode(data["image/png"])))
    assert png.size == (1100, 500)
    (error,) = nb.cells[2].outputs
    assert error["output_type"] == "stream" and error["name"] == "stderr"
    assert error["text"].startswith("UsageError: %nbopt: unknown optimizer 'nope'")
    assert "Traceback" not in error["text"]


# ------------------------------------------------------------------ %nbopt search


def test_search_help_lists_the_forms():
    result, out, _ = _run("%nbopt search --help")
    assert result.success
    for text in (
        "name=float(lo,hi[,log])",
        "name=choice(a,b,...)",
        "--method",
        "--trials",
        "--storage",
        "--name",
        "bayesian",
        "genetic",
    ):
        assert text in out
    result, out, _ = _run("%nbopt --help")
    assert "search" in out


def test_search_magic_searches_a_notebook_function():
    ip.user_ns["train"] = lambda lr, layers, act: (lr - 0.01) ** 2 + layers + (act == "tanh")
    result, _, err = _run(
        'res = %nbopt search train --space "lr=float(1e-4,1e-1,log)" "layers=int(1,4)" '
        '"act=choice(relu,tanh)" --method random --trials 25 --seed 3'
    )
    assert result.success, err
    res = ip.user_ns["res"]
    assert res.wait(timeout=60)
    assert len(res.trials) == 25 and res.method == "RandomSearch"
    assert set(res.best_params) == {"lr", "layers", "act"}
    assert res.space["lr"].log and res.space["act"].options == ("relu", "tanh")
    # spaces in an unquoted spec, a maximized search in the foreground
    ip.user_ns["g"] = lambda x: -((x - 1) ** 2)
    result, _, err = _run(
        "out = %nbopt search g --space x=float(-5, 5) --method random --trials 10 "
        "--direction maximize --block"
    )
    assert result.success, err
    assert ip.user_ns["out"] is None  # a foreground search was shown while it ran


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("search nothing_here --space x=float(0,1)", "no function named 'nothing_here'"),
        ("search not_a_function --space x=float(0,1)", "is a int, not a function"),
        ("search train --space x=floot(0,1)", "cannot read the dimension 'x=floot(0,1)'"),
        ("search train --space x=float(1)", "needs two numbers lo, hi"),
        ("search train --space x=int(0.5,3)", "bounds must be whole numbers"),
        ("search train --space 'x=float(0,1'", "unbalanced parentheses"),
        ("search train --space x=float(0,1) --trials 0", "--trials must be a positive"),
        ("search train --space x=float(0,1) --method newton", "invalid choice: 'newton'"),
        ("search train --space x=float(0,1) --name s", "--name names a study"),
        ("search train", "the following arguments are required: --space"),
    ],
)
def test_search_magic_bad_arguments_are_short_usage_errors(line, message):
    ip.user_ns["train"] = lambda x: x
    ip.user_ns["not_a_function"] = 3
    result, out, err = _run(f"%nbopt {line}")
    assert not result.success
    assert type(result.error_in_exec).__name__ == "UsageError"
    assert message in err, err
    assert "Traceback" not in err and "Traceback" not in out


# ------------------------------------------------------------------ %nbopt compare


def test_compare_help_lists_the_options():
    result, out, _ = _run("%nbopt compare --help")
    assert result.success
    for text in ("--methods", "--trials", "--seeds", "--target", "--executor", "--block"):
        assert text in out
    assert "random,genetic,evolutionary,bayesian" in out  # the default methods
    result, out, _ = _run("%nbopt --help")
    assert "compare" in out


def test_compare_magic_races_searchers_on_a_notebook_function():
    from concurrent.futures import ThreadPoolExecutor

    ip.user_ns["bowl"] = lambda x, y: (x - 1) ** 2 + y**2
    result, _, err = _run(
        "race = %nbopt compare bowl --space x=float(-2,2) y=float(-2,2) "
        "--methods random,evolutionary --trials 8 --seeds 3 --target 0.1"
    )
    assert result.success, err
    race = ip.user_ns["race"]
    assert race.wait(timeout=60)
    c = race.comparison
    assert c.methods == ("random", "evolutionary") and c.seeds == (0, 1, 2)
    assert c.n_trials == 8 and c.target == 0.1 and c.direction == "minimize"
    assert race.table()["n_trials"].tolist() == [24, 24]
    # space-separated methods, a maximized race in the foreground, on a notebook executor
    with ThreadPoolExecutor(2) as pool:
        ip.user_ns["pool"] = pool
        result, _, err = _run(
            "race = %nbopt compare bowl --space x=float(-2,2) y=float(-2,2) "
            "--methods random genetic --trials 5 --seeds 2 --direction maximize "
            "--executor pool --block"
        )
        assert result.success, err
    race = ip.user_ns["race"]
    assert race.done and race.state == "finished"
    assert race.comparison.executor is pool and race.comparison.direction == "maximize"
    assert race.comparison.methods == ("random", "genetic")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("compare bowl --space x=float(0,1) --methods random,newton", "unknown method 'newton'"),
        ("compare bowl --space x=float(0,1) --seeds 0", "--seeds must be a positive"),
        ("compare bowl --space x=float(0,1) --trials 0", "--trials must be a positive"),
        ("compare bowl --space x=float(0,1) --executor nope", "no variable named 'nope'"),
        ("compare nothing_here --space x=float(0,1)", "no function named 'nothing_here'"),
        ("compare bowl --space x=floot(0,1)", "cannot read the dimension"),
        ("compare bowl", "the following arguments are required: --space"),
        ("compare bowl --space x=float(0,1) --seeds many", "argument --seeds: invalid int"),
    ],
)
def test_compare_magic_bad_arguments_are_short_usage_errors(line, message):
    ip.user_ns["bowl"] = lambda x: x
    result, out, err = _run(f"%nbopt {line}")
    assert not result.success
    assert type(result.error_in_exec).__name__ == "UsageError"
    assert message in err, err
    assert "Traceback" not in err and "Traceback" not in out
