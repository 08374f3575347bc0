"""Fréchet Inception Distance and Kernel Inception Distance, exact, in double precision.

Both compare two sets of feature vectors (N, F) (any extractor's, see gankit.metrics.features):
FID  = |μ₁ − μ₂|² + tr(Σ₁ + Σ₂ − 2 (Σ₁ Σ₂)^½)           (Heusel et al., 2017)
KID  = unbiased MMD² with the kernel k(x, y) = (x·y / F + 1)³, averaged over random subsets
                                                        (Bińkowski et al., 2018)
The matrix square root uses symmetric eigen-decompositions only: tr((Σ₁ Σ₂)^½) equals
tr((Σ₁^½ Σ₂ Σ₁^½)^½), and Σ₁^½ Σ₂ Σ₁^½ is symmetric positive semi-definite.
"""

from __future__ import annotations

import torch
from torch import Tensor


def mean_cov(f: Tensor) -> tuple[Tensor, Tensor]:
    """Mean (F,) and unbiased covariance (F, F) of features (N, F), in float64."""
    f = f.double()
    mu = f.mean(0)
    centred = f - mu
    return mu, centred.T @ centred / max(f.shape[0] - 1, 1)


def sqrtm_psd(a: Tensor) -> Tensor:
    """The symmetric square root of a symmetric positive semi-definite matrix (F, F).

    Tiny negative eigenvalues (rounding) are clipped to 0.

    Example:
        >>> sqrtm_psd(torch.tensor([[4.0, 0.0], [0.0, 9.0]], dtype=torch.float64)).diagonal()
        tensor([2., 3.], dtype=torch.float64)
    """
    a = (a + a.T) / 2
    values, vectors = torch.linalg.eigh(a)
    return (vectors * values.clamp(min=0).sqrt()) @ vectors.T


def trace_sqrt_product(s1: Tensor, s2: Tensor) -> float:
    """tr((Σ₁ Σ₂)^½) for covariance matrices Σ₁, Σ₂ (F, F)."""
    root = sqrtm_psd(s1.double())
    inner = root @ s2.double() @ root  # symmetric PSD, same eigenvalues as Σ₁ Σ₂
    values = torch.linalg.eigvalsh((inner + inner.T) / 2)
    return float(values.clamp(min=0).sqrt().sum())


def frechet_distance(mu1: Tensor, s1: Tensor, mu2: Tensor, s2: Tensor) -> float:
    """The Fréchet distance between Gaussians N(μ₁, Σ₁) and N(μ₂, Σ₂)."""
    diff = (mu1.double() - mu2.double()).square().sum()
    value = diff + s1.double().trace() + s2.double().trace() - 2 * trace_sqrt_product(s1, s2)
    return max(float(value), 0.0)  # rounding can leave −1e-12 for identical sets


def fid(f1: Tensor, f2: Tensor) -> float:
    """FID between two feature sets (N₁, F) and (N₂, F); 0 for a set against itself.

    Example:
        >>> f = torch.randn(500, 8, dtype=torch.float64)
        >>> fid(f, f) < 1e-8
        True
    """
    return frechet_distance(*mean_cov(f1), *mean_cov(f2))


def _polynomial_kernel(x: Tensor, y: Tensor) -> Tensor:
    return (x @ y.T / x.shape[1] + 1.0) ** 3  # (n, m)


def mmd2_unbiased(x: Tensor, y: Tensor) -> float:
    """Unbiased squared MMD between samples x (m, F) and y (m, F) with the polynomial kernel."""
    m = x.shape[0]
    kxx, kyy, kxy = _polynomial_kernel(x, x), _polynomial_kernel(y, y), _polynomial_kernel(x, y)
    same = (kxx.sum() - kxx.trace() + kyy.sum() - kyy.trace()) / (m * (m - 1))
    return float(same - 2 * kxy.mean())


def kid(
    f1: Tensor, f2: Tensor, subsets: int = 100, subset_size: int = 1000, seed: int = 0
) -> tuple[float, float]:
    """KID: mean and standard deviation of the unbiased MMD² over `subsets` random subsets.

    Subsets of `subset_size` (at most the smaller set's size) are drawn without replacement.

    Example:
        >>> f = torch.randn(200, 8, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
        >>> same, shifted = kid(f, f.flip(0), 5, 100)[0], kid(f, f + 1, 5, 100)[0]
        >>> abs(same) < 0.2 < shifted     # small subsets: the same set scatters around 0
        True
    """
    f1, f2 = f1.double(), f2.double()
    size = min(subset_size, f1.shape[0], f2.shape[0])
    if size < 2:
        raise ValueError("KID needs at least 2 samples per set")
    g = torch.Generator().manual_seed(seed)
    values = torch.tensor(
        [
            mmd2_unbiased(
                f1[torch.randperm(f1.shape[0], generator=g)[:size]],
                f2[torch.randperm(f2.shape[0], generator=g)[:size]],
            )
            for _ in range(subsets)
        ],
        dtype=torch.float64,
    )
    std = float(values.std()) if subsets > 1 else 0.0
    return float(values.mean()), std
