"""Device choice and speed settings in one place: `auto` picks CUDA when present.

A library call leaves the process as it found it (`process_state_kept`); only the `gankit` command
makes process-wide settings for good (`configure`). On CUDA: cudnn benchmark, TF32, bf16 autocast
(`train.amp`), channels_last for convolutional models, and the data set resident on the GPU when it
fits. The same code runs on the CPU, where autocast is off unless asked for (`train.amp_cpu`) and
the CPU computes bf16 natively and measurably faster than fp32 (`cpu_bf16_fast`); there strided
convolutions take their fast forms (`train.fast_conv`, gankit.models.fast_conv) and the command
line lets freed memory be reused.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from functools import cache
from pathlib import Path

import torch
from torch import nn

from gankit.errors import GankitError


def resolve_device(name: str = "auto") -> torch.device:
    """auto → cuda if available, else cpu; cuda without a GPU is a clear error.

    Example:
        >>> resolve_device("cpu")
        device(type='cpu')
    """
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise GankitError(f"--device {name}: no CUDA device is available here; use auto or cpu")
    if name != "cpu" and not name.startswith("cuda"):
        raise GankitError(f"--device {name}: expected auto, cpu or cuda")
    return torch.device(name)


def set_speed_flags(device: torch.device) -> None:
    """On CUDA: cudnn picks the fastest kernels for fixed shapes, fp32 work left outside autocast
    runs on TF32 tensor cores. Process-wide: `gankit.train` restores them when it returns
    (`process_state_kept`); only the command line leaves them set."""
    if device.type == "cuda":
        torch.backends.cudnn.benchmark = True
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True


def configure(device: torch.device) -> None:
    """What the `gankit` command sets for its whole process: the speed flags and, on the CPU, the
    allocator change (`reuse_freed_memory`). A library call never makes these changes for good."""
    set_speed_flags(device)
    if device.type == "cpu":
        reuse_freed_memory()


# torch seeds every CUDA generator with this value when CUDA starts (c10's default_rng_seed_val)
CUDA_DEFAULT_SEED = 67280421310721


def process_state() -> dict:
    """What training changes process-wide: the global RNG states (models are initialised from
    them), cudnn and TF32 flags, the current CUDA device.

    Example:
        >>> process_state()["cudnn.benchmark"] in (True, False)
        True
    """
    state = {
        "cpu_rng": torch.get_rng_state(),
        "cudnn.benchmark": torch.backends.cudnn.benchmark,
        "cudnn.allow_tf32": torch.backends.cudnn.allow_tf32,
        "matmul.allow_tf32": torch.backends.cuda.matmul.allow_tf32,
        "float32_matmul_precision": torch.get_float32_matmul_precision(),
    }
    if torch.cuda.is_initialized():
        state["cuda_rng"] = torch.cuda.get_rng_state_all()
        state["cuda_device"] = torch.cuda.current_device()
    return state


def restore_process_state(state: dict) -> None:
    """Put back what `process_state` saw."""
    torch.set_rng_state(state["cpu_rng"])
    torch.backends.cudnn.benchmark = state["cudnn.benchmark"]
    torch.backends.cudnn.allow_tf32 = state["cudnn.allow_tf32"]
    torch.backends.cuda.matmul.allow_tf32 = state["matmul.allow_tf32"]
    torch.set_float32_matmul_precision(state["float32_matmul_precision"])  # after allow_tf32
    if "cuda_rng" in state:
        torch.cuda.set_rng_state_all(state["cuda_rng"])
        torch.cuda.set_device(state["cuda_device"])
    elif torch.cuda.is_initialized():  # CUDA started inside: its generators as it made them
        for i in range(torch.cuda.device_count()):
            torch.cuda.default_generators[i].manual_seed(CUDA_DEFAULT_SEED)


@contextmanager
def process_state_kept() -> Iterator[None]:
    """Whatever a `with` block changes of `process_state` is undone when it ends.

    Example:
        >>> with process_state_kept():
        ...     _ = torch.manual_seed(7)
    """
    saved = process_state()
    try:
        yield
    finally:
        restore_process_state(saved)


@cache
def reuse_freed_memory() -> bool:
    """Ask glibc to serve large CPU tensors from its heap instead of fresh mmap'd pages.

    glibc maps every block above its threshold (at most 32 MiB) anew and unmaps it when freed, so
    each batch-32 activation of a 128×128 conv GAN (about 60 MB) costs a page fault per 4 KiB on
    first touch: measured 41 → 17 ms for one bf16 multiply of a (32, 256, 61, 61) tensor. Raising
    the mmap threshold to 1 GiB (and the trim threshold above it) keeps freed blocks for the next
    step; the process keeps its peak memory instead of returning it. False where glibc is absent.
    """
    import ctypes

    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return False
    m_trim_threshold, m_mmap_threshold = -1, -3  # from glibc's malloc.h
    return bool(libc.mallopt(m_mmap_threshold, 1 << 30)) and bool(
        libc.mallopt(m_trim_threshold, 1 << 31)
    )


def _cpuinfo() -> tuple[str, list[str]]:
    """(model name, flags) of the first CPU in /proc/cpuinfo; ("", []) where there is none."""
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        return "", []
    model = next((ln.split(":", 1)[1].strip() for ln in lines if ln.startswith("model name")), "")
    flags = next((ln.split(":", 1)[1].split() for ln in lines if ln.startswith("flags")), [])
    return model, flags


@cache
def cpu_has_native_bf16() -> bool:
    """True on CPUs with bf16 matrix instructions (AMX or AVX512-BF16), where bf16 can be fast."""
    flags = _cpuinfo()[1]
    return "amx_bf16" in flags or "avx512_bf16" in flags


# bf16 is chosen only when the probe runs it at least this much faster than fp32: one probe is a
# few tens of milliseconds, and a machine's speed drifts by a few per cent between rounds
BF16_GAIN = 1.1


@cache
def cpu_bf16_fast() -> bool:
    """True where this CPU computes bf16 natively and measurably faster than fp32.

    The instructions alone do not decide it: on an AMD EPYC with AVX512-BF16 the main job's step
    ran faster in bf16, on an Intel Xeon with the same flag (no AMX) slower (920 against 1,165
    images/s, alternating rounds), its bf16 matrix products at 145 against 233 GFLOP/s in fp32.
    So a probe of a convolution and a matrix product, forward and backward, runs once per CPU
    model, torch version and thread count (`cpu_bf16_probe`); the answer is kept in the cache
    folder, so every later run (and every resume) on this machine makes the same choice. Under
    torchrun every process takes rank 0's answer.

    Example:
        >>> cpu_bf16_fast() in (True, False)
        True
    """
    if not cpu_has_native_bf16():
        return False
    import json

    from gankit.data.cache import cache_dir

    key = f"{_cpuinfo()[0]} | torch {torch.__version__} | {torch.get_num_threads()} threads"
    path = cache_dir() / "cpu-bf16.json"
    try:
        known = json.loads(path.read_text())
    except (OSError, ValueError):
        known = {}
    if key not in known:
        fp32_ms, bf16_ms = cpu_bf16_probe()
        known[key] = {
            "fp32_ms": round(fp32_ms, 3),
            "bf16_ms": round(bf16_ms, 3),
            "bf16": fp32_ms >= BF16_GAIN * bf16_ms,
        }
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(known, indent=1) + "\n")
            tmp.replace(path)
        except OSError:  # a read-only cache folder: measured again by the next process
            pass
    chosen = bool(known[key].get("bf16"))
    if torch.distributed.is_available() and torch.distributed.is_initialized():
        flag = torch.tensor([int(chosen)])  # every process takes rank 0's answer
        torch.distributed.broadcast(flag, src=0)
        chosen = bool(flag.item())
    return chosen


def cpu_bf16_probe(rounds: int = 5) -> tuple[float, float]:
    """Milliseconds of one forward and backward pass of a small GAN layer pair, (fp32, bf16
    autocast), each the fastest of `rounds` alternating rounds after a warm-up. About 0.3 s.

    The work is a strided 4×4 convolution (64→64 channels on a 64 × 64 × 14 × 14 batch, as in
    the main job's D) and a 1024→512 linear layer on 256 rows (as in the book's MLPs).
    """
    gen = torch.Generator().manual_seed(0)
    with torch.random.fork_rng(devices=[]):  # the layers' init must not move the run's RNG
        conv = nn.Conv2d(64, 64, 4, 2, 1)
        linear = nn.Linear(1024, 512)
    images = torch.randn(64, 64, 14, 14, generator=gen).requires_grad_()
    rows = torch.randn(256, 1024, generator=gen).requires_grad_()

    def once(dtype: torch.dtype | None) -> float:
        start = time.perf_counter()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=dtype is not None):
            loss = conv(images).float().square().mean() + linear(rows).float().square().mean()
        loss.backward()
        return time.perf_counter() - start

    best = {None: float("inf"), torch.bfloat16: float("inf")}
    for i in range(rounds + 1):
        for dtype in best:
            seconds = once(dtype)
            if i:  # the first round creates oneDNN's kernels
                best[dtype] = min(best[dtype], seconds)
    return 1e3 * best[None], 1e3 * best[torch.bfloat16]


def amp_dtype(device: torch.device, amp: bool, amp_cpu: bool = False) -> torch.dtype | None:
    """bf16 where autocast is on for `device`, else None (fp32).

    Example:
        >>> amp_dtype(torch.device("cpu"), amp=True) is None
        True
    """
    if not amp:
        return None
    if device.type == "cuda":
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else None
    if device.type == "cpu" and amp_cpu and cpu_bf16_fast():
        return torch.bfloat16
    return None


def autocast_for(
    device: torch.device, dtype: torch.dtype | None
) -> Callable[[], AbstractContextManager]:
    """A zero-argument factory of the autocast context the GAN step enters around each forward."""
    if dtype is None:
        return nullcontext
    return lambda: torch.autocast(device.type, dtype=dtype)


def is_convolutional(model: nn.Module) -> bool:
    return any(isinstance(m, nn.modules.conv._ConvNd) for m in model.modules())


def memory_format_for(models: list[nn.Module], image_data: bool) -> torch.memory_format:
    """channels_last for convolutional models on images (faster on CUDA tensor cores and oneDNN)."""
    if image_data and any(is_convolutional(m) for m in models):
        return torch.channels_last
    return torch.contiguous_format


def fits_on(device: torch.device, nbytes: int, share: float = 0.5) -> bool:
    """Whether `nbytes` of data fit in `share` of the device's free memory (always true on the CPU)."""
    if device.type != "cuda":
        return True
    free, _ = torch.cuda.mem_get_info(device)
    return nbytes <= share * free


def place_data(data, device: torch.device):
    """The data set on `device` when it fits (no copy per step), else left in CPU memory.

    Example:
        >>> place_data(load_data("pattern-1010"), torch.device("cpu")).x.device  # doctest: +SKIP
        device(type='cpu')
    """
    nbytes = data.x.numel() * data.x.element_size()
    if fits_on(device, nbytes):
        return data.to(device)
    return data  # batches are gathered on the CPU and copied over each step
