"""Splits auto-mpg.csv into train.csv and holdout.csv (every Nth car held out) and drops the free-text name.

Usage: python3 prepare.py <source.csv> <holdout_every> <train.csv> <holdout.csv>
Standard library only, so the example needs nothing installed.
"""
import csv
import sys

source, every, train_path, holdout_path = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
with open(source, newline="") as f, open(train_path, "w", newline="") as t, open(holdout_path, "w", newline="") as h:
    rows = csv.DictReader(f)
    columns = [c for c in rows.fieldnames if c != "name"]
    train, holdout = csv.DictWriter(t, columns, extrasaction="ignore"), csv.DictWriter(h, columns, extrasaction="ignore")
    train.writeheader()
    holdout.writeheader()
    for number, row in enumerate(rows):
        (holdout if number % every == 0 else train).writerow(row)
