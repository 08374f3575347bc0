# %% [markdown]
# # Chapter 8 — human faces from an HDF5 file
#
# *German edition: 8 „Menschliche Gesichter“.*
# Runtime at the default settings: about 3 minutes on 2 CPU cores (estimate: 2,000 faces drawn and
# packed, 1,000 training steps). `GANKIT_SMOKE=1`: seconds.
#
# The book trains on CelebA photos, packed into one HDF5 file: group `img_align_celeba`, one
# dataset per image (`0.jpg`, `1.jpg`, …) holding its uint8 pixels. This notebook cannot download
# CelebA, so it packs synthetic "toy faces" into exactly that layout. With the real photos,
# download `img_align_celeba.zip` and use it in place of the folder below
# (`make_hdf5(Path("img_align_celeba.zip"), Path("celeba.h5"), limit=20_000)`, or on the command
# line `gankit data make-hdf5 img_align_celeba.zip celeba.h5 --limit 20000`).

# %%
import shutil
from pathlib import Path

from PIL import Image

import gankit
from gankit.data import load_data
from gankit.data.hdf5 import make_hdf5

SMOKE = gankit.smoke()  # GANKIT_SMOKE=1: a few faces and training steps, to check the notebook runs
N_FACES = 64 if SMOKE else 2_000
STEPS = 5 if SMOKE else 1_000
RUNS = Path("runs/ch08")
shutil.rmtree(RUNS, ignore_errors=True)  # this notebook's runs: a fresh start on each run-through

# %% [markdown]
# ## Make the HDF5 file
#
# Draw the faces, write them as PNG files into a folder, and pack the folder.

# %%
faces = load_data(f"toy-faces:{N_FACES}")  # (N, 3, 128, 128) uint8
folder = Path("faces")
shutil.rmtree(folder, ignore_errors=True)
folder.mkdir()
for i, image in enumerate(faces.x):
    Image.fromarray(image.permute(1, 2, 0).numpy()).save(folder / f"{i:06d}.png")
packed = make_hdf5(folder, Path("faces.h5"), force=True, progress=False)
print(f"packed {packed.written} faces into {packed.path}")

# %% [markdown]
# ## Read it back
#
# `celeba:FILE.h5` reads the book's layout (centre-cropped to 128×128): these are the training
# images.

# %%
data = load_data("celeba:faces.h5")
print(data.name, len(data), "images of shape", data.shape)
gankit.show(data.x[:8].float() / 255, nrow=8)

# %% [markdown]
# ## The fully connected face GAN
#
# D flattens the image into one long vector: Linear(3·128·128, 100) → LeakyReLU → LayerNorm(100)
# → Linear(100, 1) → Sigmoid. G goes the other way: Linear(100, 300) → LeakyReLU → LayerNorm(300)
# → Linear(300, 3·128·128) → Sigmoid. Command line:
# `gankit train gan-celeba-mlp --data celeba:faces.h5 --steps 1000`.

# %%
run = gankit.train("gan-celeba-mlp", data="celeba:faces.h5", out=RUNS / "mlp", steps=STEPS, seed=0)
run.plot_losses()

# %% [markdown]
# Blurry, but face-like: skin, hair and background in roughly the right places. The networks see
# every pixel as unrelated to its neighbours, which is what chapter 9 changes.

# %%
run.show(6, seed=0, book=True)
