"""Scenario discovery on a sweep's stored runs: which combinations of factor values make a
condition on one output true (``durability.survival_months >= 120``)?

The algorithms are the EMA Workbench's (imported on first use: it takes seconds):
PRIM (:class:`ema_workbench.analysis.prim.Prim`) finds a box in the factor space where
the condition holds in most runs, CART (:class:`ema_workbench.analysis.cart.CART`) a
tree of such boxes, and extra-trees feature scoring
(:func:`ema_workbench.analysis.feature_scoring.get_feature_scores_all`) ranks the
factors. Nothing here reads or writes files (:mod:`instap.sweep.discovery_output` does).

Rules (docs/sweeps.md, "Scenario discovery"):

- **Cases.** ``runs`` (default): every successful run is a case, so densities and
  coverages are shares of runs; replications of one design point are cases with the same
  factor values. ``points``: every design point is one case, which meets the condition
  when at least half of its successful replications do. Failed runs and runs without a
  value of the output are left out (and counted).
- **Factors.** Range factors stay numbers (PRIM sees whole-number parameters as real
  numbers, since it pastes to limits between them; their box limits are rounded inward:
  ``x >= 30.5`` is ``x >= 31``); a ``levels`` factor of numbers stays a number; other
  ``levels`` factors (text,
  true/false) are categorical: PRIM may keep any subset of their levels. They are coded
  by their position in the experiment's list, so that the order in which PRIM tries
  levels does not depend on Python's string hashing, and named again in every output.
- **The box.** PRIM peels (``peel_alpha`` 0.05, at least 5% of the cases left in a box)
  and pastes once. The chosen box is the one with the highest coverage among the boxes
  of the trajectory whose density reaches ``density`` (default 0.8; ties: fewer
  restricted factors, then the earlier box); when none does, the box nearest to full
  coverage and full density. Then restrictions whose quasi-p-value (Bryant and Lempert
  2010; the smaller of its two sides for a range) is above 0.05 are dropped one at a
  time, the least significant first, and the box's statistics recomputed.
- **Determinism.** The same folder and settings give the same result: PRIM has no
  randomness; CART and the extra trees get ``random_state`` from the experiment's seed.
"""

from __future__ import annotations

import json
import math
import operator
import re
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from instap.errors import InstapError, shown, suggest

OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    ">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt,
    "==": operator.eq}
OPERATOR_WORDS = {">=": "at least", ">": "more than", "<=": "at most", "<": "less than",
                  "==": "exactly"}
OPERATOR_SLUGS = {">=": "ge", ">": "gt", "<=": "le", "<": "lt", "==": "eq"}
#: Conditions on these outputs of the Instapeconomie model read as a sentence.
OUTPUT_PHRASES = {"durability.survival_months": "the ecosystem lasts {op} {value} months",
                  "durability.functioning_months":
                      "the ecosystem functions for {op} {value} months"}
CASES = ("runs", "points")
DEFAULT_DENSITY = 0.8
#: A restriction of the chosen box is kept when its quasi-p-value is at most this.
SIGNIFICANCE = 0.05
PEEL_ALPHA = 0.05
#: The smallest box PRIM peels to, and the smallest CART leaf, as a share of the cases.
MASS_MIN = 0.05
#: Fewer cases than this are too few for PRIM and CART (a leaf of 5% is one case).
MIN_CASES = 20
#: Points count as meeting the condition when this share of their replications does.
POINT_SHARE = 0.5
EXAMPLE = '"durability.survival_months >= 120"'
_WHERE = re.compile(r"\s*(?P<name>.+?)\s*(?P<op>>=|<=|==|>|<)\s*(?P<value>.*?)\s*")


# ----------------------------------------------------------------------------- condition
@dataclass(frozen=True)
class Condition:
    """``output op value``, e.g. ``durability.survival_months >= 120``."""

    output: str
    op: str
    value: float

    @property
    def text(self) -> str:
        """The condition as written: ``durability.survival_months >= 120``."""
        return f"{self.output} {self.op} {_number(self.value)}"

    @property
    def words(self) -> str:
        """The condition in words: ``the ecosystem lasts at least 120 months``,
        ``participants.work_months_net is more than 5000``."""
        phrase = OUTPUT_PHRASES.get(self.output, f"{self.output} is {{op}} {{value}}")
        return phrase.format(op=OPERATOR_WORDS[self.op], value=_number(self.value))

    @property
    def slug(self) -> str:
        """A folder name: ``durability.survival_months_ge_120``."""
        name = re.sub(r"[^\w.-]+", "-", self.output).strip("-.") or "output"
        value = _number(self.value).replace("-", "minus").replace(".", "p")
        return f"{name}_{OPERATOR_SLUGS[self.op]}_{value}"

    def holds(self, values: np.ndarray) -> np.ndarray:
        """Whether each value meets the condition (NaN never does)."""
        values = np.asarray(values, dtype=float)
        with np.errstate(invalid="ignore"):
            return np.asarray(OPERATORS[self.op](values, self.value), dtype=bool)


def _number(x: float) -> str:
    """``120``, ``0.5``, ``1e-05``: a number as short as it is exact."""
    if float(x).is_integer() and abs(x) < 1e15:
        return str(int(x))
    return repr(float(x))


def parse_condition(text: str, outputs: list[str], factors: list[str] | None = None,
                    where: str = "--where") -> Condition:
    """``OUTPUT OP NUMBER`` with OP one of ``>=, >, <=, <, ==`` and OUTPUT one of
    ``outputs``; otherwise an :class:`InstapError` naming ``where``, the value and what is
    allowed (with did-you-mean for a misspelt output)."""
    allowed_ops = ", ".join(OPERATORS)
    if not isinstance(text, str):
        raise InstapError(f"{where} = {shown(text)}: expected a text OUTPUT OPERATOR NUMBER, "
                          f"e.g. {EXAMPLE}")
    form = f"expected OUTPUT OPERATOR NUMBER, e.g. {EXAMPLE}, with OPERATOR one of {allowed_ops}"
    match = _WHERE.fullmatch(text)
    if match is None or not match["name"] or not match["value"]:
        raise InstapError(f"{where} {shown(text)}: {form}")
    name, op, raw = match["name"], match["op"], match["value"]
    if any(c in raw for c in "<>=!") or any(c in name for c in "<>=!"):
        raise InstapError(f"{where} {shown(text)}: {form}")
    try:
        value = float(raw.replace("_", "x"))  # no 1_000: one way to write a number
    except ValueError:
        raise InstapError(f"{where} {shown(text)}: {shown(raw)} is not a number; "
                          f"{form}") from None
    if not math.isfinite(value):
        raise InstapError(f"{where} {shown(text)}: {shown(raw)} is not allowed; allowed: a "
                          "finite number")
    if name not in outputs:
        listed = ", ".join(outputs)
        if factors and name in factors:
            raise InstapError(f"{where} {shown(text)}: {name!r} is a factor of this sweep, "
                              f"not an output; allowed outputs: {listed}")
        raise InstapError(f"{where} {shown(text)}: unknown output {name!r}"
                          f"{suggest(name, outputs)}; allowed outputs: {listed}")
    return Condition(name, op, value)


# ----------------------------------------------------------------------------- cases
@dataclass
class Cases:
    """What PRIM, CART and the scores see: one row per case.

    ``x``: the factor values (categorical factors coded 0, 1, ... by their position in
    ``labels[name]``); ``meets``: 1 where the condition holds, else 0; ``values``: the
    output (per run, or the mean over a point's replications); ``ids``: run ids (or
    point numbers); ``dropped``: runs left out (failed, or without a value);
    ``ranges``: the range the experiment gave each numeric factor.
    """

    kind: str
    x: pd.DataFrame
    meets: np.ndarray
    values: np.ndarray
    ids: np.ndarray
    labels: dict[str, list[str]]
    runs_used: int
    dropped: int
    ranges: dict[str, tuple[float, float]] = field(default_factory=dict)

    @property
    def n(self) -> int:
        """Number of cases."""
        return len(self.meets)

    @property
    def k(self) -> int:
        """Cases meeting the condition."""
        return int(self.meets.sum())

    def decoded(self) -> pd.DataFrame:
        """``x`` with categorical factors as their level names."""
        x = self.x.copy()
        for name, labels in self.labels.items():
            x[name] = pd.Categorical.from_codes(np.asarray(x[name].cat.codes), labels)
        return x


def level_label(value: Any) -> str:
    """A level as the experiment file writes it: ``evidence``, ``true``, ``[1, 2]``."""
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, str):
        return value
    return json.dumps(value, default=str)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(
        value, bool | np.bool_)


def factor_columns(factors: list[dict[str, Any]], runs: pd.DataFrame
                   ) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """The factor columns of ``runs`` as PRIM takes them, and the level names of the
    categorical ones (see the module's rules)."""
    columns: dict[str, Any] = {}
    labels: dict[str, list[str]] = {}
    for f in factors:
        name = f["name"]
        col = runs[name]
        levels = list(f.get("levels") or [])
        if f["kind"] == "levels" and not all(_is_number(v) for v in levels):
            names = [level_label(v) for v in levels]
            position = {label: i for i, label in enumerate(names)}
            codes = np.array([position.get(level_label(v), -1) for v in col], dtype=np.int64)
            if (codes < 0).any():
                bad = col.iloc[int(np.flatnonzero(codes < 0)[0])]
                raise InstapError(f"factor {name!r}: a run holds the value {shown(bad)}, "
                                  f"which is not one of its levels ({', '.join(names)})")
            columns[name] = pd.Categorical(codes, categories=list(range(len(names))))
            labels[name] = names
        else:
            # whole numbers too: PRIM pastes to quantiles between them (30.5), which its
            # integer columns cannot hold; a box's limits are rounded inward for them
            columns[name] = col.astype(float).to_numpy()
    return pd.DataFrame(columns), labels


def factor_ranges(factors: list[dict[str, Any]]) -> dict[str, tuple[float, float]]:
    """The range the experiment gave each numeric factor (uniform: low to high; normal:
    its clip; numeric levels: lowest to highest), for showing a box's limits on it."""
    ranges: dict[str, tuple[float, float]] = {}
    for f in factors:
        levels = list(f.get("levels") or [])
        if f["kind"] == "uniform" and f.get("low") is not None and f.get("high") is not None:
            ranges[f["name"]] = (float(f["low"]), float(f["high"]))
        elif f["kind"] == "normal" and f.get("clip"):
            ranges[f["name"]] = (float(f["clip"][0]), float(f["clip"][1]))
        elif f["kind"] == "levels" and levels and all(_is_number(v) for v in levels):
            ranges[f["name"]] = (float(min(levels)), float(max(levels)))
    return ranges


def make_cases(runs: pd.DataFrame, factors: list[dict[str, Any]], condition: Condition,
               cases: str = "runs") -> Cases:
    """The cases of ``runs`` (a sweep's run table) for ``condition``: see the module's
    rules; an :class:`InstapError` when too few are left or all (or none) meet it."""
    if cases not in CASES:
        raise InstapError(f"--cases {shown(cases)}: allowed: {', '.join(CASES)}")
    out = condition.output
    ok = runs["error"].isna() if "error" in runs else pd.Series(True, index=runs.index)
    ok &= runs[out].notna()
    good = runs[ok].sort_values("run_id", kind="stable").reset_index(drop=True)
    dropped = int(len(runs) - len(good))
    if cases == "runs":
        x, labels = factor_columns(factors, good)
        values = good[out].to_numpy(dtype=float)
        meets = condition.holds(values)
        ids = good["run_id"].to_numpy()
    else:
        good = good.assign(_meets=condition.holds(good[out].to_numpy(dtype=float)))
        by_point = good.groupby("point", sort=True)
        first = by_point.head(1).reset_index(drop=True)
        x, labels = factor_columns(factors, first)
        share = by_point["_meets"].mean().to_numpy()
        meets = share >= POINT_SHARE
        values = by_point[out].mean().to_numpy(dtype=float)
        ids = first["point"].to_numpy()
    result = Cases(cases, x, meets.astype(np.int64), values, ids, labels, len(good), dropped,
                   factor_ranges(factors))
    unit = "runs" if cases == "runs" else "design points"
    if result.n < MIN_CASES:
        raise InstapError(f"--where {shown(condition.text)}: only {result.n} {unit} with a "
                          f"value of {out} ({dropped} runs failed or have none); scenario "
                          f"discovery needs at least {MIN_CASES}")
    if result.k in (0, result.n):
        lo, hi = float(np.min(values)), float(np.max(values))
        which = f"none of the {result.n} {unit} meets it" if result.k == 0 else \
            f"all {result.n} {unit} meet it"
        raise InstapError(f"--where {shown(condition.text)}: {which} ({out} ranges from "
                          f"{_fmt(lo)} to {_fmt(hi)}); allowed: a condition that some "
                          f"{unit} meet and others do not")
    return result


# ----------------------------------------------------------------------------- boxes
@dataclass
class Restriction:
    """One factor restricted by a box: a range (``lower``..``upper``, each None where the
    box keeps the factor's full range) or a set of ``levels``; ``qp``: its quasi-p-value
    (the smaller of its two sides for a range); ``qp_lower``, ``qp_upper``: per side."""

    factor: str
    kind: str  # "range" or "levels"
    lower: float | None = None
    upper: float | None = None
    levels: list[str] = field(default_factory=list)
    all_levels: list[str] = field(default_factory=list)
    low: float | None = None  # the factor's range in the experiment
    high: float | None = None
    integer: bool = False
    qp_lower: float | None = None
    qp_upper: float | None = None

    @property
    def qp(self) -> float:
        """The restriction's quasi-p-value (smaller side for a range)."""
        sides = [q for q in (self.qp_lower, self.qp_upper) if q is not None]
        return min(sides) if sides else float("nan")

    def words(self) -> str:
        """``renewal_rule is evidence``, ``coaching_slots_per_1000 ≥ 110``."""
        if self.kind == "levels":
            return f"{self.factor} is {_or(self.levels)}"
        lo = None if self.lower is None else _fmt(self.lower, self.integer)
        hi = None if self.upper is None else _fmt(self.upper, self.integer)
        if lo is not None and hi is not None:
            return f"{self.factor} is between {lo} and {hi}"
        if lo is not None:
            return f"{self.factor} ≥ {lo}"
        return f"{self.factor} ≤ {hi}"

    def row(self) -> dict[str, Any]:
        """One row of ``prim_box.csv``."""
        return {"factor": self.factor, "kind": self.kind, "lower": self.lower,
                "upper": self.upper, "levels": " | ".join(self.levels),
                "full_low": self.low, "full_high": self.high,
                "all_levels": " | ".join(self.all_levels), "qp_lower": self.qp_lower,
                "qp_upper": self.qp_upper, "qp": self.qp, "text": self.words()}


@dataclass
class Box:
    """A PRIM box: its statistics and restrictions (``id``: its place on the trajectory;
    boxes appended when dropping restrictions continue the numbering)."""

    id: int
    coverage: float
    density: float
    mass: float
    n: int
    k: int
    restrictions: list[Restriction]

    @property
    def res_dim(self) -> int:
        """Number of restricted factors."""
        return len(self.restrictions)

    def words(self) -> str:
        """The restrictions in words, joined with commas and ``and``."""
        return _and([r.words() for r in self.restrictions])

    def contains(self, runs: pd.DataFrame) -> np.ndarray:
        """Whether each run's factor values lie inside the box."""
        inside = np.ones(len(runs), dtype=bool)
        for r in self.restrictions:
            col = runs[r.factor]
            if r.kind == "levels":
                inside &= np.array([level_label(v) in r.levels for v in col], dtype=bool)
                continue
            values = col.to_numpy(dtype=float)
            if r.lower is not None:
                inside &= values >= r.lower
            if r.upper is not None:
                inside &= values <= r.upper
        return inside


@dataclass
class PrimResult:
    """The peeling trajectory (one row per box: ``id, coverage, density, mass, n, k,
    res_dim, restrictions``), the box chosen by the rule, the box after dropping
    insignificant restrictions (``box``), the names of those dropped and why the box was
    chosen (``rule``)."""

    trajectory: pd.DataFrame
    chosen: Box
    box: Box
    dropped: list[str]
    rule: str
    reached: bool
    density: float


def _restrictions(box_lim: pd.DataFrame, box_init: pd.DataFrame, qp: dict[str, list[float]],
                  cases: Cases, integer: set[str]) -> list[Restriction]:
    """The restricted factors of one PRIM box, most significant first."""
    found: list[Restriction] = []
    for name in box_init.columns:
        init, lim = box_init[name], box_lim[name]
        q = qp.get(name, [-1.0, -1.0])
        side = [None if v is None or v < 0 else float(v) for v in q]
        if name in cases.labels:
            names = cases.labels[name]
            kept, every = set(lim.iloc[0]), set(init.iloc[0])
            if kept == every:
                continue
            found.append(Restriction(
                name, "levels", levels=[names[int(c)] for c in sorted(kept)],
                all_levels=[names[int(c)] for c in sorted(every)], qp_lower=side[0]))
            continue
        lo, hi = float(lim.iloc[0]), float(lim.iloc[1])
        full_lo, full_hi = float(init.iloc[0]), float(init.iloc[1])
        if lo == full_lo and hi == full_hi:
            continue
        restricted = lo != full_lo, hi != full_hi
        if name in integer:  # x >= 30.5 is x >= 31 for a whole number
            lo, hi = float(math.ceil(lo - 1e-9)), float(math.floor(hi + 1e-9))
        low, high = cases.ranges.get(name, (full_lo, full_hi))
        found.append(Restriction(
            name, "range", lower=lo if restricted[0] else None,
            upper=hi if restricted[1] else None, low=min(low, full_lo),
            high=max(high, full_hi),
            integer=name in integer, qp_lower=side[0] if restricted[0] else None,
            qp_upper=side[1] if restricted[1] else None))
    return sorted(found, key=lambda r: (r.qp if not math.isnan(r.qp) else 1.0, r.factor))


def _box(prim_box: Any, i: int, cases: Cases, integer: set[str]) -> Box:
    row = prim_box.peeling_trajectory.iloc[i]
    return Box(i, float(row["coverage"]), float(row["density"]), float(row["mass"]),
               int(row["n"]), int(row["k"]),
               _restrictions(prim_box.box_lims[i], prim_box.prim.box_init, prim_box.qp[i],
                             cases, integer))


def choose_box(trajectory: pd.DataFrame, density: float) -> tuple[int, str, bool]:
    """The box of the rule (module docstring): (its id, the rule in words, whether a box
    reached ``density``)."""
    t = trajectory
    reach = t[t["density"] >= density - 1e-12]
    pct = f"{100 * density:.0f}%"
    if len(reach):
        best = reach.sort_values(["coverage", "res_dim", "id"],
                                 ascending=[False, True, True]).iloc[0]
        return (int(best["id"]), f"the box with the highest coverage among those with a "
                f"density of at least {pct}", True)
    distance = (1 - t["coverage"]) ** 2 + (1 - t["density"]) ** 2
    best_id = int(t.assign(d=distance).sort_values(["d", "id"]).iloc[0]["id"])
    return (best_id, f"no box reaches a density of {pct}; this is the box nearest to full "
            "coverage and full density", False)


@contextmanager
def _quiet() -> Iterator[None]:
    """The EMA Workbench and scikit-learn say much (ipyparallel missing, pandas changes);
    none of it is for the reader."""
    import logging
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        logger = logging.getLogger("EMA")
        level = logger.level
        logger.setLevel(logging.WARNING)
        try:
            yield
        finally:
            logger.setLevel(level)


def run_prim(cases: Cases, density: float = DEFAULT_DENSITY,
             integer: set[str] | None = None) -> PrimResult:
    """PRIM on the cases: the trajectory, the chosen box and the box without its
    insignificant restrictions."""
    with _quiet():
        from ema_workbench.analysis import prim

        base = cases.k / cases.n
        # With 0/1 outcomes every threshold in (0, 1] marks the same cases of interest;
        # the base rate also makes PRIM keep its box whenever peeling improved on it.
        alg = prim.Prim(cases.x, cases.meets, threshold=base, peel_alpha=PEEL_ALPHA,
                        mass_min=MASS_MIN)
        prim_box = alg.find_box()
    integer = integer or set()
    peeled = len(prim_box.peeling_trajectory)
    boxes = [_box(prim_box, i, cases, integer) for i in range(peeled)]
    trajectory = pd.DataFrame([{"id": b.id, "coverage": b.coverage, "density": b.density,
                                "mass": b.mass, "n": b.n, "k": b.k, "res_dim": b.res_dim,
                                "restrictions": b.words()} for b in boxes])
    chosen_id, rule, reached = choose_box(trajectory, density)
    chosen = boxes[chosen_id]
    box, dropped = chosen, []
    with _quiet():
        prim_box.select(chosen_id)
        while box.restrictions and box.restrictions[-1].qp > SIGNIFICANCE:
            weakest = box.restrictions[-1].factor
            prim_box.drop_restriction(weakest)
            dropped.append(weakest)
            box = _box(prim_box, len(prim_box.peeling_trajectory) - 1, cases, integer)
    return PrimResult(trajectory, chosen, box, dropped, rule, reached, density)


# ----------------------------------------------------------------------------- CART
@dataclass
class CartResult:
    """The tree's leaves (``leaf, n, k, coverage, density, mass, res_dim, rules``), the
    tree as text (scikit-learn's ``export_text``), the fitted classifier and the names of
    its features in words."""

    leaves: pd.DataFrame
    text: str
    classifier: Any
    feature_names: list[str]


def _feature_words(cart_names: list[str], sep: str, labels: dict[str, list[str]]
                   ) -> list[str]:
    """CART's dummy names (``renewal_rule!?!2``) as ``renewal_rule is evidence``."""
    words = []
    for name in cart_names:
        if sep in name:
            factor, code = name.split(sep, 1)
            label = labels.get(factor, [])
            words.append(f"{factor} is {label[int(code)] if code.isdigit() else code}")
        else:
            words.append(name)
    return words


def _leaf_rules(clf: Any, cart_names: list[str], sep: str, labels: dict[str, list[str]],
                integer: set[str]) -> dict[int, str]:
    """Each leaf's conditions in words, one constraint per factor (the tightest)."""
    t = clf.tree_
    rules: dict[int, str] = {}

    def walk(node: int, ranges: dict[str, list[float]], kept: dict[str, set[int]]) -> None:
        if t.children_left[node] == -1:
            parts = []
            for name, (lo, hi) in ranges.items():
                flo = None if lo == -math.inf else _fmt(math.floor(lo) + 1 if name in integer
                                                        else lo, name in integer)
                fhi = None if hi == math.inf else _fmt(math.floor(hi) if name in integer
                                                       else hi, name in integer)
                if flo is not None and fhi is not None:
                    parts.append(f"{name} in ({_fmt(lo)}, {_fmt(hi)}]" if name not in integer
                                 else f"{name} from {flo} to {fhi}")
                elif flo is not None:
                    parts.append(f"{name} > {_fmt(lo)}" if name not in integer
                                 else f"{name} ≥ {flo}")
                else:
                    parts.append(f"{name} ≤ {fhi}")
            for name, codes in kept.items():
                parts.append(f"{name} is {_or([labels[name][c] for c in sorted(codes)])}")
            rules[node] = _and(parts) or "all cases"
            return
        feature = cart_names[t.feature[node]]
        threshold = float(t.threshold[node])
        left, right = t.children_left[node], t.children_right[node]
        if sep in feature:
            factor, code = feature.split(sep, 1)
            every = kept.get(factor, set(range(len(labels[factor]))))
            c = int(code)
            walk(left, ranges, {**kept, factor: every - {c}})
            walk(right, ranges, {**kept, factor: every & {c}})
            return
        lo, hi = ranges.get(feature, [-math.inf, math.inf])
        walk(left, {**ranges, feature: [lo, min(hi, threshold)]}, kept)
        walk(right, {**ranges, feature: [max(lo, threshold), hi]}, kept)

    walk(0, {}, {})
    return rules


def run_cart(cases: Cases, seed: int, integer: set[str] | None = None) -> CartResult:
    """A classification tree of the condition (leaves of at least 5% of the cases),
    seeded; its leaves with coverage and density computed from the cases."""
    integer = integer or set()
    with _quiet():
        from ema_workbench.analysis import cart
        from sklearn import tree

        model = cart.CART(cases.x, cases.meets, mass_min=MASS_MIN)
        # CART.build_tree, with a random_state: scikit-learn draws the order in which it
        # tries the features, which decides between equally good splits. The features are
        # CART's: categorical factors as one 0/1 column per level.
        min_samples = max(1, int(MASS_MIN * len(cases.x)))
        dummies = pd.get_dummies(cases.x, prefix_sep=model.sep)
        names = list(model.feature_names)
        x = dummies[names].to_numpy(dtype=float)
        clf = tree.DecisionTreeClassifier(min_samples_leaf=min_samples,
                                          random_state=seed % 2**32)
        clf.fit(x, cases.meets)
        model.clf = clf
        text = tree.export_text(clf, feature_names=_feature_words(names, model.sep,
                                                                  cases.labels),
                                class_names=["not met", "met"], show_weights=True)
    leaf_of = clf.apply(x)
    rules = _leaf_rules(clf, names, model.sep, cases.labels, integer)
    rows = []
    for leaf in sorted(rules):
        inside = leaf_of == leaf
        n, k = int(inside.sum()), int(cases.meets[inside].sum())
        rows.append({"leaf": leaf, "n": n, "k": k, "coverage": k / cases.k,
                     "density": k / n if n else float("nan"), "mass": n / cases.n,
                     "rules": rules[leaf]})
    leaves = pd.DataFrame(rows).sort_values(["density", "k", "leaf"],
                                            ascending=[False, False, True])
    return CartResult(leaves.reset_index(drop=True), text, clf,
                      _feature_words(names, model.sep, cases.labels))


# ----------------------------------------------------------------------------- scores
def feature_scores(cases: Cases, output: str, seed: int) -> pd.DataFrame:
    """Extra-trees feature scores of every factor for the condition (classification)
    and for the output itself (regression), seeded: ``factor, condition, output``."""
    with _quiet():
        from ema_workbench.analysis import feature_scoring
        from ema_workbench.analysis.scenario_discovery_util import RuleInductionType

        state = seed % 2**32
        cond = feature_scoring.get_feature_scores_all(
            cases.x, {"condition": cases.meets}, alg="extra trees",
            mode=RuleInductionType.CLASSIFICATION, random_state=state)
        value = feature_scoring.get_feature_scores_all(
            cases.x, {"output": cases.values}, alg="extra trees",
            mode=RuleInductionType.REGRESSION, random_state=state)
    table = cond.join(value, how="outer").reset_index(names="factor")
    table = table.rename(columns={"output": f"output ({output})"})
    table = table.sort_values(["condition", "factor"], ascending=[False, True])
    return table.reset_index(drop=True)


# ----------------------------------------------------------------------------- all
@dataclass
class Discovery:
    """Scenario discovery of one condition on one sweep: the condition, the cases, PRIM,
    CART, the feature scores, the sentences that say it in words and the settings
    (``summary``: what ``discovery.json`` holds). :meth:`save` writes the folder that
    ``instap discover`` writes."""

    condition: Condition
    cases: Cases
    prim: PrimResult
    cart: CartResult
    scores: pd.DataFrame
    sentences: list[str]
    summary: dict[str, Any]
    sweep: Path | None = None

    @property
    def box(self) -> pd.DataFrame:
        """The chosen PRIM box's restrictions, one row per factor (``prim_box.csv``)."""
        return pd.DataFrame([r.row() for r in self.prim.box.restrictions],
                            columns=list(Restriction("", "range").row()))

    def save(self, folder: str | Path) -> Path:
        """Write the tables, plots and the page into ``folder`` (new or empty)."""
        from instap.sweep.discovery_output import write_discovery
        return write_discovery(self, Path(folder))


def sweep_factors(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """The factors discovery looks at: the design's, and with levers the policy as a
    factor with the policies as its levels (which policy, in which futures?)."""
    factors = list(manifest["design"]["factors"])
    policies = list(manifest["design"].get("policies") or [])
    if len(policies) > 1:
        factors = [{"name": "policy", "kind": "levels", "levels": policies}, *factors]
    return factors


def discover_runs(runs: pd.DataFrame, manifest: dict[str, Any], where: str,
                  density: float = DEFAULT_DENSITY, cases: str = "runs",
                  sweep: Path | None = None) -> Discovery:
    """Scenario discovery of the condition ``where`` on a sweep's runs and (checked)
    manifest; bad input raises :class:`InstapError` before any analysis."""
    if isinstance(density, bool) or not isinstance(density, int | float) or not (
            0 < density <= 1):
        raise InstapError(f"--density {shown(density)}: allowed: a share above 0 and at "
                          "most 1, e.g. 0.8")
    if cases not in CASES:
        raise InstapError(f"--cases {shown(cases)}: allowed: {', '.join(CASES)}")
    factors = sweep_factors(manifest)
    names = [f["name"] for f in factors]
    condition = parse_condition(where, list(manifest["outputs"]), names)
    data = make_cases(runs, factors, condition, cases)
    seed = int(manifest["design"]["seed"])
    integer = {f["name"] for f in factors if f.get("integer")}
    prim_result = run_prim(data, float(density), integer)
    cart_result = run_cart(data, seed, integer)
    scores = feature_scores(data, condition.output, seed)
    result = Discovery(condition, data, prim_result, cart_result, scores, [], {}, sweep)
    result.sentences = sentences(result, manifest)
    result.summary = _summary(result, manifest)
    return result


# ----------------------------------------------------------------------------- words
def _fmt(x: float, integer: bool = False) -> str:
    """A number for a sentence: 3 significant digits, whole numbers as such."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    if integer or float(x).is_integer():
        return f"{round(x):,}"
    return f"{x:.3g}"


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _and(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _or(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " or " + parts[-1]


def horizon_note(condition: Condition, manifest: dict[str, Any]) -> str | None:
    """For survival conditions at the horizon: that such runs were still alive at its end
    (their survival is censored there)."""
    if condition.output != "durability.survival_months":
        return None
    names = {f["name"] for f in manifest["design"]["factors"]}
    months = manifest.get("base_parameters", {}).get("months")
    if "months" in names or not isinstance(months, int | float):
        return None
    if condition.op in (">=", "==") and condition.value >= months or (
            condition.op == ">" and condition.value >= months - 1):
        return (f"{_fmt(months)} months is the whole horizon of the runs: these are the runs "
                "in which the ecosystem was still alive at the end (its survival is cut off "
                "there, so PRIM cannot tell a run that would have lasted 11 years from one "
                "that would have lasted 30).")
    return None


def sentences(d: Discovery, manifest: dict[str, Any]) -> list[str]:
    """What the discovery says, in plain words (the page's first paragraphs)."""
    c, cases, p = d.condition, d.cases, d.prim
    unit = "runs" if cases.kind == "runs" else "design points"
    spelled = f" ({c.text})" if c.output in OUTPUT_PHRASES else ""
    text = [f"In {_pct(cases.k / cases.n)} of the {cases.n:,} {unit} ({cases.k:,}), "
            f"{c.words}{spelled}."]
    if cases.kind == "points":
        text[0] += (" A design point counts when at least half of its replications meet "
                    "the condition.")
    note = horizon_note(c, manifest)
    if note:
        text.append(note)
    box = p.box
    if not box.restrictions:
        text.append("PRIM finds no region of the factors where it holds clearly more often "
                    "than overall" if not p.reached else
                    f"It already holds in at least {_pct(box.density)} of all {unit} "
                    "without restricting any factor.")
    else:
        text.append(f"In the box where {box.words()}, it holds in {_pct(box.density)} of "
                    f"the {unit} (density), covering {_pct(box.coverage)} of all {unit} in "
                    f"which it holds (coverage); the box holds {_pct(box.mass)} of all "
                    f"{unit}.")
    if not p.reached:
        text.append(f"No box on PRIM's trajectory reaches a density of {_pct(p.density)}; "
                    "the box shown is the one nearest to full coverage and full density.")
    if p.dropped:
        these = "that restriction was" if len(p.dropped) == 1 else "those restrictions were"
        text.append(f"PRIM's box also restricted {_and(p.dropped)}, but {these} not "
                    f"significant (quasi-p-value above {SIGNIFICANCE}) and dropped; with "
                    f"{'it' if len(p.dropped) == 1 else 'them'} the box had a density of "
                    f"{_pct(p.chosen.density)} and a coverage of {_pct(p.chosen.coverage)}.")
    leaves = d.cart.leaves
    if len(leaves):
        best = leaves.sort_values(["k", "density"], ascending=False).iloc[0]
        text.append(f"CART's leaf with the most such {unit} ({best['rules']}) holds "
                    f"{_pct(best['coverage'])} of them at a density of "
                    f"{_pct(best['density'])}.")
    top = d.scores["factor"].head(3).tolist()
    text.append(f"The extra-trees feature scores rank {_and(top)} highest for the "
                "condition.")
    return text


def _summary(d: Discovery, manifest: dict[str, Any]) -> dict[str, Any]:
    """``discovery.json``: the condition, the cases, the settings, the boxes, the words."""
    from importlib.metadata import version

    def box(b: Box) -> dict[str, Any]:
        return {"id": b.id, "coverage": b.coverage, "density": b.density, "mass": b.mass,
                "n": b.n, "k": b.k, "res_dim": b.res_dim,
                "restrictions": [r.row() for r in b.restrictions]}

    cases = d.cases
    return {
        "condition": d.condition.text,
        "output": d.condition.output,
        "operator": d.condition.op,
        "value": d.condition.value,
        "sweep": {"folder": str(d.sweep) if d.sweep else None,
                  "experiment": manifest["experiment"].get("name"),
                  "fingerprint": manifest["fingerprint"],
                  "model_fingerprint": (manifest.get("model_code") or {}).get("fingerprint"),
                  "design": manifest["design"]["method"],
                  "points": manifest["design"]["points"],
                  "replications": manifest["design"]["replications"],
                  "runs": manifest["design"]["runs"]},
        "cases": {"kind": cases.kind, "n": cases.n, "meeting": cases.k,
                  "share": cases.k / cases.n, "runs_used": cases.runs_used,
                  "runs_left_out": cases.dropped},
        "settings": {"density": d.prim.density, "peel_alpha": PEEL_ALPHA, "mass_min": MASS_MIN,
                     "significance": SIGNIFICANCE, "point_share": POINT_SHARE,
                     "random_state": int(manifest["design"]["seed"]) % 2**32},
        "rule": d.prim.rule,
        "chosen_box": box(d.prim.chosen),
        "box": box(d.prim.box),
        "dropped_restrictions": d.prim.dropped,
        "sentences": d.sentences,
        "versions": {name: _version(version, name) for name in
                     ("ema_workbench", "scikit-learn", "pandas", "numpy")},
    }


def _version(version: Callable[[str], str], name: str) -> str | None:
    try:
        return version(name)
    except Exception:  # noqa: BLE001 - a missing distribution is just unknown
        return None
