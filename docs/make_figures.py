"""Regenerate the README's figure: ``.venv/bin/python docs/make_figures.py`` (about ten seconds)."""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402

import bayesreg  # noqa: E402
from bayesreg import datasets, plotting  # noqa: E402

HERE = Path(__file__).resolve().parent


def main():
    """Draw docs/shrinkage.png."""
    d = datasets.load_diabetes()
    # d.features is a DataFrame: the table, and so the legend, carries age, sex, bmi, ...
    table = bayesreg.shrinkage_table(d.features, d.y, "laplace", scales=20 * np.logspace(-1, 1, 12), sigma=54.0,
                                     draws=5000, tune=1000, chains=4, random_seed=0)
    # zeros=True: the third panel puts |posterior mean| on a log scale wherever the MAP is exactly 0
    fig = plotting.plot_shrinkage(table, xlabel="Laplace scale b", zeros=True,
                                  title="Diabetes data, Laplace prior, sigma = 54: the MAP (the lasso) has exact "
                                  "zeros, the posterior mean never has")
    fig.savefig(HERE / "shrinkage.png", dpi=90, bbox_inches="tight")


if __name__ == "__main__":
    main()
