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
    _wide_table_scrolls_in_its_box(page, root)
    shot(page, "search-inside")


_TABLE = """el => {
    const box = el.querySelector('.nbopt-table-scroll');
    const frame = el.querySelector('.nbopt-table-frame').getBoundingClientRect();
    const pinned = el.querySelector('.nbopt-table-body .nbopt-row .nbopt-pin');
    return {widget: el.getBoundingClientRect().right, frame: [frame.left, frame.right],
            scroll: box.scrollWidth, client: box.clientWidth, left: box.scrollLeft,
            pinned: pinned.getBoundingClientRect().left,
            fade: getComputedStyle(el.querySelector('.nbopt-table-fade')).opacity};
}"""


def _wide_table_scrolls_in_its_box(page, root) -> None:
    """A cross-validation table (a column per split) scrolls sideways inside the widget."""
    headers = root.locator(".nbopt-row-head .nbopt-cell").all_inner_texts()
    # the splits of a score are one column, after its mean and spread
    assert "test_score per split" in headers and not any(h.startswith("split") for h in headers)
    assert headers.index("std_test_score") + 1 == headers.index("test_score per split")
    handle = root.element_handle()
    page.wait_for_function(f"el => ({_TABLE})(el).fade === '1'", arg=handle)  # more: a fade
    t = root.evaluate(_TABLE)
    assert t["frame"][1] <= t["widget"] and t["scroll"] > t["client"], t
    more = root.locator(".nbopt-table-more")
    assert more.is_visible() and more.inner_text().endswith("more columns →")
    more.click()  # a page of columns to the right; the number and the value stay put
    page.wait_for_function(f"el => ({_TABLE})(el).left > 0", arg=handle)
    assert abs(root.evaluate(_TABLE)["pinned"] - t["frame"][0]) <= 2
    # at the right end no fade and no button
    root.locator(".nbopt-table-scroll").evaluate("s => { s.scrollLeft = s.scrollWidth; }")
    page.wait_for_function(f"el => ({_TABLE})(el).fade === '0'", arg=handle)
    assert not more.is_visible()
    root.locator(".nbopt-table-scroll").evaluate("s => { s.scrollLeft = 0; }")
    page.wait_for_function(f"el => ({_TABLE})(el).fade === '1'", arg=handle)


def test_the_grid_left_to_run_follows_the_pair_of_the_2d_view(page, jupyter_lab):
    page.set_viewport_size({"width": 1280, "height": 2400})
    write_notebook(
        jupyter_lab.root,
        "grid.ipynb",
        [
            "import time\n"
            "import nbopt\n"
            "from nbopt import space\n"
            "dims = {'lr': space.Float(1e-4, 1e-1, log=True), 'layers': space.Int(1, 4),\n"
            "        'act': space.Choice(['relu', 'tanh'])}\n"
            "def f(lr, layers, act):\n"
            "    time.sleep(0.02)\n"
            "    return (lr - 0.01) ** 2 * 1e4 + layers + (act == 'tanh')\n"
            "res = nbopt.search(f, dims, method='grid', n_trials=50,\n"
            "                   searcher_kwargs={'resolution': 8}, block=False)\n"
            "res",
        ],
    )
    open_notebook(page, jupyter_lab, "grid.ipynb")
    run_cell(page, 0)
    wait_data(page, "d.inside === 'grid:lr,layers'")
    wait_data(page, "d.state === 'finished' && d.trials === '50'", timeout_ms=120_000)
    root = widget(page)
    caption = root.locator(".nbopt-inside-box .nbopt-caption").inner_text()
    assert caption.startswith("grid: 50 of 64 points done, 14 left")
    root.get_by_label("parameter on the y axis").select_option("act")
    wait_data(page, "d.inside === 'grid:lr,act'")
    caption = root.locator(".nbopt-inside-box .nbopt-caption").inner_text()
    assert "a cell holds 4 points" in caption
    shot(page, "search-grid-inside")
