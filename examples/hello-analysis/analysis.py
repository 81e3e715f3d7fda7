"""Summarises daily temperature measurements: the example compendium of Reprise.

Reads data/measurements.csv and writes results/summary.txt. The output depends only on the input,
so a re-run reproduces it byte for byte.
"""
import csv
import os
import statistics

with open("data/measurements.csv", newline="") as f:
    rows = list(csv.DictReader(f))

temperatures = [float(row["temperature_c"]) for row in rows]
warmest = max(rows, key=lambda row: float(row["temperature_c"]))

os.makedirs("results", exist_ok=True)
with open("results/summary.txt", "w") as out:
    out.write(f"measurements: {len(temperatures)}\n")
    out.write(f"mean temperature: {statistics.mean(temperatures):.2f} C\n")
    out.write(f"median temperature: {statistics.median(temperatures):.2f} C\n")
    out.write(f"warmest day: {warmest['date']} ({float(warmest['temperature_c']):.1f} C)\n")

print(f"read {len(rows)} rows; wrote results/summary.txt")
