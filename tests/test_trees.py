"""Honest trees: split, residualization, effect tree, leaf effects, coverage study."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import KFold, cross_val_predict
from sklearn.tree import DecisionTreeRegressor

from causalcourse.estimators import neyman
from causalcourse.heterogeneity import interval_coverage, subgroup_effects, transformed_outcome
from causalcourse.simulate.outreach import simulate_outreach
from causalcourse.trees import (
    _leaf_neyman,
    adaptive_vs_honest_coverage,
    fit_effect_tree,
    honest_leaf_effects,
    honest_split,
    leaf_rules,
    leaf_truth,
    plot_leaf_effects,
    residualize_outcome,
)

COVARIATES = ["past_spend", "tenure_months", "satisfaction", "num_products", "age"]


@pytest.fixture(scope="module")
def world():
    """A discovery/estimation split of the outreach world and a tree grown on it."""
    data = simulate_outreach(4000, seed=41).data
    disc, est = honest_split(data, 0.5, seed=41)
    disc, est = disc.copy(), est.copy()
    for part in (disc, est):
        part["adj"] = residualize_outcome(part[COVARIATES], part["revenue"])
    y_star = transformed_outcome(disc["adj"], disc["outreach"], disc["propensity"])
    tree = fit_effect_tree(disc[COVARIATES], y_star, max_depth=2, min_samples_leaf=200)
    return disc, est, y_star, tree


@pytest.fixture(scope="module")
def reference():
    return simulate_outreach(30_000, seed=42).data


def test_honest_split_is_a_disjoint_random_partition():
    df = pd.DataFrame({"x": np.arange(101)}, index=np.arange(101) * 3)
    disc, est = honest_split(df, 0.5, seed=1)
    assert (len(disc), len(est)) == (50, 51)
    assert disc.index.intersection(est.index).empty
    assert sorted(disc.index.union(est.index)) == sorted(df.index)
    assert disc.index.is_monotonic_increasing  # original row order kept
    again, _ = honest_split(df, 0.5, seed=1)
    other, _ = honest_split(df, 0.5, seed=2)
    assert again.index.equals(disc.index) and not other.index.equals(disc.index)


@pytest.mark.parametrize("frac", [0.0, 1.0, -0.2, 1.5])
def test_honest_split_rejects_bad_fractions(frac):
    with pytest.raises(ValueError, match="frac"):
        honest_split(pd.DataFrame({"x": range(10)}), frac, seed=0)


def test_honest_split_other_errors():
    with pytest.raises(ValueError, match="empty"):
        honest_split(pd.DataFrame({"x": [1.0]}), 0.5, seed=0)
    with pytest.raises(TypeError, match="DataFrame"):
        honest_split(np.arange(10), 0.5, seed=0)
    with pytest.raises(ValueError, match="explicit seed"):
        honest_split(pd.DataFrame({"x": range(10)}), 0.5, seed=None)


def test_residualize_outcome_matches_sklearn_cross_val_predict():
    d = simulate_outreach(900, seed=3).data
    X, y = d[COVARIATES], d["revenue"]
    for n_splits, seed in ((2, 0), (5, 7)):
        ours = residualize_outcome(X, y, n_splits=n_splits, random_state=seed)
        folds = KFold(n_splits, shuffle=True, random_state=seed)
        ref = y.to_numpy() - cross_val_predict(LinearRegression(), X, y, cv=folds)
        np.testing.assert_allclose(ours, ref, rtol=1e-9, atol=1e-8)
    # Removing the covariates' linear part lowers the spread of revenue a lot.
    assert ours.std() < 0.75 * y.std()


def test_residualize_outcome_errors():
    X = np.arange(20.0).reshape(-1, 2)
    with pytest.raises(ValueError, match="1-D with 10 values"):
        residualize_outcome(X, np.ones(9))
    with pytest.raises(ValueError, match="NaN"):
        residualize_outcome(np.where(X > 5, np.nan, X), np.ones(10))
    with pytest.raises(ValueError, match="n_splits"):
        residualize_outcome(X, np.ones(10), n_splits=1)
    with pytest.raises(ValueError, match="too few"):
        residualize_outcome(X, np.ones(10), n_splits=5)
    with pytest.raises(ValueError, match="2-D"):
        residualize_outcome(np.ones(10), np.ones(10))


def test_fit_effect_tree_is_sklearns_tree_and_finds_the_modifier(world):
    disc, _, y_star, tree = world
    ref = DecisionTreeRegressor(max_depth=2, min_samples_leaf=200, random_state=0)
    ref.fit(disc[COVARIATES], y_star)
    np.testing.assert_array_equal(tree.apply(disc[COVARIATES]), ref.apply(disc[COVARIATES]))
    np.testing.assert_allclose(tree.tree_.value, ref.tree_.value)
    assert COVARIATES[tree.tree_.feature[0]] == "satisfaction"
    assert tree.get_n_leaves() == 4
    assert (np.bincount(tree.apply(disc[COVARIATES]))[tree.apply(disc[COVARIATES])]
            >= 200).all()


def test_fit_effect_tree_errors():
    X = np.arange(40.0).reshape(-1, 2)
    with pytest.raises(ValueError, match="more than half"):
        fit_effect_tree(X, np.ones(20), min_samples_leaf=11)
    with pytest.raises(ValueError, match="max_depth"):
        fit_effect_tree(X, np.ones(20), max_depth=0, min_samples_leaf=2)
    with pytest.raises(ValueError, match="min_samples_leaf"):
        fit_effect_tree(X, np.ones(20), min_samples_leaf=2.5)
    with pytest.raises(ValueError, match="y_star"):
        fit_effect_tree(X, np.ones(19), min_samples_leaf=2)
    with pytest.raises(ValueError, match="NaN or infinite"):
        fit_effect_tree(X, np.r_[np.inf, np.ones(19)], min_samples_leaf=2)


def test_leaf_rules_merge_repeated_splits_on_one_covariate():
    x = pd.DataFrame({"s": np.repeat([0.0, 1.0, 2.0, 3.0], 25), "z": np.tile([0.0, 1.0], 50)})
    y = np.repeat([6.0, 2.0, -2.0, -6.0], 25)
    tree = fit_effect_tree(x, y, max_depth=2, min_samples_leaf=10)
    rules = leaf_rules(tree)
    assert list(rules.values()) == ["s <= 0.50", "0.50 < s <= 1.50", "1.50 < s <= 2.50",
                                    "s > 2.50"]
    assert sorted(rules) == sorted(np.unique(tree.apply(x)).tolist())
    arr_tree = fit_effect_tree(x.to_numpy(), y, max_depth=1, min_samples_leaf=10)
    assert list(leaf_rules(arr_tree).values())[0].startswith("x0 <= ")
    assert list(leaf_rules(arr_tree, ["sat", "z"], decimals=1).values()) == [
        "sat <= 1.5", "sat > 1.5"]
    with pytest.raises(ValueError, match="feature names"):
        leaf_rules(arr_tree, ["only_one"])
    with pytest.raises(ValueError, match="fitted"):
        leaf_rules(DecisionTreeRegressor())


def test_leaf_truth_averages_the_reference_by_leaf(world, reference):
    _, _, _, tree = world
    truth = leaf_truth(tree, reference[COVARIATES], reference["true_cate"])
    expected = reference["true_cate"].groupby(tree.apply(reference[COVARIATES])).mean()
    np.testing.assert_allclose(truth.to_numpy(), expected.to_numpy())
    assert truth.index.name == "leaf" and len(truth) == 4
    with pytest.raises(ValueError, match="no reference unit"):
        leaf_truth(tree, reference[COVARIATES].head(3), reference["true_cate"].head(3))
    with pytest.raises(ValueError, match="tau_ref"):
        leaf_truth(tree, reference[COVARIATES], reference["true_cate"].head(3))


def test_honest_leaf_effects_match_subgroup_effects_and_cover(world, reference):
    _, est, _, tree = world
    table = honest_leaf_effects(tree, est[COVARIATES], est, "adj", "outreach",
                                truth="true_cate")
    leaves = pd.Series(tree.apply(est[COVARIATES]), index=est.index)
    ref = subgroup_effects(est, "adj", "outreach", leaves, truth="true_cate")
    pd.testing.assert_frame_equal(table, ref, check_names=False)
    first = est[leaves == table.index[0]]
    one = neyman(first["adj"], first["outreach"])
    assert table.iloc[0]["estimate"] == pytest.approx(one.estimate)
    truth = leaf_truth(tree, reference[COVARIATES], reference["true_cate"])
    assert ((table["ci_low"] <= truth) & (truth <= table["ci_high"])).all()
    # The tree ordered the leaves by satisfaction, so their effects fall.
    assert truth.iloc[0] > truth.iloc[-1]


def test_honest_leaf_effects_errors(world):
    disc, est, _, tree = world
    with pytest.raises(ValueError, match="received no estimation unit"):
        honest_leaf_effects(tree, est[COVARIATES].head(5), est.head(5), "adj", "outreach")
    with pytest.raises(ValueError, match="pass a DataFrame"):
        honest_leaf_effects(tree, est[COVARIATES].to_numpy(), est, "adj", "outreach")
    with pytest.raises(ValueError, match="missing column"):
        honest_leaf_effects(tree, est[["age"]], est, "adj", "outreach")
    with pytest.raises(ValueError, match="missing column"):
        honest_leaf_effects(tree, est[COVARIATES], est, "nope", "outreach")
    few = est[est["outreach"] == 0].head(300)
    few = pd.concat([few, est[est["outreach"] == 1].head(1)])
    with pytest.raises(ValueError, match="subgroup"):
        honest_leaf_effects(tree, few[COVARIATES], few, "adj", "outreach")


def test_vectorized_leaf_neyman_equals_the_loop(world):
    _, est, _, tree = world
    leaves = tree.apply(est[COVARIATES])
    for alpha in (0.05, 0.2):
        fast = _leaf_neyman(leaves, est["adj"].to_numpy(), est["outreach"].to_numpy(), alpha)
        slow = honest_leaf_effects(tree, est[COVARIATES], est, "adj", "outreach", alpha=alpha)
        np.testing.assert_allclose(fast.to_numpy(float), slow.to_numpy(float), rtol=1e-10)
        assert list(fast.index) == list(slow.index)
    with pytest.raises(ValueError, match="fewer than 2 treated"):
        _leaf_neyman(np.array([1, 1, 1, 2, 2, 2]), np.arange(6.0), np.array([1, 0, 0, 1, 1, 0]),
                     0.05)


def test_adaptive_vs_honest_coverage_one_replication(reference):
    d = simulate_outreach(1000, seed=5).data
    out = adaptive_vs_honest_coverage(d, COVARIATES, "revenue", "outreach",
                                      reference=reference, seed=5)
    assert list(out.columns) == ["sample", "leaf", "estimate", "std_error", "ci_low",
                                 "ci_high", "truth", "root"]
    adaptive, honest = (out[out["sample"] == s].set_index("leaf") for s in ("adaptive",
                                                                           "honest"))
    assert list(adaptive.index) == list(honest.index)  # the same tree's leaves
    np.testing.assert_allclose(adaptive["truth"], honest["truth"])
    assert out["root"].nunique() == 1
    again = adaptive_vs_honest_coverage(d, COVARIATES, "revenue", "outreach",
                                        reference=reference, seed=5)
    pd.testing.assert_frame_equal(out, again)
    with pytest.raises(ValueError, match="missing column"):
        adaptive_vs_honest_coverage(d, COVARIATES, "revenue", "outreach",
                                    reference=reference, adjust_for=["nope"], seed=5)
    with pytest.raises(ValueError, match="missing column"):
        adaptive_vs_honest_coverage(d, COVARIATES, "revenue", "outreach",
                                    reference=reference.drop(columns="true_cate"), seed=5)


def test_small_study_adaptive_undercovers_honest_does_not(reference):
    frames = [adaptive_vs_honest_coverage(simulate_outreach(800, seed=900 + r).data,
                                          COVARIATES, "revenue", "outreach",
                                          reference=reference, seed=r) for r in range(60)]
    study = pd.concat(frames)
    cov = {s: interval_coverage(g["ci_low"], g["ci_high"], g["truth"])
           for s, g in study.groupby("sample")}
    assert cov["adaptive"] < 0.85
    assert cov["honest"] > 0.88
    assert cov["honest"] - cov["adaptive"] > 0.1


def test_plot_leaf_effects(world, reference):
    disc, est, _, tree = world
    honest = honest_leaf_effects(tree, est[COVARIATES], est, "adj", "outreach")
    adaptive = honest_leaf_effects(tree, disc[COVARIATES], disc, "adj", "outreach")
    truth = leaf_truth(tree, reference[COVARIATES], reference["true_cate"])
    fig, ax = plt.subplots()
    out = plot_leaf_effects({"adaptive": adaptive, "honest": honest}, truth,
                            labels=leaf_rules(tree), ax=ax, title="t")
    assert out is ax
    assert [t.get_text() for t in ax.get_yticklabels()] == list(leaf_rules(tree).values())
    assert len(ax.containers) == 2 and ax.get_title() == "t"
    with pytest.raises(ValueError, match="empty"):
        plot_leaf_effects({})
    with pytest.raises(ValueError, match="leaves"):
        plot_leaf_effects({"a": honest, "b": honest.iloc[:2]})
    with pytest.raises(ValueError, match="missing column"):
        plot_leaf_effects({"a": honest.drop(columns="ci_low")})
    plt.close("all")
