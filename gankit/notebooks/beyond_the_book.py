# %% [markdown]
# # Beyond the book: the main job, measured quality, stabilisers, the explorer
#
# Runtime at the default settings: about 9 minutes on 2 CPU cores (estimate: the main job 318–397 s,
# measured on an AMD EPYC host; the feature CNN for evaluation once, about 1 minute, then cached;
# the run scored at three truncations, about 30 s; the stabilised run about 1 minute).
# `GANKIT_SMOKE=1`: seconds.

# %%
import shutil
from pathlib import Path

import gankit
from gankit.report import write_report

SMOKE = gankit.smoke()  # GANKIT_SMOKE=1: a few steps and samples, to check the notebook runs
STEPS = 20 if SMOKE else None  # None: the recipe's own length
N_EVAL = 200 if SMOKE else 1_000
FEATURES = "pixels" if SMOKE else "auto"  # auto: a small CNN trained once on the digits, cached
RUNS = Path("runs/beyond")
shutil.rmtree(RUNS, ignore_errors=True)  # this notebook's runs: a fresh start on each run-through

# %% [markdown]
# ## The main job
#
# `gankit train mnist`: a small convolutional GAN draws all ten digits, evenly, after five to seven
# minutes on 2 CPU cores, from the 5,000 embedded MNIST digits. It reads no labels: D learns 30
# pixel clusters of the training digits and G picks its cluster from its own seed.

# %%
run = gankit.train("mnist", out=RUNS / "mnist", steps=STEPS, seed=0)
run.plot_losses()
run.show(36, seed=0)

# %% [markdown]
# ## Measured quality
#
# Looking at samples is not enough: `gankit.evaluate` compares generated and held-out real images
# in a feature space (FID, KID, precision and recall, density and coverage, classes covered) and
# puts every number beside the *floor*: the same metric between two sets of real digits, the best
# a generator could score.

# %%
report = gankit.evaluate(run, n=N_EVAL, features=FEATURES)
for key in ("fid", "precision", "recall", "coverage"):
    if key in report:
        print(f"{key:>10}: run {report[key]:.3f}, floor {report['floor'][key]:.3f}")

# %% [markdown]
# ## The truncation trick
#
# The main job draws its samples with every seed scaled by 0.9 towards the mean seed (the
# truncation trick; training never sees it). Seeds nearer the middle give samples from the
# densest part of what G learnt: cleaner, and fewer kinds. The same run and seeds at three
# factors, each scored without overwriting the run's eval.json (`save=False`); on the command
# line: `gankit sample RUN --truncation 0.6`, `gankit evaluate RUN --truncation 0.6`.

# %%
for psi in (1.0, 0.9, 0.6):
    narrow = gankit.load_run(run.path, truncation=psi)
    scores = gankit.evaluate(narrow, n=N_EVAL, features=FEATURES, progress=False, save=False)
    print(f"ψ {psi}: precision {scores['precision']:.3f}, recall {scores['recall']:.3f}")
    narrow.show(12, seed=0, nrow=12)

# %% [markdown]
# ## Stabilisers
#
# The modern fixes plug into the one training step through `set=` (the command line's `--set`):
# here the book's chapter-7 GAN with the hinge loss, spectral normalisation in D and an average of
# G's weights (EMA).

# %%
stable = gankit.train(
    "gan-mnist",
    out=RUNS / "gan-mnist-stable",
    steps=STEPS,
    seed=0,
    set={"loss.name": "hinge", "reg.spectral_norm": True, "reg.ema": 0.999},
)
stable.show(16, seed=0)

# %% [markdown]
# ## Explore and report
#
# `gankit serve runs/beyond/mnist` opens a local web page to play with the generator: seeds,
# directions, labels, the walk between two seeds. `gankit report` writes one self-contained HTML
# page with the config, the curves, the samples through training and the evaluation:

# %%
print("wrote", write_report(run.path))
