"""Metrics that tell a good generator from a collapsed one (see docs/evaluation.md).

features.py         extractors: the cached feature CNN, pixels, Inception weights from a file
fid_inception.py    the FID Inception papers use, from a local file, through torch-fidelity
fid.py              FID and KID, exact, in double precision
prdc.py             precision/recall (k = 3), density/coverage (k = 5)
modes.py            classes covered and class KL under a classifier
mode_benchmarks.py  modes covered, high-quality share and KL to uniform on the mode-collapse
                    benchmark sets (ring-8, grid-25, stacked-mnist)
evaluate.py         `evaluate(run)`: all of them beside the real-vs-real floor, into RUN/eval.json
"""

from gankit.metrics.evaluate import evaluate
from gankit.metrics.fid import fid, kid
from gankit.metrics.modes import mode_coverage
from gankit.metrics.prdc import prdc

__all__ = ["evaluate", "fid", "kid", "mode_coverage", "prdc"]
