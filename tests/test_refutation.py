"""Refutation helpers: OLS adjustment, placebo checks, DoWhy result tables."""

import warnings
from types import SimpleNamespace

import networkx as nx
import numpy as np
import pytest
import statsmodels.api as sm
from tqdm import TqdmWarning

from causalcourse.refutation import (
    PlaceboCheck,
    describe_estimand,
    ols_effect,
    placebo_check,
    placebo_reading,
    refutation_table,
)
from causalcourse.simulate.confounded import simulate_confounded

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="IProgress not found", category=TqdmWarning)
    from dowhy import CausalModel

COV = ["tenure_years", "prior_growth", "products"]


@pytest.fixture(scope="module")
def sim():
    return simulate_confounded(1200, seed=31)


@pytest.fixture(scope="module")
def dowhy_fit(sim):
    edges = [(c, "workshop") for c in COV] + [(c, "growth") for c in COV]
    model = CausalModel(data=sim.observed, treatment="workshop", outcome="growth",
                        graph=nx.DiGraph([*edges, ("workshop", "growth")]))
    estimand = model.identify_effect()
    estimate = model.estimate_effect(estimand, method_name="backdoor.linear_regression")
    return model, estimand, estimate


def test_ols_effect_matches_statsmodels(sim):
    d = sim.observed
    est = ols_effect(d, "workshop", "growth", COV)
    fit = sm.OLS(d["growth"], sm.add_constant(d[["workshop", *COV]].astype(float))).fit()
    assert est.estimate == pytest.approx(fit.params["workshop"], abs=1e-12)
    assert est.std_error == pytest.approx(fit.bse["workshop"], rel=1e-10)
    assert est.n_treated + est.n_control == len(d)
    assert est.ci_low < est.estimate < est.ci_high
    no_cov = ols_effect(d, "workshop", "growth")
    naive = d.loc[d.workshop == 1, "growth"].mean() - d.loc[d.workshop == 0, "growth"].mean()
    assert no_cov.estimate == pytest.approx(naive, abs=1e-12)


def test_ols_effect_matches_dowhy_linear_regression(sim, dowhy_fit):
    _, _, estimate = dowhy_fit
    assert ols_effect(sim.observed, "workshop", "growth", COV).estimate == pytest.approx(
        estimate.value, abs=1e-12)


def test_ols_effect_handles_collinear_covariates(sim):
    d = sim.observed.assign(tenure_twice=lambda f: 2 * f["tenure_years"])
    a = ols_effect(d, "workshop", "growth", COV).estimate
    b = ols_effect(d, "workshop", "growth", [*COV, "tenure_twice"]).estimate
    assert a == pytest.approx(b, abs=1e-10)


def test_placebo_check_uses_the_documented_permutations(sim):
    d = sim.observed
    check = placebo_check(d, "workshop", "growth", COV, n_permutations=5, seed=9)
    assert isinstance(check, PlaceboCheck)
    rng = np.random.default_rng(9)
    for k in range(5):
        fake = d.assign(workshop=rng.permutation(d["workshop"].to_numpy()))
        assert check.placebo_effects[k] == pytest.approx(
            ols_effect(fake, "workshop", "growth", COV).estimate, abs=1e-12)
    assert 1 / 6 <= check.p_value <= 1


def test_placebo_check_reproduces_dowhy_placebo_with_the_same_draws(sim, dowhy_fit):
    """Same permutations as DoWhy's refuter -> the same placebo average."""
    model, estimand, estimate = dowhy_fit
    ref = model.refute_estimate(estimand, estimate, method_name="placebo_treatment_refuter",
                                placebo_type="permute", num_simulations=8, random_state=4)
    d, rs, effects = sim.observed, np.random.RandomState(4), []
    for _ in range(8):
        idx = rs.choice(len(d), size=len(d), replace=False)
        fake = d.assign(workshop=d["workshop"].to_numpy()[idx])
        effects.append(ols_effect(fake, "workshop", "growth", COV).estimate)
    assert ref.new_effect == pytest.approx(np.mean(effects), abs=1e-12)


def test_placebo_check_separates_real_effects_from_noise():
    big = simulate_confounded(3000, ate=0.05, seed=5).observed
    check = placebo_check(big, "workshop", "growth", COV, n_permutations=100, seed=1)
    assert abs(check.placebo_mean) < 3 * check.placebo_sd / np.sqrt(100)
    assert check.p_value == pytest.approx(1 / 101)
    assert check.reading == "pass"
    assert "permutation p-value" in str(check)
    null = simulate_confounded(3000, ate=0.0, seed=6).observed
    assert placebo_check(null, "workshop", "growth", COV, n_permutations=100,
                         seed=1).p_value > 0.01


@pytest.mark.parametrize(
    ("args", "kwargs", "reading"),
    [
        ((0.18, 0.16), {}, "suspect"),
        ((0.18, 0.16), {"placebo_se": 0.007}, "suspect"),
        ((0.18, 0.005), {"placebo_se": 0.007}, "pass"),
        ((0.18, 0.01), {}, "pass"),
        ((0.18, 0.04), {}, "caution"),
        ((0.18, 0.04), {"placebo_se": 0.005}, "caution"),
        ((-0.2, -0.15), {}, "suspect"),
        ((0.0, 0.01), {}, "suspect"),
        ((0.18, 0.12), {"suspect_share": 0.8}, "caution"),
    ],
)
def test_placebo_reading(args, kwargs, reading):
    assert placebo_reading(*args, **kwargs) == reading


def test_placebo_reading_rejects_bad_numbers():
    with pytest.raises(ValueError, match="estimate must be a finite number"):
        placebo_reading(float("nan"), 0.1)
    with pytest.raises(ValueError, match="placebo_se"):
        placebo_reading(0.2, 0.1, placebo_se=-1.0)
    with pytest.raises(ValueError, match="suspect_share"):
        placebo_reading(0.2, 0.1, suspect_share=0)


def test_refutation_table_reads_real_dowhy_results(sim, dowhy_fit):
    model, estimand, estimate = dowhy_fit
    results = {
        "placebo": model.refute_estimate(
            estimand, estimate, method_name="placebo_treatment_refuter",
            placebo_type="permute", num_simulations=10, random_state=1),
        "subset": model.refute_estimate(
            estimand, estimate, method_name="data_subset_refuter", num_simulations=10,
            random_state=np.random.RandomState(2)),
        "dummy": model.refute_estimate(
            estimand, estimate, method_name="dummy_outcome_refuter", num_simulations=10,
            random_seed=3),
        "sensitivity": model.refute_estimate(
            estimand, estimate, method_name="add_unobserved_common_cause",
            simulation_method="linear-partial-R2", benchmark_common_causes=["tenure_years"],
            effect_fraction_on_treatment=[1.0], plot_estimate=False),
    }
    table = refutation_table(results, estimate=estimate.value)
    assert list(table.index) == ["placebo", "subset", "dummy", "sensitivity"]
    assert list(table["refuter"]) == ["placebo treatment", "data subset", "dummy outcome",
                                      "unobserved common cause (partial R2)"]
    assert table.loc["placebo", "expected"] == 0.0
    assert table.loc["subset", "expected"] == pytest.approx(estimate.value)
    np.testing.assert_allclose(table["estimate"], estimate.value, rtol=1e-10)
    assert list(table["reading"].iloc[:3]) == ["pass", "pass", "pass"]
    assert table.loc["sensitivity", "robustness_value"] == pytest.approx(
        results["sensitivity"].stats["robustness_value"])
    assert table.loc["sensitivity", "reading"] in {"robust", "fragile"}
    assert table.loc[["placebo", "subset", "dummy"], "robustness_value"].isna().all()


def _fake(kind, estimate, new, p):
    return SimpleNamespace(refutation_type=kind, estimated_effect=estimate, new_effect=new,
                           refutation_result={"p_value": p})


def test_refutation_table_readings():
    table = refutation_table({
        "placebo fails": _fake("Refute: Use a Placebo Treatment", 0.18, 0.05, 0.01),
        "placebo suspect": _fake("Refute: Use a Placebo Treatment", 0.18, 0.16, 0.3),
        "bootstrap": _fake("Refute: Bootstrap Sample Dataset", 0.18, 0.181, 0.4),
        "random cause": _fake("Refute: Add a random common cause", 0.18, 0.12, 0.001),
        "dummies": [_fake("Refute: Use a Dummy Outcome", 0, 0.01, 0.4),
                    _fake("Refute: Use a Dummy Outcome", 0, 0.3, 0.0)],
        "simulated confounder": SimpleNamespace(
            refutation_type="Refute: Add an Unobserved Common Cause",
            estimated_effect=0.18, new_effect=-0.02),
    })
    assert list(table.index) == ["placebo fails", "placebo suspect", "bootstrap",
                                 "random cause", "dummies [1]", "dummies [2]",
                                 "simulated confounder"]
    assert list(table["reading"]) == ["fail", "suspect", "pass", "fail", "pass", "fail",
                                      "fragile"]
    assert np.isnan(table.loc["dummies [1]", "estimate"])  # no estimate given
    assert np.isnan(table.loc["simulated confounder", "p_value"])


def test_refutation_table_rejects_bad_input():
    with pytest.raises(ValueError, match="non-empty mapping"):
        refutation_table({})
    with pytest.raises(ValueError, match="non-empty mapping"):
        refutation_table([_fake("Refute: Use a subset of data", 1, 1, 0.5)])
    with pytest.raises(ValueError, match="'x' is a float"):
        refutation_table({"x": 0.3})
    with pytest.raises(ValueError, match="unknown refutation type"):
        refutation_table({"x": _fake("Refute: something new", 1, 1, 0.5)})
    with pytest.raises(ValueError, match="alpha"):
        refutation_table({"x": _fake("Refute: Use a subset of data", 1, 1, 0.5)}, alpha=2)
    no_bench = SimpleNamespace(stats=None, benchmarking_results=None)
    with pytest.raises(ValueError, match="benchmark_common_causes"):
        refutation_table({"s": no_bench})


def test_describe_estimand_is_sorted_and_stable(dowhy_fit):
    _, estimand, _ = dowhy_fit
    text = describe_estimand(estimand)
    assert "W = {prior_growth, products, tenure_years}" in text
    assert "d/d[workshop] E[growth | W]" in text
    assert "instrumental variables: none" in text
    shuffled = SimpleNamespace(
        treatment_variable=["workshop"], outcome_variable=["growth"],
        estimand_type=SimpleNamespace(name="NONPARAMETRIC_ATE"), estimands={"backdoor": {}},
        instrumental_variables=[], frontdoor_variables=[],
        get_backdoor_variables=lambda: ["tenure_years", "prior_growth", "products"])
    assert describe_estimand(shuffled) == text
    empty = SimpleNamespace(
        treatment_variable=["t"], outcome_variable=["y"], estimands={"backdoor": None},
        instrumental_variables=["z"], frontdoor_variables=[],
        get_backdoor_variables=lambda: [])
    assert "backdoor: not identified" in describe_estimand(empty)
    assert "instrumental variables: z" in describe_estimand(empty)
    with pytest.raises(ValueError, match="identified estimand"):
        describe_estimand("backdoor")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.drop(columns="products"), "missing column"),
        (lambda d: d.assign(workshop=d["workshop"] * 2), "must be binary"),
        (lambda d: d.assign(growth=d["growth"].where(d.index > 0)), "missing value"),
        (lambda d: d.assign(products=d["products"].astype(str)), "must be numeric"),
        (lambda d: d.assign(products=d["workshop"] * 3.0), "linear function of the covariates"),
        (lambda d: d.head(4), "more rows than regressors"),
        (lambda d: d.assign(workshop=0), "arm is empty"),
    ],
)
def test_ols_effect_rejects_bad_input(sim, change, message):
    with pytest.raises(ValueError, match=message):
        ols_effect(change(sim.observed), "workshop", "growth", COV)


def test_other_bad_arguments(sim):
    d = sim.observed
    with pytest.raises(ValueError, match="must not include the treatment"):
        ols_effect(d, "workshop", "growth", [*COV, "workshop"])
    with pytest.raises(ValueError, match="alpha"):
        ols_effect(d, "workshop", "growth", COV, alpha=1.5)
    with pytest.raises(ValueError, match="n_permutations"):
        placebo_check(d, "workshop", "growth", COV, n_permutations=1, seed=0)
    with pytest.raises(ValueError, match="explicit seed"):
        placebo_check(d, "workshop", "growth", COV, n_permutations=5)
    with pytest.raises(TypeError, match="DataFrame"):
        ols_effect(d.to_numpy(), "workshop", "growth", COV)
    single = ols_effect(d, "workshop", "growth", "prior_growth")  # one name as a string
    assert single.estimate == pytest.approx(
        ols_effect(d, "workshop", "growth", ["prior_growth"]).estimate)
