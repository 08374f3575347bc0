# %% [markdown]
# # Appendices A–D
#
# *German edition: Anhang A „Ideale Verlustwerte“, B „GANs lernen Wahrscheinlichkeit“,
# C „Beispiele für Faltungen“, D „Instabiles Lernen“.* Runtime: about 10 s on 2 CPU cores
# (measured under `GANKIT_SMOKE=1`, which changes nothing here: every demonstration is small).
#
# Each appendix is one `gankit explain TOPIC` demonstration: it prints its numbers and draws its
# figures; the same commands work in a terminal.

# %%
from pathlib import Path

import gankit
from gankit.explain import explain

SMOKE = gankit.smoke()  # nothing here needs shortening


def demonstrate(topic: str):
    """Run one demonstration, show its figures, return its numbers."""
    result = explain(topic, Path("explain") / topic)
    gankit.show(result.figures)
    return result.numbers


# %% [markdown]
# ## A. Ideal loss values
#
# When D cannot tell real from fake it answers 0.5 for everything. Its loss is then
# (1 − 0.5)² = 0.25 with mean squared error and −ln 0.5 = ln 2 ≈ 0.693 with binary cross entropy:
# the dashed lines in every gankit loss plot.

# %%
demonstrate("ideal-loss")

# %% [markdown]
# ## B. GANs learn probability
#
# Eight tiny 3×3 training images. Counting how often each pixel is inked gives a probability per
# pixel; drawing each pixel against its probability makes new images that follow the training data
# without copying any of them. A GAN learns such probabilities, for whole groups of pixels at once.

# %%
demonstrate("probability")

# %% [markdown]
# ## C. Convolution examples
#
# Output size ⌊(in + 2·padding − kernel) / stride⌋ + 1; transposed: (in − 1)·stride − 2·padding
# + kernel. The seven worked examples of the appendix, drawn cell by cell:

# %%
demonstrate("conv-size")

# %% [markdown]
# ## D. Unstable learning
#
# Two players on f(x, y) = x·y: one lowers f by moving x, the other raises it by moving y. Updating
# both at once from (0.6, 0.7) does not reach the balance point (0, 0): the pair circles and
# spirals outwards, like a GAN whose losses oscillate. Two remedies (extra-gradient and optimistic
# steps) do converge.

# %%
demonstrate("convergence")
