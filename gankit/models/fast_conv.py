"""Strided convolutions rewritten onto oneDNN's fast stride-1 kernels (bf16 on CPUs with AMX).

A transposed convolution with stride s is s·s interleaved stride-1 convolutions (the "sub-pixel"
form): output phase (r, q), the pixels (s·h + r, s·w + q), sees the kernel taps w[:, :, r::s, q::s],
flipped, slid over the input. So ONE stride-1 Conv2d with s·s times the output channels, followed
by a pixel shuffle (and a crop for padding), computes exactly what ConvTranspose2d computes. The
gradient of a strided Conv2d with respect to its input is such a transposed convolution too.

Why: on a 2-core Xeon with AMX (bf16 autocast, channels_last, batch 32, one thread) oneDNN runs
Conv2d(256, 256, k8, s2) forward at about 1.2 TFLOP/s but its input gradient, and
ConvTranspose2d(256, 256, k8, s2) forward, at about 0.42; the sub-pixel form of either runs at about
1.1. Forward and backward of the book's ch. 9 layers: ConvTranspose2d 1.7× faster, Conv2d (input
gradient only) 1.3×. In fp32 there is no gain, nor for DCGAN's k4 s2 layers between feature maps;
the layers that read or draw the image (≤ 4 channels on that side) gain at k4 s2 too (see
NARROW; measured on an AMD EPYC without AMX). So `use_fast_convs` swaps only where it measured a
win and gankit calls it only under bf16 autocast on the CPU.

The swap changes a module's class and nothing else: same parameters, buffers, state_dict keys,
hooks and optimiser references, so checkpoints and EMA copies are unaffected. Spectrally
normalised layers (parametrised classes) and grouped, dilated or non-zero-padded ones stay as
they are. The backward passes are custom (`torch.autograd.Function`), so each runs the fastest
of oneDNN's kernels and the sub-pixel form: see `_StridedConv` and `_StridedConvTranspose`.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor, nn

CL = torch.channels_last
_grads = torch.ops.aten.convolution_backward


def subpixel_weight(w: Tensor, stride: tuple[int, int]) -> Tensor:
    """ConvTranspose2d weight (Cin, Cout, kh, kw) → stride-1 Conv2d weight (sh·sw·Cout, Cin, th, tw).

    Output channel (r·sw + q)·Cout + o holds phase (r, q) of output channel o; taps are flipped
    (a transposed convolution is a convolution, a Conv2d a correlation). th = ceil(kh / sh); the
    kernel is padded with zero taps to th·sh first. Returned channels_last, the layout oneDNN reads.

    Example:
        >>> subpixel_weight(torch.zeros(4, 6, 8, 8), (2, 2)).shape
        torch.Size([24, 4, 4, 4])
    """
    (sh, sw), (cin, cout, kh, kw) = stride, w.shape
    th, tw = math.ceil(kh / sh), math.ceil(kw / sw)
    if (th * sh, tw * sw) != (kh, kw):
        w = F.pad(w, (0, tw * sw - kw, 0, th * sh - kh))
    # (Cin, taps, Cout) → (taps, Cout, Cin): one 2-D transpose per tap, the one costly copy
    taps = w.permute(0, 2, 3, 1).reshape(cin, -1, cout).permute(1, 2, 0).contiguous()
    k = taps.view(th, sh, tw, sw, cout, cin).permute(1, 3, 4, 0, 2, 5).flip(3, 4)  # (r,q,o,a,b,c)
    return k.reshape(sh * sw * cout, th, tw, cin).permute(0, 3, 1, 2)


def _segments(start: int, size: int, s: int) -> list[tuple[slice, slice, slice]]:
    """Split output rows [0, size) (full rows start + i = s·h + r) into (out rows, h range, r range)
    blocks of whole or partial phases, so each block is one strided copy."""
    out, u, end = [], start, start + size
    while u < end:
        h, r = divmod(u, s)
        if r or end - u < s:  # a partial phase block: one h, some r
            n = min(s - r, end - u)
            out.append((slice(u - start, u - start + n), slice(h, h + 1), slice(r, r + n)))
        else:  # whole phase blocks: every r of h .. h + n - 1
            n = (end - u) // s
            out.append((slice(u - start, u - start + n * s), slice(h, h + n), slice(0, s)))
            n *= s
        u += n
    return out


def _shuffle(y: Tensor, stride, cout: int, start, size) -> Tensor:
    """Pixel-shuffle y (B, sh·sw·Cout, h, w) and crop rows/cols [start, start + size): channels_last."""
    (sh, sw), (b, _, h, w) = stride, y.shape
    z = y.permute(0, 2, 3, 1).reshape(b, h, w, sh, sw, cout).permute(0, 1, 3, 2, 4, 5)
    out = torch.empty(b, cout, *size, dtype=y.dtype, device=y.device, memory_format=CL)
    o = out.permute(0, 2, 3, 1)  # (B, Ho, Wo, Cout) view
    for rows, hs, rs in _segments(start[0], size[0], sh):
        for cols, ws, qs in _segments(start[1], size[1], sw):
            block = o[:, rows, cols].unflatten(2, (-1, qs.stop - qs.start))
            block.unflatten(1, (-1, rs.stop - rs.start)).copy_(z[:, hs, rs, ws, qs])
    return out


def conv_transpose_subpixel(
    x: Tensor, w: Tensor, b: Tensor | None, stride, padding, output_padding
) -> Tensor:
    """F.conv_transpose2d(x, w, b, stride, padding, output_padding) as one stride-1 conv + shuffle.

    Example:
        >>> x, w = torch.randn(1, 4, 5, 5), torch.randn(4, 6, 8, 8)
        >>> y = conv_transpose_subpixel(x, w, None, (2, 2), (1, 1), (0, 0))
        >>> y.shape, torch.allclose(y, F.conv_transpose2d(x, w, None, 2, 1), atol=1e-4)
        (torch.Size([1, 6, 14, 14]), True)
    """
    (sh, sw), (ph, pw), (oh, ow) = stride, padding, output_padding
    _, cin, hi, wi = x.shape
    cout, kh, kw = w.shape[1:]
    th, tw = math.ceil(kh / sh), math.ceil(kw / sw)
    size = ((hi - 1) * sh - 2 * ph + kh + oh, (wi - 1) * sw - 2 * pw + kw + ow)
    # the full sub-pixel output has s·(H + t - 1) rows; output_padding may reach past it
    extra_h = max(0, math.ceil((ph + size[0] - sh * (hi + th - 1)) / sh))
    extra_w = max(0, math.ceil((pw + size[1] - sw * (wi + tw - 1)) / sw))
    if extra_h or extra_w:
        x = F.pad(x, (0, extra_w, 0, extra_h))
    bias = None if b is None else b.repeat(sh * sw)
    y = F.conv2d(x, subpixel_weight(w, stride), bias, 1, (th - 1, tw - 1))  # (B, s·s·Cout, h, w)
    return _shuffle(y, stride, cout, (ph, pw), size)


def _saved(ctx, gy: Tensor):
    """What both backward passes start from: (x, w, stride, padding, gy in channels_last)."""
    x, w = ctx.saved_tensors
    return x, w, ctx.stride, ctx.padding, gy.contiguous(memory_format=CL)


class _StridedConv(torch.autograd.Function):
    """Conv2d: oneDNN's forward and weight gradient; the input gradient in sub-pixel form."""

    @staticmethod
    def forward(ctx, x, w, b, stride, padding):
        ctx.save_for_backward(x, w)
        ctx.stride, ctx.padding, ctx.has_bias = stride, padding, b is not None
        return F.conv2d(x, w, b, stride, padding)

    @staticmethod
    def backward(ctx, gy):
        x, w, s, p, gy = _saved(ctx, gy)
        gx = gw = gb = None
        if ctx.needs_input_grad[0]:  # the rows the forward's floor division left over
            extra = [
                x.shape[i] - ((gy.shape[i] - 1) * s[i - 2] - 2 * p[i - 2] + w.shape[i])
                for i in (2, 3)
            ]
            gx = conv_transpose_subpixel(gy, w, None, s, p, extra)
        want_w, want_b = ctx.needs_input_grad[1], ctx.has_bias and ctx.needs_input_grad[2]
        if want_w or want_b:
            bias_sizes = [w.shape[0]] if want_b else None
            _, gw, gb = _grads(
                gy, x, w, bias_sizes, s, p, [1, 1], False, [0, 0], 1, [False, want_w, want_b]
            )
        return gx, gw, gb, None, None


class _StridedConvTranspose(torch.autograd.Function):
    """ConvTranspose2d: sub-pixel forward; input gradient = oneDNN's strided Conv2d forward;
    weight gradient = oneDNN's Conv2d weight gradient with input and output swapped."""

    @staticmethod
    def forward(ctx, x, w, b, stride, padding, output_padding):
        ctx.save_for_backward(x, w)
        ctx.stride, ctx.padding, ctx.has_bias = stride, padding, b is not None
        return conv_transpose_subpixel(x, w, b, stride, padding, output_padding)

    @staticmethod
    def backward(ctx, gy):
        x, w, s, p, gy = _saved(ctx, gy)
        gx = gw = gb = None
        if ctx.needs_input_grad[0]:
            gx = F.conv2d(gy, w, None, s, p)  # (B, Cin, H, W): the floor drops output_padding
        if ctx.needs_input_grad[1]:
            gw = _grads(x, gy, w, None, s, p, [1, 1], False, [0, 0], 1, [False, True, False])[1]
        if ctx.has_bias and ctx.needs_input_grad[2]:
            gb = gy.sum((0, 2, 3))
        return gx, gw, gb, None, None, None


class _BiasSum(torch.autograd.Function):
    """A plain convolution: oneDNN's forward, input and weight gradients; the bias gradient as
    the sum of gy over (B, H, W). oneDNN's bf16 bias gradient of a transposed convolution is
    slow: the main job's ConvTranspose2d(128, 64, k4, s2) at batch 128, forward and backward,
    14.2 ms with it against 9.5 ms without it (the very layer without a bias: 9.2 ms). For
    Conv2d layers it measured no slower than the sum, so they keep it."""

    @staticmethod
    def forward(ctx, x, w, b, stride, padding, output_padding, transposed):
        ctx.save_for_backward(x, w)
        ctx.args = stride, padding, [1, 1], transposed, output_padding, 1
        return torch.ops.aten.convolution(x, w, b, *ctx.args)

    @staticmethod
    def backward(ctx, gy):
        x, w = ctx.saved_tensors
        want = [ctx.needs_input_grad[0], ctx.needs_input_grad[1], False]
        gx, gw, _ = _grads(gy, x, w, None, *ctx.args, want)
        gb = gy.sum((0, 2, 3)) if ctx.needs_input_grad[2] else None  # (Cout,)
        return gx, gw, gb, None, None, None, None


def _autocast(x: Tensor, w: Tensor, b: Tensor | None):
    """The casts autocast would apply to a convolution's arguments (custom functions skip them)."""
    kind = x.device.type
    if not torch.is_autocast_enabled(kind):
        return x, w, b
    dtype = torch.get_autocast_dtype(kind)
    return x.to(dtype), w.to(dtype), None if b is None else b.to(dtype)


def _batched(fn, x: Tensor) -> Tensor:
    return fn(x.unsqueeze(0)).squeeze(0) if x.dim() == 3 else fn(x)


class FastConv2d(nn.Conv2d):
    """nn.Conv2d whose input gradient runs in sub-pixel form; same parameters and outputs."""

    def forward(self, x: Tensor) -> Tensor:
        def run(x4: Tensor) -> Tensor:
            x4, w, b = _autocast(x4, self.weight, self.bias)
            return _StridedConv.apply(x4, w, b, list(self.stride), list(self.padding))

        return _batched(run, x)


def _transposed(m: nn.ConvTranspose2d, x: Tensor, output_size, fn) -> Tensor:
    """m's transposed convolution of x through `fn(x, w, b, stride, padding, output_padding)`,
    with the casts autocast would apply and unbatched (C, H, W) inputs allowed."""

    def run(x4: Tensor) -> Tensor:
        op = m._output_padding(x4, output_size, m.stride, m.padding, m.kernel_size, 2, m.dilation)
        x4, w, b = _autocast(x4, m.weight, m.bias)
        return fn(x4, w, b, list(m.stride), list(m.padding), list(op))

    return _batched(run, x)


class FastConvTranspose2d(nn.ConvTranspose2d):
    """nn.ConvTranspose2d computed as one stride-1 convolution + pixel shuffle; same parameters."""

    def forward(self, x: Tensor, output_size: list[int] | None = None) -> Tensor:
        return _transposed(self, x, output_size, _StridedConvTranspose.apply)


class BiasSumConvTranspose2d(nn.ConvTranspose2d):
    """nn.ConvTranspose2d whose bias gradient is a plain sum (see _BiasSum); same parameters."""

    def forward(self, x: Tensor, output_size: list[int] | None = None) -> Tensor:
        return _transposed(self, x, output_size, _bias_sum_transposed)


def _bias_sum_transposed(x, w, b, stride, padding, output_padding) -> Tensor:
    return _BiasSum.apply(x, w, b, stride, padding, output_padding, True)


def _plain(m: nn.Module) -> bool:
    """No groups, dilation, string padding or non-zero padding mode: what the custom forms cover."""
    return (
        m.groups == 1
        and all(d == 1 for d in m.dilation)
        and m.padding_mode == "zeros"
        and not isinstance(m.padding, str)
    )


def _plain_strided(m: nn.Module) -> bool:
    """A plain (see _plain) strided 2-D convolution with more than two kernel taps per phase
    (k > 2·s) on some axis, or with at most NARROW channels on its image side."""
    wide = any(k > 2 * s for k, s in zip(m.kernel_size, m.stride, strict=True))
    return (wide or _image_side(m) <= NARROW) and _plain(m) and max(m.stride) > 1


# a layer that reads or draws the image itself (1 channel for digits, 3 for colour): oneDNN's
# channels-last kernels vectorise over channels, so its strided kernels on that side run mostly
# empty lanes; the sub-pixel form puts s·s times the channels there. The main job's
# ConvTranspose2d(64, 1, k4, s2) at batch 128 in bf16, forward and backward: 3.5 ms → 1.9 ms; its
# whole step 61.6 → 57.5 ms on a 2-core AMD EPYC (no gain in fp32: 96.5 → 95.4 ms)
NARROW = 4


def _image_side(m: nn.Module) -> int:
    """Channels on the side a strided layer runs oneDNN's strided kernel: a Conv2d's input (its
    input gradient), a ConvTranspose2d's output (its forward)."""
    return m.out_channels if isinstance(m, nn.ConvTranspose2d) else m.in_channels


_FAST = {nn.Conv2d: FastConv2d, nn.ConvTranspose2d: FastConvTranspose2d}
_BIAS_SUM = {nn.ConvTranspose2d: BiasSumConvTranspose2d}
_PLAIN = {new: old for table in (_FAST, _BIAS_SUM) for old, new in table.items()}


def use_fast_convs(model: nn.Module) -> int:
    """Swap, in place, every strided Conv2d and ConvTranspose2d whose kernel is wider than two
    strides, or whose image side has at most NARROW channels, for its fast form, and every other
    plain ConvTranspose2d with a bias for its bias-sum form; returns how many were swapped. The
    book's k8 s2 layers gain from the sub-pixel form (see above); DCGAN's k4 s2 layers between
    feature maps did not (the whole dcgan-faces64 step: 0.97×), so they keep oneDNN's kernels and
    lose only its slow bias gradient.

    Example:
        >>> g = nn.Sequential(nn.ConvTranspose2d(8, 8, 8, 2), nn.ConvTranspose2d(8, 8, 4, 2))
        >>> use_fast_convs(nn.Sequential(g, nn.Conv2d(8, 8, 4, 2)))
        2
        >>> type(g[0]).__name__, type(g[1]).__name__
        ('FastConvTranspose2d', 'BiasSumConvTranspose2d')
    """
    n = 0
    for m in model.modules():
        kind = type(m)
        if kind in _FAST and _plain_strided(m):
            m.__class__, n = _FAST[kind], n + 1
        elif kind in _BIAS_SUM and m.bias is not None and _plain(m):
            m.__class__, n = _BIAS_SUM[kind], n + 1
    return n


def use_plain_convs(model: nn.Module) -> int:
    """Undo `use_fast_convs`: back to nn.Conv2d / nn.ConvTranspose2d. Returns how many."""
    n = 0
    for m in model.modules():
        if type(m) in _PLAIN:
            m.__class__, n = _PLAIN[type(m)], n + 1
    return n
