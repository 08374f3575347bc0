# %% [markdown]
# # Chapter 7 — handwritten digits: mode collapse, its cure, and seed experiments
#
# *German edition: 7 „Handgeschriebene Ziffern“.*
# Runtime at the default settings: about 1.5 minutes (87 s measured with one thread on a shared
# 2-core machine, other jobs running).
# `GANKIT_SMOKE=1`: seconds.
#
# Every figure here is the one a `gankit` command draws for the same recipe and seed, pixel for
# pixel; the command is given above each figure.

# %%
import shutil
from pathlib import Path

import gankit

SMOKE = gankit.smoke()  # GANKIT_SMOKE=1: a few training steps only, to check the notebook runs
STEPS = 20 if SMOKE else None  # None: the recipe's own length
SEED = 0
RUNS = Path("runs/ch07")
shutil.rmtree(RUNS, ignore_errors=True)  # this notebook's runs: a fresh start on each run-through

# %% [markdown]
# ## The first attempt
#
# The book's first MNIST GAN: D is Linear(784, 200) → Sigmoid → Linear(200, 1) → Sigmoid, G is
# Linear(1, 200) → Sigmoid → Linear(200, 784) → Sigmoid fed one uniform random number, both
# trained with mean squared error and SGD. Command line:
# `gankit train gan-mnist-first --seed 0 --out runs/ch07/gan-mnist-first`.

# %%
first = gankit.train("gan-mnist-first", out=RUNS / "gan-mnist-first", steps=STEPS, seed=SEED)
first.plot_losses()

# %% [markdown]
# Sixteen samples from sixteen different seeds (`gankit sample runs/ch07/gan-mnist-first --n 16`):

# %% cli="gankit sample runs/ch07/gan-mnist-first --n 16 --seed 0"
first.show(16, seed=0)

# %% [markdown]
# They are all the same image: **mode collapse**. G found one output that fools D well enough and
# stopped caring about its input. A number says the same: how much the pixels differ between
# samples (0 for identical images).

# %%
x = first.sample(256, seed=1)
print(f"mean pixel spread across 256 samples: {x.std(0).mean().item():.4f}")

# %% [markdown]
# ## The cure
#
# The chapter's improvements: LeakyReLU(0.02) and LayerNorm(200) in both networks, binary cross
# entropy, Adam, and a seed of 100 normally distributed numbers instead of one uniform number.
# Command line: `gankit train gan-mnist --seed 0 --out runs/ch07/gan-mnist`.

# %%
run = gankit.train("gan-mnist", out=RUNS / "gan-mnist", steps=STEPS, seed=SEED)
run.plot_losses()

# %% [markdown]
# The book's 2×3 figure (`gankit sample runs/ch07/gan-mnist --book --seed 0`): the digits now vary.

# %% cli="gankit sample runs/ch07/gan-mnist --book --seed 0"
run.show(seed=0, book=True)

# %% cli="gankit sample runs/ch07/gan-mnist --n 16 --seed 0"
run.show(16, seed=0)

# %%
x = run.sample(256, seed=1)
print(f"mean pixel spread across 256 samples: {x.std(0).mean().item():.4f}")

# %% [markdown]
# ## Seed experiments
#
# A seed is the 100 numbers G starts from; gankit names each one by an integer, so seed 0 is the
# same vector on every machine. Walking in twelve steps from seed s1 to seed s2,
# s1 + (s2 − s1)·k/11, morphs one digit into the other
# (`gankit interpolate runs/ch07/gan-mnist --seed-a 0 --seed-b 1`):

# %% cli="gankit interpolate runs/ch07/gan-mnist --seed-a 0 --seed-b 1"
run.show_walk(seed_a=0, seed_b=1)

# %% [markdown]
# Seed arithmetic: the images of s1 + s2, s1 − s2 and s1 · s2 beside s1 and s2
# (`gankit seed-math runs/ch07/gan-mnist --seed-a 0 --seed-b 1`). Sums often look like one of the
# two; differences and products leave the region G was trained on and look less like digits.

# %% cli="gankit seed-math runs/ch07/gan-mnist --seed-a 0 --seed-b 1"
run.show_seed_math(seed_a=0, seed_b=1)

# %% [markdown]
# ## Try it yourself
#
# - Another training seed: `gankit.train("gan-mnist", seed=1, ...)` gives different digits, and a
#   different spread over the ten classes.
# - The book's exact loop, one image per step: `batch_size=1, set={"train.lr_g": 1e-4,
#   "train.lr_d": 1e-4}` (about 70 times slower).
# - A spherical walk: `run.show_walk(0, 1, mode="slerp")`.
