"""FID and KID against independent computations (scipy's sqrtm, a plain NumPy MMD)."""

import numpy as np
import pytest
import scipy.linalg
import torch

from gankit.metrics.fid import fid, kid, mean_cov, mmd2_unbiased, sqrtm_psd, trace_sqrt_product


def _clouds(seed=0, d=12):
    g = torch.Generator().manual_seed(seed)
    a = torch.randn(300, d, generator=g, dtype=torch.float64)
    mix = torch.randn(d, d, generator=g, dtype=torch.float64) / d**0.5
    b = torch.randn(400, d, generator=g, dtype=torch.float64) @ mix + 0.4
    return a, b


def _scipy_fid(a: np.ndarray, b: np.ndarray) -> float:
    mu1, mu2 = a.mean(0), b.mean(0)
    s1, s2 = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    covmean = scipy.linalg.sqrtm(s1 @ s2).real
    return float(((mu1 - mu2) ** 2).sum() + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean))


def test_fid_matches_scipy_sqrtm():
    a, b = _clouds()
    assert fid(a, b) == pytest.approx(_scipy_fid(a.numpy(), b.numpy()), rel=1e-3)
    # the building blocks too, far tighter than the 1e-3
    _, s1 = mean_cov(a)
    _, s2 = mean_cov(b)
    ref = np.trace(scipy.linalg.sqrtm(s1.numpy() @ s2.numpy()).real)
    assert trace_sqrt_product(s1, s2) == pytest.approx(ref, rel=1e-6)
    np.testing.assert_allclose(
        sqrtm_psd(s1).numpy(), scipy.linalg.sqrtm(s1.numpy()).real, rtol=1e-6
    )


def test_fid_of_a_set_with_itself_is_zero_and_grows_with_a_shift():
    a, _ = _clouds(1)
    assert fid(a, a) == pytest.approx(0.0, abs=1e-8)
    shifted = fid(a, a + 1.0)  # a mean shift of 1 in each of 12 dimensions: FID = 12
    assert shifted == pytest.approx(12.0, rel=1e-6)


def test_fid_handles_singular_covariances():
    """Fewer samples than dimensions (pixels of a small n): finite, and ≈ 0 against itself."""
    x = torch.rand(20, 50, generator=torch.Generator().manual_seed(2), dtype=torch.float64)
    assert fid(x, x) == pytest.approx(0.0, abs=1e-6)
    assert np.isfinite(fid(x, x.flip(1)))


def _numpy_mmd2(x: np.ndarray, y: np.ndarray) -> float:
    d = x.shape[1]
    k = lambda a, b: (a @ b.T / d + 1) ** 3  # noqa: E731
    m = len(x)
    kxx, kyy, kxy = k(x, x), k(y, y), k(x, y)
    np.fill_diagonal(kxx, 0)
    np.fill_diagonal(kyy, 0)
    return kxx.sum() / (m * (m - 1)) + kyy.sum() / (m * (m - 1)) - 2 * kxy.mean()


def test_kid_matches_a_direct_computation_and_separates_sets():
    a, b = _clouds(3, d=6)
    x, y = a[:100], b[:100]
    assert mmd2_unbiased(x, y) == pytest.approx(_numpy_mmd2(x.numpy(), y.numpy()), rel=1e-9)
    same_mean, same_std = kid(a[:150], a[150:], subsets=20, subset_size=100)
    diff_mean, _ = kid(a, b, subsets=20, subset_size=100)
    assert abs(same_mean) < 3 * same_std + 1e-3
    assert diff_mean > 10 * max(same_std, 1e-4)
    with pytest.raises(ValueError):
        kid(a[:1], b[:1])
