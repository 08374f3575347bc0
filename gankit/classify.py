"""Classifier runs (ch. 2, 3, 9): train one through the shared loop, load it back, query it.

`gankit.train("classifier-mnist")` lands here (the config's task is "classifier"). The run folder is
the GAN's: config.json, metrics.csv (loss, accuracy), checkpoints/, plus classifier.safetensors,
eval.json (test accuracy, confusion matrix) and plots/ (losses, confusion, query).
"""

from __future__ import annotations

import json
from pathlib import Path

import torch
from torch import Tensor, nn

from gankit.classifier_plots import plot_classifier_losses, plot_confusion, plot_query
from gankit.config import Config
from gankit.data import Batches, Dataset, load_data
from gankit.device import resolve_device
from gankit.errors import GankitError
from gankit.runs import (
    RunFolder,
    atomic_write_bytes,
    default_run_path,
    load_weights,
    read_trained,
)
from gankit.train.classifier import (
    CLASSIFIER_FILE,
    CLASSIFIER_STATS,
    build_classifier_from,
    build_classifier_job_parts,
    evaluate_classifier,
    make_classifier_job,
    predict,
)
from gankit.train.loop import Schedule, fit

QUERY_INDEX = 0  # the test image the query plot shows


class ClassifierRun:
    """A trained classifier and its run folder.

    Example:
        >>> run = load_classifier("runs/cls")           # doctest: +SKIP
        >>> run.predict(images).argmax(1)              # doctest: +SKIP
    """

    def __init__(self, path: Path, config: Config, model: nn.Module, shape, classes, report=None):
        self.path, self.config, self.model = Path(path), config, model
        self.shape, self.classes = tuple(shape), tuple(classes or ())
        self.report = report or {}

    def predict(self, x: Tensor) -> Tensor:
        """Logits (N, K) for images (N, C, H, W) in [0, 1] or uint8."""
        return predict(self.model, x)

    @torch.no_grad()
    def features(self, x: Tensor, batch: int = 1000) -> Tensor:
        """Penultimate activations (N, F) as float64 on the CPU."""
        device = next(self.model.parameters()).device
        self.model.eval()
        out = []
        for i in range(0, len(x), batch):
            chunk = x[i : i + batch].to(device)
            chunk = chunk.float().div_(255.0) if chunk.dtype == torch.uint8 else chunk.float()
            out.append(self.model.features(chunk).double().cpu())
        return torch.cat(out)

    def metrics(self) -> list[dict]:
        return RunFolder(self.path, CLASSIFIER_STATS).metrics.rows()


def _labelled_images(spec: str, split: str) -> Dataset:
    data = load_data(spec, split)
    if not data.is_image or data.num_classes < 2:
        raise GankitError(f"data '{spec}': a classifier needs labelled images")
    return data


def train_classifier(
    cfg: Config, *, out=None, resume: bool = False, device=None, progress: bool = True
) -> ClassifierRun:
    """Train the classifier `cfg` describes, then write eval.json and the plots.

    Example:
        >>> run = train_classifier(get_recipe("classifier-mnist").config)  # doctest: +SKIP
    """
    dev = resolve_device(device or cfg.train.device)
    data = _labelled_images(cfg.data.spec, "train")
    test = _labelled_images(cfg.data.spec, "test")  # now: a missing test split fails early
    t = cfg.train
    batches = Batches(len(data), t.batch_size, t.seed)
    total = t.steps if t.steps > 0 else t.epochs * batches.steps_per_epoch
    parts = build_classifier_job_parts(cfg, data.shape, data.num_classes, total, dev)
    info = {"data_shape": list(data.shape), "classes": list(data.classes or [])}
    out = Path(out) if out else default_run_path(cfg.recipe)
    run = RunFolder.create(out, cfg, str(dev), resume, info, CLASSIFIER_STATS)
    job = make_classifier_job(parts, data.to(dev), batches, run, cfg)
    state = None
    if resume:
        state = run.load_checkpoint(dev)
        run.write_config(cfg, str(dev), info)
        run.metrics.truncate_after(int(state["step"]))
    sched = Schedule(total, t.log_every, 0, t.checkpoint_every, t.checkpoint_seconds)
    fit(job, run, sched, state, progress)
    report = write_classifier_report(run, parts.model, cfg, test)
    return ClassifierRun(run.path, cfg, parts.model.eval(), data.shape, data.classes, report)


def write_classifier_report(run: RunFolder, model: nn.Module, cfg: Config, test: Dataset) -> dict:
    """RUN/eval.json (test accuracy, confusion matrix) and plots/losses, confusion, query."""
    report = {"data": cfg.data.spec, "split": "test", **evaluate_classifier(model, test)}
    atomic_write_bytes(run.eval_path, (json.dumps(report, indent=2) + "\n").encode())
    rows = run.metrics.rows()
    if rows:
        plot_classifier_losses(rows, run.plots_dir / "losses.png", cfg.loss.name)
    classes = list(test.classes or ())
    plot_confusion(report["confusion"], classes, run.plots_dir / "confusion.png")
    i = min(QUERY_INDEX, len(test) - 1)
    logits = predict(model, test.x[i : i + 1])[0]  # (K,)
    outputs = logits.softmax(0) if cfg.loss.name == "ce" else logits.sigmoid()
    image = test.x[i].float() / 255.0
    plot_query(image, outputs, int(test.y[i]), classes, run.plots_dir / "query.png")
    return report


def load_classifier(path: str | Path, device: str = "cpu") -> ClassifierRun:
    """Rebuild a classifier run from its folder: config.json + classifier.safetensors."""
    folder = RunFolder(Path(path), CLASSIFIER_STATS)
    cfg, shape, classes = read_trained(folder, "classifier", ", not a classifier")
    model = build_classifier_from(cfg, tuple(shape), len(classes))
    load_weights(model, folder.path / CLASSIFIER_FILE)
    report = json.loads(folder.eval_path.read_text()) if folder.eval_path.exists() else {}
    model = model.to(resolve_device(device)).eval()
    return ClassifierRun(folder.path, cfg, model, shape, classes, report)
