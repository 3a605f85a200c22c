"""Hidden checks for exercises/02_causal_graphs (never shipped to students).

Values are compared with references computed here from the same simulator
seed the notebook uses; the student's estimator is called on fresh data from
seeds the notebook never uses (binary and continuous treatments).
"""

import statsmodels.api as sm

from causalcourse.grading import (
    Call,
    CheckFailed,
    Question,
    expect_choice,
    expect_close,
    expect_raises,
)
from causalcourse.graphs import is_valid_adjustment_set, partial_correlation
from causalcourse.simulate.graphs import (
    TUTORING_COEFFICIENTS,
    TUTORING_EDGES,
    linear_total_effect,
    simulate_loyalty_program,
    simulate_tutoring,
)

EXERCISE = "02_causal_graphs"

_DATA = simulate_tutoring(n=3000, seed=202)
_SETS = {
    "A": [],
    "B": ["motivation"],
    "C": ["motivation", "prior_grade"],
    "D": ["motivation", "prior_grade", "homework"],
    "E": ["motivation", "prior_grade", "distance"],
    "F": ["motivation", "prior_grade", "feedback"],
}


def _ols(data, treatment, outcome, adjustment):
    x = sm.add_constant(data[[treatment, *adjustment]].astype(float), has_constant="add")
    return float(sm.OLS(data[outcome].astype(float), x).fit().params[treatment])


def _check_collider(values, calls):
    expect_close(values["corr_distance_motivation"],
                 float(_DATA["distance"].corr(_DATA["motivation"])), "corr_distance_motivation")
    expect_close(values["pcor_given_tutoring"],
                 partial_correlation(_DATA, "distance", "motivation", ["tutoring"]),
                 "pcor_given_tutoring")
    return "conditioning on the collider tutoring makes distance and motivation correlated"


def _fresh_cases():
    """Inputs the notebook never saw: new seeds, binary and continuous treatments."""
    loyalty_a = simulate_loyalty_program(n=1500, seed=8001).observed
    loyalty_b = simulate_loyalty_program(n=800, seed=8002).observed
    tutoring = simulate_tutoring(n=1200, seed=8003)
    return [
        Call((loyalty_a, "loyalty", "spend", ["past_spend"])),
        Call((loyalty_a, "loyalty", "spend", [])),
        Call((loyalty_b, "loyalty", "spend", ("past_spend", "visits", "coupon_use"))),
        Call((tutoring, "tutoring", "score", ["motivation", "prior_grade", "distance"])),
        Call((tutoring, "homework", "score", ["tutoring", "motivation", "prior_grade"])),
        # Behaviour: the treatment inside the adjustment set, and an unknown column.
        Call((tutoring, "tutoring", "score", ["motivation", "tutoring"])),
        Call((loyalty_b, "loyalty", "spend", ["past_spend", "household_size"])),
    ]


def _check_function(values, calls):
    results = calls["backdoor_adjusted_effect"]
    cases = _fresh_cases()
    if len(results) != len(cases):
        raise CheckFailed("backdoor_adjusted_effect could not be called on the test inputs",
                          "error")
    for i, (call, got) in enumerate(zip(cases[:-2], results[:-2], strict=True), start=1):
        expect_close(got, _ols(*call.args), f"backdoor_adjusted_effect on unseen data (test {i})",
                     rel=1e-6)
    expect_raises(results[-2], "ValueError",
                  "backdoor_adjusted_effect with the treatment in the adjustment set")
    expect_raises(results[-1], "ValueError",
                  "backdoor_adjusted_effect with a column that is not in the data")
    return "backdoor_adjusted_effect matches OLS on unseen data and rejects bad input"


def _check_valid_sets(values, calls):
    got = values["valid_sets"]
    if not isinstance(got, list) or not all(type(v) is str for v in got):
        raise CheckFailed("valid_sets should be a list of letters (strings)")
    expected = sorted(k for k, z in _SETS.items()
                      if is_valid_adjustment_set(TUTORING_EDGES, "tutoring", "score", z))
    if got != expected:
        raise CheckFailed("valid_sets is not the list of sets that satisfy the backdoor criterion")
    return "exactly the sets without post-treatment variables that block every backdoor path"


def _check_estimates(values, calls):
    truth = linear_total_effect(TUTORING_EDGES, TUTORING_COEFFICIENTS, "tutoring", "score")
    expect_close(values["true_total_effect"], truth, "true_total_effect")
    for name, letter in (("estimate_valid", "C"), ("estimate_mediator", "D"),
                         ("estimate_collider", "F")):
        expect_close(values[name], _ols(_DATA, "tutoring", "score", _SETS[letter]), name)
    return "the valid set recovers the truth; the mediator and the collider do not"


def _check_q5(values, calls):
    expect_choice(values["q5_answer"], ["a", "b", "c", "d"], "d", "q5_answer")
    return "correct: homework is a mediator, a descendant of the treatment"


def _check_q6(values, calls):
    expect_choice(values["q6_answer"], ["a", "b", "c", "d"], "b", "q6_answer")
    return "correct: without overlap there is no one to compare at a given prior grade"


QUESTIONS = [
    Question("q1", 2, ("corr_distance_motivation", "pcor_given_tutoring"), _check_collider,
             title="a collider in data"),
    Question("q2", 3, ("backdoor_adjusted_effect",), _check_function,
             calls={"backdoor_adjusted_effect": _fresh_cases},
             title="your estimator on unseen data"),
    Question("q3", 2, ("valid_sets",), _check_valid_sets, title="valid adjustment sets"),
    Question("q4", 2, ("true_total_effect", "estimate_valid", "estimate_mediator",
                       "estimate_collider"), _check_estimates, title="good and bad controls"),
    Question("q5", 1, ("q5_answer",), _check_q5, title="what not to adjust for"),
    Question("q6", 1, ("q6_answer",), _check_q6, title="identification conditions"),
]

# Guard against a silent change of the exercise's world: the reference sets must
# stay the two the prompt's story implies.
assert [k for k, z in _SETS.items()
        if is_valid_adjustment_set(TUTORING_EDGES, "tutoring", "score", z)] == ["C", "E"]
