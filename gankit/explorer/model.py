"""The one generator a server holds, and the pictures it draws: sample grids, moves along fixed
directions of the seed space, interpolations between two integer seeds.

Kept free of web code so the pictures can be tested (and reused) without a server. Every call runs
under `torch.inference_mode()` and one lock: requests served by many threads share one model and
never see each other's half-finished work (`generate` flips G's train/eval mode).
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass

import torch
from torch import Tensor

from gankit.api import Run
from gankit.config import to_dict
from gankit.errors import GankitError
from gankit.losses import get_loss
from gankit.models.seed_clusters import SeedClusters, check_truncation
from gankit.train.latent import interpolate, seeded_latent
from gankit.viz.plots import grid_png

MAX_N = 256  # samples per grid
MAX_SEED = 2**63 - 1
DIRECTIONS = 3  # sliders on the page: fixed random directions of the seed space
MAX_MOVE = 4.0  # slider range, in standard deviations of the seed along a direction
DIRECTION_SEED = 7_000_000  # direction k is drawn from seed DIRECTION_SEED + k
# a seed's spread along any unit direction, so that a slider step means the same for every kind
_SPREAD = {"normal": 1.0, "uniform": 12**-0.5, "constant": 0.5}


@dataclass(frozen=True)
class Picture:
    """What to draw. `moves[k]` shifts every seed along direction k (in standard deviations);
    `psi` scales the seeds for this picture (the truncation trick; None: the run's own)."""

    seed: int = 0
    n: int = 1
    label: int | None = None
    moves: tuple[float, ...] = ()
    psi: float | None = None


class Explorer:
    """Pictures from a loaded `Run`, as PNG bytes.

    Example:
        >>> ex = Explorer(load_run("runs/demo"))        # doctest: +SKIP
        >>> ex.sample(Picture(seed=3, n=16)).shape       # doctest: +SKIP
        torch.Size([16, 1, 28, 28])
    """

    def __init__(self, run: Run):
        self.run = run
        self.lock = threading.Lock()
        m = run.config.model
        self.kind, self.dim = m.latent, m.latent_dim
        self.directions = self._directions()  # (DIRECTIONS, dim), unit length
        if self.kind == "normal" and not isinstance(run.G, SeedClusters):
            # a wrapper that only truncates, so that every picture can choose its own ψ
            run.G = SeedClusters(run.G, clusters=0, truncation=m.truncation).eval()

    def _directions(self) -> Tensor:
        u = torch.cat(
            [seeded_latent("normal", 1, self.dim, DIRECTION_SEED + k) for k in range(DIRECTIONS)]
        )
        return u / u.norm(dim=1, keepdim=True)

    def info(self) -> dict:
        """What the page needs to know about the run (JSON-able)."""
        run, cfg = self.run, self.run.config
        loss = get_loss(cfg.loss.name)
        rows = run.metrics()
        return {
            "run": run.path.name,
            "recipe": cfg.recipe,
            "conditional": run.conditional,
            "classes": list(run.classes),
            "shape": list(run.shape),
            "is_image": len(run.shape) == 3,
            "latent": self.kind,
            "latent_dim": self.dim,
            "truncation": cfg.model.truncation,  # the run's ψ; pictures may ask for another
            "loss": cfg.loss.name,
            "ideal_d": loss.ideal_d,
            "ideal_g": loss.ideal_g,
            "steps": int(rows[-1]["step"]) if rows else 0,
            "limits": {"n": MAX_N, "seed": MAX_SEED, "move": MAX_MOVE, "directions": DIRECTIONS},
            "config": to_dict(cfg),
        }

    def check_label(self, label: int | None) -> None:
        if label is None:
            return
        if not self.run.conditional:
            raise GankitError(f"label={label}: this run is not conditional; leave label out")
        if not 0 <= label < len(self.run.classes):
            raise GankitError(f"label={label}: expected 0–{len(self.run.classes) - 1}")

    def _labels(self, n: int, label: int | None) -> Tensor | None:
        """As `Run.sample`: one label for all, or classes in turn for a conditional run."""
        if not self.run.conditional:
            return None
        if label is not None:
            return torch.full((n,), label, dtype=torch.long)
        return torch.arange(n) % len(self.run.classes)

    @contextmanager
    def _truncation(self, psi: float | None):
        """G draws at ψ = `psi` inside (None: the run's own); call with the lock held."""
        if psi is not None:
            psi = check_truncation(psi, self.kind, "psi")
        G = self.run.G
        if psi is None or not isinstance(G, SeedClusters):  # unwrapped: seeds not normal, ψ 1
            yield
            return
        before, G.truncation = G.truncation, psi
        try:
            yield
        finally:
            G.truncation = before

    def _generate(self, z: Tensor, labels: Tensor | None, psi: float | None = None) -> Tensor:
        """G on seeds z (n, dim) → float32 samples on the CPU."""
        G = self.run.G
        device = next(G.parameters()).device
        with self.lock, self._truncation(psi), torch.inference_mode():
            y = labels.to(device) if labels is not None else None
            return G(z.to(device), y).float().cpu()

    def sample(self, pic: Picture) -> Tensor:
        """The grid's samples: (n, C, H, W) or (n, D). Without moves, exactly `Run.sample`."""
        if not 1 <= pic.n <= MAX_N:
            raise GankitError(f"n={pic.n}: expected 1–{MAX_N}")
        self.check_label(pic.label)
        if not any(pic.moves):
            with self.lock, self._truncation(pic.psi), torch.inference_mode():
                return self.run.sample(pic.n, seed=pic.seed, label=pic.label)
        z = seeded_latent(self.kind, pic.n, self.dim, pic.seed) + self._offset(pic.moves)
        return self._generate(z, self._labels(pic.n, pic.label), pic.psi)

    def _offset(self, moves: tuple[float, ...]) -> Tensor:
        if len(moves) > DIRECTIONS:
            raise GankitError(f"moves: expected at most {DIRECTIONS} directions")
        m = torch.zeros(DIRECTIONS)
        m[: len(moves)] = torch.tensor(moves, dtype=torch.float32)
        return (m[:, None] * self.directions).sum(0) * _SPREAD.get(self.kind, 1.0)  # (dim,)

    def between(
        self, seed_a: int, seed_b: int, ts, label: int | None, mode: str, psi: float | None = None
    ) -> Tensor:
        """One sample per fraction in `ts` on the way from seed_a's seed to seed_b's: (T, …)."""
        self.check_label(label)
        a = seeded_latent(self.kind, 1, self.dim, seed_a)  # (1, dim)
        b = seeded_latent(self.kind, 1, self.dim, seed_b)
        z = interpolate(a, b, ts, mode)  # (T, dim)
        label = label if label is not None or not self.run.conditional else 0
        return self._generate(z, self._labels(z.shape[0], label), psi)


def samples_png(x: Tensor, nrow: int | None = None) -> bytes:
    """Samples as one PNG grid; vectors (n, D) are drawn as rows of grey cells.

    Example:
        >>> samples_png(torch.rand(4, 1, 28, 28))[:4]
        b'\\x89PNG'
    """
    n = x.shape[0]
    if x.dim() == 2:
        x = x[:, None, None, :]  # (n, 1, 1, D): the book's 1010 heat-map, one row a sample
        nrow = nrow or (n + 15) // 16  # columns of 16 rows
    nrow = nrow or max(1, min(16, int(n**0.5 + 0.999)))
    size = x.shape[-1]
    scale = 32 if x.shape[-2] == 1 else (4 if size <= 32 else (2 if size <= 64 else 1))
    return grid_png(x, nrow=nrow, scale=scale)
