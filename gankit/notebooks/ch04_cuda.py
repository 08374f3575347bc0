# %% [markdown]
# # Chapter 4 — CUDA basics: one matrix product three ways
#
# *German edition: 4 „Grundlagen von CUDA“.* Runtime: about 20 s on 2 CPU cores (estimate; no GPU).
#
# The book times a 600×600 matrix product in pure Python (minutes), with NumPy (milliseconds) and
# with PyTorch on a GPU (microseconds). `gankit explain cuda` does the same; pure Python is timed on
# a smaller product and scaled up (its cost grows with n³), so it does not take minutes. Without a
# GPU the CUDA line is simply missing.

# %%
from pathlib import Path

import torch

import gankit
from gankit.explain import explain

SMOKE = gankit.smoke()  # GANKIT_SMOKE=1: smaller matrices, to check the notebook runs

# %% [markdown]
# The standard device set-up of every PyTorch script: use CUDA where there is one.

# %%
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
print("computing on", device)

# %%
sizes = {"n": 120, "python_n": 20} if SMOKE else {}  # default: the book's 600, Python on 60
result = explain("cuda", Path("explain/cuda"), **sizes)
gankit.show(result.figures)

# %% [markdown]
# Every gankit command takes `--device auto|cpu|cuda`; `auto` (the default) picks CUDA when it is
# there, just like the cell above. The batched training loops are why gankit is fast even on a
# CPU: one optimiser step works on a whole batch of images at once.
