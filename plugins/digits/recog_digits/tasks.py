"""`recog train digits` and `recog eval digits`."""

from __future__ import annotations

import os

USAGE = "usage: recog train digits {cnn,crnn,ensemble} [options]   (each with --help)"


def train(argv: list[str]) -> int:
    """Train the MNIST CNN (``cnn``) or a string CRNN (``crnn``), or merge CRNNs into one file (``ensemble``)."""
    if not argv or argv[0] not in ("cnn", "crnn", "ensemble"):
        print(USAGE)
        return 2
    # OpenMP threads that spin while waiting burn a shared CPU for nothing; this takes effect if torch is not yet loaded
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    if argv[0] == "cnn":
        from recog_digits import train_cnn as trainer
    elif argv[0] == "crnn":
        from recog_digits import train_crnn as trainer
    else:
        from recog_digits import ensemble as trainer
    return trainer.main(argv[1:])


def evaluate(argv: list[str]) -> int:
    """Measure the shipped (or given) models on MNIST test and held-out ORAND-CAR-A."""
    from recog_digits import evaluate as ev

    return ev.main(argv)
