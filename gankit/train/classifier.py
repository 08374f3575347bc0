"""The classifier task (ch. 2, 3, 9) for the job driver, and its evaluation on the test split.

A classifier trains through `gankit.train.driver.drive` and `gankit.train.loop.fit` like every GAN:
this file only says what one step does (a batch, a loss, an optimiser step) and what to write when
training ends.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

import torch
from torch import Tensor, nn
from torch.nn import functional as F

from gankit.config import Config
from gankit.data import Batches, Dataset, load_data
from gankit.device import place_data
from gankit.errors import GankitError
from gankit.models import build_classifier
from gankit.runs import CsvLog, RunFolder, atomic_write_bytes
from gankit.train.build import build_optimizer
from gankit.train.distributed import Dist, mean_over_ranks, unwrap, wrap
from gankit.train.driver import total_steps
from gankit.train.loop import Job

CLASSIFIER_STATS = ("loss", "accuracy")
CLASSIFIER_FILE = "classifier.safetensors"
QUERY_INDEX = 0  # the test image the query plot shows


def mse_loss(logits: Tensor, y: Tensor) -> Tensor:
    """The book's ch. 2 loss: sigmoid outputs against the one-hot target, mean squared error."""
    target = F.one_hot(y, logits.shape[1]).to(logits.dtype)
    return F.mse_loss(logits.sigmoid(), target)


def bce_loss(logits: Tensor, y: Tensor) -> Tensor:
    """Ch. 3's refinement: binary cross-entropy of each sigmoid output against the one-hot target."""
    target = F.one_hot(y, logits.shape[1]).to(logits.dtype)
    return F.binary_cross_entropy_with_logits(logits, target)


def ce_loss(logits: Tensor, y: Tensor) -> Tensor:
    """Softmax cross-entropy: the usual loss for one-of-K classes (the feature CNN's)."""
    return F.cross_entropy(logits, y)


CLASSIFIER_LOSSES = {"mse": mse_loss, "bce": bce_loss, "ce": ce_loss}


def classifier_loss(name: str):
    if name not in CLASSIFIER_LOSSES:
        valid = ", ".join(CLASSIFIER_LOSSES)
        raise GankitError(f"loss.name '{name}': a classifier takes one of {valid}")
    return CLASSIFIER_LOSSES[name]


@dataclass
class Classifier:
    """Everything one classifier step touches."""

    model: nn.Module
    opt: torch.optim.Optimizer
    loss: object  # (logits (B, K), labels (B,)) -> scalar
    sched: torch.optim.lr_scheduler.LRScheduler | None = None


def build_classifier_from(cfg: Config, shape: tuple[int, ...], num_classes: int) -> nn.Module:
    """The classifier a config describes, for images of `shape`."""
    return build_classifier(
        cfg.model.classifier, in_shape=shape, num_classes=num_classes, **cfg.model.c
    )


def build_classifier_job_parts(
    cfg: Config, shape: tuple[int, ...], num_classes: int, total_steps: int, device
) -> Classifier:
    """Model (seeded by train.seed), optimiser, loss and the learning-rate schedule."""
    if num_classes < 2:
        raise GankitError(f"data '{cfg.data.spec}': a classifier needs labelled data")
    torch.manual_seed(cfg.train.seed)
    model = build_classifier_from(cfg, shape, num_classes).to(device)
    t = cfg.train
    opt = build_optimizer(t.optimizer, model.parameters(), t.lr, t.betas, device)
    sched = None
    if t.lr_schedule == "one-cycle":
        sched = torch.optim.lr_scheduler.OneCycleLR(
            opt, max_lr=t.lr, total_steps=max(total_steps, 2), pct_start=0.2
        )
    return Classifier(model, opt, classifier_loss(cfg.loss.name), sched)


def classifier_step(c: Classifier, x: Tensor, y: Tensor) -> Tensor:
    """One optimiser step on a batch (B, *shape) with labels (B,); detached (loss, accuracy)."""
    logits = c.model(x)  # (B, K)
    loss = c.loss(logits, y)
    c.opt.zero_grad(set_to_none=True)
    loss.backward()
    c.opt.step()
    if c.sched is not None and c.sched.last_epoch < c.sched.total_steps:
        c.sched.step()  # a resumed, longer run keeps the schedule's final learning rate
    accuracy = (logits.detach().argmax(1) == y).float().mean()
    return torch.stack([loss.detach(), accuracy])


def make_classifier_job(
    c: Classifier, data: Dataset, batches: Batches, run: RunFolder | None, cfg: Config
) -> Job:
    """A `Job` that trains `c` on `data`; checkpoints also write RUN/classifier.safetensors.

    `c.model` may be a DDP wrapper; `batches` holds this process's rank and the world size.
    """
    model = unwrap(c.model)  # checkpoints and the weights file use the plain module

    def step(global_step: int) -> Tensor:
        idx = batches.indices(global_step)  # (B,) this rank's shard
        c.model.train()
        x, y = data.batch(idx), data.labels(idx)
        if x.device != model_device:  # data left on the CPU: move this batch only
            x, y = x.to(model_device, non_blocking=True), y.to(model_device, non_blocking=True)
        return classifier_step(c, x, y)

    def on_checkpoint(global_step: int) -> None:
        if run is not None:
            run.save_module(model, cfg, CLASSIFIER_FILE)

    model_device = next(model.parameters()).device
    stateful = {"model": model, "opt": c.opt}
    if c.sched is not None:
        stateful["sched"] = c.sched
    return Job(
        step=step,
        stat_names=CLASSIFIER_STATS,
        stateful=stateful,
        images_per_step=batches.batch_size * batches.world,
        steps_per_epoch=batches.steps_per_epoch,
        on_checkpoint=on_checkpoint,
        description=cfg.recipe or "train",
        sync=mean_over_ranks if batches.world > 1 else None,
    )


def labelled_images(cfg: Config, split: str) -> Dataset:
    """The `split` of the config's data set; a classifier needs images with class labels."""
    data = load_data(cfg.data.spec, split, size=cfg.data.size)
    if not data.is_image or data.num_classes < 2:
        raise GankitError(f"data '{cfg.data.spec}': a classifier needs labelled images")
    return data


class ClassifierTask:
    """A classifier (ch. 2, 3, 9) for the job driver (gankit.train.driver): labelled images in;
    metrics.csv (loss, accuracy), classifier.safetensors, eval.json and plots/ out.

    Example:
        >>> task = ClassifierTask(get_recipe("classifier-mnist").config)  # doctest: +SKIP
        >>> drive(task, Path("runs/cls"), resume=False)                    # doctest: +SKIP
    """

    stats = CLASSIFIER_STATS

    def __init__(self, cfg: Config):
        self.cfg, self.report = cfg, {}

    def setup(self, device: torch.device, place: Dist) -> dict:
        """Data, model, optimiser and schedule on `device`; returns what config.json records."""
        self.data = labelled_images(self.cfg, "train")
        self.test = labelled_images(self.cfg, "test")  # a missing test split fails here, early
        t = self.cfg.train
        self.batches = Batches(len(self.data), t.batch_size, t.seed, place.rank, place.world)
        total = total_steps(self.cfg, self.batches.steps_per_epoch)
        shape, k = self.data.shape, self.data.num_classes
        self.parts = build_classifier_job_parts(self.cfg, shape, k, total, device)
        self.device, self.place = device, place
        return {"data_shape": list(shape), "classes": list(self.data.classes or [])}

    def job(self, run: RunFolder | None) -> Job:
        net = wrap(self.parts.model, self.device, self.place)
        data = place_data(self.data, self.device)
        return make_classifier_job(
            replace(self.parts, model=net), data, self.batches, run, self.cfg
        )

    def logs(self, run: RunFolder) -> list[CsvLog]:
        return []  # metrics.csv only

    def close(self, run: RunFolder, finished: bool) -> None:
        if finished:  # an interrupted run is evaluated when it completes
            self.report = write_classifier_report(run, self.parts.model, self.cfg, self.test)


@torch.no_grad()
def predict(model: nn.Module, x: Tensor, batch: int = 1000) -> Tensor:
    """Logits (N, K) for images (N, C, H, W) in [0, 1] (or uint8 0–255), in eval mode."""
    device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    try:
        out = []
        for i in range(0, len(x), batch):
            chunk = x[i : i + batch].to(device)
            if chunk.dtype == torch.uint8:
                chunk = chunk.float().div_(255.0)
            out.append(model(chunk).float().cpu())
        return torch.cat(out) if out else torch.zeros(0, 0)
    finally:
        model.train(was_training)


def evaluate_classifier(model: nn.Module, test: Dataset) -> dict:
    """Accuracy and confusion matrix (rows: true class, columns: predicted) on a labelled set."""
    pred = predict(model, test.x).argmax(1)  # (N,)
    k = test.num_classes
    confusion = torch.bincount(test.y.cpu() * k + pred, minlength=k * k).view(k, k)
    correct = int(confusion.diagonal().sum())
    return {
        "accuracy": correct / max(len(test), 1),
        "correct": correct,
        "n": len(test),
        "classes": list(test.classes or ()),
        "confusion": confusion.tolist(),
    }


def write_classifier_report(run: RunFolder, model: nn.Module, cfg: Config, test: Dataset) -> dict:
    """RUN/eval.json (test accuracy, confusion matrix) and plots/losses, confusion, query."""
    from gankit.viz.classifier import plot_classifier_losses, plot_confusion, plot_query

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
