# %% [markdown]
# # Chapter 6 — a first GAN: the 1010 pattern
#
# *German edition: 6 „Einfache 1010-Muster“ (chapter 5, „Das GAN-Konzept“, is the idea behind it).*
# Runtime at the default settings: about 15 s on 2 CPU cores (estimate). `GANKIT_SMOKE=1`: seconds.
#
# The real data are four numbers: high, low, high, low (`[U(0.8,1), U(0,0.2), U(0.8,1), U(0,0.2)]`).
# The generator turns the constant 0.5 into four numbers; the discriminator says real (1) or fake
# (0). Each training step has the three parts of chapter 5: D on real data with target 1, D on G's
# output (detached) with target 0, then G through D with target 1, updating G only.

# %%
import shutil
from pathlib import Path

import gankit

SMOKE = gankit.smoke()  # GANKIT_SMOKE=1: a few training steps only, to check the notebook runs
STEPS = 20 if SMOKE else None  # None: the recipe's own length (the book's 10,000 steps)
RUNS = Path("runs/ch06")
shutil.rmtree(RUNS, ignore_errors=True)  # this notebook's runs: a fresh start on each run-through

# %%
run = gankit.train("gan-1010", out=RUNS / "gan-1010", steps=STEPS, seed=0)

# %% [markdown]
# ## What G makes now
#
# The book ends near [0.94, 0.05, 0.94, 0.05].

# %%
print("G(0.5) =", [round(v, 3) for v in run.sample(1, seed=0)[0].tolist()])

# %% [markdown]
# ## The losses
#
# Both settle near 0.25: with mean squared error that is the loss when D answers 0.5 for
# everything, real or fake (appendix A). The dashed lines mark it.

# %%
run.plot_losses()

# %% [markdown]
# ## The pattern emerging
#
# G's four outputs over training, one row per value: the 1010 pattern appears as training goes on.

# %%
gankit.show(run.path / "plots" / "pattern.png")
