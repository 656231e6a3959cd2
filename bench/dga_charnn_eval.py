"""Issue 19 item 2: do character networks trained with torch catch unseen DGA families at low FPR?

Same leave-families-out split as ``bench/dga_eval.py`` and
``bench/dga_ensemble_eval.py`` (same corpus, folds, seed, benign train /
calibration / test slices).  In each fold it trains

* the shipped model type (``train.fit``: hashed n-gram logistic regression
  on the benign training labels, the fold's training families and
  ``train.SYNTHETIC_NAMES`` uniform random synthetic labels),
* the benign character LM of ``dga_ensemble_eval.py`` standardised per
  length bucket (the best ensemble member so far, for reference),
* with torch on the CPU (one thread), ``--arch cnn``: a multi-width
  character CNN (embedding 32, convolutions of widths 2, 3, 4, 5 with 128
  filters each, ReLU, max over positions, dense 64, dropout 0.3), and/or
  ``--arch gru``: a bidirectional GRU (embedding 32, 64 units each way, the
  two final states, dense 64, dropout 0.3), in the style of Woodbridge et
  al. 2016.  Labels get begin and end marks; no label is cut (<= 63
  characters).

The networks see the linear model's training names (benign training labels,
training families, the same synthetic labels with the same seed) minus an
inner validation slice for early stopping: about a sixth of the fold's
*training* family groups (at least 2) and 8 % of the benign training labels.
After each epoch the macro recall of the validation families at the
validation-benign 1 % FPR cut is measured; training stops after ``--patience``
epochs without a gain (or at ``--epochs``, or when the fold's share of
``--max-minutes`` is spent) and the best epoch's weights are kept.  No
held-out (test) family is seen by any choice.

Scores are combined as ``dga_ensemble_eval.py`` does: standardised on the
benign calibration slice (mean, standard deviation; no DGA name), equal
weights fixed in advance.  Prints pooled AUC and TPR at 1 %, 0.1 %, 0.01 %
FPR, macro TPR at 0.1 %, per-family recall at the 0.1 % cut, training time,
and what a numpy forward pass of the last fold's trained weights costs per
name with one thread (``--numpy-names``).  With ``--recent`` every row is also
measured against ``bench/dga_recent_eval.py``'s negatives: the names of the
recent popularity lists in data/benign that no fold trained on, scored by the
label the scorer would score (the CDN/cloud allowlist's names rank last).

Nothing here changes the shipped model or the scorer, and torch is no
dependency of dnsguard: it runs in a separate virtualenv that also sees the
package source::

    python3 -m venv /tmp/torchvenv
    /tmp/torchvenv/bin/pip install torch==2.13.0 numpy pyyaml msgpack idna msgspec
    echo "$PWD/python" > /tmp/torchvenv/lib/python3.11/site-packages/dnsguard_src.pth
    OMP_NUM_THREADS=1 nice -n 10 /tmp/torchvenv/bin/python bench/dga_charnn_eval.py \\
        [--folds 5] [--seed 3] [--arch cnn|gru|both] [--epochs 10] [--max-minutes 60] [--recent]
"""

from __future__ import annotations

import argparse
import copy
import os
import sys
import time
from pathlib import Path

import numpy as np
from dnsguard.dga import charnet as CN
from dnsguard.dga import features as F
from dnsguard.dga import train as T

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dga_ensemble_eval import ALPHABET, LM_LENGTH_EDGES, CharLM, standardise  # noqa: E402
from dga_eval import auc, fold_train_mask, folds_of, load_split, tpr_at  # noqa: E402
from dga_recent_eval import DEFAULT_BENIGN, recent_negatives  # noqa: E402
from dga_recent_levers import bootstrap_table  # noqa: E402

try:
    import torch
    from torch import nn
except ImportError:  # pragma: no cover - the message is the point
    sys.exit(
        "bench/dga_charnn_eval.py needs torch, which dnsguard does not depend on; make a separate venv:\n"
        "  python3 -m venv /tmp/torchvenv\n"
        "  /tmp/torchvenv/bin/pip install torch==2.13.0 numpy pyyaml msgpack idna msgspec\n"
        '  echo "$PWD/python" > /tmp/torchvenv/lib/python3.11/site-packages/dnsguard_src.pth\n'
        "and run this script with /tmp/torchvenv/bin/python"
    )

ROOT = Path(__file__).resolve().parents[1]
PAD, BOS, EOS = 0, len(ALPHABET) + 1, len(ALPHABET) + 2
VOCAB = len(ALPHABET) + 3
CODE = np.full(256, len(ALPHABET), dtype=np.int64)  # anything else counts as "_" (code len(ALPHABET))
for _i, _c in enumerate(ALPHABET):
    CODE[ord(_c)] = _i + 1
WIDTHS, FILTERS, EMB, DENSE, UNITS = (2, 3, 4, 5), 128, 32, 64, 64
TAIL = max(WIDTHS) - 1  # padding after the end mark so every window start inside the label exists


def whole_name(label: str, suffix: str) -> str:
    """What --whole-name networks read: label.suffix (the label alone for a bare label)."""
    return f"{label}.{suffix}" if suffix else label


def encode(labels: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Codes [n, longest + 2 + TAIL] (begin mark, characters, end mark, padding) and lengths with marks."""
    n = np.fromiter((len(x) + 2 for x in labels), dtype=np.int64, count=len(labels))
    x = np.zeros((len(labels), int(n.max(initial=2)) + TAIL), dtype=np.int64)
    x[:, 0] = BOS
    for i, lab in enumerate(labels):
        raw = np.frombuffer(lab.encode("ascii", "replace"), dtype=np.uint8)
        x[i, 1 : 1 + len(raw)] = CODE[raw]
        x[i, 1 + len(raw)] = EOS
    return x, n


class CNN(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.emb = nn.Embedding(VOCAB, EMB, padding_idx=PAD)
        self.convs = nn.ModuleList(nn.Conv1d(EMB, FILTERS, w) for w in WIDTHS)
        self.drop = nn.Dropout(0.3)
        self.dense = nn.Linear(FILTERS * len(WIDTHS), DENSE)
        self.out = nn.Linear(DENSE, 1)

    def forward(self, x: torch.Tensor, n: torch.Tensor) -> torch.Tensor:
        e = self.emb(x).transpose(1, 2)  # [B, EMB, T]
        pooled = []
        for conv in self.convs:
            h = conv(e)  # [B, F, T - width + 1]; window start s is valid when s < n
            valid = torch.arange(h.shape[2])[None, :] < n[:, None]
            h = h.masked_fill(~valid[:, None, :], -1e9)
            pooled.append(torch.relu(h.max(dim=2).values))
        z = torch.relu(self.dense(self.drop(torch.cat(pooled, dim=1))))
        return self.out(self.drop(z))[:, 0]


class BiGRU(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.emb = nn.Embedding(VOCAB, EMB, padding_idx=PAD)
        self.gru = nn.GRU(EMB, UNITS, batch_first=True, bidirectional=True)
        self.drop = nn.Dropout(0.3)
        self.dense = nn.Linear(2 * UNITS, DENSE)
        self.out = nn.Linear(DENSE, 1)

    def forward(self, x: torch.Tensor, n: torch.Tensor) -> torch.Tensor:
        packed = nn.utils.rnn.pack_padded_sequence(self.emb(x), n, batch_first=True, enforce_sorted=False)
        _, h = self.gru(packed)  # [2, B, UNITS]: forward final, backward final
        z = torch.relu(self.dense(self.drop(torch.cat((h[0], h[1]), dim=1))))
        return self.out(self.drop(z))[:, 0]


class BiRNN(nn.Module):
    """The GRU's shape with a plain tanh recurrence (Elman): a third of the GRU's work per step,
    which is what decides the scorer's cost (``--arch rnn``)."""

    def __init__(self) -> None:
        super().__init__()
        self.emb = nn.Embedding(VOCAB, EMB, padding_idx=PAD)
        self.rnn = nn.RNN(EMB, UNITS, batch_first=True, bidirectional=True, nonlinearity="tanh")
        self.drop = nn.Dropout(0.3)
        self.dense = nn.Linear(2 * UNITS, DENSE)
        self.out = nn.Linear(DENSE, 1)

    def forward(self, x: torch.Tensor, n: torch.Tensor) -> torch.Tensor:
        packed = nn.utils.rnn.pack_padded_sequence(self.emb(x), n, batch_first=True, enforce_sorted=False)
        _, h = self.rnn(packed)
        z = torch.relu(self.dense(self.drop(torch.cat((h[0], h[1]), dim=1))))
        return self.out(self.drop(z))[:, 0]


class UniGRU(nn.Module):
    """The GRU reading forward only, with ``UNITS`` units: half the bidirectional GRU's work per
    step at the same size (``--arch ugru``)."""

    def __init__(self) -> None:
        super().__init__()
        self.emb = nn.Embedding(VOCAB, EMB, padding_idx=PAD)
        self.gru = nn.GRU(EMB, UNITS, batch_first=True)
        self.drop = nn.Dropout(0.3)
        self.dense = nn.Linear(UNITS, DENSE)
        self.out = nn.Linear(DENSE, 1)

    def forward(self, x: torch.Tensor, n: torch.Tensor) -> torch.Tensor:
        packed = nn.utils.rnn.pack_padded_sequence(self.emb(x), n, batch_first=True, enforce_sorted=False)
        _, h = self.gru(packed)
        z = torch.relu(self.dense(self.drop(h[0])))
        return self.out(self.drop(z))[:, 0]


class CNNLSTM(nn.Module):
    """dgaintel's published layer shapes (bench/dga_public_eval.py): embedding 128, one convolution of
    width 3 with 128 filters, max-pooling by 2, LSTM 64, dropout 0.5; here trained on the fold's names."""

    def __init__(self) -> None:
        super().__init__()
        self.emb = nn.Embedding(VOCAB, 128, padding_idx=PAD)
        self.conv = nn.Conv1d(128, 128, 3, padding=1)
        self.lstm = nn.LSTM(128, UNITS, batch_first=True)
        self.drop = nn.Dropout(0.5)
        self.out = nn.Linear(UNITS, 1)

    def forward(self, x: torch.Tensor, n: torch.Tensor) -> torch.Tensor:
        h = torch.relu(self.conv(self.emb(x).transpose(1, 2)))  # [B, 128, T]
        h = nn.functional.max_pool1d(h, 2, ceil_mode=True).transpose(1, 2)  # [B, ceil(T / 2), 128]
        packed = nn.utils.rnn.pack_padded_sequence(h, (n + 1) // 2, batch_first=True, enforce_sorted=False)
        _, (last, _) = self.lstm(packed)
        return self.out(self.drop(last[0]))[:, 0]


ARCHS = {"cnn": CNN, "gru": BiGRU, "cnnlstm": CNNLSTM, "rnn": BiRNN, "ugru": UniGRU}


def batches(lengths: np.ndarray, size: int, rng: np.random.Generator | None) -> list[np.ndarray]:
    """Row batches of similar length (less padding): shuffled, sorted within chunks of 50 batches."""
    order = rng.permutation(len(lengths)) if rng is not None else np.arange(len(lengths))
    out = []
    chunk = size * 50
    for lo in range(0, len(order), chunk):
        part = order[lo : lo + chunk]
        part = part[np.argsort(lengths[part], kind="stable")]
        out.extend(part[i : i + size] for i in range(0, len(part), size))
    if rng is not None:
        rng.shuffle(out)
    return out


def net_logits(model: nn.Module, x: np.ndarray, n: np.ndarray, size: int = 2048) -> np.ndarray:
    model.eval()
    out = np.empty(len(n), dtype=np.float64)
    with torch.no_grad():
        for rows in batches(n, size, None):
            width = int(n[rows].max()) + TAIL
            out[rows] = model(torch.from_numpy(x[rows, :width]), torch.from_numpy(n[rows])).numpy()
    return out


def logits_of(model: nn.Module, labels: list[str]) -> np.ndarray:
    x, n = encode(labels)
    return net_logits(model, x, n)


def val_recall(model: nn.Module, val_neg: tuple[np.ndarray, np.ndarray],
               val_pos: list[tuple[np.ndarray, np.ndarray]]) -> float:
    """Macro recall of the validation families at the validation-benign 1 % FPR cut."""
    cut = float(np.quantile(net_logits(model, *val_neg), 0.99))
    return float(np.mean([(net_logits(model, *p) > cut).mean() for p in val_pos]))


OPTIM = {"cnn": (1e-3, 1.0), "gru": (2e-3, None), "cnnlstm": (1e-3, 1.0), "rnn": (2e-3, 1.0), "ugru": (2e-3, None)}  # cnnlstm: dgaintel's Adam 1e-3
"""Adam learning rate and gradient-norm clip per network.  The CNN at 2e-3 without clipping
collapsed in one fold of seed 3 (dead ReLUs: a constant output, validation recall 0)."""


def network_split(benign: list[str], dga: list[tuple[str, str]], held: set[str], rng: np.random.Generator,
                  synthetic: list[str], *, seen: bool = False
                  ) -> tuple[list[str], np.ndarray, list[str], list[list[str]], set[str]]:
    """The network's training names and its inner validation slice, as every fold (and
    tools/train_dga_charnet.py, for the shipped network) draws them.

    ``dga`` is (label, family) in the order the names are trained in; families of the
    ``held`` groups are left out.  About a sixth of the remaining family groups (at least 2)
    and 8 % of the benign labels validate; with ``seen``, 10 % of every family's names
    validate instead of whole groups.  Returns (labels, is-DGA, validation benign,
    validation DGA names per family, validation groups)."""
    families = sorted({f for _, f in dga})
    groups = sorted({T.fold_group(f) for f in families} - held)
    val_groups = set() if seen else set(rng.permutation(groups)[: max(2, round(len(groups) / 6))].tolist())
    val_b = rng.random(len(benign)) < 0.08
    fit_dga = [lab for lab, f in dga if T.fold_group(f) not in held | val_groups]
    val_pos = [[lab for lab, g in dga if g == f] for f in families if T.fold_group(f) in val_groups]
    if seen:  # validate on 10 % of every family's training names instead of on whole families
        val_n = rng.random(len(fit_dga)) < 0.1
        val_pos = [[lab for lab, v in zip(fit_dga, val_n.tolist(), strict=True) if v]]
        fit_dga = [lab for lab, v in zip(fit_dga, val_n.tolist(), strict=True) if not v]
    fit_benign = [lab for lab, v in zip(benign, val_b.tolist(), strict=True) if not v]
    val_neg = [lab for lab, v in zip(benign, val_b.tolist(), strict=True) if v]
    labels = fit_benign + fit_dga + synthetic
    y = np.concatenate((np.zeros(len(fit_benign), bool), np.ones(len(fit_dga) + len(synthetic), bool)))
    return labels, y, val_neg, val_pos, val_groups


def train_net(arch: str, labels: list[str], y: np.ndarray, val_neg: list[str], val_pos: list[list[str]],
              *, epochs: int, patience: int, budget_s: float, seed: int, batch: int = 256
              ) -> tuple[nn.Module, list[str], float]:
    """Adam on binary cross-entropy in length-bucketed batches; keeps the best validation epoch.
    A network whose first epoch ends with validation recall 0 (collapsed) is started again
    once with another seed."""
    lr, clip = OPTIM[arch]
    x, n = encode(labels)
    yt = torch.from_numpy(y.astype(np.float32))
    vneg = encode(val_neg)
    vpos = [encode(p) for p in val_pos]
    log: list[str] = []
    t0 = time.perf_counter()
    for attempt in range(2):
        torch.manual_seed(seed + 1000 * attempt)
        rng = np.random.default_rng(seed + 1000 * attempt)
        model = ARCHS[arch]()
        opt = torch.optim.Adam(model.parameters(), lr=lr)
        loss_fn = nn.BCEWithLogitsLoss()
        best, best_state, since = -1.0, None, 0
        collapsed = False
        for epoch in range(epochs):
            te = time.perf_counter()
            model.train()
            total = 0.0
            for rows in batches(n, batch, rng):
                width = int(n[rows].max()) + TAIL
                opt.zero_grad()
                loss = loss_fn(model(torch.from_numpy(x[rows, :width]), torch.from_numpy(n[rows])),
                               yt[torch.from_numpy(rows)])
                loss.backward()
                if clip is not None:
                    nn.utils.clip_grad_norm_(model.parameters(), clip)
                opt.step()
                total += loss.item() * len(rows)
            score = val_recall(model, vneg, vpos)
            spent = time.perf_counter() - t0
            log.append(f"e{epoch + 1} loss {total / len(n):.4f} val {score:.3f} ({time.perf_counter() - te:.0f}s)")
            if epoch == 0 and score == 0.0 and attempt == 0:
                log.append("collapsed, started again")
                collapsed = True
                break
            if score > best:
                best, best_state, since = score, copy.deepcopy(model.state_dict()), 0
            else:
                since += 1
            if since >= patience:
                log.append("early stop")
                break
            if spent + spent / (epoch + 1) > budget_s and epoch + 1 < epochs:
                log.append("time budget")
                break
        if not collapsed:
            break
    model.load_state_dict(best_state)
    model.eval()
    return model, log, time.perf_counter() - t0


# ---- numpy forward passes of trained weights (what an export would run) ----

def export(model: nn.Module) -> dict[str, np.ndarray]:
    return {k: v.detach().numpy().astype(np.float32) for k, v in model.state_dict().items()}


def cnn_numpy(p: dict[str, np.ndarray], x: np.ndarray, n: np.ndarray) -> np.ndarray:
    """The CNN with the embedding folded into per-offset tables: a window's
    pre-activation is the sum over its offsets of one 128-float table row per
    character, so a label costs (2+3+4+5) x 128 adds per position plus the
    dense layers."""
    emb = p["emb.weight"]
    out = np.empty(len(n), dtype=np.float32)
    tables = []
    for k, w in enumerate(WIDTHS):
        wt = p[f"convs.{k}.weight"]  # [F, EMB, w]
        tables.append([emb @ wt[:, :, o].T for o in range(w)])  # [VOCAB, F] each
    for rows in batches(n, 1000, None):
        nn_ = n[rows]
        width = int(nn_.max())
        xb = x[rows, : width + TAIL]
        pooled = []
        valid = np.arange(width)[None, :] < nn_[:, None]
        for k, w in enumerate(WIDTHS):
            h = tables[k][0][xb[:, :width]]
            for o in range(1, w):
                h += tables[k][o][xb[:, o : o + width]]
            h[~valid] = -1e9
            pooled.append(h.max(axis=1) + p[f"convs.{k}.bias"])
        z = np.maximum(np.concatenate(pooled, axis=1), 0) @ p["dense.weight"].T + p["dense.bias"]
        out[rows] = np.maximum(z, 0) @ p["out.weight"][0] + p["out.bias"][0]
    return out


def gru_numpy(p: dict[str, np.ndarray], x: np.ndarray, n: np.ndarray) -> np.ndarray:
    """The bidirectional GRU with the input projection folded into a table
    (one 3 x 64-float row per character and direction); each step costs a
    [64] x [64, 192] product per direction."""
    emb = p["emb.weight"]
    out = np.empty(len(n), dtype=np.float32)
    dirs = []
    for suf in ("", "_reverse"):
        dirs.append((emb @ p[f"gru.weight_ih_l0{suf}"].T + p[f"gru.bias_ih_l0{suf}"],
                     p[f"gru.weight_hh_l0{suf}"].T.copy(), p[f"gru.bias_hh_l0{suf}"]))
    u = UNITS

    def step(h: np.ndarray, gi: np.ndarray, whh: np.ndarray, bhh: np.ndarray) -> np.ndarray:
        gh = h @ whh + bhh
        r = 1 / (1 + np.exp(-(gi[:, :u] + gh[:, :u])))
        z = 1 / (1 + np.exp(-(gi[:, u : 2 * u] + gh[:, u : 2 * u])))
        c = np.tanh(gi[:, 2 * u :] + r * gh[:, 2 * u :])
        return (1 - z) * c + z * h

    for rows in batches(n, 1000, None):
        nn_ = n[rows]
        width = int(nn_.max())
        xb = x[rows, :width]
        finals = []
        for d, (tab, whh, bhh) in enumerate(dirs):
            h = np.zeros((len(rows), u), dtype=np.float32)
            for t in range(width):
                if d == 0:
                    gi, live = tab[xb[:, t]], t < nn_
                else:  # backward direction: position n - 1 - t of each label
                    pos = nn_ - 1 - t
                    live = pos >= 0
                    gi = tab[xb[np.arange(len(rows)), np.maximum(pos, 0)]]
                h = np.where(live[:, None], step(h, gi, whh, bhh), h)
            finals.append(h)
        z = np.concatenate(finals, axis=1) @ p["dense.weight"].T + p["dense.bias"]
        out[rows] = np.maximum(z, 0) @ p["out.weight"][0] + p["out.bias"][0]
    return out


NUMPY_FORWARD = {"cnn": cnn_numpy, "gru": gru_numpy}

SUFFIX_BETAS = (1, 2)
SUFFIX_NET_WEIGHTS = (0.5, 0.75)
"""--suffix-token rows: the network's logit plus beta times the linear suffix weight, added to
the linear logit with these weights (both standardised).  Picked on bench/dga_unseen_ensembles.py's
calibration half before these folds were run, so the folds test them rather than tune them."""


def macs_per_name(arch: str, chars: float) -> float:
    """Multiply-adds (adds for table gathers) of the numpy forward pass for a label of ``chars`` characters."""
    pos = chars + 2
    if arch == "cnn":
        return pos * sum(WIDTHS) * FILTERS + FILTERS * len(WIDTHS) * DENSE + DENSE
    return pos * 2 * (UNITS * 3 * UNITS + 3 * UNITS) + 2 * UNITS * DENSE + DENSE


def main() -> int:
    global UNITS
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--arch", choices=("cnn", "gru", "cnnlstm", "rnn", "ugru", "both"), default="both",
                    help="both: cnn and gru; cnnlstm: dgaintel's layer shapes")
    ap.add_argument("--epochs", type=int, default=10, help="at most this many epochs per fold")
    ap.add_argument("--patience", type=int, default=2, help="stop after this many epochs without a validation gain")
    ap.add_argument("--max-minutes", type=float, default=60.0,
                    help="training time budget for all networks of all folds (split evenly)")
    ap.add_argument("--order", type=int, default=4, help="benign character LM order (reference rows)")
    ap.add_argument("--numpy-names", type=int, default=100_000,
                    help="time a numpy forward pass of the last fold's networks on this many names (0: skip)")
    ap.add_argument("--whole-name", action="store_true",
                    help="the networks read label + '.' + public suffix (as dgaintel reads a name) instead of the "
                         "label; synthetic labels get suffixes drawn from the benign training names, as "
                         "train.fit's suffix token does ('.' shares the code of '_')")
    ap.add_argument("--seen", action="store_true",
                    help="seen families instead of held-out ones: one split, 20 %% of every family's names "
                         "(by name) kept out of training and scored as the positives; the networks validate "
                         "on 10 %% of the remaining names of every family")
    ap.add_argument("--recent", action="store_true",
                    help="also score the recent popularity lists of data/benign (bench/dga_recent_eval.py's "
                         "negatives: names new to training, the scorer's label, the CDN/cloud allowlist) and print "
                         "every row against them, pooled and per list")
    ap.add_argument("--bootstrap", type=int, default=500,
                    help="with --recent: resample the recent names this many times for 5-95 %% intervals of TPR at "
                         "0.1 %% FPR and of each network row's difference from linear (0: skip)")
    ap.add_argument("--benign", type=Path, nargs="+", default=DEFAULT_BENIGN,
                    help="--recent's lists (default: dga_recent_eval.py's three; the first must be the "
                         "registered-domain list, which the resampling table reads)")
    ap.add_argument("--units", type=int, default=UNITS,
                    help="recurrent units (GRU: each way; LSTM); smaller is cheaper to run in the scorer")
    ap.add_argument("--suffix-token", action="store_true",
                    help="train each fold's linear model with the public-suffix token (as the shipped model "
                         "since 2026-12-06) and add rows in which a network's logit gets the fold's linear "
                         "suffix weight added (the network reads the label only)")
    ap.add_argument("--save", type=Path, default=None, help="write all scores to this .npz")
    ap.add_argument("--load", type=Path, nargs="+", default=None,
                    help="train nothing: print the tables from scores earlier --save runs wrote (same --seed and "
                         "--folds; a later file's networks replace an earlier one's)")
    args = ap.parse_args()
    UNITS = args.units  # read by the network classes, gru_numpy and macs_per_name
    torch.set_num_threads(1)
    if os.environ.get("OMP_NUM_THREADS") != "1":
        print("note: set OMP_NUM_THREADS=1 for one-thread numpy timings", file=sys.stderr)
    archs = ("cnn", "gru") if args.arch == "both" else (args.arch,)
    t0 = time.perf_counter()
    corpus, (test_b, cal_b, train_b, test_labels, cal_labels) = load_split(args.seed)  # as dga_eval.py draws it
    train_benign = [corpus.labels[i] for i in train_b]
    families = sorted({f for f in corpus.family if f})
    folds = folds_of(families, args.folds, args.seed)
    seen_test = np.zeros(len(corpus), bool)  # --seen: the DGA names kept out of training
    if args.seen:
        args.folds, folds = 1, [[]]
        dga_rows = np.flatnonzero(corpus.is_dga)
        seen_test[dga_rows[np.random.default_rng((args.seed, 80)).random(dga_rows.size) < 0.2]] = True
    rows_of = {f: [i for i, g in enumerate(corpus.family) if g == f and not seen_test[i]] for f in families}
    test_rows_of = {f: [i for i, g in enumerate(corpus.family) if g == f and seen_test[i]] for f in families}
    names_of = {f: [corpus.labels[i] for i in rows_of[f]] for f in families}

    def text(rows) -> list[str]:
        """What the networks read of corpus rows: the label, or with --whole-name label.suffix."""
        if not args.whole_name:
            return [corpus.labels[i] for i in rows]
        return [whole_name(corpus.labels[i], corpus.suffixes[i]) for i in rows]

    net_benign, net_test, net_cal = text(train_b), text(test_b), text(cal_b)
    sfx_test, sfx_cal = [corpus.suffixes[i] for i in test_b], [corpus.suffixes[i] for i in cal_b]
    pos_rows_of = test_rows_of if args.seen else rows_of
    sfx_of = {f: [corpus.suffixes[i] for i in pos_rows_of[f]] for f in families}
    net_names_of = {f: text(rows_of[f]) for f in families}
    if args.seen:  # positives: the kept-out names
        names_of = {f: [corpus.labels[i] for i in test_rows_of[f]] for f in families}
        pos_net_names_of = {f: text(test_rows_of[f]) for f in families}
    else:
        pos_net_names_of = net_names_of

    benign_lm = CharLM(train_benign, args.order)
    edges = LM_LENGTH_EDGES
    lm_cal = benign_lm.nll(cal_labels)
    cal_bucket = np.searchsorted(edges, [len(x) for x in cal_labels], side="right") - 1
    mu = np.array([lm_cal[cal_bucket == b].mean() for b in range(len(edges) - 1)])
    sd = np.array([lm_cal[cal_bucket == b].std() + 1e-9 for b in range(len(edges) - 1)])

    def lm_len(labels: list[str]) -> np.ndarray:
        b = np.searchsorted(edges, [len(x) for x in labels], side="right") - 1
        return (benign_lm.nll(labels) - mu[b]) / sd[b]

    if args.recent:
        negatives = recent_negatives(args.benign, corpus)
        rec_scored, rec_lists, rec_fit = negatives.scored, negatives.lists, negatives.scored_labels()
        net_rec = rec_fit if not args.whole_name else [
            whole_name(lab, suf) for lab, suf in zip(rec_fit, negatives.scored_suffixes(), strict=True)]
    if args.load:
        saved: dict[str, np.ndarray] = {}
        for path in args.load:
            with np.load(path) as f:
                saved.update({key: f[key] for key in f.files})
        archs = tuple(a for a in ARCHS if f"cal/{a}/0" in saved)
        args.suffix_token = args.suffix_token or "cal/sw/0" in saved
    kinds = ("linear", "LM/len", *archs) + (("sw",) if args.suffix_token else ())
    neg: dict[str, list[np.ndarray]] = {k: [] for k in kinds}
    cal: dict[str, list[np.ndarray]] = {k: [] for k in kinds}
    pos: dict[str, dict[str, tuple[np.ndarray, int]]] = {k: {} for k in kinds}
    rec: dict[str, list[np.ndarray]] = {k: [] for k in kinds}  # recent names the scorer scores, per fold
    train_s: dict[str, list[float]] = {a: [] for a in archs}
    nets: dict[str, nn.Module] = {}
    budget = args.max_minutes * 60 / (args.folds * len(archs))
    if args.load:
        for kd in kinds:
            neg[kd] = [saved[f"neg/{kd}/{k}"] for k in range(len(folds))]
            cal[kd] = [saved[f"cal/{kd}/{k}"] for k in range(len(folds))]
            pos[kd] = {f: (saved[f"pos/{kd}/{f}"], int(k)) for f, k in zip(families, saved["fold_of"], strict=True)}
            if args.recent:
                if f"rec/{kd}/0" not in saved:
                    sys.exit(f"--recent: {kd}'s recent scores are not in the --load files (saved without --recent)")
                rec[kd] = [saved[f"rec/{kd}/{k}"] for k in range(len(folds))]
        if args.recent:  # the saved recent scores follow the name order of the --benign lists they were made with
            if "rec_names" not in saved:
                print("note: the --load files do not record their recent names; --benign must list the same "
                      "files in the same order as when they were saved", file=sys.stderr)
            elif saved["rec_names"].tolist() != negatives.names:
                sys.exit("--recent: the --load files were scored on other recent names or another order of them; "
                         "give --benign the files and order they were saved with")
        for a in archs:
            train_s[a] = saved[f"train_s/{a}"].tolist() if f"train_s/{a}" in saved else []
    else:
        for k, held in enumerate(folds):
            held_set = set(held)
            train_mask = fold_train_mask(corpus, train_b, held) & ~seen_test
            tl = time.perf_counter()
            model = T.fit(corpus.subset(train_mask), cal_labels, seed=7 + k, attribute=False,
                          calibration_suffixes=sfx_cal, suffix_token=args.suffix_token)
            lin_s = time.perf_counter() - tl

            # The linear model's training names (its synthetic labels with its seed), less an inner
            # validation slice: some training family groups and 8 % of the benign training labels.
            synth = T.synthetic_labels(T.SYNTHETIC_NAMES, 7 + k)
            if args.whole_name:
                sfx = T.synthetic_suffixes(corpus.subset(train_mask), len(synth), 7 + k)
                synth = [whole_name(lab, suf) for lab, suf in zip(synth, sfx, strict=True)]
            fit_labels, fit_y, val_neg, val_pos, val_groups = network_split(
                net_benign, [(lab, f) for f in families for lab in net_names_of[f]], held_set,
                np.random.default_rng((args.seed, k, 99)), synth, seen=args.seen)
            for arch in archs:
                net, log, secs = train_net(arch, fit_labels, fit_y, val_neg, val_pos, epochs=args.epochs,
                                           patience=args.patience, budget_s=budget, seed=7 + k)
                nets[arch] = net
                train_s[arch].append(secs)
                print(f"fold {k} {arch}: {secs / 60:.1f} min; validation families {', '.join(sorted(val_groups))}; "
                      + "; ".join(log), file=sys.stderr)

            def scores(labels: list[str], net_text: list[str], suffixes: list[str], model=model
                       ) -> dict[str, np.ndarray]:
                enc = F.encode(labels)
                out = {"linear": model.logits(enc, suffixes=suffixes), "LM/len": lm_len(labels)}
                if args.suffix_token:  # the fold's linear weight of each name's public suffix
                    out["sw"] = np.asarray(model.suffix_weights(suffixes, enc.count), dtype=np.float64)
                for arch in archs:
                    out[arch] = logits_of(nets[arch], net_text)
                return out

            for kind, s in scores(test_labels, net_test, sfx_test).items():
                neg[kind].append(s)
            for kind, s in scores(cal_labels, net_cal, sfx_cal).items():
                cal[kind].append(s)
            if args.recent:
                for kind, s in scores(rec_fit, net_rec, negatives.scored_suffixes()).items():
                    rec[kind].append(s)
            for fam in families:
                if args.seen or T.fold_group(fam) in held_set:
                    for kind, s in scores(names_of[fam], pos_net_names_of[fam], sfx_of[fam]).items():
                        pos[kind][fam] = (s, k)
            print(f"fold {k}: held out {', '.join(held)}; linear {lin_s:.0f}s ({time.perf_counter() - t0:.0f}s)",
                  file=sys.stderr)

    if args.save:
        np.savez_compressed(
            args.save,
            **{f"neg/{kd}/{k}": v for kd in kinds for k, v in enumerate(neg[kd])},
            **{f"cal/{kd}/{k}": v for kd in kinds for k, v in enumerate(cal[kd])},
            **{f"pos/{kd}/{f}": v[0] for kd in kinds for f, v in pos[kd].items()},
            **{f"rec/{kd}/{k}": v for kd in kinds for k, v in enumerate(rec[kd])},
            **{f"train_s/{a}": np.array(train_s[a]) for a in archs},
            fold_of=np.array([pos["linear"][f][1] for f in families]), families=np.array(families),
            **({"rec_names": np.array(negatives.names)} if args.recent else {}),
        )

    if args.suffix_token:
        # A network beside a linear model that weighs the suffix: the network's logit plus beta times
        # the fold's linear suffix weight (the network reads the label only, so it has no suffix prior).
        for a in archs:
            for beta in SUFFIX_BETAS:
                kd = f"{a}+{beta}sw"
                neg[kd] = [neg[a][k] + beta * neg["sw"][k] for k in range(len(folds))]
                cal[kd] = [cal[a][k] + beta * cal["sw"][k] for k in range(len(folds))]
                rec[kd] = [rec[a][k] + beta * rec["sw"][k] for k in range(len(rec[a]))]
                pos[kd] = {f: (v[0] + beta * pos["sw"][f][0], v[1]) for f, v in pos[a].items()}

    # Stage one of a two-stage scorer: the linear logit above its 1 % FPR cut on the fold's
    # calibration names (no test name sets it).
    gate = [float(np.quantile(cal["linear"][k], 0.99)) for k in range(len(folds))]
    # A narrower second stage: names above the linear model's 0.01 % cut on the calibration names
    # are taken as sure (kept on top, in linear order); only names between the two cuts reach the
    # network.  Fewer names pay for the network, which is what a per-name cost budget needs.
    # The shipped band stage (dnsguard.dga.charnet.BAND) has its floor at the 0.3 % cut since
    # 2026-12-05: TPR here was flat from the 1 % to the 0.3 % floor, and fewer names pay.
    upper = [float(np.quantile(cal["linear"][k], CN.BAND[1])) for k in range(len(folds))]
    floor = [float(np.quantile(cal["linear"][k], CN.BAND[0])) for k in range(len(folds))]

    def gated(z: np.ndarray, lin: np.ndarray, k: int, weights: dict[str, float]) -> np.ndarray:
        """Apply the ``gate`` (bottom under the 1 % cut) and ``band`` (top over the band's ceiling,
        bottom under its floor) keys."""
        if "band" in weights:
            z = np.where(lin > upper[k], 1e6 + lin, z)
            z = np.where(lin > floor[k], z, -1e9)
        if "gate" in weights:
            z = np.where(lin > gate[k], z, -1e9)
        return z

    def combined(weights: dict[str, float]) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
        """Pooled benign and DGA scores of an equal-weight sum of standardised scores; the key
        ``"gate"`` sends names under the linear model's 1 % cut to the bottom (two-stage)."""
        def z(kind_scores: dict[str, np.ndarray], k: int) -> np.ndarray:
            out = sum(w * standardise(kind_scores[kd], cal[kd][k]) for kd, w in weights.items()
                      if kd not in ("gate", "band"))
            return gated(out, kind_scores["linear"], k, weights)

        n_out = [z({kd: neg[kd][k] for kd in neg}, k) for k in range(len(folds))]  # derived kinds too
        p_out = {}
        for fam in families:
            k = pos["linear"][fam][1]
            p_out[fam] = z({kd: pos[kd][fam][0] for kd in pos}, k)
        return np.concatenate(n_out), np.concatenate([p_out[f] for f in families]), p_out

    title = {"cnn": "multi-width CNN", "gru": "bidirectional GRU", "cnnlstm": "CNN + LSTM (dgaintel's shapes)",
             "rnn": "bidirectional tanh RNN", "ugru": "forward-only GRU"}
    if args.whole_name:
        title = {a: f"{name}, whole name" for a, name in title.items()}
    setups: dict[str, dict[str, float]] = {
        "linear (shipped model type, retrained per fold)": {"linear": 1.0},
        "linear + benign LM per length (equal weights)": {"linear": 1.0, "LM/len": 1.0},
    }
    for a in archs:
        setups[f"{title[a]} alone"] = {a: 1.0}
        setups[f"linear + {a} (equal weights)"] = {"linear": 1.0, a: 1.0}
        setups[f"linear + benign LM per length + {a} (equal weights)"] = {"linear": 1.0, "LM/len": 1.0, a: 1.0}
    if len(archs) >= 2:
        nets_only = " + ".join(archs)
        setups[f"{nets_only} (equal weights)"] = dict.fromkeys(archs, 1.0)
        setups[f"linear + {nets_only} (equal weights)"] = {"linear": 1.0, **dict.fromkeys(archs, 1.0)}
    for a in archs:
        setups[f"two-stage: linear 1 % cut, then linear + {a}"] = {"gate": 1.0, "linear": 1.0, a: 1.0}
        setups[f"band (shipped): linear between its {100 - 100 * CN.BAND[0]:g} % and {100 - 100 * CN.BAND[1]:g} % "
               f"cuts, then linear + {a}"] = {"band": 1.0, "linear": 1.0, a: 1.0}
    suffix_rows = {}
    if args.suffix_token:
        for a in archs:
            for beta in SUFFIX_BETAS:
                setups[f"{a} + {beta} x linear suffix weight, alone"] = {f"{a}+{beta}sw": 1.0}
                for w in SUFFIX_NET_WEIGHTS:
                    name = f"linear + {w} x ({a} + {beta} x linear suffix weight)"
                    setups[name] = {"linear": 1.0, f"{a}+{beta}sw": w}
                    suffix_rows[f"linear + {w} x ({a} + {beta} sw)"] = name
                    band = f"band: linear between its cuts, then linear + {w} x ({a} + {beta} x linear suffix weight)"
                    setups[band] = {"band": 1.0, "linear": 1.0, f"{a}+{beta}sw": w}
                    suffix_rows[f"band, {w} x ({a} + {beta} sw)"] = band
    n_dga = sum(len(pos["linear"][f][0]) for f in families)
    split_name = "seen families, 20 % of each family's names kept out" if args.seen else "leave-families-out"
    print(f"# {split_name}, {args.folds} folds, seed {args.seed}; {len(families)} families "
          f"({n_dga} DGA names); benign test {len(test_labels)}, calibration {len(cal_labels)}")
    print()
    print("| score | AUC | TPR @1% FPR | TPR @0.1% FPR | TPR @0.01% FPR | macro TPR @0.1% |")
    print("|---|---|---|---|---|---|")
    per_family: dict[str, dict[str, float]] = {}
    at01: dict[str, float] = {}
    for name, weights in setups.items():
        n, p, pf = combined(weights)
        tpr, cut = tpr_at(n, p, 0.001)
        at01[name] = tpr
        per_family[name] = {f: float((pf[f] > cut).mean()) for f in families}
        macro = float(np.mean(list(per_family[name].values())))
        row = ["-" if "gate" in weights else f"{auc(n, p):.4f}"] + [f"{tpr_at(n, p, r)[0]:.3f}" for r in (0.01, 0.001, 0.0001)]
        print(f"| {name} | {' | '.join(row)} | {macro:.3f} |")
    print()
    keys = list(setups)
    net_rows = keys[2:]
    best = max(net_rows, key=lambda s: at01[s])
    shown = [keys[0], keys[1]] + [f"{title[a]} alone" for a in archs] + [f"linear + {a} (equal weights)" for a in archs]
    if best not in shown:
        shown.append(best)
    print(f"Per-family TPR at each row's pooled 0.1 % FPR cut (best network row: {best}):")
    print()
    print("| family | names | " + " | ".join(shown) + " |")
    print("|---|---|" + "---|" * len(shown))
    for fam in sorted(families, key=lambda f: per_family[keys[0]][f]):
        cells = [per_family[s][fam] for s in shown]
        print(f"| {fam} | {len(pos['linear'][fam][0])} | " + " | ".join(f"{c:.3f}" for c in cells) + " |")
    print()
    if args.recent:
        def recent_z(weights: dict[str, float]) -> np.ndarray:
            """Pooled over folds: every recent name once per fold; unscored names rank last."""
            out = []
            for k in range(len(folds)):
                z = sum(w * standardise(rec[kd][k], cal[kd][k]) for kd, w in weights.items()
                        if kd not in ("gate", "band"))
                z = gated(z, rec["linear"][k], k, weights)
                full = np.full(len(rec_scored), -1e9)
                full[rec_scored] = z
                out.append(full)
            return np.concatenate(out)

        lists = {"all recent lists pooled": np.ones(len(rec_scored), bool), **rec_lists}
        print(f"TPR at 0.1 % FPR against the recent lists' names new to training ({len(rec_scored)}, "
              f"{int(rec_scored.sum())} scored; bench/dga_recent_eval.py's negatives), each row's combination:")
        print()
        print("| score | " + " | ".join(f"{name} ({int(m.sum())})" for name, m in lists.items()) + " |")
        print("|---|" + "---|" * len(lists))
        for name, weights in setups.items():
            _, p, _ = combined(weights)
            zr = recent_z(weights)
            cells = [f"{tpr_at(zr[np.tile(m, len(folds))], p, 0.001)[0]:.3f}" for m in lists.values()]
            print(f"| {name} | " + " | ".join(cells) + " |")
        print()
        if args.bootstrap:
            # Rows as bench/dga_recent_levers.py prints them: "base" is the linear model.
            rows = {"base": "linear (shipped model type, retrained per fold)"}
            rows |= {f"linear + {a}": f"linear + {a} (equal weights)" for a in archs}
            rows |= {f"linear + LM/len + {a}": f"linear + benign LM per length + {a} (equal weights)" for a in archs}
            rows |= suffix_rows
            kept = {short: (np.sort(combined(setups[name])[1]),
                            recent_z(setups[name]).reshape(len(folds), -1)) for short, name in rows.items()}
            print(bootstrap_table(kept, rec_lists[args.benign[0].name], args.bootstrap, args.seed))
            print()
    n_gate = np.concatenate([neg["linear"][k] > gate[k] for k in range(len(folds))])
    p_gate = np.concatenate([pos["linear"][f][0] > gate[pos["linear"][f][1]] for f in families])
    print(f"Stage one (linear logit above the calibration 1 % cut) passes {n_gate.mean():.4f} of benign test "
          f"names and {p_gate.mean():.3f} of held-out DGA names; gated rows have no AUC (ties at the bottom).")
    n_band = np.concatenate([(neg["linear"][k] > floor[k]) & (neg["linear"][k] <= upper[k])
                             for k in range(len(folds))])
    p_band = np.concatenate([(pos["linear"][f][0] > floor[pos["linear"][f][1]])
                             & (pos["linear"][f][0] <= upper[pos["linear"][f][1]]) for f in families])
    print(f"The band (between the {100 - 100 * CN.BAND[0]:g} % and {100 - 100 * CN.BAND[1]:g} % cuts) holds {n_band.mean():.4f} of benign test names and "
          f"{p_band.mean():.3f} of held-out DGA names: on a mix with 35 % DGA names about "
          f"{0.65 * n_band.mean() + 0.35 * p_band.mean():.3f} of names reach the network "
          f"(two-stage: {0.65 * n_gate.mean() + 0.35 * p_gate.mean():.3f}).")
    print()
    for a in (a for a in archs if train_s[a]):
        print(f"{title[a]}: training {sum(train_s[a]) / 60:.1f} min over {len(folds)} folds "
              f"({', '.join(f'{s / 60:.1f}' for s in train_s[a])}), one thread")

    if args.numpy_names > 0 and not args.load:
        # Names as the scorer would see them in a mixed stream: benign test labels and DGA names.
        mix_rng = np.random.default_rng(args.seed + 7)
        pool = test_labels + [lab for f in families for lab in names_of[f]]
        sample = [pool[i] for i in mix_rng.integers(0, len(pool), args.numpy_names)]
        mean_len = float(np.mean([len(s) for s in sample]))
        x, n = encode(sample)
        print()
        print(f"numpy forward pass of fold {len(folds) - 1}'s weights, {len(sample)} names "
              f"(mean label {mean_len:.1f} characters), threads: OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}:")
        print()
        print("| network | multiply-adds per name (mean label) | us per name (numpy, CPU time) | names/s | "
              "max abs diff to torch (first 2,000) |")
        print("|---|---|---|---|---|")
        for a in archs:
            p = export(nets[a])
            ref = net_logits(nets[a], x[:2000], n[:2000])
            diff = float(np.abs(NUMPY_FORWARD[a](p, x[:2000], n[:2000]) - ref).max())
            best_t = min(_cpu_time(NUMPY_FORWARD[a], p, x, n) for _ in range(3))
            print(f"| {a} | {macs_per_name(a, mean_len):,.0f} | {best_t / len(sample) * 1e6:.2f} | "
                  f"{len(sample) / best_t:,.0f} | {diff:.2e} |")
    print(f"\n(took {time.perf_counter() - t0:.0f}s)")
    return 0


def _cpu_time(fn, p, x, n) -> float:
    c0 = time.process_time()
    fn(p, x, n)
    return time.process_time() - c0


if __name__ == "__main__":
    raise SystemExit(main())
