"""Plot helpers: ax in, ax out, no global state on import, DAGs that render."""

import subprocess
import sys

import matplotlib.pyplot as plt
import pytest

from causalcourse.estimators import neyman
from causalcourse.plotting import draw_dag, plot_estimates, plot_sampling_distributions, set_style


def test_import_changes_no_global_state():
    code = (
        "import matplotlib as mpl, pandas as pd; before = dict(mpl.rcParams); "
        "p = pd.get_option('display.precision'); import causalcourse, causalcourse.plotting; "
        "assert dict(mpl.rcParams) == before; assert pd.get_option('display.precision') == p"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_set_style_is_explicit():
    set_style(dpi=80)
    assert plt.rcParams["figure.dpi"] == 80


def test_plot_estimates_uses_given_axes_and_draws_truth():
    fig, ax = plt.subplots()
    ests = {"a": neyman([1.0, 2.0, 4.0, 5.0], [0, 0, 1, 1]),
            "b": neyman([1.0, 3.0, 2.0, 6.0], [0, 0, 1, 1])}
    out = plot_estimates(ests, truth=2.5, ax=ax, title="t")
    assert out is ax
    ticks = {t.get_text(): t.get_position()[1] for t in ax.get_yticklabels()}
    assert ticks["a"] > ticks["b"]  # first estimate drawn on top
    assert any(line.get_linestyle() == "--" for line in ax.lines)  # the truth line
    plt.close(fig)


def test_plot_estimates_creates_axes_and_rejects_bad_frames():
    ax = plot_estimates({"a": neyman([1.0, 2.0, 4.0, 5.0], [0, 0, 1, 1])},
                        truth={"a": 3.0})
    assert ax.get_xlabel() == "effect"
    plt.close(ax.figure)
    import pandas as pd

    with pytest.raises(ValueError, match="estimates need columns"):
        plot_estimates(pd.DataFrame({"estimate": [1.0]}))


def test_sampling_distributions():
    fig, ax = plt.subplots()
    out = plot_sampling_distributions({"x": [1.0, 2.0, 3.0], "y": [2.0, 2.5]}, truth=2.0, ax=ax)
    assert out is ax and len(ax.patches) > 0
    plt.close(fig)
    with pytest.raises(ValueError, match="draws is empty"):
        plot_sampling_distributions({})


def test_draw_dag_source_is_deterministic_and_repr_is_stable():
    edges = [("recency", "email"), ("recency", "spend"), ("email", "spend")]
    a = draw_dag(edges, treatment="email", outcome="spend", unobserved=["recency"])
    b = draw_dag(list(reversed(edges)), treatment="email", outcome="spend",
                 unobserved=["recency"])
    assert a.source == b.source
    assert repr(a) == "<causal DAG: 3 nodes, 3 edges>"
    assert "0x" not in repr(a)
    assert "dashed" in a.source


def test_draw_dag_renders_svg():
    svg = draw_dag([("x", "y")]).pipe(format="svg", encoding="utf-8")
    assert "<svg" in svg and ">x<" in svg


def test_draw_dag_rejects_cycles_and_bad_edges():
    with pytest.raises(ValueError, match="cycle"):
        draw_dag([("a", "b"), ("b", "a")])
    with pytest.raises(ValueError, match="pair"):
        draw_dag([("a", "b", "c")])
    with pytest.raises(ValueError, match="rankdir"):
        draw_dag([("a", "b")], rankdir="XY")
