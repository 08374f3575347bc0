"""gankit: train, evaluate and explore GANs with PyTorch.

import gankit
run = gankit.train("gan-mnist", data="mnist", out="runs/demo", epochs=1)
run = gankit.load_run("runs/demo")
x = run.sample(16, seed=0)        # (16, 1, 28, 28) in [0, 1]
report = gankit.evaluate(run)     # FID, KID, PRDC, mode coverage and the floor → RUN/eval.json
run.show(16, seed=0)              # in Jupyter: the grid inline; gankit.show(x) for any images
"""

from gankit.api import Run, load_run, train
from gankit.metrics import evaluate
from gankit.version import __version__
from gankit.viz.inline import show, smoke

__all__ = ["Run", "__version__", "evaluate", "load_run", "show", "smoke", "train"]
