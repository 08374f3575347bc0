"""Quality of conditional GANs (ch. 10), minutes of training: marked slow."""

import pytest
import torch
from torch import nn
from torch.nn import functional as F

import gankit
from gankit.data import load_data
from gankit.metrics.labels import label_accuracy
from gankit.seeds import per_label


def quick_digit_classifier(epochs: int = 6) -> nn.Module:
    """A small MLP on the 4,000 embedded training digits (about 92% on their test split)."""
    torch.manual_seed(0)
    train = load_data("mnist", "train")
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    g = torch.Generator().manual_seed(0)
    for _ in range(epochs):
        for idx in torch.randperm(len(train), generator=g).split(50):
            loss = F.cross_entropy(model(train.batch(idx)), train.y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    return model.eval()


@pytest.mark.slow
def test_the_books_conditional_gan_draws_the_asked_digit(tmp_path):
    run = gankit.train("cgan-mnist", out=tmp_path / "c", epochs=50, progress=False)
    classifier = quick_digit_classifier()
    doc = label_accuracy(run, classifier, n=1000, real=load_data("mnist", "test"))
    assert doc["label_accuracy_ceiling"] > 0.88  # the classifier itself is sound
    assert doc["label_accuracy"] > 0.6, doc  # chance is 0.1
    # the same seeds drawn as each of the ten labels: mostly ten different digits per column
    rows = per_label(run, per_class=8, seed=3)  # (80, 1, 28, 28), row k asks for digit k
    predicted = classifier(rows).argmax(1).view(10, 8)  # (10 labels, 8 seeds)
    distinct = [len(set(predicted[:, j].tolist())) for j in range(8)]
    assert sum(distinct) / 8 >= 6, distinct


@pytest.mark.slow
def test_the_conditional_conv_gan_draws_the_asked_digit(tmp_path):
    # 800 of the recipe's 2,000 steps (2 minutes on two threads): measured 93.3% by this MLP
    # (its ceiling on real digits 91.7%; weakest digit 9 at 69%), 87.8% by the feature CNN on one
    # thread; the full recipe reaches 98.6%
    run = gankit.train("cdcgan-mnist", out=tmp_path / "c", steps=800, progress=False)
    classifier = quick_digit_classifier()
    doc = label_accuracy(run, classifier, n=1000, real=load_data("mnist", "test"))
    assert doc["label_accuracy"] > 0.75, doc
    assert min(doc["label_accuracy_per_class"].values()) > 0.4, doc
