"""`toy-faces`: synthetic colour faces drawn from a seed, an offline stand-in for CelebA (ch. 8–9).

Each face varies in position, shape, skin tone, hair (colour, length, fringe), eyes (spacing,
size, iris colour), eyebrows, mouth (width, smile or frown), clothes and background. Faces are
drawn vectorised, a chunk of images at a time, with anti-aliased edges; image i depends only on
(split, i), so `toy-faces:2000` is the first 2,000 faces of `toy-faces`.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import Tensor

from gankit.data.cache import cache_key, cached_uint8
from gankit.data.dataset import Dataset
from gankit.errors import GankitError

DEFAULT_N = 20_000
DEFAULT_SIZE = 128  # the book's centre crop (ch. 9)
CHUNK = 250  # faces seeded together, so that prefixes agree
DRAW = 25  # faces drawn together: small enough that each (DRAW, S, S) layer stays in cache
VERSION = 1  # bump when the drawing changes: old caches are then ignored

SKIN_LIGHT, SKIN_DARK = (0.96, 0.80, 0.69), (0.33, 0.20, 0.13)
HAIR = ((0.07, 0.06, 0.05), (0.24, 0.14, 0.08), (0.46, 0.30, 0.16), (0.86, 0.72, 0.42),
        (0.58, 0.24, 0.10), (0.66, 0.66, 0.66))  # fmt: skip
IRIS = ((0.30, 0.18, 0.08), (0.25, 0.45, 0.75), (0.25, 0.50, 0.30), (0.10, 0.08, 0.06))


def _pick(palette, n: int, g: torch.Generator, jitter: float) -> Tensor:
    """n colours (n, 3) from a palette, each jittered a little."""
    table = torch.tensor(palette)
    colours = table[torch.randint(len(palette), (n,), generator=g)]
    return (colours + jitter * (torch.rand(n, 3, generator=g) - 0.5)).clamp(0, 1)


def face_params(n: int, g: torch.Generator) -> dict[str, Tensor]:
    """Random parameters of n faces: each value (n, 1, 1) or a colour (n, 3)."""

    def u(lo: float, hi: float) -> Tensor:
        return (lo + (hi - lo) * torch.rand(n, generator=g)).view(n, 1, 1)

    tone = torch.rand(n, 1, generator=g)  # 0: light skin … 1: dark skin
    skin = torch.tensor(SKIN_LIGHT) * (1 - tone) + torch.tensor(SKIN_DARK) * tone
    skin = (skin + 0.06 * (torch.rand(n, 3, generator=g) - 0.5)).clamp(0, 1)
    return {
        "cx": u(0.47, 0.53), "cy": u(0.46, 0.52), "rx": u(0.23, 0.31), "ry": u(0.30, 0.38),
        "skin": skin, "hair": _pick(HAIR, n, g, 0.08), "iris": _pick(IRIS, n, g, 0.06),
        "bg": torch.rand(n, 3, generator=g) * 0.8 + 0.1, "shirt": torch.rand(n, 3, generator=g),
        "bg_grad": u(-0.25, 0.25), "hair_len": u(-0.3, 1.1), "fringe": u(0.30, 0.65),
        "eye_dx": u(0.34, 0.44), "eye_size": u(0.8, 1.25), "mouth_w": u(0.25, 0.45),
        "smile": u(-0.35, 1.0), "brow": u(0.0, 1.0),
    }  # fmt: skip


class _Canvas:
    """n RGB images (n, 3, S, S) in [0, 1] and the pixel-centre coordinates u (x), v (y)."""

    def __init__(self, n: int, size: int):
        c = (torch.arange(size, dtype=torch.float32) + 0.5) / size
        self.u, self.v = c.view(1, 1, size), c.view(1, size, 1)  # broadcast against (n, 1, 1)
        self.px = 1.0 / size
        self.rgb = torch.zeros(n, 3, size, size)

    def ellipse(self, cx, cy, rx, ry) -> Tensor:
        """Coverage (n, S, S) of an ellipse, anti-aliased over about one pixel."""
        d = (((self.u - cx) / rx) ** 2 + ((self.v - cy) / ry) ** 2).sqrt()
        dist = (d - 1) * torch.minimum(torch.as_tensor(rx), torch.as_tensor(ry))
        return (0.5 - dist / self.px).clamp(0, 1)

    def below(self, y) -> Tensor:
        """Coverage of the half-plane v > y, anti-aliased."""
        return (0.5 + (self.v - y) / self.px).clamp(0, 1)

    def paint(self, alpha: Tensor, colour: Tensor) -> None:
        """Blend `colour` (n, 3) over the canvas where `alpha` (n, S, S) covers it."""
        a = alpha.unsqueeze(1)  # (n, 1, S, S)
        self.rgb += a * (colour.view(-1, 3, 1, 1) - self.rgb)


def draw_faces(p: dict[str, Tensor], size: int) -> Tensor:
    """Draw the faces of `face_params` at size × size: uint8 (n, 3, size, size)."""
    n = p["cx"].shape[0]
    cv = _Canvas(n, size)
    cx, cy, rx, ry = p["cx"], p["cy"], p["rx"], p["ry"]
    shade = (1 + p["bg_grad"] * (cv.v - 0.5)).unsqueeze(1)  # (n, 1, S, 1) vertical light
    cv.rgb = (p["bg"].view(n, 3, 1, 1) * shade).expand(n, 3, size, size).clamp(0, 1).clone()
    # long hair behind the head, down to hair_len of the face's half-height below its centre
    back = cv.ellipse(cx, cy - 0.02, rx * 1.22, ry * 1.18) * (1 - cv.below(cy + p["hair_len"] * ry))
    cv.paint(back, p["hair"])
    cv.paint(cv.ellipse(cx, cy + 1.15 * ry + 0.32, rx * 1.9, 0.3), p["shirt"])  # shoulders
    neck = ((cv.u - cx).abs() < rx * 0.42).float() * cv.below(cy + 0.5 * ry)
    cv.paint(neck * (1 - cv.below(cy + ry * 1.45)), p["skin"] * 0.82)
    face = cv.ellipse(cx, cy, rx, ry)
    cv.paint(face, p["skin"])
    cheeks = 1 - 0.18 * ((cv.u - cx) / rx) ** 2  # darker towards the sides: a rounder face
    cv.rgb = cv.rgb * (1 - face.unsqueeze(1) * (1 - cheeks.unsqueeze(1)))
    top = cv.ellipse(cx, cy - 0.08 * ry, rx * 1.08, ry * 1.02)
    cv.paint(top * (1 - cv.below(cy - p["fringe"] * ry)), p["hair"])  # hair on top, a fringe
    _draw_eyes(cv, p)
    cv.paint(cv.ellipse(cx, cy + 0.18 * ry, 0.07 * rx, 0.12 * ry), p["skin"] * 0.8)  # nose
    _draw_mouth(cv, p)
    return (cv.rgb.clamp(0, 1) * 255).round().to(torch.uint8)


def _draw_eyes(cv: _Canvas, p: dict[str, Tensor]) -> None:
    cx, cy, rx, ry, s = p["cx"], p["cy"], p["rx"], p["ry"], p["eye_size"]
    white = torch.full_like(p["skin"], 0.95)
    for side in (-1.0, 1.0):
        ex, ey = cx + side * p["eye_dx"] * rx, cy - 0.12 * ry
        brow_y = ey - (0.16 + 0.06 * p["brow"]) * ry
        cv.paint(cv.ellipse(ex, brow_y, 0.22 * rx, 0.035 * ry + cv.px), p["hair"] * 0.8)
        cv.paint(cv.ellipse(ex, ey, 0.19 * rx * s, 0.085 * ry * s), white)
        cv.paint(cv.ellipse(ex, ey, 0.085 * rx * s, 0.08 * ry * s), p["iris"])
        cv.paint(cv.ellipse(ex, ey, 0.04 * rx * s, 0.04 * ry * s), p["iris"] * 0.2)


def _draw_mouth(cv: _Canvas, p: dict[str, Tensor]) -> None:
    """An arc: y = centre + smile·(x/width)²·depth; a band of half-thickness t along it."""
    cx, cy, rx, ry = p["cx"], p["cy"], p["rx"], p["ry"]
    width, my = p["mouth_w"] * rx, cy + 0.52 * ry
    x = (cv.u - cx) / width  # -1 … 1 across the mouth
    curve = my + p["smile"] * (1 - x**2) * 0.08 * ry  # smile > 0: the middle dips (v grows down)
    t = 0.035 * ry + cv.px
    band = (0.5 - ((cv.v - curve).abs() - t) / cv.px).clamp(0, 1)
    ends = (0.5 - ((x.abs() - 1) * width) / cv.px).clamp(0, 1)
    lips = p["skin"] * 0.55 + torch.tensor([0.35, 0.05, 0.05])
    cv.paint(band * ends, lips.clamp(0, 1))


def _seed(split: str, chunk: int) -> int:
    return (1 if split == "train" else 2) * 1_000_003 + chunk * 7919


def _fill(out: np.ndarray, split: str, size: int) -> None:
    """Draw faces 0 … len(out)-1 of `split` into `out` (N, 3, size, size), a chunk at a time."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # small element-wise layers: threads cost more than they give
    try:
        _fill_chunks(out, split, size)
    finally:
        torch.set_num_threads(threads)


def _fill_chunks(out: np.ndarray, split: str, size: int) -> None:
    for start in range(0, out.shape[0], CHUNK):
        g = torch.Generator().manual_seed(_seed(split, start // CHUNK))
        params = face_params(CHUNK, g)  # whole chunks of parameters keep prefixes equal
        for i in range(start, min(start + CHUNK, out.shape[0]), DRAW):
            stop = min(i + DRAW, out.shape[0])
            part = {k: v[i - start : stop - start] for k, v in params.items()}
            out[i:stop] = draw_faces(part, size).numpy()


def toy_faces(arg: str | None, split: str, size: int = 0) -> Dataset:
    """`toy-faces[:N]`: N faces (20,000 by default; a tenth as many in the test split).

    Example:
        >>> ds = toy_faces("8", "train", size=32)
        >>> ds.shape, len(ds)
        ((3, 32, 32), 8)
    """
    try:
        n = int(arg) if arg is not None else DEFAULT_N
    except ValueError:
        n = 0
    if n < 1:
        raise GankitError(f"toy-faces:{arg}: expected a number of faces, e.g. toy-faces:2000")
    size = size or DEFAULT_SIZE
    if not 8 <= size <= 1024:
        raise GankitError(f"data.size {size}: expected 8 to 1024 pixels for toy-faces")
    count = n if split == "train" else max(1, n // 10)
    key = cache_key(VERSION, split, count, size)
    x, where = cached_uint8(
        "toy-faces", key, (count, 3, size, size), lambda a: _fill(a, split, size), "toy faces"
    )
    return Dataset(
        "toy-faces", x, note=f"{count} synthetic faces ({split}), {size}×{size}; {where}"
    )
