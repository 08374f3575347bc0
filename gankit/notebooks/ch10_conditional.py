# %% [markdown]
# # Chapter 10 — conditional GANs: choose the digit
#
# *German edition: 10 „Konditionierte GANs“.*
# Runtime at the default settings: about 2.5 minutes (158 s measured with one thread on a shared
# 2-core machine, other jobs running).
# `GANKIT_SMOKE=1`: seconds.
#
# The label, one-hot over the ten digits, goes into both networks: concatenated to D's image
# (784 + 10 inputs) and to G's seed (100 + 10). D learns "is this a real image *of this digit*", so G
# has to draw the digit it is asked for. Every figure here is the one the `gankit` command above it
# draws for the same recipe and seed, pixel for pixel.

# %%
import shutil
from pathlib import Path

import gankit

SMOKE = gankit.smoke()  # GANKIT_SMOKE=1: a few training steps only, to check the notebook runs
STEPS = 20 if SMOKE else None  # None: the recipe's own length
RUNS = Path("runs/ch10")
shutil.rmtree(RUNS, ignore_errors=True)  # this notebook's runs: a fresh start on each run-through

# %% [markdown]
# Command line: `gankit train cgan-mnist --seed 0 --out runs/ch10/cgan-mnist`.

# %%
run = gankit.train("cgan-mnist", out=RUNS / "cgan-mnist", steps=STEPS, seed=0)
run.plot_losses()

# %% [markdown]
# The book's figure: six samples of one chosen label, here 3
# (`gankit sample runs/ch10/cgan-mnist --book --label 3 --seed 0`). Every one should be a 3.

# %% cli="gankit sample runs/ch10/cgan-mnist --book --label 3 --seed 0"
run.show(seed=0, label=3, book=True)

# %% [markdown]
# Every label at once: one row per digit, the same eight seeds in every row, so a column shows one
# "handwriting style" drawn as each digit (`gankit sample runs/ch10/cgan-mnist --per-label`).

# %% cli="gankit sample runs/ch10/cgan-mnist --per-label --seed 0"
run.show(seed=0, per_label=True)

# %% [markdown]
# The seed experiments of chapter 7 work with a label too: a walk between two seeds, always a 7
# (`gankit interpolate runs/ch10/cgan-mnist --label 7`).

# %% cli="gankit interpolate runs/ch10/cgan-mnist --seed-a 0 --seed-b 1 --label 7"
run.show_walk(seed_a=0, seed_b=1, label=7)

# %% [markdown]
# ## Measured, not just looked at
#
# `gankit evaluate runs/ch10/cgan-mnist` asks the generator for every label equally often and lets
# a small CNN classify the results: the share it reads as the asked digit is the label accuracy
# (96% for this recipe; the CNN reads real test digits right 98% of the time).
#
# ## Beyond the book
#
# `gankit train cdcgan-mnist` is a convolutional conditional GAN (the label in G's batch norms and
# in D's projection); it draws the asked digit 98.6% of the time after 2,000 steps. The same
# `run.show(per_label=True)` works on it.
