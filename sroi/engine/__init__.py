"""The engine: every figure sroi reports is computed here, and only here.

* :mod:`.spec`, the **specification**: numpy, year by year, readable. ``sroi run`` and
  every deterministic figure go through it; the other paths are tested against it.
* :mod:`.compiled`, the **fast path**: the same rules compiled with numba, a block of
  draws at a time, summed without a draws x outcomes x years array. Every sensitivity
  analysis evaluates its designs through it; tests hold it to the specification.
* :mod:`.tables`: inverse-CDF tables the fast path samples through;
  :mod:`.outputs`: the per-draw outputs both paths give; :mod:`.jitcache`: where
  compiled code is cached.

Discount schedules and timing conventions live in :mod:`sroi.discounting` and price
rebasing in :mod:`sroi.prices`; the engine reads them, it does not restate them. No I/O
and no printing happen here. Importing this package loads numpy only: the fast path
(numba) loads when a sensitivity analysis first needs it.
"""

from .spec import Evaluation, Model, as_model, compile_scheme, payback_months

__all__ = ["Model", "Evaluation", "compile_scheme", "as_model", "payback_months"]
