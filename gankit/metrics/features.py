"""Feature extractors for the metrics, chosen by name (`gankit evaluate RUN --features NAME`):

auto            the data's feature CNN where it has one (mnist…, fashion-mnist…), else pixels
cnn             the feature CNN trained by `features-mnist` / `features-fashion-mnist`, once per
                data spec, cached under $GANKIT_CACHE (default ~/.cache/gankit)
run:DIR         any classifier run folder (`gankit train classifier-… --out DIR`)
pixels          the raw pixels, flattened
fid-inception:FILE  the FID Inception papers use (pt_inception-2015-12-05-6726825d.pth or
                torch-fidelity's weights-inception-…pth), through torch-fidelity: FIDs that compare
                with published ones (gankit.metrics.fid_inception)
inception:FILE  torchvision's Inception-v3 with ImageNet weights from FILE (.pth or .safetensors,
                e.g. inception_v3_google-0cc3c7bd.pth); NOT the network papers use
Weights are never downloaded.

Every extractor maps images (N, C, H, W) in [0, 1] to float64 features (N, F) on the CPU, and
names its weights by `sha256` (None for pixels), so eval.json says exactly what measured.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from pathlib import Path

import torch
from torch import Tensor
from torch.nn import functional as F

from gankit.data.cache import cache_dir
from gankit.errors import GankitError

BATCH = 500


class PixelFeatures:
    """Raw pixels: (N, C·H·W)."""

    name = "pixels"
    sha256 = None

    def features(self, x: Tensor) -> Tensor:
        return x.flatten(1).double().cpu()


class ClassifierFeatures:
    """A trained classifier's penultimate activations; its argmax also labels samples."""

    def __init__(self, run, name: str):
        self.run, self.name = run, name
        self.classes = run.classes
        self.sha256 = file_sha256(Path(run.path) / "classifier.safetensors")

    def features(self, x: Tensor) -> Tensor:
        return self.run.features(x)

    def classify(self, x: Tensor) -> Tensor:
        return self.run.predict(x).argmax(1)  # (N,)


class InceptionFeatures:
    """torchvision Inception-v3's 2,048 pooled features of images resized to 299×299 (grey → 3
    channels). Its FIDs compare within gankit only: papers use `fid-inception:FILE`."""

    def __init__(self, path: Path):
        from torchvision.models import inception_v3

        self.name = f"inception:{path}"
        state = _load_weights(path)
        self.sha256 = file_sha256(path)
        aux = any(k.startswith("AuxLogits.") for k in state)
        model = inception_v3(weights=None, aux_logits=aux, init_weights=False)
        try:
            model.load_state_dict(state)
        except RuntimeError as e:
            first = str(e).splitlines()[0][:160]
            raise GankitError(f"{path}: not torchvision Inception-v3 weights ({first})") from None
        model.fc = torch.nn.Identity()
        self.model = model.eval()

    @torch.no_grad()
    def features(self, x: Tensor) -> Tensor:
        out = []
        for i in range(0, len(x), BATCH // 10):
            chunk = x[i : i + BATCH // 10].float()
            if chunk.shape[1] == 1:
                chunk = chunk.expand(-1, 3, -1, -1)
            chunk = F.interpolate(chunk, size=(299, 299), mode="bilinear", align_corners=False)
            out.append(self.model(chunk * 2 - 1).double())  # the weights expect [-1, 1]
        return torch.cat(out)


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read 1 MB at a time (weights files run to 100 MB)."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _load_weights(path: Path) -> dict:
    if not path.is_file():
        raise GankitError(f"{path}: file not found (inception:FILE needs the weights file)")
    try:
        if path.suffix == ".safetensors":
            from safetensors.torch import load_file

            return load_file(str(path))
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as e:  # unpickling and safetensors raise many types; one line for the user
        raise GankitError(
            f"{path}: not a readable weights file ({str(e).splitlines()[0]})"
        ) from None
    if not isinstance(state, dict):
        raise GankitError(f"{path}: expected a state dict of tensors")
    return state


# ----------------------------------------------------------------------------- the cached CNN


def feature_recipe(spec: str) -> str | None:
    """The recipe that trains the feature CNN for data `spec`, or None where there is none."""
    name = spec.partition(":")[0].strip()
    return {"mnist": "features-mnist", "fashion-mnist": "features-fashion-mnist"}.get(name)


def cached_cnn_path(spec: str, recipe: str) -> Path:
    """cache/features/<recipe>-<hash of recipe config and data>: a changed recipe trains anew.

    Only the fields that differ from the config defaults enter the hash, so a new config field
    (default off) leaves every cached CNN valid.
    """
    from gankit.config import Config, to_dict
    from gankit.recipes import get_recipe

    name, _, arg = spec.partition(":")
    data = name + (":" + str(Path(arg).expanduser().resolve()) if arg else "")
    changed = _changed(to_dict(get_recipe(recipe).config), to_dict(Config()))
    key = json.dumps([data, changed], sort_keys=True)
    digest = hashlib.sha1(key.encode()).hexdigest()[:12]
    return cache_dir() / "features" / f"{recipe}-{digest}"


def _changed(config: dict, defaults: dict) -> dict:
    """The entries of `config` that differ from `defaults`, section by section."""
    out = {}
    for key, value in config.items():
        if isinstance(value, dict) and isinstance(defaults.get(key), dict) and value:
            inner = _changed(value, defaults[key])
            if inner:
                out[key] = inner
        elif value != defaults.get(key):
            out[key] = value
    return out


def cached_cnn(spec: str, progress: bool = True, **train_kwargs):
    """The feature CNN for data `spec`, trained on its train split the first time it is asked for.

    `train_kwargs` go to `gankit.train` (e.g. steps=20 for a quick check); they do not change
    the cache folder's name, so use them only with a temporary $GANKIT_CACHE.

    Example:
        >>> run = cached_cnn("mnist")  # doctest: +SKIP
    """
    from gankit.api import train
    from gankit.classify import load_classifier

    recipe = feature_recipe(spec)
    if recipe is None:
        raise GankitError(f"--features cnn: no feature CNN for data '{spec}'; use pixels")
    path = cached_cnn_path(spec, recipe)
    if not (path / "classifier.safetensors").is_file():
        print(
            f"training the feature CNN for {spec} once ({recipe}), cached in {path}",
            file=sys.stderr,
        )
        tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
        shutil.rmtree(tmp, ignore_errors=True)
        train(recipe, data=spec, out=tmp, progress=progress, **train_kwargs)
        if path.exists():  # another process finished first: keep its model
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            os.replace(tmp, path)
    return load_classifier(path)


def get_extractor(name: str, spec: str, progress: bool = True):
    """An extractor by name (see the module docstring) for data `spec`.

    Example:
        >>> get_extractor("pixels", "mnist").features(torch.zeros(2, 1, 28, 28)).shape
        torch.Size([2, 784])
    """
    from gankit.classify import load_classifier

    kind, _, arg = name.partition(":")
    if kind == "auto":
        kind = "cnn" if feature_recipe(spec) else "pixels"
    if kind == "pixels" and not arg:
        return PixelFeatures()
    if kind == "cnn" and not arg:
        return ClassifierFeatures(cached_cnn(spec, progress), f"cnn ({feature_recipe(spec)})")
    if kind == "run" and arg:
        return ClassifierFeatures(load_classifier(arg), f"run:{arg}")
    if kind == "inception" and arg:
        return InceptionFeatures(Path(arg).expanduser())
    if kind == "fid-inception" and arg:
        from gankit.metrics.fid_inception import FidInceptionFeatures

        return FidInceptionFeatures(Path(arg).expanduser())
    raise GankitError(
        f"--features {name}: expected auto, cnn, pixels, run:DIR, fid-inception:FILE "
        "or inception:FILE"
    )
