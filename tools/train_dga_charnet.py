"""Train the DGA scorer's band stage: a small character GRU, exported to numpy arrays.

Issue 19 item 2 measured (docs/dga-model.md, "Revised the same day, on three
times the tail") that a bidirectional GRU with 16 units each way, asked only
about the names the linear model is unsure of, raises TPR at 0.1 % FPR on
families never trained on against recent popular FQDNs by +0.02..+0.08.
This script trains that network once, the way ``bench/dga_charnn_eval.py``
trained it per fold (its ``train_net``, same architecture, optimiser,
early stopping and validation scheme), on the shipped linear model's
training data:

* the benign training labels of ``python -m dnsguard.dga.train``
  (``split_benign(corpus, 0.1, seed=11)``), less 8 % kept to validate;
* every training family's names, less about a sixth of the family groups
  kept to validate (recall at the validation-benign 1 % cut picks the epoch);
* the same 30,000 synthetic random labels with the same seed.

It then calibrates the stage on the names the linear model's threshold
comes from (``train.recent_calibration``: half of the recent popular
names) with the package's own numpy forward pass (``dnsguard.dga.charnet``) and
writes ``python/dnsguard/data/dga-charnet.npz``.  Torch is only needed
here, never by dnsguard::

    python3 -m venv /tmp/torchvenv
    /tmp/torchvenv/bin/pip install torch==2.13.0 numpy pyyaml msgpack idna msgspec
    echo "$PWD/python" > /tmp/torchvenv/lib/python3.11/site-packages/dnsguard_src.pth
    OMP_NUM_THREADS=1 /tmp/torchvenv/bin/python tools/train_dga_charnet.py [--minutes 20]

Retrain it whenever the linear model is retrained: the file records a
fingerprint of the linear model it was calibrated for, and a scorer with
another linear model leaves the stage out.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "python"))

from dnsguard.dga import charnet as CN  # noqa: E402
from dnsguard.dga import model as M  # noqa: E402
from dnsguard.dga import train as T  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=16, help="GRU units each way")
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--patience", type=int, default=2)
    ap.add_argument("--minutes", type=float, default=20.0, help="training time budget")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, default=ROOT / "python/dnsguard" / CN.DEFAULT_FILE)
    ap.add_argument("--net-weight", type=float, default=CN.NET_WEIGHT,
                    help="weight of the network's standardised logit beside the linear one's")
    ap.add_argument("--suffix-beta", type=float, default=CN.SUFFIX_BETA,
                    help="multiple of the linear suffix weight added to the network's logit")
    ap.add_argument("--recalibrate", action="store_true",
                    help="keep the network of --out, only calibrate it again (after the linear model or "
                         "charnet.BAND changed); needs no torch")
    args = ap.parse_args()
    t0 = time.perf_counter()

    corpus = T.load_corpus(ROOT)
    train_mask, calib_mask = T.split_benign(corpus, 0.1, seed=11)  # as python -m dnsguard.dga.train
    train = corpus.subset(train_mask)
    held_out = corpus.subset(calib_mask).labels
    # the stage's cuts come from the names the linear model's threshold came from
    calibration, calibration_suffixes = T.recent_calibration(ROOT, corpus)
    linear = M.load()
    if args.recalibrate:
        stage = CN.calibrate(CN.load_weights(args.out), linear, calibration, calibration_suffixes,
                             net_weight=args.net_weight, suffix_beta=args.suffix_beta)
        stage.save(args.out)
        print(f"band {stage.low:.3f}..{stage.high:.3f} (linear logit), combined cut {stage.cut:.4f}; "
              f"wrote {args.out}", file=sys.stderr)
        return 0

    import dga_charnn_eval as C  # exits with instructions when torch is missing
    import torch

    C.UNITS = args.units  # read by C.BiGRU when it is built
    torch.set_num_threads(1)

    benign = [lab for lab, f in zip(train.labels, train.family, strict=True) if not f]
    dga = [(lab, f) for lab, f in zip(train.labels, train.family, strict=True) if f]
    synth = T.synthetic_labels(T.SYNTHETIC_NAMES, args.seed)
    fit_labels, fit_y, val_neg, val_pos, val_groups = C.network_split(
        benign, dga, set(), np.random.default_rng((args.seed, 99)), synth)
    print(f"training on {len(fit_labels)} labels ({int(fit_y.sum()) - len(synth)} DGA, {len(synth)} synthetic); "
          f"validating on {len(val_neg)} benign and the groups {', '.join(sorted(val_groups))}", file=sys.stderr)

    net, log, secs = C.train_net("gru", fit_labels, fit_y, val_neg, val_pos, epochs=args.epochs,
                                 patience=args.patience, budget_s=args.minutes * 60, seed=args.seed)
    print(f"trained in {secs / 60:.1f} min: " + "; ".join(log), file=sys.stderr)

    weights = CN.Weights.from_torch_state(C.export(net), alphabet=C.ALPHABET)
    probe = held_out[:5000]
    diff = float(np.abs(CN.net_logits(weights, probe) - C.logits_of(net, probe)).max())
    if diff > 1e-3:
        sys.exit(f"the numpy forward pass differs from torch by {diff:.2e}: not written")
    stage = CN.calibrate(weights, linear, calibration, calibration_suffixes,
                         net_weight=args.net_weight, suffix_beta=args.suffix_beta)
    stage.save(args.out)
    print(f"numpy forward pass within {diff:.1e} of torch; band {stage.low:.3f}..{stage.high:.3f} "
          f"(linear logit), combined cut {stage.cut:.4f}; wrote {args.out} "
          f"({args.out.stat().st_size / 1e3:.0f} kB) in {time.perf_counter() - t0:.0f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
