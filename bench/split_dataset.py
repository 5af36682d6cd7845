#!/usr/bin/env python3
"""Make a dataset folder for the quality benchmark from labelled shard files.

The union of the input shards is shuffled with random.Random(SEED), the first TEST_SHARE of the
rows become test/data.csv and the rest is cut into contiguous shards A, B, C, D.

usage: split_dataset.py OUT_DIR INPUT.csv [INPUT.csv ...] [--seed 42] [--test-share 0.3] [--shards 4]
"""
import argparse
import csv
import os
import random


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("inputs", nargs="+")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--test-share", type=float, default=0.3)
    ap.add_argument("--shards", type=int, default=4)
    a = ap.parse_args()

    header, rows = None, []
    for path in a.inputs:
        with open(path, newline="") as f:
            r = csv.reader(f)
            h = next(r)
            if header is None:
                header = h
            elif h != header:
                raise SystemExit(f"{path}: header differs from {a.inputs[0]}")
            rows.extend(r)
    random.Random(a.seed).shuffle(rows)
    n_test = int(len(rows) * a.test_share)
    test, train = rows[:n_test], rows[n_test:]
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[: a.shards]
    size = -(-len(train) // a.shards)
    parts = {letter: train[i * size:(i + 1) * size] for i, letter in enumerate(letters)}
    parts["test"] = test
    for name, part in parts.items():
        os.makedirs(os.path.join(a.out, name), exist_ok=True)
        with open(os.path.join(a.out, name, "data.csv"), "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(header)
            w.writerows(part)
    print(f"{a.out}: {len(train)} training rows in {a.shards} shards, {len(test)} test rows")


if __name__ == "__main__":
    main()
