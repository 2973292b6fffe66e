"""Each pruner's decisions against hand-computed cases."""

from __future__ import annotations

import pytest

from nbopt.searchers import (
    HyperbandPruner,
    MedianPruner,
    PruneDecision,
    Pruner,
    StudyView,
    SuccessiveHalvingPruner,
    Trial,
)
from nbopt.searchers._pruners import make_pruner


def complete(number: int, curve: dict[int, float]) -> Trial:
    return Trial(number, {}, "complete", 0.0, intermediate_values=curve)


def running(number: int, curve: dict[int, float]) -> Trial:
    return Trial(number, {}, "running", intermediate_values=curve)


def judge(pruner: Pruner, study: StudyView, number: int) -> PruneDecision:
    return pruner.should_prune(study, study.trial(number))


# ---- median


def median_study(current: dict[int, float], direction: str = "minimize") -> StudyView:
    # complete trials' values at steps 0..3: medians 2.0, 1.5, 1.0, 0.5 at steps 0..3
    done = [
        complete(0, {0: 1.0, 1: 1.0, 2: 0.5, 3: 0.0}),
        complete(1, {0: 2.0, 1: 1.5, 2: 1.0, 3: 0.5}),
        complete(2, {0: 3.0, 1: 2.0, 2: 1.5, 3: 1.0}),
        Trial(3, {}, "pruned", intermediate_values={0: 0.1, 1: 0.1}),  # never sets the bar
    ]
    return StudyView.from_trials([*done, running(9, current)], direction)


def test_median_prunes_a_best_value_worse_than_the_median_at_the_same_step() -> None:
    pruner = MedianPruner(n_startup_trials=3)
    d = judge(pruner, median_study({0: 2.5}), 9)
    assert (d.prune, d.step, d.value, d.threshold, d.n_compared) == (True, 0, 2.5, 2.0, 3)
    assert "worse than the median 2" in d.reason
    # ties are kept; the best value so far counts, not the last one
    assert not judge(pruner, median_study({0: 2.0}), 9).prune
    d = judge(pruner, median_study({0: 1.2, 1: 1.8}), 9)
    assert (d.prune, d.value, d.threshold) == (False, 1.2, 1.5)


def test_median_startup_warmup_interval_and_min_trials() -> None:
    study = median_study({0: 9.0, 1: 9.0, 2: 9.0, 3: 9.0})
    d = judge(MedianPruner(n_startup_trials=4), study, 9)
    assert not d.prune and "start-up: 3 of 4" in d.reason
    # warm-up: no decision below step 4 even though the trial is the worst at step 3
    d = judge(MedianPruner(n_startup_trials=3, n_warmup_steps=4), study, 9)
    assert not d.prune and "warm-up" in d.reason
    d = judge(MedianPruner(n_startup_trials=3, n_warmup_steps=3), study, 9)
    assert d.prune and d.step == 3 and d.threshold == 0.5
    # interval 2 from warm-up 0: steps 0, 2, 4...; the last report is at step 3
    d = judge(MedianPruner(n_startup_trials=3, interval_steps=2), study, 9)
    assert not d.prune and "not a check step" in d.reason
    d = judge(MedianPruner(n_startup_trials=3, interval_steps=3), study, 9)
    assert d.prune
    d = judge(MedianPruner(n_startup_trials=0, n_min_trials=4), study, 9)
    assert not d.prune and d.n_compared == 3


def test_median_maximize() -> None:
    pruner = MedianPruner(n_startup_trials=3)
    # maximizing: values at step 0 are 1, 2, 3 (median 2); 1.5 is worse, 2.5 better
    assert judge(pruner, median_study({0: 1.5}, "maximize"), 9).prune
    assert not judge(pruner, median_study({0: 2.5}, "maximize"), 9).prune


def test_median_no_report_and_a_step_no_complete_trial_reached() -> None:
    pruner = MedianPruner(n_startup_trials=0)
    assert not judge(pruner, median_study({}), 9).prune
    d = judge(pruner, median_study({7: 100.0}), 9)
    assert not d.prune and d.n_compared == 0


# ---- asynchronous successive halving


def test_halving_promotes_the_best_third_without_waiting_for_the_rung_to_fill() -> None:
    pruner = SuccessiveHalvingPruner(min_resource=1, reduction_factor=3)
    study = StudyView()
    values = [0.5, 0.6, 0.4, 0.7, 0.45, 0.3]
    decisions = []
    for number, value in enumerate(values):
        study._put(number, "running", {})
        study._append(number, 0, 9.0)
        assert "rung 0 is at step 1" in judge(pruner, study, number).reason
        study._append(number, 1, value)
        decisions.append(judge(pruner, study, number))
    # n trials at rung 0 so far (itself included): the best max(1, n // 3) go on
    # n=1: 0.5 best -> on; n=2: 0.6 vs 0.5 -> out; n=3: 0.4 best -> on;
    # n=4: 0.7 -> out (cut 0.4); n=5: 0.45 -> out (cut 0.4); n=6: k=2, cut 0.4, 0.3 -> on
    assert [d.prune for d in decisions] == [False, True, False, True, True, False]
    assert [d.threshold for d in decisions if d.prune] == [0.5, 0.4, 0.4]
    out = decisions[4]
    assert (out.rung, out.step, out.value, out.n_compared) == (0, 1, 0.45, 5)
    assert "not among the best 1 of 5" in out.reason


def test_halving_promotion_is_final_and_rungs_are_judged_in_turn() -> None:
    pruner = SuccessiveHalvingPruner(min_resource=1, reduction_factor=2)  # rungs at 1, 2, 4
    study = StudyView()
    study._put(0, "running", {1: 0.5})
    assert not judge(pruner, study, 0).prune  # alone at rung 0
    for number, value in ((1, 0.1), (2, 0.2), (3, 0.3)):
        study._put(number, "complete", {1: value, 2: value})
    # trial 0 is now the worst of 4 at rung 0, but its promotion stands: it is judged at
    # rung 1 (step 2) only, against the 3 complete trials there
    # (values at step >= 2: 0.1, 0.15, 0.2, 0.3; the best 4 // 2 = 2 go on)
    study._append(0, 2, 0.15)
    d = judge(pruner, study, 0)
    assert (d.prune, d.rung, d.threshold, d.n_compared) == (False, 1, 0.15, 4)
    assert d.reason.startswith("promoted at rung 1 (step 2)")
    assert d.reason.endswith("rung 2 is at step 4")
    # a trial whose first report is at step 5 is judged at rungs 0, 1 and 2 with it:
    # rung 0: 0.05 vs 0.5, 0.1, 0.2, 0.3 (cut 0.1); rung 1: vs 0.15, 0.1, 0.2, 0.3
    # (cut 0.1); rung 2 (step 4): nobody else reached it
    study._put(4, "running", {5: 0.05})
    d = judge(pruner, study, 4)
    assert (d.prune, d.rung, d.value, d.threshold, d.n_compared) == (False, 2, 0.05, 0.05, 1)
    # rung 0 now holds 0.5, 0.1, 0.2, 0.3, 0.05 and 0.25: the best 3 pass, cut-off 0.2
    study._put(5, "running", {5: 0.25})
    d = judge(pruner, study, 5)
    assert (d.prune, d.rung, d.value, d.threshold, d.n_compared) == (True, 0, 0.25, 0.2, 6)


def test_halving_min_early_stopping_rate_and_max_resource() -> None:
    pruner = SuccessiveHalvingPruner(3, 3, 1, max_resource=9)  # one rung, at step 9 -> none
    study = StudyView.from_trials([complete(0, {9: 0.0}), running(1, {9: 1.0})])
    d = judge(pruner, study, 1)
    assert not d.prune and "max_resource=9" in d.reason
    pruner = SuccessiveHalvingPruner(3, 3, 1)  # first rung at step 9
    study = StudyView.from_trials([complete(0, {8: 0.0, 9: 0.0}), running(1, {8: 1.0})])
    assert not judge(pruner, study, 1).prune
    study._append(1, 9, 1.0)
    assert judge(pruner, study, 1).threshold == 0.0


# ---- hyperband


def test_hyperband_brackets_and_budgets() -> None:
    p = HyperbandPruner(min_resource=1, max_resource=27, reduction_factor=3)
    # brackets 0..3 start halving at steps 1, 3, 9, 27 (the last never prunes)
    # budgets ceil(4 * 3**(3-b) / (4-b)) = 27, 12, 6, 4
    assert p.n_brackets == 4
    assert p.budgets == [27, 12, 6, 4]
    assert [p.bracket_of(t) for t in (0, 26, 27, 38, 39, 44, 45, 48, 49)] == [
        0,
        0,
        1,
        1,
        2,
        2,
        3,
        3,
        0,
    ]


def test_hyperband_trials_compete_only_within_their_bracket() -> None:
    p = HyperbandPruner(min_resource=1, max_resource=9, reduction_factor=3)
    # budgets [9, 5, 3]: trials 0-8 in bracket 0 (rungs at 1, 3), 9-13 in bracket 1
    # (rung at 3), 14-16 in bracket 2 (no rung below 9)
    study = StudyView.from_trials(
        [
            complete(0, {1: 0.1, 3: 0.1, 9: 0.1}),
            complete(9, {1: 0.9, 3: 0.9, 9: 0.9}),
            running(1, {1: 0.5}),
            running(10, {1: 0.5}),
            running(14, {1: 5.0, 3: 5.0, 8: 5.0}),
        ]
    )
    d = judge(p, study, 1)
    assert (d.prune, d.bracket, d.rung, d.threshold) == (True, 0, 0, 0.1)
    assert d.reason.startswith("bracket 0, rung 0") and d.pruner == "HyperbandPruner"
    # bracket 1 has no rung at step 1, and at step 3 trial 10 beats trial 9
    assert not judge(p, study, 10).prune
    study._append(10, 3, 0.5)
    d = judge(p, study, 10)
    assert (d.prune, d.bracket, d.threshold) == (False, 1, 0.5)
    assert not judge(p, study, 14).prune


def test_hyperband_auto_waits_for_a_complete_trial() -> None:
    p = HyperbandPruner()
    study = StudyView.from_trials([running(0, {0: 1.0, 1: 1.0}), running(1, {0: 2.0, 1: 2.0})])
    d = judge(p, study, 1)
    assert not d.prune and "waiting for a complete trial" in d.reason
    assert p.max_resource is None and p.n_brackets == 0
    study._put(0, "complete", {s: 1.0 for s in range(10)})
    d = judge(p, study, 1)
    assert p.max_resource == 9 and p.n_brackets == 3
    assert (d.prune, d.bracket, d.threshold) == (True, 0, 1.0)


# ---- names, arguments, decisions


def test_make_pruner_names_and_errors() -> None:
    assert isinstance(make_pruner("median"), MedianPruner)
    assert isinstance(make_pruner("Halving"), SuccessiveHalvingPruner)
    assert isinstance(make_pruner("hyperband"), HyperbandPruner)
    assert make_pruner(None) is None
    mine = MedianPruner(n_startup_trials=1)
    assert make_pruner(mine) is mine
    with pytest.raises(ValueError, match=r"unknown pruner 'asha'.*'median', 'halving'"):
        make_pruner("asha")
    with pytest.raises(TypeError, match="Pruner instance"):
        make_pruner(3)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: MedianPruner(n_startup_trials=-1), "n_startup_trials must be an int >= 0"),
        (lambda: MedianPruner(interval_steps=0), "interval_steps must be an int >= 1"),
        (lambda: SuccessiveHalvingPruner(reduction_factor=1), "reduction_factor must be"),
        (lambda: SuccessiveHalvingPruner(min_resource=0), "min_resource must be an int >= 1"),
        (lambda: HyperbandPruner(min_resource=4, max_resource=2), "max_resource must be"),
    ],
)
def test_bad_pruner_arguments_say_what_is_expected(make: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make()  # type: ignore[operator]
    with pytest.raises(TypeError, match="must be an int"):
        MedianPruner(n_warmup_steps=1.5)  # type: ignore[arg-type]


def test_decision_round_trips_through_a_dict() -> None:
    d = PruneDecision(True, "why", 3, 0.5, 0.25, rung=1, bracket=0, pruner="X", n_compared=4)
    assert PruneDecision.from_dict({**d.as_dict(), "extra": 1}) == d
    assert bool(d) and not PruneDecision(False, "keep")


# ---- thresholds: the bars a view draws are the bars the pruner applies


def test_median_thresholds_are_the_medians_it_prunes_against() -> None:
    study = median_study({0: 2.5, 1: 2.0, 2: 1.9})
    pruner = MedianPruner(n_startup_trials=3, n_warmup_steps=1)
    (bars,) = pruner.thresholds(study)
    assert bars.steps == (1, 2, 3) and bars.values == (1.5, 1.0, 0.5)
    decision = judge(pruner, study, 9)
    assert decision.threshold == dict(zip(bars.steps, bars.values))[decision.step]
    assert MedianPruner(n_startup_trials=4).thresholds(study) == ()
    assert MedianPruner(n_startup_trials=3, interval_steps=2).thresholds(study)[0].steps == (0, 2)


def test_halving_thresholds_are_the_rung_cut_offs_of_its_decisions() -> None:
    curves = [{1: 0.5, 3: 0.4, 9: 0.3}, {1: 0.2, 3: 0.1}, {1: 0.9}, {1: 0.3, 3: 0.35}, {1: 0.8}]
    study = StudyView.from_trials([running(n, c) for n, c in enumerate(curves)])
    pruner = SuccessiveHalvingPruner(min_resource=1, reduction_factor=3)
    (bars,) = pruner.thresholds(study)
    # rung 0 (step 1): best 5 // 3 = 1 of 5 -> 0.2; rung 1 (step 3): best 1 of 3 -> 0.1;
    # rung 2 (step 9): one trial -> its own value
    assert bars.steps == (1, 3, 9) and bars.values == (0.2, 0.1, 0.3)
    decision = judge(SuccessiveHalvingPruner(), study, 2)
    assert decision.prune and decision.threshold == bars.values[0]
    assert SuccessiveHalvingPruner(max_resource=3).thresholds(study)[0].steps == (1,)
    assert pruner.thresholds(StudyView()) == ()


def test_hyperband_thresholds_one_line_per_bracket_with_trials() -> None:
    pruner = HyperbandPruner(min_resource=1, max_resource=9, reduction_factor=3)
    # trials 0-8 in bracket 0 (rungs at 1 and 3), 9-13 in bracket 1 (rung at 3)
    trials = [running(n, {1: n / 10, 3: n / 20}) for n in range(9)]
    trials += [running(n, {3: n / 100}) for n in range(9, 14)]
    bars = pruner.thresholds(StudyView.from_trials(trials))
    assert [(b.label, b.steps) for b in bars] == [
        ("bracket 0 cut-off", (1, 3)),
        ("bracket 1 cut-off", (3,)),
    ]
    assert bars[0].values == (0.2, 0.1) and bars[1].values == (0.09,)
    assert HyperbandPruner().thresholds(StudyView.from_trials(trials)) == ()
