"""The stance engine: a lab's position at any date, derived from its published statements.

The formula, in full (it is the documented contract; change it only with the tests):

1. Each published statement i about the lab has a score s_i: open +2, leaning open +1,
   mixed 0, leaning closed -1, closed -2.
2. Its weight on date D (only statements with occurred_on <= D count) is

       w_i(D) = KIND_WEIGHT[kind] * VERIFICATION_WEIGHT[verification]
                * 2 ** (-(D - occurred_on_i) / HALF_LIFE_DAYS)
                * DENIAL_FACTOR ** (published denials of i dated <= D)
                * 0 if a published statement dated <= D supersedes i

   so acts weigh more than remarks, confirmed more than reported, and old statements fade.
3. The score on D is the weighted mean  S(D) = sum(w_i * s_i) / sum(w_i),  summed with
   math.fsum so that the order statements arrive in cannot change the result.
4. The stance on D is S(D) rounded to the nearest step: S >= 1.5 open, >= 0.5 leaning open,
   > -0.5 mixed, > -1.5 leaning closed, otherwise closed.
5. An editor's active assessment pins the stance from its effective_from date (until its
   effective_until, or the next assessment), whatever the formula says.

Acts. A published statement of kind "action" is an act an editor checked. An act recorded by an
outside dataset (claims.RecordedAct: a release and its access level) enters the same formula as
evidence of kind IMPORTED_ACT with verification IMPORTED, so its weight is
KIND_WEIGHT[IMPORTED_ACT] * VERIFICATION_WEIGHT[IMPORTED] = 1.0 * 0.4 = 0.4 against 1.0 for a
confirmed action and 0.6 for a reported one: it is an act, which counts more than words, but
no editor has read it, the dataset compiles others' reports, and its access level is one coarse
category, so it weighs less than any act an editor stands behind. Its score comes from its access
level by ACCESS_LEVEL_STANCE:

    open weights, unrestricted                          open            +2
    open weights (or open access) restricted in any way leaning open    +1
      (restricted use, non-commercial, gated)
    API access, hosted access                           leaning closed  -1
    unreleased                                          closed          -2

Open weights under a restrictive licence are still weights anyone can run, so they stay on the
open side; API access lets people use a model but not inspect or change it, so it is on the
closed side without being the same as keeping the model to oneself. A level the table does not
know yields no act. An imported act carries a negative id (-pk) so it can never be mistaken for a
statement.

Says and does. Besides the combined stance (the one StanceChange rows, pins and alerts use), the
lab has two series by the same formula, without pins: "says", from every statement that is not
an act, and "does", from acts (action statements and imported acts). They diverge on a date when
their stances are two steps or more apart (say "open" and "leaning closed").

Because the age factor is the same exponential for every statement, it cancels out of the mean
between two statement dates: the stance can only change on a date when a statement was made, a
denial or supersession took effect, or a pin starts or ends. The history is therefore the
formula evaluated on those dates, and nothing needs recomputing as time passes.

This package is pure: it takes plain values and returns plain values (formula.py: the parts
and one date; sweep.py: the whole history in one pass, resumable; says_does.py: the two
series). recompute.py feeds it from the database and writes StanceChange rows; explain.py
lays out each item's part in the formula on a date (the reader's "why this stance").
"""

from __future__ import annotations

from .formula import (
    ACT_KINDS,
    DENIAL_FACTOR,
    DIVERGENCE_STEPS,
    EPOCH,
    HALF_LIFE_DAYS,
    IMPORTED,
    IMPORTED_ACT,
    KIND_WEIGHT,
    STANCE_SCORE,
    VERIFICATION_WEIGHT,
    ChangePoint,
    Evidence,
    Link,
    Pin,
    StancePoint,
    age_factor,
    effective_links,
    evidence_order,
    item_weight,
    links_in_effect,
    shift_rating,
    stance_at,
    stance_from_score,
    stance_point,
    stance_score_at,
)
from .says_does import (
    Divergence,
    divergences,
    says_and_does,
    stance_for_access,
)
from .sweep import (
    EXACT_BITS,
    StanceDay,
    Totals,
    changes_from,
    exact,
    stance_changes,
    stance_days,
    stance_history,
)

__all__ = [
    "ACT_KINDS",
    "DENIAL_FACTOR",
    "DIVERGENCE_STEPS",
    "EPOCH",
    "EXACT_BITS",
    "HALF_LIFE_DAYS",
    "IMPORTED",
    "IMPORTED_ACT",
    "KIND_WEIGHT",
    "STANCE_SCORE",
    "VERIFICATION_WEIGHT",
    "ChangePoint",
    "Divergence",
    "Evidence",
    "Link",
    "Pin",
    "StanceDay",
    "StancePoint",
    "Totals",
    "age_factor",
    "changes_from",
    "divergences",
    "effective_links",
    "evidence_order",
    "exact",
    "item_weight",
    "links_in_effect",
    "says_and_does",
    "shift_rating",
    "stance_at",
    "stance_changes",
    "stance_days",
    "stance_for_access",
    "stance_from_score",
    "stance_history",
    "stance_point",
    "stance_score_at",
]
