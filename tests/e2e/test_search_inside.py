"""What matters and how the model fits, on the dashboard of a real scikit-learn search."""

from __future__ import annotations

import pytest
from labhelpers import (
    data,
    open_notebook,
    run_cell,
    shot,
    wait_data,
    wait_kernel_idle,
    widget,
    write_notebook,
)

pytestmark = pytest.mark.e2e

SETUP = """
import nbopt
from nbopt import space
from nbopt.sklearn import SearchCV
from sklearn.datasets import load_digits
from sklearn.tree import DecisionTreeClassifier

X, y = load_digits(return_X_y=True)
dims = {"max_depth": space.Int(1, 20), "min_samples_leaf": space.Int(1, 50, log=True),
        "criterion": space.Choice(["gini", "entropy"])}
"""


def test_importance_and_the_train_validation_gap_of_a_tree(page, jupyter_lab):
    page.set_viewport_size({"width": 1280, "height": 2400})
    write_notebook(
        jupyter_lab.root,
        "inside.ipynb",
        [
            SETUP,
            "cv = SearchCV(DecisionTreeClassifier(random_state=0), dims, method='random',\n"
            "              n_trials=60, cv=3, seed=0).fit(X, y)\n"
            "res = cv.search_result_\n"
            "res",
            "print(max(res.importance(), key=res.importance().get))",
        ],
    )
    open_notebook(page, jupyter_lab, "inside.ipynb")
    run_cell(page, 0)
    wait_kernel_idle(page)
    run_cell(page, 1)
    wait_kernel_idle(page, timeout_ms=180_000)
    wait_data(page, "d.state === 'finished' && d.trials === '60'")
    # importance: every parameter has a bar, the shares of the Python side
    wait_data(page, "d.importance !== '' && d.importanceBars === '3'")
    shares = dict(
        (name, float(share))
        for name, share in (p.split(":") for p in data(page, "importance").split("|"))
    )
    assert abs(sum(shares.values()) - 1) < 0.01
    run_cell(page, 2)
    wait_kernel_idle(page)
    # the fit view shows the most important parameter, with the best validation marked
    top = max(shares, key=shares.get)
    wait_data(page, f"d.fit.startsWith('{top}:')")
    root = widget(page)
    assert root.locator(".nbopt-fit-box").is_visible()
    # another parameter on the x axis of the fit view
    root.get_by_label("parameter of the train and validation view").select_option("max_depth")
    wait_data(page, "d.fit.startsWith('max_depth:')")
    shot(page, "search-inside")
