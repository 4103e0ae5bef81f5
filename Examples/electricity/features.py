"""Day-ahead features for half-hourly electricity demand, with the standard library only.

Usage: python3 features.py elecdemand.csv data/train.csv data/december.csv

Each row gains what a forecast made a day ahead can know: the demand at the same time the day before (lag 48
half hours) and the week before (lag 336), and the mean demand over the 48 half hours that end a day earlier.
The first week, which lacks those lags, is dropped. Rows up to November go to the training file and December's
to the evaluation file. The time column stays as it is: mlops reads it as a datetime and the model computes its
calendar features (hour, day of week, ...) itself.
"""
import csv
import sys

source, train_path, december_path = sys.argv[1:4]
with open(source, newline="") as file:
    rows = sorted(csv.DictReader(file), key=lambda row: row["time"])
demand = [float(row["Demand"]) for row in rows]
# sums[i] is the total demand of rows before i, so a window's mean is two lookups.
sums = [0.0]
for value in demand:
    sums.append(sums[-1] + value)

DAY, WEEK = 48, 336
columns = ["time", "Demand", "WorkDay", "Temperature", "demand_yesterday", "demand_last_week",
           "demand_mean_yesterday"]
with open(train_path, "w", newline="") as train, open(december_path, "w", newline="") as december:
    writers = {name: csv.writer(file, lineterminator="\n") for name, file in [("train", train), ("dec", december)]}
    for writer in writers.values():
        writer.writerow(columns)
    for index in range(WEEK, len(rows)):
        row = rows[index]
        mean = (sums[index - DAY + 1] - sums[index - 2 * DAY + 1]) / DAY
        values = [row["time"], row["Demand"], row["WorkDay"], row["Temperature"], demand[index - DAY],
                  demand[index - WEEK], round(mean, 6)]
        writers["dec" if row["time"] >= "2014-12" else "train"].writerow(values)
