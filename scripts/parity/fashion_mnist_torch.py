"""The main job's recipe in PyTorch, for scripts/parity-pytorch.sh.

The same data (Debian's Fashion-MNIST), split (10 % validation, seeded), normaliser (the training
split's mean and standard deviation), network (the sample's <layers>: one or two conv-ReLU-BN then a maxpool,
twice; dropout, dense 256, dropout, softmax), initialisation (He normal, Xavier for the classifier, zero
biases), optimiser (AdamW 0.003 with decoupled weight decay 0.05 on weights only, beta1 0.9 as in
DL4J), schedule (OneCycleLR with PyTorch's defaults, stepped every batch), augmentation (horizontal
flips, and random erasing with --erase), label smoothing (0.1), the moving average of the weights (cnn.ema 0.998 with TensorFlow's
warm-up, min(decay, (1+n)/(10+n)) after n updates, over the parameters and the batch-norm statistics,
as the plugin averages DL4J's flattened parameters, which hold them; validation, the best-epoch choice
and the test use the average), batch size (128) and model choice (the epoch with the best validation
accuracy). Prints one line per epoch and the test accuracy, in a form the shell script reads.
"""
import argparse
import copy
import gzip
import time

import numpy as np
import torch
from torch import nn

DATA = "/usr/share/datasets/fashion-mnist/"


def idx(name, offset):
    with gzip.open(DATA + name, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)


def load():
    train_x = idx("train-images-idx3-ubyte.gz", 16).reshape(-1, 1, 28, 28)
    train_y = idx("train-labels-idx1-ubyte.gz", 8).astype(np.int64)
    test_x = idx("t10k-images-idx3-ubyte.gz", 16).reshape(-1, 1, 28, 28)
    test_y = idx("t10k-labels-idx1-ubyte.gz", 8).astype(np.int64)
    return train_x, train_y, test_x, test_y


def block(channels_in, channels_out, convolutions):
    """convolutions x (3x3 conv, ReLU, batch norm), then a 2x2 max pool: one of the sample's blocks."""
    layers = []
    for i in range(convolutions):
        layers += [nn.Conv2d(channels_in if i == 0 else channels_out, channels_out, 3, padding=1), nn.ReLU(),
                   nn.BatchNorm2d(channels_out, momentum=0.1, eps=1e-5)]
    return layers + [nn.MaxPool2d(2)]


def erase(x, generator):
    """torchvision's RandomErasing with its defaults, as the plugin's cnn.augment=erase: half the images get one
    rectangle of 2-33 % of the area, aspect ratio 0.3-3.3, set to 0 (the mean after normalisation)."""
    h, w = x.shape[2], x.shape[3]
    for i in range(len(x)):
        if generator.random() >= 0.5:
            continue
        for _ in range(10):
            area = h * w * generator.uniform(0.02, 0.33)
            ratio = np.exp(generator.uniform(np.log(0.3), np.log(3.3)))
            eh, ew = int(round(np.sqrt(area * ratio))), int(round(np.sqrt(area / ratio)))
            if 1 <= eh < h and 1 <= ew < w:
                top, left = generator.integers(0, h - eh + 1), generator.integers(0, w - ew + 1)
                x[i, :, top:top + eh, left:left + ew] = 0
                break
    return x


class Net(nn.Module):
    def __init__(self, convolutions_per_block=1):
        super().__init__()
        self.features = nn.Sequential(
            *block(1, 32, convolutions_per_block), *block(32, 64, convolutions_per_block),
            nn.Dropout(0.3), nn.Flatten(),
            nn.Linear(64 * 7 * 7, 256), nn.ReLU(), nn.Dropout(0.3))
        self.classifier = nn.Linear(256, 10)
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.kaiming_normal_(m.weight, mode="fan_in", nonlinearity="relu")
                nn.init.zeros_(m.bias)
        nn.init.xavier_normal_(self.classifier.weight)

    def forward(self, x):
        return self.classifier(self.features(x))


def accuracy(model, x, y):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(x), 1000):
            correct += (model(x[i:i + 1000]).argmax(1) == y[i:i + 1000]).sum().item()
    return correct / len(x)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--ema", type=float, default=0.998, help="0: no moving average")
    parser.add_argument("--label-smoothing", type=float, default=0.1)
    parser.add_argument("--weight-decay", type=float, default=0.05, help="AdamW's, decoupled, on weights only")
    parser.add_argument("--convolutions-per-block", type=int, default=1, help="before each of the two max pools")
    parser.add_argument("--erase", action="store_true", help="random erasing besides the flips")
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    rng = np.random.default_rng(args.seed)

    train_x, train_y, test_x, test_y = load()
    order = rng.permutation(len(train_x))
    n_val = int(round(0.1 * len(train_x)))
    val_idx, fit_idx = order[:n_val], order[n_val:]
    mean = train_x[fit_idx].mean() / 255.0
    std = train_x[fit_idx].std() / 255.0

    def prepare(x):
        return torch.from_numpy(((x / 255.0 - mean) / std).astype(np.float32))

    fit_x, fit_y = prepare(train_x[fit_idx]), torch.from_numpy(train_y[fit_idx])
    val_x, val_y = prepare(train_x[val_idx]), torch.from_numpy(train_y[val_idx])
    tst_x, tst_y = prepare(test_x), torch.from_numpy(test_y)

    model = Net(args.convolutions_per_block)
    decay = [p for n, p in model.named_parameters() if n.endswith("weight") and p.dim() > 1]
    no_decay = [p for n, p in model.named_parameters() if not (n.endswith("weight") and p.dim() > 1)]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": args.weight_decay}, {"params": no_decay, "weight_decay": 0}],
                                  lr=0.003, betas=(0.9, 0.999), eps=1e-8)
    batch = 128
    steps = (len(fit_x) + batch - 1) // batch
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.003, total_steps=args.epochs * steps,
                                                   pct_start=0.3, anneal_strategy="cos", div_factor=25,
                                                   final_div_factor=1e4, cycle_momentum=False)
    loss_fn = nn.CrossEntropyLoss(label_smoothing=args.label_smoothing)
    # the average: every floating-point entry of the state (weights, biases, running mean and variance)
    average, updates = None, 0

    def update_average():
        nonlocal average, updates
        state = {k: v for k, v in model.state_dict().items() if v.is_floating_point()}
        if average is None:
            average = {k: v.detach().clone() for k, v in state.items()}
        else:
            d = min(args.ema, (1.0 + updates) / (10.0 + updates))
            for k, v in state.items():
                average[k].mul_(d).add_(v.detach(), alpha=1 - d)
        updates += 1

    def averaged():
        """The model with the average's values: a copy, so training goes on from its own weights."""
        if not args.ema:
            return model
        copy_ = copy.deepcopy(model)
        copy_.load_state_dict({**copy_.state_dict(), **average})
        return copy_

    best, best_state, best_epoch = -1.0, None, 0
    started = time.time()
    for epoch in range(1, args.epochs + 1):
        model.train()
        perm = torch.from_numpy(rng.permutation(len(fit_x)))
        t0 = time.time()
        for s in range(steps):
            idx_batch = perm[s * batch:(s + 1) * batch]
            x = fit_x[idx_batch]
            flip = torch.rand(len(x)) < 0.5
            x = torch.where(flip[:, None, None, None], x.flip(3), x)
            if args.erase:
                x = erase(x.clone(), rng)
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(x), fit_y[idx_batch])
            loss.backward()
            optimizer.step()
            schedule.step()
            if args.ema:
                update_average()
        kept = averaged()
        val = accuracy(kept, val_x, val_y)
        seconds = time.time() - t0
        print(f"epoch {epoch}/{args.epochs}  val acc {val:.4f}  {seconds:.1f} s  {len(fit_x) / seconds:.0f} img/s", flush=True)
        if val > best:
            best, best_state, best_epoch = val, copy.deepcopy(kept.state_dict()), epoch
    model.load_state_dict(best_state)
    print(f"best epoch {best_epoch} (validation accuracy {best:.4f}); training {(time.time() - started) / 60:.1f} min")
    print(f"PyTorch test accuracy {accuracy(model, tst_x, tst_y):.4f}")


if __name__ == "__main__":
    main()
