"""The risk-coverage curve of an abstaining classifier: accuracy against the share of texts labelled."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

__all__ = ["risk_coverage_figure"]


def risk_coverage_figure(curve, min_probability: float, title: str):
    """``curve``: columns coverage, accuracy, threshold (most confident first); the chosen threshold marked."""
    figure, axis = plt.subplots(figsize=(6, 4))
    axis.plot(curve["coverage"], curve["accuracy"], marker=".", linewidth=1.5)
    kept = curve[curve["threshold"] >= min_probability]
    if len(kept):
        last = kept.iloc[-1]
        axis.scatter([last["coverage"]], [last["accuracy"]], color="tab:red", zorder=3,
                     label=f"min_probability={min_probability:.3f}")
        axis.legend(loc="lower left")
    axis.set_xlabel("coverage (share of texts labelled)")
    axis.set_ylabel("accuracy of the labelled texts")
    axis.set_xlim(0, 1.02)
    axis.set_ylim(min(0.5, float(curve["accuracy"].min()) - 0.05) if len(curve) else 0, 1.02)
    axis.set_title(title)
    figure.tight_layout()
    return figure
