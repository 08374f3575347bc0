# %% [markdown]
# # Chapter 1 — PyTorch basics: tensors and automatic gradients
#
# *German edition: 1 „Grundlagen von PyTorch“.* Runtime: a few seconds (measured on 2 CPU cores).
#
# A neural network learns by nudging its weights against the gradient of its error. PyTorch
# records every operation on a tensor that has `requires_grad=True` and can then work out the
# gradient by itself (`backward()`). This notebook checks that against gradients worked out by hand,
# as the chapter does, then lets `gankit explain autograd` draw the pictures.

# %%
from pathlib import Path

import torch

import gankit
from gankit.explain import explain

SMOKE = (
    gankit.smoke()
)  # GANKIT_SMOKE=1: the quick check of every notebook (nothing to shorten here)

# %% [markdown]
# ## One input: y = (x − 1)(x − 2)(x − 3)
#
# By hand, dy/dx = 3x² − 12x + 11; at x = 3.5 that is 5.75, and y itself is 1.875.

# %%
x = torch.tensor(3.5, requires_grad=True)
y = (x - 1) * (x - 2) * (x - 3)
y.backward()  # fills x.grad with dy/dx
print(
    f"y = {y.item():.3f}, dy/dx by autograd = {x.grad.item():.3f}, by hand = {3 * 3.5**2 - 12 * 3.5 + 11:.3f}"
)

# %% [markdown]
# ## A chain: y = x², z = 2y + 3
#
# The gradient flows back through the graph: dz/dx = dz/dy · dy/dx = 2 · 2x = 4x = 14 at x = 3.5.

# %%
x = torch.tensor(3.5, requires_grad=True)
y = x * x
z = 2 * y + 3
z.backward()
print(f"dz/dx = {x.grad.item()}")

# %% [markdown]
# ## Two inputs: x = 2a + 3b, y = 5a² + 3b³, z = 2x + 3y
#
# By hand: dz/da = 4 + 30a = 64 and dz/db = 6 + 27b² = 33 at a = 2, b = 1.

# %%
a = torch.tensor(2.0, requires_grad=True)
b = torch.tensor(1.0, requires_grad=True)
x = 2 * a + 3 * b
y = 5 * a**2 + 3 * b**3
z = 2 * x + 3 * y
z.backward()
print(f"dz/da = {a.grad.item()}, dz/db = {b.grad.item()}")

# %% [markdown]
# ## The pictures: the tangent and the computation graph
#
# `gankit explain autograd` (also a command line) repeats the three examples and draws the slope
# at x = 3.5 and the graph the gradient flows back through.

# %%
result = explain("autograd", Path("explain/autograd"))
gankit.show(result.figures)
