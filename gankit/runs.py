"""The run folder: config, metrics log, atomic checkpoints, the generator file, and loading a run back.

RUN/config.json            resolved config + versions + device
RUN/metrics.csv            step, epoch, images_seen, d_loss, g_loss, d_real, d_fake, seconds
RUN/checkpoints/last.pt    full training state (previous.pt: the one before)
RUN/generator.safetensors  G's weights + its config in the metadata
RUN/samples/step-XXXXXX.png, RUN/plots/losses.png
"""

from __future__ import annotations

import csv
import errno
import json
import os
import pickle
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import torch
from torch import nn

from gankit.config import Config, from_dict, to_dict
from gankit.errors import GankitError
from gankit.version import __version__

GAN_STATS = ("d_loss", "g_loss", "d_real", "d_fake")
METRIC_COLUMNS = ("step", "epoch", "images_seen", *GAN_STATS, "seconds")


def metric_columns(stats: tuple[str, ...] = GAN_STATS) -> tuple[str, ...]:
    """metrics.csv columns for a job logging `stats` (a classifier logs loss and accuracy)."""
    return ("step", "epoch", "images_seen", *stats, "seconds")


def default_run_path(recipe: str) -> Path:
    """runs/<recipe>-<timestamp>: where a run goes without --out."""
    return Path("runs") / f"{recipe}-{time.strftime('%Y%m%d-%H%M%S')}"


_DISK_HINTS = {
    errno.ENOSPC: "the disk is full; free space or choose another --out",
    errno.EDQUOT: "the disk quota is used up; free space or choose another --out",
    errno.EROFS: "the file system is read-only; choose another --out",
    errno.EACCES: "no permission to write there; choose another --out",
    errno.EPERM: "no permission to write there; choose another --out",
}


def disk_error(e: OSError, path: Path, what: str = "cannot write") -> GankitError:
    """One line for a failed write: the file, the system's reason and what to do about it."""
    hint = _DISK_HINTS.get(e.errno)
    name = e.filename or path
    return GankitError(f"{name}: {what} ({e.strerror or e})" + (f"; {hint}" if hint else ""))


@contextmanager
def disk_errors(path: Path) -> Iterator[None]:
    """Turn an OSError while writing into the run folder `path` into a one-line GankitError."""
    try:
        yield
    except OSError as e:
        raise disk_error(e, path) from None


def _fsync_replace(tmp: Path, final: Path) -> None:
    with open(tmp, "rb+") as f:
        os.fsync(f.fileno())
    os.replace(tmp, final)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write via a temporary file, fsync and rename: a reader sees the old file or the new one."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    _fsync_replace(tmp, path)


class CsvLog:
    """An append-only CSV keyed by `step`; on resume, rows past the checkpoint are dropped."""

    def __init__(self, path: Path, columns: tuple[str, ...]):
        self.path, self.columns = path, columns

    def append(self, row: dict) -> None:
        new = not self.path.exists()
        with self.path.open("a", newline="") as f:
            writer = csv.writer(f)
            if new:
                writer.writerow(self.columns)
            writer.writerow([_fmt(row[c]) for c in self.columns])

    def rows(self) -> list[dict]:
        if not self.path.exists():
            return []
        with self.path.open(newline="") as f:
            return [
                {k: float(v) for k, v in r.items()}
                for r in csv.DictReader(f)
                if None not in r.values()  # a torn last line after a hard kill
            ]

    def truncate_after(self, step: int) -> None:
        """Keep the header and rows with step ≤ `step` (atomically)."""
        if not self.path.exists():
            return
        with self.path.open(newline="") as f:
            lines = list(csv.reader(f))
        # the header too may be torn by a hard kill during the first write: write it afresh
        body = [r for r in lines[1:] if _complete(r, self.columns, step)]
        text = "".join(",".join(r) + "\n" for r in [list(self.columns), *body])
        atomic_write_bytes(self.path, text.encode())


def _complete(row: list[str], columns, step: int) -> bool:
    try:
        return len(row) == len(columns) and int(float(row[0])) <= step
    except ValueError:
        return False


def _fmt(v) -> str:
    return f"{v:.6g}" if isinstance(v, float) else str(v)


class RunFolder:
    """Paths and writers of one run folder.

    Example:
        >>> rf = RunFolder.create("runs/demo", cfg, resume=False)  # doctest: +SKIP
    """

    def __init__(self, path: Path, stats: tuple[str, ...] = GAN_STATS):
        self.path = Path(path)
        self.metrics = CsvLog(self.path / "metrics.csv", metric_columns(stats))

    config_path = property(lambda self: self.path / "config.json")
    checkpoint_path = property(lambda self: self.path / "checkpoints" / "last.pt")
    previous_path = property(lambda self: self.path / "checkpoints" / "previous.pt")
    generator_path = property(lambda self: self.path / "generator.safetensors")
    eval_path = property(lambda self: self.path / "eval.json")
    samples_dir = property(lambda self: self.path / "samples")

    def sample_path(self, step: int) -> Path:
        """The sample grid written at `step`: samples/step-000400.png."""
        return self.samples_dir / f"step-{step:06d}.png"

    plots_dir = property(lambda self: self.path / "plots")

    @staticmethod
    def is_run(path: Path) -> bool:
        try:
            return "gankit_version" in json.loads((Path(path) / "config.json").read_text())
        except (OSError, ValueError):
            return False

    @classmethod
    def create(
        cls,
        path: str | Path,
        cfg: Config,
        device: str,
        resume: bool,
        info: dict | None = None,
        stats: tuple[str, ...] = GAN_STATS,
    ) -> RunFolder:
        """Make (or, with `resume`, reopen) a run folder; refuse folders that hold something else."""
        path = Path(path)
        if resume:
            if not cls.is_run(path):
                raise GankitError(
                    f"{path}: not a gankit run folder (no config.json); cannot resume"
                )
            return cls(path, stats)
        if path.exists() and not path.is_dir():
            raise GankitError(f"{path}: exists and is not a folder")
        if path.exists() and _holds_files(path):
            if cls.is_run(path):
                raise GankitError(f"{path}: already holds a run; pass --resume or choose --out")
            raise GankitError(f"{path}: exists, is not empty and is not a gankit run")
        try:
            for sub in ("checkpoints", "samples", "plots"):
                (path / sub).mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise disk_error(e, path, "cannot create the run folder") from None
        rf = cls(path, stats)
        with disk_errors(path):
            rf.write_config(cfg, device, info or {})
        return rf

    def write_config(self, cfg: Config, device: str, info: dict) -> None:
        """`info` holds what the data told the models: sample shape and class names."""
        doc = {
            "gankit_version": __version__,
            "torch_version": torch.__version__,
            "device": device,
            **info,
            "config": to_dict(cfg),
        }
        atomic_write_bytes(self.config_path, (json.dumps(doc, indent=2) + "\n").encode())

    def read_doc(self) -> dict:
        try:
            doc = json.loads(self.config_path.read_text())
        except (OSError, ValueError) as e:
            raise GankitError(f"{self.config_path}: unreadable run config ({e})") from None
        if not isinstance(doc, dict) or "config" not in doc:
            raise GankitError(f"{self.config_path}: not a gankit run config (no 'config' key)")
        return doc

    def read_config(self) -> Config:
        try:
            return from_dict(self.read_doc()["config"])
        except (KeyError, TypeError, AttributeError) as e:
            raise GankitError(f"{self.config_path}: unreadable run config ({e})") from None

    # ------------------------------------------------------------------------- checkpoints

    def save_checkpoint(self, state: dict) -> None:
        """Atomic: temporary file, fsync, rotate last → previous, rename."""
        tmp = self.checkpoint_path.with_suffix(".pt.tmp")
        try:
            torch.save(state, tmp)
            with open(tmp, "rb+") as f:
                os.fsync(f.fileno())
            if self.checkpoint_path.exists():
                os.replace(self.checkpoint_path, self.previous_path)
            os.replace(tmp, self.checkpoint_path)
        except OSError as e:
            tmp.unlink(missing_ok=True)
            raise disk_error(e, self.checkpoint_path, "cannot write checkpoint") from None

    @property
    def has_checkpoint(self) -> bool:
        return self.checkpoint_path.exists() or self.previous_path.exists()

    def load_checkpoint(self, device="cpu") -> dict:
        for path in (self.checkpoint_path, self.previous_path):
            if path.exists():
                return load_checkpoint_file(path, device)
        raise GankitError(f"{self.path}: no checkpoint to resume from (checkpoints/last.pt)")

    def save_generator(self, G: nn.Module, cfg: Config) -> None:
        self.save_module(G, cfg, self.generator_path.name)

    def save_module(self, module: nn.Module, cfg: Config, filename: str) -> None:
        """A model's weights as RUN/`filename` (safetensors, config in the metadata), atomically."""
        from safetensors.torch import save_file

        tensors = {k: v.detach().cpu().contiguous() for k, v in module.state_dict().items()}
        meta = {"config": json.dumps(to_dict(cfg)), "gankit_version": __version__}
        final = self.path / filename
        tmp = final.with_name(filename + ".tmp")
        save_file(tensors, str(tmp), metadata=meta)
        _fsync_replace(tmp, final)


def read_trained(folder: RunFolder, task: str, wrong_task: str) -> tuple[Config, list, list]:
    """(config, sample shape, class names) of a finished run of `task`, or a one-line error;
    `wrong_task` ends the message for a run of another task."""
    if not folder.config_path.exists():
        raise GankitError(f"{folder.path}: not a gankit run folder (no config.json)")
    doc, cfg = folder.read_doc(), folder.read_config()
    if cfg.task != task:
        raise GankitError(f"{folder.path}: a {cfg.task} run{wrong_task}")
    shape, classes = doc.get("data_shape"), doc.get("classes") or []
    if shape is None:
        raise GankitError(f"{folder.config_path}: no data_shape; not written by gankit train")
    return cfg, shape, classes


def load_weights(module: nn.Module, path: Path) -> nn.Module:
    """Load a safetensors file written by `RunFolder.save_module` into `module`."""
    from safetensors.torch import load_file

    if not path.exists():
        raise GankitError(f"{path}: missing; train the run first")
    try:
        module.load_state_dict(load_file(str(path)))
    except Exception as e:  # safetensors raises its own types; keep the message one line
        raise GankitError(f"{path}: cannot load ({str(e).splitlines()[0]})") from None
    return module


def _holds_files(path: Path) -> bool:
    """A folder holding only empty folders and *.tmp leftovers (a run killed while creating its
    own) counts as empty."""
    return any(not p.is_dir() and p.suffix != ".tmp" for p in path.rglob("*"))


def _first_line(e: Exception) -> str:
    lines = str(e).strip().splitlines()
    return lines[0][:160] if lines else type(e).__name__


def load_checkpoint_file(path: Path, device="cpu") -> dict:
    """Load a checkpoint with `weights_only=True`: tensors and plain data, never arbitrary objects."""
    if not zipfile.is_zipfile(path):  # torch.save writes a zip archive (since torch 1.6)
        raise GankitError(
            f"{path}: not a readable checkpoint (not the zip archive torch.save writes)"
        )
    try:
        state = torch.load(path, map_location=device, weights_only=True)
    except pickle.UnpicklingError as e:
        raise GankitError(
            f"{path}: refused: the checkpoint holds objects that only arbitrary unpickling could "
            f"load ({_first_line(e)})"
        ) from None
    except (RuntimeError, EOFError, OSError, ValueError, zipfile.BadZipFile) as e:
        raise GankitError(f"{path}: not a readable checkpoint ({_first_line(e)})") from None
    if not isinstance(state, dict):
        raise GankitError(f"{path}: not a gankit checkpoint (holds a {type(state).__name__})")
    return state
