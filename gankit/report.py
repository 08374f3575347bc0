"""`gankit report RUN`: one self-contained HTML page about a run (RUN/report.html).

Sections: the run at a glance, the resolved config, the loss curves with the ideal-loss lines
(appendix A), the fixed-seed sample grids through training, and eval.json as a table when present.
A classifier run (ch. 2, 3, 9) shows its own figures instead of the last two GAN sections: the
loss and accuracy curves, the confusion matrix and one query that training wrote to RUN/plots.
Every image is embedded as a data: URL, so the file can be mailed or archived on its own.
"""

from __future__ import annotations

import base64
import html
import json
import tempfile
from pathlib import Path

from gankit.errors import GankitError
from gankit.losses import get_loss
from gankit.runs import RunFolder, atomic_write_bytes
from gankit.viz.plots import plot_losses, plot_pattern

MAX_GRIDS = 8  # sample grids shown, evenly spread over training (the last one always)

STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 1100px; padding: 0 20px;
       color: #222; }
h1 { font-size: 24px; } h2 { font-size: 19px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
table { border-collapse: collapse; margin: 8px 0; font-size: 14px; }
td, th { border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { display: inline-block; margin: 6px 12px 12px 0; }
figcaption { font-size: 13px; color: #555; }
img { max-width: 100%; image-rendering: pixelated; }
.note { color: #666; font-size: 14px; }
.grids figure { width: 31%; margin-right: 1.5%; } .grids img { width: 100%; }
"""


def write_report(run_dir: str | Path) -> Path:
    """Write RUN/report.html for the run folder `run_dir` and return its path.

    Example:
        >>> write_report("runs/demo")  # doctest: +SKIP
        PosixPath('runs/demo/report.html')
    """
    folder = RunFolder(Path(run_dir))
    if not folder.config_path.exists():
        raise GankitError(f"{run_dir}: not a gankit run folder (no config.json)")
    page = render_report(folder)
    path = folder.path / "report.html"
    atomic_write_bytes(path, page.encode())
    return path


def render_report(folder: RunFolder) -> str:
    """The report's HTML text."""
    doc, cfg = folder.read_doc(), folder.read_config()
    rows = folder.metrics.rows()
    sections = [
        _section("summary", "The run", _summary(folder, doc, rows)),
        _section("config", "Config", _config_table(doc["config"])),
    ]
    if cfg.task == "classifier":
        sections.append(_section("training", "Training and test", _classifier_plots(folder, rows)))
    else:
        sections += [
            _section("losses", "Loss curves", _losses(folder, cfg, rows)),
            _section("samples", "Samples through training", _samples(folder)),
        ]
    sections.append(_section("evaluation", "Evaluation", _evaluation(folder)))
    title = f"gankit report: {folder.path.name}"
    return (
        "<!doctype html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<title>{_e(title)}</title><style>{STYLE}</style></head>\n<body>\n"
        f"<h1>{_e(title)}</h1>\n" + "\n".join(sections) + "\n</body></html>\n"
    )


def _e(value) -> str:
    return html.escape(str(value))


def _section(key: str, title: str, body: str) -> str:
    return f"<section id='{key}'>\n<h2>{_e(title)}</h2>\n{body}\n</section>"


def _png_uri(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def _figure(data: bytes, caption: str, alt: str) -> str:
    return (
        f"<figure><img src='{_png_uri(data)}' alt='{_e(alt)}'>"
        f"<figcaption>{_e(caption)}</figcaption></figure>"
    )


def _table(pairs: list[tuple[str, object]], head: tuple[str, str] = ("", "")) -> str:
    header = f"<tr><th>{_e(head[0])}</th><th>{_e(head[1])}</th></tr>" if any(head) else ""
    body = "".join(
        f"<tr><td>{_e(k)}</td><td class='{'num' if _is_number(v) else ''}'>{_e(_fmt(v))}</td></tr>"
        for k, v in pairs
    )
    return f"<table>{header}{body}</table>"


def _is_number(v) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _fmt(v) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    if isinstance(v, list | tuple | dict | bool) or v is None:
        return json.dumps(v)  # as in config.json
    return str(v)


def _summary(folder: RunFolder, doc: dict, rows: list[dict]) -> str:
    cfg = doc["config"]
    pairs = [
        ("recipe", cfg.get("recipe") or "(custom)"),
        ("data", f"{cfg['data']['spec']}: samples of shape {doc.get('data_shape')}"),
        ("classes", ", ".join(doc.get("classes") or []) or "none (unconditional)"),
        ("device", doc.get("device", "?")),
        ("versions", f"gankit {doc.get('gankit_version')}, torch {doc.get('torch_version')}"),
    ]
    if rows:
        last = rows[-1]
        pairs += [
            ("trained", f"{int(last['step'])} steps, {int(last['images_seen'])} images seen, "
                        f"{last['seconds']:.1f} s"),
            _last_losses(last),
        ]  # fmt: skip
    else:
        pairs.append(("trained", "no metrics logged yet"))
    return _table(pairs)


def _last_losses(last: dict) -> tuple[str, str]:
    """The summary row of the last logged losses: D and G for a GAN, loss and accuracy on the
    training batches for a classifier (its test accuracy is in the evaluation)."""
    if "d_loss" in last:
        return "last losses", f"D {last['d_loss']:.4f}, G {last['g_loss']:.4f}"
    return "last batch", f"loss {last['loss']:.4f}, accuracy {last['accuracy']:.1%}"


def _classifier_plots(folder: RunFolder, rows: list[dict]) -> str:
    """The figures a classifier run wrote at its end (gankit.train.classifier), as they are."""
    captions = {
        "losses.png": "loss and accuracy on the training batches",
        "confusion.png": "the test split: true digit (rows) against the prediction (columns)",
        "query.png": "one test image and the network's ten outputs for it",
    }
    parts = [
        _figure((folder.plots_dir / name).read_bytes(), caption, name.removesuffix(".png"))
        for name, caption in captions.items()
        if (folder.plots_dir / name).exists()
    ]
    if parts:
        return "".join(parts)
    if rows:
        return "<p class='note'>No figures yet: they are drawn when training ends.</p>"
    return "<p class='note'>No metrics.csv rows yet: train the run first.</p>"


def _config_table(config: dict) -> str:
    """One row per setting, `section.key`, as `--set` names them."""
    pairs = []
    for section, values in config.items():
        if isinstance(values, dict):
            pairs += [(f"{section}.{k}", v) for k, v in values.items()]
        else:
            pairs.append((section, values))
    return _table(pairs, ("setting", "value"))


def _draw(plot, *args) -> bytes:
    """Run a plots.py function that writes a PNG file and return the file's bytes."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "figure.png"
        plot(*args, path)
        return path.read_bytes()


def _losses(folder: RunFolder, cfg, rows: list[dict]) -> str:
    if not rows:
        return "<p class='note'>No metrics.csv rows yet: train the run first.</p>"
    loss = get_loss(cfg.loss.name)
    png = _draw(lambda r, p: plot_losses(r, p, loss.ideal_d, loss.ideal_g, loss.name), rows)
    note = (
        f"<p class='note'>Dashed lines: the ideal losses ({loss.ideal_d:.3f} for D, "
        f"{loss.ideal_g:.3f} for G), where D cannot tell real from generated (appendix A).</p>"
    )
    return _figure(png, f"{loss.name} losses against images seen", "loss curves") + note


def _samples(folder: RunFolder) -> str:
    grids = sorted(folder.samples_dir.glob("step-*.png"))
    parts = []
    if grids:
        keep = sorted(
            {round(i * (len(grids) - 1) / max(1, MAX_GRIDS - 1)) for i in range(MAX_GRIDS)}
        )
        for path in (grids[i] for i in keep):
            step = int(path.stem.split("-")[1])
            parts.append(_figure(path.read_bytes(), f"step {step:,}", f"samples at step {step}"))
    pattern = folder.samples_dir / "pattern.csv"
    if pattern.exists():
        from gankit.train.gan_job import pattern_log

        width = len(pattern.read_text().splitlines()[0].split(",")) - 1
        prows = pattern_log(folder, width).rows()
        if prows:
            parts.append(_figure(_draw(plot_pattern, prows), "G's values over training", "pattern"))
    if not parts:
        return "<p class='note'>No sample grids yet.</p>"
    note = "<p class='note'>The same seeds every time, so the grids compare.</p>"
    return note + "<div class='grids'>" + "".join(parts) + "</div>"


def _flatten(data, prefix: str = "") -> list[tuple[str, object]]:
    if isinstance(data, dict):
        pairs = []
        for k, v in data.items():
            pairs += _flatten(v, f"{prefix}.{k}" if prefix else str(k))
        return pairs
    return [(prefix or "value", data)]


def _evaluation(folder: RunFolder) -> str:
    path = folder.path / "eval.json"
    if not path.exists():
        return "<p class='note'>No eval.json yet: run <code>gankit evaluate RUN</code>.</p>"
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as e:
        raise GankitError(f"{path}: unreadable ({e})") from None
    return _table(_flatten(data), ("measure", "value"))
