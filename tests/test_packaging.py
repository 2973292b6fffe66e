import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

ENGINE_MODULES = [
    "nbopt",
    "nbopt.space",
    "nbopt.problems",
    "nbopt.optimizers",
    "nbopt.searchers",
    "nbopt.live",
]
JUPYTER_MODULES = [
    "ipywidgets",
    "anywidget",
    "IPython",
    "ipykernel",
    "traitlets",
    "matplotlib",
    "comm",
]


def test_engines_import_no_jupyter_module():
    code = (
        "import sys, json\n"
        + "".join(f"import {m}\n" for m in ENGINE_MODULES)
        + f"roots = {JUPYTER_MODULES!r}\n"
        + "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in roots)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def test_scipy_loads_with_the_first_bayesian_search_not_with_nbopt():
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in ENGINE_MODULES)
        + "print('scipy' in sys.modules)\n"
        + "from nbopt.searchers import BayesianSearch, SurrogateGrid\n"
        + "print('scipy.linalg' in sys.modules, BayesianSearch.__module__)\n"
        + "print('SurrogateGrid' in dir(nbopt.searchers))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True", "nbopt.searchers._bayesian", "True"]
    with pytest.raises(AttributeError, match="has no attribute 'NoSuchSearch'"):
        import nbopt.searchers

        _ = nbopt.searchers.NoSuchSearch


def test_public_contract_names():
    import nbopt

    for name in [
        "optimize",
        "search",
        "load_ipython_extension",
        "space",
        "problems",
        "optimizers",
        "searchers",
        "live",
    ]:
        assert hasattr(nbopt, name), name
    for name in [
        "GridSearch",
        "RandomSearch",
        "GeneticSearch",
        "EvolutionarySearch",
        "BayesianSearch",
    ]:
        assert hasattr(nbopt.searchers, name), name
    for name in ["GradientDescent", "SGD", "RMSProp", "Adam", "AdamW", "AdaGrad", "run"]:
        assert hasattr(nbopt.optimizers, name), name
    for name in ["Float", "Int", "Choice"]:
        assert hasattr(nbopt.space, name), name
    assert callable(nbopt.problems.get) and "rosenbrock" in nbopt.problems.names()
    for name in ["compare", "SearchDashboard", "Pruned"]:
        assert hasattr(nbopt, name), name


def test_export_and_the_other_subpackages_load_on_first_use():
    # DESIGN.md's contract writes nbopt.export.save(...) after a plain `import nbopt`
    code = (
        "import sys, nbopt\n"
        "print('matplotlib' in sys.modules)\n"
        "print(callable(nbopt.export.save), 'matplotlib' in sys.modules)\n"
        "print(nbopt.sklearn.SearchCV.__name__, nbopt.drawing.__name__, nbopt.widgets.__name__)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == [
        "False",
        "True",
        "False",
        "SearchCV",
        "nbopt.drawing",
        "nbopt.widgets",
    ]


@pytest.mark.slow
def test_wheel_contains_the_widget_bundle(tmp_path):
    assert (ROOT / "nbopt" / "static" / "widget.js").is_file(), "run `npm run build` first"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("nbopt-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "nbopt/static/widget.js" in names
    assert "nbopt/static/widget.css" in names
    assert not any(n.startswith(("tests/", "js/", "node_modules/")) for n in names)
