"""The FID Inception papers use, from a local weights file, through torch-fidelity's extractor.

Published FIDs come from the TensorFlow Inception of 2015-12-05 ported to PyTorch, not from
torchvision's ImageNet Inception-v3. Two ports share one state-dict layout (566 tensors, 1,008
logits, no auxiliary head):

    pt_inception-2015-12-05-6726825d.pth        pytorch-fid
    weights-inception-2015-12-05-6726825d.pth   torch-fidelity (also behind torchmetrics)

gankit never downloads them (see docs/evaluation.md). Images go through the same steps as in
the reference implementations: quantised to uint8 as a saved PNG would be, grey repeated to 3
channels, then torch-fidelity resizes to 299×299 with TensorFlow 1's bilinear rule and runs the
network; FID and KID use the 2,048 pooled features.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import torch
from torch import Tensor

from gankit.errors import GankitError

FILE_NAMES = (
    "pt_inception-2015-12-05-6726825d.pth",
    "weights-inception-2015-12-05-6726825d.pth",
)
LOGITS = 1008  # the TF graph's classes; torchvision's ImageNet model has 1,000
BATCH = 50  # images per forward pass: about 0.5 GB of activations at 299×299
HINT = "expected the FID Inception weights, " + " or ".join(FILE_NAMES)


def quantise(x: Tensor) -> Tensor:
    """Images (N, C, H, W) in [0, 1] → uint8 (N, 3, H, W), rounded as a saved PNG would be.

    Grey (C = 1) is repeated to 3 channels, as the reference implementations do on loading.

    Example:
        >>> quantise(torch.tensor([0.0, 0.5, 1.0]).view(1, 1, 1, 3)).shape
        torch.Size([1, 3, 1, 3])
    """
    if x.dim() != 4 or x.shape[1] not in (1, 3):
        raise GankitError(f"fid-inception: expected images (N, 1 or 3, H, W), got {tuple(x.shape)}")
    q = (x.float() * 255 + 0.5).clamp(0, 255).to(torch.uint8)  # torchvision's save_image rounding
    return q.expand(-1, 3, -1, -1) if q.shape[1] == 1 else q


def reference_layout() -> dict[str, tuple[int, ...]]:
    """Name → shape of every tensor in the FID Inception state dict (566 entries).

    torchvision's Inception-v3 with 1,008 classes and no auxiliary head has exactly these
    parameters; it is built on the meta device, so no memory is spent on weights.
    """
    from torchvision.models import inception_v3

    with torch.device("meta"):
        model = inception_v3(weights=None, num_classes=LOGITS, aux_logits=False, init_weights=False)
    return {k: tuple(v.shape) for k, v in model.state_dict().items()}


def _zip_names(data: bytes) -> list[str]:
    """The entries of a zip archive (torch.save's format since 1.6); [] for anything else."""
    if data[:2] != b"PK":
        return []
    try:
        return zipfile.ZipFile(io.BytesIO(data)).namelist()
    except zipfile.BadZipFile:
        return []


def _is_torchscript(names: list[str]) -> bool:
    return any(n.endswith("constants.pkl") or "/code/" in n for n in names)


def _describe_unreadable(data: bytes) -> str:
    """What a file that torch.load(weights_only=True) refuses looks like, in a few words."""
    names = _zip_names(data)
    if any(n.endswith("data.pkl") for n in names):
        return "a pickled object other than a state dict (a whole model?)"
    if names:
        return "a zip file that is not a PyTorch state dict"
    head = data[:4096]
    if head and b"\0" not in head:
        try:
            head.decode("utf-8")
            return "a text file, not PyTorch weights"
        except UnicodeDecodeError:
            pass
    return "not a PyTorch weights file"


def _describe_foreign(state: dict, layout: dict) -> str:
    """What a state dict that is not the FID Inception's looks like."""
    fc = state.get("fc.weight")
    torchvision_like = "Mixed_7c.branch_pool.conv.weight" in state
    if torchvision_like and (any(k.startswith("AuxLogits.") for k in state) or fc is not None):
        classes = fc.shape[0] if isinstance(fc, Tensor) else "?"
        return (
            f"torchvision's ImageNet Inception-v3 ({classes} classes); it gives FIDs that do not "
            "compare with papers (use it as --features inception:FILE)"
        )
    first = next(iter(state), None)
    return (
        f"a state dict of another network ({len(state)} tensors, first '{first}'; "
        f"the FID Inception has {len(layout)})"
    )


def load_state(path: Path) -> tuple[dict, str]:
    """The checked FID Inception state dict in `path` and the file's SHA-256.

    Refuses, with one line naming what the file looks like, a missing file, a text file, a
    TorchScript archive, torchvision's Inception-v3 and any other state dict.
    """
    if not path.is_file():
        raise GankitError(f"fid-inception:{path}: file not found ({HINT})")
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if _is_torchscript(_zip_names(data)):  # torch.load would hand it to torch.jit.load: run code
        raise GankitError(f"fid-inception:{path}: a TorchScript archive, not a state dict; {HINT}")
    try:  # weights_only: the file is never unpickled as arbitrary objects
        state = torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
    except Exception:  # unpickling raises many types; the file's kind says more than the message
        raise GankitError(f"fid-inception:{path}: {_describe_unreadable(data)}") from None
    if not isinstance(state, dict) or not all(isinstance(v, Tensor) for v in state.values()):
        raise GankitError(f"fid-inception:{path}: a {type(state).__name__}, not a state dict")
    layout = reference_layout()
    # some ports omit BatchNorm's step counters; they play no part in evaluation
    for key in layout:
        if key.endswith("num_batches_tracked"):
            state.setdefault(key, torch.tensor(0))
    shapes = {k: tuple(v.shape) for k, v in state.items()}
    if shapes != layout:
        raise GankitError(f"fid-inception:{path}: {_describe_foreign(state, layout)}; {HINT}")
    return state, digest


class FidInceptionFeatures:
    """The FID Inception's 2,048 pooled features (N, 2048), float64 on the CPU.

    Example:
        >>> ex = FidInceptionFeatures(Path("pt_inception-2015-12-05-6726825d.pth"))  # doctest: +SKIP
        >>> ex.features(torch.rand(4, 1, 28, 28)).shape                               # doctest: +SKIP
        torch.Size([4, 2048])
    """

    def __init__(self, path: Path):
        try:
            from torch_fidelity.feature_extractor_inceptionv3 import FeatureExtractorInceptionV3
        except ImportError:
            raise GankitError(
                "--features fid-inception needs torch-fidelity: pip install 'gankit[fid]'"
            ) from None
        state, self.sha256 = load_state(path)
        # torch-fidelity unpickles whatever it is given; give it a stream of the checked tensors
        buffer = io.BytesIO()
        torch.save(state, buffer)
        buffer.seek(0)
        del state
        model = FeatureExtractorInceptionV3(
            "inception-v3-compat", ["2048"], feature_extractor_weights_path=buffer
        )
        self.device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
        self.model = model.to(self.device).eval()
        self.name = f"fid-inception:{path}"

    @torch.no_grad()
    def features(self, x: Tensor) -> Tensor:
        out = []
        for chunk in x.split(BATCH):
            (f,) = self.model(quantise(chunk).to(self.device))  # (B, 2048) float32
            out.append(f.double().cpu())
        return torch.cat(out)
