"""Improved precision and recall (Kynkäänniemi et al., 2019) and density and coverage (Naeem et
al., 2020): sample quality and diversity from k-nearest-neighbour balls in feature space.

Each real feature r gets a ball of radius NND_k(r), the distance to its k-th nearest other real
(fakes likewise for recall). With M fakes f and N reals r:
  precision = share of fakes inside some real ball                   (k = 3)   quality
  recall    = share of reals inside some fake ball                   (k = 3)   diversity
  density   = (1 / kM) Σ_f #{r : f in ball(r)}                       (k = 5)   ~1 when alike
  coverage  = share of reals whose ball holds at least one fake      (k = 5)   diversity
Balls are closed (distance ≤ radius). For two independent samples of one distribution, density
≈ 1 and coverage ≈ 1 − 2⁻ᵏ (N = M) in any dimension.
"""

from __future__ import annotations

import torch
from torch import Tensor

CHUNK = 1024  # rows of a distance block: CHUNK × N float64 at a time, not N × N


def knn_radii(x: Tensor, k: int) -> Tensor:
    """Distance from each row of x (N, F) to its k-th nearest other row: (N,)."""
    if x.shape[0] <= k:
        raise ValueError(f"need more than k={k} samples, got {x.shape[0]}")
    radii = []
    for i in range(0, x.shape[0], CHUNK):
        d = torch.cdist(x[i : i + CHUNK], x)  # (c, N), the zero distance to itself included
        radii.append(d.topk(k + 1, dim=1, largest=False).values[:, -1])
    return torch.cat(radii)


def prdc(real: Tensor, fake: Tensor, k_pr: int = 3, k_dc: int = 5) -> dict[str, float]:
    """precision, recall (k = `k_pr`), density and coverage (k = `k_dc`) of fake vs real features.

    Example:
        >>> x = torch.randn(300, 4, dtype=torch.float64)
        >>> prdc(x, x)["coverage"]
        1.0
    """
    real, fake = real.double(), fake.double()
    r_pr, r_dc = knn_radii(real, k_pr), knn_radii(real, k_dc)  # (N,)
    f_pr = knn_radii(fake, k_pr)  # (M,)
    n, m = real.shape[0], fake.shape[0]
    precise = torch.zeros(m, dtype=torch.bool)
    recalled = torch.zeros(n, dtype=torch.bool)
    nearest_fake = torch.full((n,), float("inf"), dtype=torch.float64)
    inside = 0.0
    for i in range(0, m, CHUNK):
        d = torch.cdist(fake[i : i + CHUNK], real)  # (c, N): fake rows, real columns
        precise[i : i + CHUNK] = (d <= r_pr).any(1)
        recalled |= (d <= f_pr[i : i + CHUNK, None]).any(0)
        inside += float((d <= r_dc).sum())
        nearest_fake = torch.minimum(nearest_fake, d.min(0).values)
    return {
        "precision": float(precise.double().mean()),
        "recall": float(recalled.double().mean()),
        "density": inside / (k_dc * m),
        "coverage": float((nearest_fake <= r_dc).double().mean()),
    }
