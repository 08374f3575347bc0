"""Data-parallel training on PyTorch's own engine: `torchrun --nproc_per_node N -m gankit train …`.

torchrun starts N copies of gankit and tells each its place through environment variables
(RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT). Each process:
  - joins the process group (gloo on the CPU, NCCL on CUDA, one GPU per local rank);
  - reads its own shard of every epoch's permutation (`Batches(rank=…, world=…)`);
  - draws its own seeds for G (`noise_seed(seed, rank, step)`);
  - holds G and D wrapped in DistributedDataParallel, which averages gradients over processes.
Only rank 0 writes the run folder and shows the progress bar.

`--batch-size` is per process: N processes at batch B train on N·B images per step.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

import torch
from torch import Tensor, nn
from torch import distributed as dist
from torch.nn.parallel import DistributedDataParallel

from gankit.errors import GankitError


@dataclass(frozen=True)
class Dist:
    """This process's place: rank `rank` of `world`; `local_rank` picks the GPU on its node."""

    rank: int = 0
    world: int = 1
    local_rank: int = 0

    @property
    def main(self) -> bool:
        return self.rank == 0

    @property
    def active(self) -> bool:
        return self.world > 1


def _joined() -> bool:
    """In a process group (torch builds without distributed support have none)."""
    return dist.is_available() and dist.is_initialized()


def from_env(env=os.environ) -> Dist:
    """The place torchrun gives this process; a plain `gankit train` is rank 0 of 1.

    Example:
        >>> from_env({"RANK": "1", "WORLD_SIZE": "2", "LOCAL_RANK": "1"}).main
        False
    """
    try:
        world = int(env.get("WORLD_SIZE", "1"))
        rank = int(env.get("RANK", "0"))
        local = int(env.get("LOCAL_RANK", str(rank)))
    except ValueError:
        raise GankitError(
            "RANK/WORLD_SIZE/LOCAL_RANK: expected integers (set by torchrun)"
        ) from None
    if world < 1 or not 0 <= rank < world:
        raise GankitError(f"RANK={rank}, WORLD_SIZE={world}: expected 0 ≤ RANK < WORLD_SIZE")
    return Dist(rank, world, local)


def init(device: torch.device, place: Dist, timeout_s: float = 600.0) -> torch.device:
    """Join the process group (when there is more than one process); returns this rank's device.

    gloo serves CPU tensors, NCCL CUDA tensors; each process uses GPU `local_rank`.
    """
    if device.type == "cuda":
        if place.local_rank >= torch.cuda.device_count():
            raise GankitError(
                f"LOCAL_RANK={place.local_rank}: only {torch.cuda.device_count()} GPU(s) here; "
                "use --nproc_per_node at most the GPU count"
            )
        device = torch.device("cuda", place.local_rank)
        torch.cuda.set_device(device)
    if place.active and not _joined():
        backend = "nccl" if device.type == "cuda" else "gloo"
        dist.init_process_group(backend, timeout=timedelta(seconds=timeout_s))
    return device


@contextmanager
def session(device: torch.device, place: Dist) -> Iterator[torch.device]:
    """`init` for the length of a `with` block; leaves the group afterwards if it joined it.

    Example:
        >>> with session(torch.device("cpu"), Dist()) as device:
        ...     device
        device(type='cpu')
    """
    joined = place.active and not _joined()
    device = init(device, place)
    try:
        yield device
        if joined and _joined():
            # every process reaches the end before any leaves the group: a process that tears
            # its group down while rank 0 still writes the run folder can abort in gloo's threads
            dist.barrier()
    finally:
        if joined and _joined():
            dist.destroy_process_group()


def wrap(module: nn.Module, device: torch.device, place: Dist) -> nn.Module:
    """`module` in DistributedDataParallel when there are several processes, else unchanged."""
    if not place.active:
        return module
    ids = [device.index] if device.type == "cuda" else None
    return DistributedDataParallel(module, device_ids=ids)


def unwrap(module: nn.Module) -> nn.Module:
    """The plain module inside a DDP wrapper: what checkpoints, samples and G-steps through D use."""
    return module.module if isinstance(module, DistributedDataParallel) else module


def noise_seed(seed: int, rank: int, step: int) -> int:
    """The seed of G's inputs for `step` on `rank`: a function of these alone, so a resumed run
    (on any number of processes) draws exactly what an uninterrupted one would.

    Example:
        >>> noise_seed(0, 0, 5) != noise_seed(0, 1, 5)
        True
    """
    return (seed + 1) * 1_000_003 + rank * 7_919 * 1_000_003 + step


def mean_over_ranks(x: Tensor) -> Tensor:
    """The average of `x` over all processes (one all-reduce); `x` itself with one process."""
    if not _joined():
        return x
    y = x.clone()
    dist.all_reduce(y)
    return y / dist.get_world_size()


def agree(error: str | None) -> None:
    """Raise on every rank if rank 0 failed to set up (e.g. a bad --out), so no rank waits forever."""
    if not _joined():
        if error:
            raise GankitError(error)
        return
    box = [error]
    dist.broadcast_object_list(box, src=0)
    if box[0]:
        raise GankitError(box[0])
