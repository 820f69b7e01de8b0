"""Calibration metrics on 1e7 binary predictions against relplot, netcal and scikit-learn, same input."""

import numpy as np
import relplot
from netcal.metrics import ECE
from sklearn.calibration import _TemperatureScaling, calibration_curve

from analysis.calibration import TemperatureScaling, ece, reliability, smooth_ece

from run import Case, Growth

rng = np.random.default_rng(0)
p = rng.uniform(size=10_000_000)
y = (rng.uniform(size=p.size) < p**1.3).astype(int)
yf = y.astype(float)


def ours_binned():
    return ece(y, p, n_bins=15, mode="positive")


def relplot_binned():
    return relplot.metrics.binnedECE(p, yf, nbins=15)


def ours_reliability():
    table = reliability(y, p, n_bins=10, mode="positive")
    return table["accuracy"].to_numpy()


def ours_reliability_ece():
    table = reliability(y, p, n_bins=15, mode="positive")
    return np.sum(table["count"] * table["gap"].abs().fillna(0)) / len(p)


def sklearn_reliability():
    return calibration_curve(y, p, n_bins=10)[0]


CASES = [
    Case("binned ECE, 15 bins, n=1e7", ours_binned, relplot_binned, "relplot.metrics.binnedECE", repeat=3),
    Case("binned ECE, 15 bins, n=1e7 (netcal's edges)",
         lambda: ece(y, p, n_bins=15, mode="positive", convention="netcal"),
         lambda: ECE(bins=15).measure(p, y), "netcal.metrics.ECE", repeat=2),
    Case("reliability data (count, confidence, accuracy), 15 bins, n=1e7; its ECE compared", ours_reliability_ece,
         relplot_binned, "relplot.metrics.binnedECE", repeat=3, warmup=1),
    Case("reliability data, 10 bins, n=1e7", ours_reliability, sklearn_reliability,
         "sklearn calibration_curve", repeat=2),
    Case("smooth ECE at its fixed point, n=1e7", lambda: smooth_ece(y, p, mode="positive"),
         lambda: relplot.smECE(p, yf), "relplot.smECE", repeat=1),
]

logits = rng.normal(size=(100_000, 10)) * 3
labels = np.argmax(logits / 2 + rng.gumbel(size=logits.shape), axis=1)  # drawn at temperature 2


def ours_temperature():
    return TemperatureScaling().fit(logits, labels).temperature_


def sklearn_temperature():
    return 1 / _TemperatureScaling().fit(logits, labels).beta_


CASES.append(Case("temperature scaling, 1e5 x 10 logits (temperature)", ours_temperature, sklearn_temperature,
                  "sklearn CalibratedClassifierCV(method='temperature') calibrator", repeat=2))


def _rows(n):
    return p[:n], y[:n], yf[:n]


GROWTH = [
    Growth("binned ECE, 15 bins, time against rows", [10**5, 10**6, 10**7],
           lambda n: ece(_rows(n)[1], _rows(n)[0], n_bins=15, mode="positive"),
           lambda n: relplot.metrics.binnedECE(_rows(n)[0], _rows(n)[2], nbins=15), "relplot"),
    Growth("smooth ECE, time against rows", [10**5, 10**6, 10**7],
           lambda n: smooth_ece(_rows(n)[1], _rows(n)[0], mode="positive"),
           lambda n: relplot.smECE(_rows(n)[0], _rows(n)[2]), "relplot"),
]
