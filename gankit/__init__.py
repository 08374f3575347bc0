"""gankit: train, evaluate and explore GANs with PyTorch.

import gankit
run = gankit.train("gan-mnist", data="mnist", out="runs/demo", epochs=1)
run = gankit.load_run("runs/demo")
x = run.sample(16, seed=0)        # (16, 1, 28, 28) in [0, 1]
report = gankit.evaluate(run)     # FID, KID, PRDC, mode coverage and the floor → RUN/eval.json
"""

__version__ = "0.1.0"

from gankit.api import Run, load_run, train  # noqa: E402
from gankit.metrics import evaluate  # noqa: E402

__all__ = ["Run", "__version__", "evaluate", "load_run", "train"]
