"""The book's fully connected GANs' training step, differentiated by hand: gan_step without autograd.

Why: for the book's MLPs (`gan-mnist`: 100 → 200 → 784 and 784 → 200 → 1, batch 128) the
matrix products are under half of an eager step on 2 CPU cores. The rest is bookkeeping:
autograd's graph nodes and gradient accumulation, torch.optim's per-step Python, small
element-wise kernels. torch.compile does not remove it on the CPU (docs/speed.md). This module
runs the same three updates as gankit.train.gan (D on real, D on a detached fake, G through D
with fresh seeds) with every gradient written by hand, straight into preallocated `.grad`
buffers, and Adam's fused kernel called once per model:

  Linear      y = x Wᵀ + b        dW = gᵀ x,  db = Σ_batch g,  dx = g W
  activation  aten's own *_backward kernels (leaky_relu, threshold, sigmoid, tanh)
  LayerNorm   aten.native_layer_norm and its backward (the kernels autograd itself calls)
  loss        bce/mse on sigmoid(logits): value from gankit.losses, gradient by its formula

It computes only what the update needs: no D weight gradients in G's update, no input
gradient at either model's first layer. The seeds come from the same generator in the same
order as gan_step's, so a run gives the eager step's numbers to rounding (tests/
test_train_mlp_step.py). `plan_mlp_step` decides whether a GAN qualifies; anything it does not
know (other layers, losses, penalties, augmentation, several D steps) keeps the eager step; under
the CPU's bf16 autocast (train.amp_cpu) its matrix products take bf16 operands, as autocast's would,
except narrow ones (BF16_MIN_WIDTH), which run faster in fp32.
"""

from __future__ import annotations

from contextlib import nullcontext
from typing import NamedTuple

import torch
from torch import Tensor, nn
from torch.nn import functional as F

from gankit.models.layers import with_labels
from gankit.models.mlp import MLPDiscriminator, MLPGenerator
from gankit.train.gan import GAN, _identity, _seeds

aten = torch.ops.aten
LOSSES = ("bce", "mse")  # the book's: both read sigmoid(D's logits)
# activations with an aten backward kernel; it reads the layer's input for LeakyReLU and its
# output for the rest, whose forward functions are these
_FROM_OUTPUT = {nn.ReLU: torch.relu, nn.Sigmoid: torch.sigmoid, nn.Tanh: torch.tanh}
ACTIVATIONS = (nn.LeakyReLU, *_FROM_OUTPUT)
# bf16 products pay only where every dimension is wide. On 2 AMD EPYC cores (AVX512-BF16), a
# (128, 200) × (200, 1) product took 22 µs in bf16 against 3 µs in fp32, before the casts bf16
# adds; (128, 784) × (784, 200) took 138 against 251 µs, and at 32 rows 55 against 73 µs. A
# Linear whose batch, input or output is under this width keeps fp32 products (D's 200 → 1 head,
# batch-1 training): gan-mnist's step 1.05-1.08× faster at batch 128, 1.43× at batch 1 (docs/speed.md)
BF16_MIN_WIDTH = 64
WARM_UP = 2  # compiled steps with every guard checked (the first compiles; MLPStep.skips_guards)


class _Cast(NamedTuple):
    """A Linear's saved operands in the products' dtype: its input (B, in) and weight (out, in)."""

    x: Tensor
    w: Tensor


def _rows(saved, start: int):
    """One layer's saved tensors for the batch rows from `start` on (weights kept whole)."""
    if isinstance(saved, _Cast):
        return _Cast(saved.x[start:], saved.w)
    return tuple(t[start:] for t in saved) if isinstance(saved, tuple) else saved[start:]


class _Net:
    """One MLP as a flat list of layers, run forward and backward by hand. With `dtype` bf16
    the matrix products take bf16 operands (weights kept in fp32, cast per pass), as autocast's
    addmm does, where they are wide enough to gain (BF16_MIN_WIDTH); everything else stays fp32."""

    def __init__(self, layers: list[nn.Module], dtype: torch.dtype = torch.float32):
        self.layers = layers
        self.params = [p for layer in layers for p in layer.parameters()]
        self.dtype = dtype

    def ensure_grads(self) -> None:
        """Gradient buffers that every backward pass writes in place (an eager step, which
        zeroes by setting them to None, may have run in between)."""
        for p in self.params:
            if p.grad is None:
                p.grad = torch.zeros_like(p)

    def forward(self, x: Tensor) -> tuple[Tensor, list]:
        """x (B, F) → (output, saved tensors per layer for `backward`)."""
        saved = []
        for layer in self.layers:
            if isinstance(layer, nn.Linear):
                # the operands in the products' dtype (no copies in fp32): (B, in), (out, in)
                dtype = self.dtype if _wide(x.shape[0], layer) else torch.float32
                xw = _Cast(x.to(dtype), layer.weight.to(dtype))
                saved.append(xw)  # what the backward's products read, in the same dtype
                x = torch.addmm(layer.bias.to(dtype), xw.x, xw.w.t()).float()  # (B, out)
            elif isinstance(layer, nn.LayerNorm):
                y, mean, rstd = aten.native_layer_norm(
                    x, list(layer.normalized_shape), layer.weight, layer.bias, layer.eps
                )
                saved.append((x, mean, rstd))
                x = y
            elif isinstance(layer, nn.LeakyReLU):
                saved.append(x)
                x = F.leaky_relu(x, layer.negative_slope)
            else:  # ReLU, Sigmoid, Tanh: the backward reads the output
                x = _FROM_OUTPUT[type(layer)](x)
                saved.append(x)
        return x, saved

    def backward(self, g: Tensor, saved: list, weights: bool, inputs: bool) -> Tensor | None:
        """g = ∂loss/∂output (B, out). Writes the weight gradients (when `weights`) into
        `.grad`; returns ∂loss/∂input (when `inputs`)."""
        last = len(self.layers) - 1
        for i in range(last, -1, -1):
            layer, s = self.layers[i], saved[i]
            if isinstance(layer, nn.Linear):
                (x, w), gc = s, g.to(s.x.dtype)  # (B, in), (out, in), (B, out)
                if weights:
                    if gc.dtype == layer.weight.grad.dtype:
                        torch.mm(gc.t(), x, out=layer.weight.grad)  # (out, in)
                    else:
                        layer.weight.grad.copy_(gc.t() @ x)  # bf16 product, back to fp32
                    torch.sum(g, 0, out=layer.bias.grad)
                if i == 0 and not inputs:
                    return None
                g = (gc @ w).float()  # (B, in)
            elif isinstance(layer, nn.LayerNorm):
                x, mean, rstd = s
                g, gw, gb = aten.native_layer_norm_backward(
                    g, x, list(layer.normalized_shape), mean, rstd, layer.weight, layer.bias,
                    [True, weights, weights],
                )  # fmt: skip
                if weights:
                    layer.weight.grad.copy_(gw)
                    layer.bias.grad.copy_(gb)
            elif isinstance(layer, nn.LeakyReLU):
                g = aten.leaky_relu_backward(g, s, layer.negative_slope, False)
            elif isinstance(layer, nn.ReLU):
                g = aten.threshold_backward(g, s, 0)
            elif isinstance(layer, nn.Sigmoid):
                g = aten.sigmoid_backward(g, s)
            else:
                g = aten.tanh_backward(g, s)
        return g


def _wide(batch: int, layer: nn.Linear) -> bool:
    """Whether `layer`'s products on `batch` rows are wide enough for bf16 to gain."""
    return min(batch, layer.in_features, layer.out_features) >= BF16_MIN_WIDTH


def _layers(model: nn.Module) -> list[nn.Module] | None:
    """The model's layers in order when every one is a kind this step knows, else None."""
    layers = [*model.body, model.head]
    if getattr(model, "output", "linear") == "sigmoid":
        layers.append(nn.Sigmoid())
    known = (nn.Linear, nn.LayerNorm, *ACTIVATIONS)
    # exact types: a spectral-normed Linear is a parametrised subclass, which this step can't run
    return layers if all(type(layer) in known for layer in layers) else None


def plan_mlp_step(gan: GAN, compiled: bool = False) -> MLPStep | None:
    """The hand-differentiated step for `gan` when its models and settings qualify, else None.

    Example:
        >>> gan = build_gan(get_recipe("gan-mnist").config, (1, 28, 28), 10, "cpu")  # doctest: +SKIP
        >>> plan_mlp_step(gan)  # doctest: +SKIP
        <gankit.train.mlp_step.MLPStep object at ...>
    """
    qualifies = (
        type(gan.G) is MLPGenerator
        and type(gan.D) is MLPDiscriminator
        and gan.loss.name in LOSSES
        and gan.split_d
        and gan.d_steps == 1
        and not gan.reuse_fake
        and not gan.d_penalties
        and gan.augment is _identity
        and next(gan.G.parameters()).device.type == "cpu"
        and next(gan.G.parameters()).dtype == torch.float32
    )
    if not qualifies:
        return None
    dtype = _product_dtype(gan)
    g_layers, d_layers = _layers(gan.G), _layers(gan.D)
    if g_layers is None or d_layers is None or dtype is None:
        return None
    return MLPStep(gan, g_layers, d_layers, compiled, dtype)


def _product_dtype(gan: GAN) -> torch.dtype | None:
    """The matrix products' dtype: fp32 without autocast, bf16 under the CPU's bf16 autocast
    (train.amp_cpu on a CPU with native bf16), None (eager step) under anything else."""
    if gan.autocast is nullcontext:
        return torch.float32
    amp = gan.autocast()
    if isinstance(amp, torch.autocast) and amp.device == "cpu" and amp.fast_dtype == torch.bfloat16:
        return torch.bfloat16
    return None


def _loss_and_grad(name: str, logits: Tensor, target: float) -> tuple[Tensor, Tensor, Tensor]:
    """mean(loss(sigmoid(logits), target)), mean(sigmoid(logits)) (D's score) and the loss's
    gradient with respect to the logits (B, 1), each as gankit.losses and autograd compute it."""
    p = torch.sigmoid(logits)  # (B,)
    if name == "bce":
        # aten's BCE clamps the log at -100; its backward divides by max(p(1 - p), 1e-12)
        value = -(p if target == 1.0 else 1 - p).log().clamp_min(-100).mean()
        grad_p = (p - target) / ((1 - p) * p).clamp_min(1e-12)
    else:
        value = (p - target).square().mean()
        grad_p = 2 * (p - target)
    grad = aten.sigmoid_backward(grad_p / logits.shape[0], p).unsqueeze(1)
    return value, p.mean(), grad


def _update(opt: torch.optim.Optimizer) -> None:
    """opt.step() on the gradients already in `.grad`; for fused Adam, its kernel called directly.

    torch.optim's step spends about 150 µs of Python per call on grouping and checks that
    never change here; the kernel and the step counters are the same ones it would call.
    """
    group = opt.param_groups[0]
    params = group["params"]
    fused = (
        isinstance(opt, torch.optim.Adam)
        and len(opt.param_groups) == 1
        and group.get("fused")
        and not (group["amsgrad"] or group["maximize"] or group["decoupled_weight_decay"])
        and all(p in opt.state for p in params)  # the first step builds the state
    )
    if not fused:
        opt.step()
        return
    states = [opt.state[p] for p in params]
    steps = [s["step"] for s in states]
    torch._foreach_add_(steps, 1)
    beta1, beta2 = group["betas"]
    torch._fused_adam_(
        params, [p.grad for p in params], [s["exp_avg"] for s in states],
        [s["exp_avg_sq"] for s in states], [], steps, lr=group["lr"], beta1=beta1,
        beta2=beta2, weight_decay=group["weight_decay"], eps=group["eps"], amsgrad=False,
        maximize=False,
    )  # fmt: skip


class MLPStep:
    """gan_step for a qualifying MLP GAN (see `plan_mlp_step`); same arguments, same result."""

    def __init__(
        self,
        gan: GAN,
        g_layers: list[nn.Module],
        d_layers: list[nn.Module],
        compiled: bool = False,
        dtype: torch.dtype = torch.float32,
    ):
        self.G, self.D = _Net(g_layers, dtype), _Net(d_layers, dtype)
        self.loss = gan.loss.name
        self.in_features = gan.D.body[0].in_features - gan.num_classes  # D's flat sample width
        self.compiled = compiled
        self.calls = 0  # steps run: the compiled graphs' guards are checked on the first WARM_UP
        self.update = _update
        self.train = self._train
        if compiled:
            # TorchInductor fuses the element-wise kernels between the matrix products; the
            # optimiser updates stay outside the compiled graphs (four regions a step)
            self.update = torch.compiler.disable(_update)
            self.train = torch.compile(self._train, dynamic=False)

    def skips_guards(self) -> bool:
        """Whether TorchDynamo checks only the guards that tell its cached graphs apart (D's two
        targets, labels or none, other MLPSteps' shapes): once the compiled step has run WARM_UP
        times. Were a graph to need compiling after that, TorchDynamo raises instead.

        Why: the full guard check cost ~40 µs at each compiled region (six a step then, four
        now), 1.09× on gan-mnist's compiled step on 2 cores. After the first steps nothing it
        guards can change: fixed batch (Batches wraps around), shapes, dtypes, the same
        modules, the losses' constant targets; learning rates live in the optimiser update,
        which runs outside the graphs. A user's own stance (e.g. force_eager) is left alone.
        """
        stance = getattr(getattr(torch._dynamo.eval_frame, "_stance", None), "stance", None)
        return self.compiled and self.calls >= WARM_UP and stance == "default"

    def _d(self, x: Tensor, labels: Tensor | None, gan: GAN) -> tuple[Tensor, list]:
        out, saved = self.D.forward(with_labels(x, labels, gan.num_classes))  # x: (B, F [+ K])
        return out.squeeze(1), saved  # logits (B,)

    def _d_grads(self, gan: GAN, x: Tensor, labels: Tensor | None, target: float) -> tuple:
        """D's gradients towards `target` on x (B, F) into `.grad`; returns (loss, score)."""
        logits, saved = self._d(x, labels, gan)
        value, score, grad = _loss_and_grad(self.loss, logits, target)
        self.D.backward(grad, saved, weights=True, inputs=False)
        return value, score

    @torch.no_grad()
    def __call__(
        self, gan: GAN, real: Tensor, labels: Tensor | None, noise: torch.Generator, step: int = 0
    ) -> Tensor:
        gan.global_step = step
        self.G.ensure_grads()
        self.D.ensure_grads()
        n, device = real.shape[0], real.device
        k = gan.num_classes
        # both updates' seeds first, in gan_step's order (D's updates draw nothing), so that one
        # G forward pass at 2B serves both: G does not change until the end of the step
        z1, labels1 = _seeds(gan, n, noise, device)
        z2, labels2 = _seeds(gan, n, noise, device)
        seeds = torch.cat([with_labels(z1, labels1, k), with_labels(z2, labels2, k)])  # (2B, L)
        # set_stance applies as it is called and restores on leaving the with block
        skip = self.skips_guards()
        with torch.compiler.set_stance(skip_guard_eval_unsafe=True) if skip else nullcontext():
            stats = self.train(gan, real.flatten(1), labels, seeds, labels1, labels2)
        self.calls += 1
        for hook in gan.after_g_step:
            hook()
        return stats

    def _train(self, gan: GAN, real: Tensor, labels, seeds: Tensor, labels1, labels2) -> Tensor:
        """The three updates from the seeds (2B, L) on; real (B, F). Returns the stats."""
        n = real.shape[0]
        fakes, g_saved = self.G.forward(seeds)  # (2B, F)
        # D on real, then on a detached fake: two updates, as the book's split D. The updates
        # stay in this function: compiled, each is a graph break, and one inside a helper
        # would give the helper graphs of its own (six compiled regions a step instead of four)
        loss_real, score_real = self._d_grads(gan, real, labels, 1.0)
        self.update(gan.opt_d)
        loss_fake, score_fake = self._d_grads(gan, fakes[:n], labels1, 0.0)
        self.update(gan.opt_d)
        # G through D with the second seeds: D's input gradient only, then G's weight gradients
        logits, saved = self._d(fakes[n:], labels2, gan)
        g_loss, _, grad = _loss_and_grad(self.loss, logits, 1.0)
        grad = self.D.backward(grad, saved, weights=False, inputs=True)  # (B, F [+ K])
        g_saved = [_rows(s, n) for s in g_saved]
        self.G.backward(grad[:, : self.in_features], g_saved, weights=True, inputs=False)
        self.update(gan.opt_g)
        d_loss = (loss_real + loss_fake) / 2
        return torch.stack([d_loss, g_loss, score_real, score_fake])
