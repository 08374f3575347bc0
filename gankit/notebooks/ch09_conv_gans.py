# %% [markdown]
# # Chapter 9 — convolutional networks and GANs
#
# *German edition: 9 „Convolutional GANs“.*
# Runtime at the default settings: about 25 minutes on 2 CPU cores (estimate: the classifier takes
# about 1 minute; each face GAN about 3 s per step, 125 steps on 2,000 faces). `GANKIT_SMOKE=1`:
# under a minute.
#
# Fully connected layers treat neighbouring pixels as unrelated and need a weight per pixel pair.
# A convolution slides one small learned filter over the image: few weights, local features, and
# stacked convolutions build features of features.

# %%
import shutil
from pathlib import Path

from PIL import Image

import gankit
from gankit.data import load_data
from gankit.data.hdf5 import make_hdf5
from gankit.explain import explain

SMOKE = gankit.smoke()  # GANKIT_SMOKE=1: a few tiny steps, to check the notebook runs
STEPS = 20 if SMOKE else None  # None: the recipe's own length
FACE_STEPS = 1 if SMOKE else None
FACE_BATCH = 2 if SMOKE else None  # None: the recipe's batch of 32
RUNS = Path("runs/ch09")
shutil.rmtree(RUNS, ignore_errors=True)  # this notebook's runs: a fresh start on each run-through

# %% [markdown]
# ## A convolutional classifier
#
# Conv2d(1, 10, 5, stride 2) → LeakyReLU → BatchNorm → Conv2d(10, 10, 3, stride 2) → LeakyReLU →
# BatchNorm → Linear(250, 10) → Sigmoid. The book reaches 98.14%, more than the MLP's 97.24%.

# %%
cnn = gankit.train("classifier-mnist-cnn", out=RUNS / "cnn", steps=STEPS, seed=0)
print(f"test accuracy: {cnn.report['accuracy']:.1%}")
gankit.show(cnn.path / "plots" / "confusion.png")

# %% [markdown]
# ## The faces, as an HDF5 file
#
# As in chapter 8: toy faces packed into the book's layout (use `celeba.h5` from
# `gankit data make-hdf5 img_align_celeba.zip celeba.h5 --limit 20000` for the real photos).

# %%
faces = load_data("toy-faces:" + ("16" if SMOKE else "2000"))  # (N, 3, 128, 128) uint8
folder = Path("faces")
shutil.rmtree(folder, ignore_errors=True)
folder.mkdir()
for i, image in enumerate(faces.x):
    Image.fromarray(image.permute(1, 2, 0).numpy()).save(folder / f"{i:06d}.png")
make_hdf5(folder, Path("faces.h5"), force=True, progress=False)

# %% [markdown]
# ## The convolutional face GAN
#
# D: three Conv2d(k 8, stride 2) with BatchNorm and LeakyReLU(0.2), then Linear(300, 1). G
# mirrors it: Linear(100, 3·11·11), then three ConvTranspose2d up to 3×128×128. Every layer's
# output shape, from the real models:

# %%
explain("conv-size", Path("explain/conv-size"), recipe="gan-celeba-cnn", data="celeba:faces.h5")

# %%
run = gankit.train(
    "gan-celeba-cnn",
    data="celeba:faces.h5",
    out=RUNS / "cnn-leaky",
    steps=FACE_STEPS,
    batch_size=FACE_BATCH,
    seed=0,
)
run.plot_losses()
run.show(6, seed=0, book=True)

# %% [markdown]
# ## The book's own experiment: GELU instead of LeakyReLU
#
# The chapter ends by swapping the activation; the book finds the faces sharper.

# %%
gelu = gankit.train(
    "gan-celeba-cnn-gelu",
    data="celeba:faces.h5",
    out=RUNS / "cnn-gelu",
    steps=FACE_STEPS,
    batch_size=FACE_BATCH,
    seed=0,
)
gelu.show(6, seed=0, book=True)
