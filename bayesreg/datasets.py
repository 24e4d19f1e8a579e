r"""Bundled and generated data sets used by the notebooks, the model specs and the tests.

- :func:`load_diabetes`: the diabetes data of Efron et al. (2004), bundled with scikit-learn,
  used by Park and Casella (2008) for the Bayesian lasso (n = 442, p = 10).
- :func:`load_breast_cancer`: the Wisconsin diagnostic breast cancer data, bundled with
  scikit-learn (n = 569, p = 30, a 0/1 target): the logistic-regression example.
- :func:`make_cosine`: noisy :math:`\cos(1.5\pi x)` on [0, 1], scikit-learn's
  "Underfitting vs. Overfitting" example (n = 30, noise sd 0.1, seed 0).
- :func:`polynomial_features` / :func:`make_polynomial`: the degree-15 polynomial design of that
  example (:math:`x, x^2, \dots, x^{15}`, no constant column: the intercept is fitted apart).
- :func:`make_sparse_regression`: a seeded linear model with ``p > n`` allowed, ``k`` non-zero
  coefficients and AR(1)-correlated columns (:math:`\mathrm{corr}(x_i, x_j) = \rho^{|i-j|}`).

Every loader returns a :class:`Dataset`; :func:`get_dataset` looks one up by name, which is how a
model spec (:mod:`bayesreg.spec`) names its data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._validation import check_nonnegative, check_scalar, check_vector

__all__ = [
    "Dataset",
    "load_diabetes",
    "load_breast_cancer",
    "cosine_function",
    "make_cosine",
    "polynomial_features",
    "make_polynomial",
    "make_sparse_regression",
    "get_dataset",
    "DATASETS",
]


@dataclass(frozen=True, eq=False)
class Dataset:
    """A regression data set.

    Attributes
    ----------
    X : ndarray of shape (n, p)
        Design matrix (float64, read-only).
    y : ndarray of shape (n,)
        Target (float64, read-only).
    feature_names : tuple of str
        One name per column of ``X``.
    name : str
        Short name.
    coef : ndarray of shape (p,) or None
        True coefficients, for generated data.
    intercept : float or None
        True intercept, for generated data.
    noise : float or None
        True noise standard deviation, for generated data.
    description : str
        One line on where the data come from.
    extra : dict
        Anything else a loader wants to keep (e.g. the raw ``x`` of the polynomial example).
    """

    X: np.ndarray
    y: np.ndarray
    feature_names: tuple[str, ...]
    name: str
    coef: np.ndarray | None = None
    intercept: float | None = None
    noise: float | None = None
    description: str = ""
    extra: dict = field(default_factory=dict)

    def __post_init__(self):
        for a in (self.X, self.y, self.coef):
            if a is not None:
                a.setflags(write=False)
        if len(self.feature_names) != self.X.shape[1]:
            raise ValueError(
                f"feature_names has {len(self.feature_names)} names but X has {self.X.shape[1]} columns"
            )

    @property
    def n_samples(self) -> int:
        """Number of rows."""
        return self.X.shape[0]

    @property
    def n_features(self) -> int:
        """Number of columns."""
        return self.X.shape[1]

    def __iter__(self):
        """Unpack as ``X, y = dataset`` (arrays; :attr:`features` keeps the column names)."""
        return iter((self.X, self.y))

    @property
    def features(self):
        """``X`` as a pandas DataFrame with the feature names as columns (every result then carries them)."""
        import pandas as pd

        return pd.DataFrame(np.array(self.X), columns=list(self.feature_names))

    def as_frame(self, target: str = "y"):
        """The data as a pandas DataFrame, features first and the target last."""
        import pandas as pd

        df = pd.DataFrame(np.array(self.X), columns=list(self.feature_names))
        df[target] = np.array(self.y)
        return df

    def __repr__(self) -> str:
        return (
            f"Dataset(name={self.name!r}, n_samples={self.n_samples}, n_features={self.n_features}, "
            f"features={list(self.feature_names[:5])}{'...' if self.n_features > 5 else ''})"
        )


def _rng(random_state, name: str = "random_state") -> np.random.Generator:
    if isinstance(random_state, np.random.Generator):
        return random_state
    if random_state is None or (isinstance(random_state, int | np.integer) and not isinstance(random_state, bool)):
        if random_state is not None and random_state < 0:
            raise ValueError(f"{name} must be a non-negative integer; got {random_state}")
        return np.random.default_rng(random_state)
    raise TypeError(f"{name} must be an int, None or a numpy Generator; got {type(random_state).__name__}")


def load_diabetes(*, scaled: bool = True) -> Dataset:
    """The diabetes data (442 patients, 10 baseline variables, disease progression after a year).

    Parameters
    ----------
    scaled : bool, default=True
        scikit-learn's scaling: each column centred and scaled to unit Euclidean norm. With
        ``False`` the raw measurements (age in years, BMI, ...), as in Efron et al. (2004).

    Returns
    -------
    Dataset
        Features ``age, sex, bmi, bp, s1, ..., s6``; the target is in its original units.
    """
    if not isinstance(scaled, bool | np.bool_):
        raise TypeError(f"scaled must be True or False; got {type(scaled).__name__} {scaled!r}")
    from sklearn.datasets import load_diabetes as _sk_load

    raw = _sk_load(scaled=scaled)
    return Dataset(
        X=np.array(raw.data, dtype=np.float64),
        y=np.array(raw.target, dtype=np.float64),
        feature_names=tuple(raw.feature_names),
        name="diabetes",
        description="Diabetes data (Efron et al. 2004), bundled with scikit-learn"
        + (" (columns centred, unit norm)" if scaled else " (raw units)"),
    )


def load_breast_cancer(*, scaled: bool = True) -> Dataset:
    """The Wisconsin diagnostic breast cancer data (569 tumours, 30 features, benign or malignant).

    Parameters
    ----------
    scaled : bool, default=True
        Each column standardised: centred and divided by its standard deviation (``ddof=0``, as
        scikit-learn's ``StandardScaler``), so that one prior scale suits every coefficient. With
        ``False`` the raw measurements (radii in mm, areas in mm^2, ...), which span five orders
        of magnitude.

    Returns
    -------
    Dataset
        Features ``mean radius, mean texture, ..., worst fractal dimension`` (scikit-learn's
        names); ``y`` is scikit-learn's target, 1.0 for benign and 0.0 for malignant (212
        malignant, 357 benign), the response of a Bernoulli (logistic) model.
        ``extra["target_names"]`` is ``("malignant", "benign")`` (the labels of 0 and 1),
        ``extra["mean"]`` and ``extra["scale"]`` the raw columns' means and standard deviations.
    """
    if not isinstance(scaled, bool | np.bool_):
        raise TypeError(f"scaled must be True or False; got {type(scaled).__name__} {scaled!r}")
    from sklearn.datasets import load_breast_cancer as _sk_load

    raw = _sk_load()
    X = np.array(raw.data, dtype=np.float64)
    mean, scale = X.mean(axis=0), X.std(axis=0)
    if scaled:
        X = (X - mean) / scale
    return Dataset(
        X=X,
        y=np.array(raw.target, dtype=np.float64),
        feature_names=tuple(str(f) for f in raw.feature_names),
        name="breast_cancer",
        description="Wisconsin diagnostic breast cancer data, bundled with scikit-learn; y = 1 benign, 0 malignant"
        + (" (columns standardised)" if scaled else " (raw units)"),
        extra={"target_names": tuple(str(t) for t in raw.target_names), "mean": mean, "scale": scale},
    )


def cosine_function(x):
    r"""The noiseless curve :math:`\cos(1.5\pi x)`."""
    return np.cos(1.5 * np.pi * np.asarray(x, dtype=np.float64))


def make_cosine(n_samples: int = 30, *, noise: float = 0.1, random_state: int | None = 0) -> Dataset:
    r"""Noisy :math:`\cos(1.5\pi x)` at sorted uniform points of [0, 1].

    With the defaults this is exactly the data of scikit-learn's "Underfitting vs. Overfitting"
    example (``np.random.seed(0)``; ``x = sort(rand(30))``; ``y = cos(1.5 pi x) + 0.1 randn(30)``).

    Parameters
    ----------
    n_samples : int, default=30
        Number of points (>= 2).
    noise : float, default=0.1
        Standard deviation of the Gaussian noise (>= 0).
    random_state : int or None, default=0
        Seed of the legacy ``RandomState`` generator (the example's stream).

    Returns
    -------
    Dataset
        ``X`` of shape (n, 1) holding ``x``; feature name ``"x"``.
    """
    n = check_scalar(n_samples, "n_samples", lower=2, integer=True)
    noise = check_nonnegative(noise, "noise")
    if random_state is not None and (
        isinstance(random_state, bool) or not isinstance(random_state, int | np.integer) or random_state < 0
    ):
        raise TypeError(f"random_state must be a non-negative int or None; got {random_state!r}")
    rs = np.random.RandomState(random_state)
    x = np.sort(rs.rand(n))
    y = cosine_function(x) + rs.randn(n) * noise
    return Dataset(
        X=x[:, None].copy(),
        y=y,
        feature_names=("x",),
        name="cosine",
        noise=noise,
        description="cos(1.5 pi x) + noise, scikit-learn's 'Underfitting vs. Overfitting' example",
    )


def polynomial_features(x, degree: int = 15) -> np.ndarray:
    """Powers ``x, x^2, ..., x^degree`` of a 1-D input, as scikit-learn's ``PolynomialFeatures(include_bias=False)``.

    Parameters
    ----------
    x : array_like of shape (n,) or (n, 1)
        Inputs.
    degree : int, default=15
        Highest power (>= 1).

    Returns
    -------
    ndarray of shape (n, degree)
    """
    xv = check_vector(x, "x")
    degree = check_scalar(degree, "degree", lower=1, upper=50, integer=True)
    # x^k = x^(k-1) * x, as PolynomialFeatures builds them (so x^2 is exactly x * x)
    return np.cumprod(np.repeat(xv[:, None], degree, axis=1), axis=1)


def make_polynomial(
    degree: int = 15, n_samples: int = 30, *, noise: float = 0.1, random_state: int | None = 0
) -> Dataset:
    """The cosine data (:func:`make_cosine`) expanded into degree-``degree`` polynomial features.

    Parameters
    ----------
    degree : int, default=15
        Highest power.
    n_samples, noise, random_state
        As in :func:`make_cosine`.

    Returns
    -------
    Dataset
        Features ``x^1 .. x^degree``; ``extra["x"]`` holds the raw inputs.
    """
    base = make_cosine(n_samples, noise=noise, random_state=random_state)
    x = np.array(base.X[:, 0])
    X = polynomial_features(x, degree)
    return Dataset(
        X=X,
        y=np.array(base.y),
        feature_names=tuple(f"x^{k}" for k in range(1, X.shape[1] + 1)),
        name="polynomial",
        noise=base.noise,
        description=f"degree-{X.shape[1]} polynomial features of the cos(1.5 pi x) example",
        extra={"x": x, "degree": X.shape[1]},
    )


def make_sparse_regression(
    n_samples: int = 50,
    n_features: int = 200,
    n_informative: int = 5,
    *,
    noise: float = 1.0,
    correlation: float = 0.0,
    coef_scale: float = 2.0,
    intercept: float = 0.0,
    random_state: int | np.random.Generator | None = 0,
) -> Dataset:
    r"""A sparse linear model, ``p > n`` allowed, with AR(1)-correlated Gaussian columns.

    Rows of ``X`` are independent N(0, Sigma) with :math:`\Sigma_{ij} = \rho^{|i-j|}`; ``n_informative``
    coefficients, at random positions, are ``+-coef_scale * U(1, 2)``, the rest exactly zero;
    ``y = intercept + X beta + noise * N(0, 1)``.

    Parameters
    ----------
    n_samples : int, default=50
    n_features : int, default=200
    n_informative : int, default=5
        Number of non-zero coefficients, ``0 <= k <= n_features``.
    noise : float, default=1.0
        Noise standard deviation (>= 0).
    correlation : float, default=0.0
        AR(1) correlation ``rho`` between neighbouring columns, in (-1, 1).
    coef_scale : float, default=2.0
        Size of the non-zero coefficients (> 0).
    intercept : float, default=0.0
    random_state : int, Generator or None, default=0

    Returns
    -------
    Dataset
        With the true ``coef``, ``intercept`` and ``noise``; features ``x0 .. x{p-1}``.
    """
    n = check_scalar(n_samples, "n_samples", lower=2, integer=True)
    p = check_scalar(n_features, "n_features", lower=1, integer=True)
    k = check_scalar(n_informative, "n_informative", lower=0, integer=True)
    if k > p:
        raise ValueError(f"n_informative must be <= n_features = {p}; got {k}")
    noise = check_nonnegative(noise, "noise")
    rho = check_scalar(
        correlation, "correlation", lower=-1.0, upper=1.0, lower_inclusive=False, upper_inclusive=False
    )
    coef_scale = check_scalar(coef_scale, "coef_scale", lower=0.0, lower_inclusive=False)
    intercept = check_scalar(intercept, "intercept")
    rng = _rng(random_state)

    Z = rng.standard_normal((n, p))
    if rho != 0.0:
        # x_j = rho x_{j-1} + sqrt(1 - rho^2) z_j keeps unit variances and corr rho^|i-j|
        X = np.empty_like(Z)
        X[:, 0] = Z[:, 0]
        c = np.sqrt(1.0 - rho**2)
        for j in range(1, p):  # p column operations, each vectorised over n rows
            X[:, j] = rho * X[:, j - 1] + c * Z[:, j]
    else:
        X = Z
    coef = np.zeros(p)
    support = np.sort(rng.choice(p, size=k, replace=False))
    coef[support] = coef_scale * rng.uniform(1.0, 2.0, size=k) * rng.choice(np.array([-1.0, 1.0]), size=k)
    y = intercept + X @ coef + noise * rng.standard_normal(n)
    return Dataset(
        X=X,
        y=y,
        feature_names=tuple(f"x{j}" for j in range(p)),
        name="sparse",
        coef=coef,
        intercept=float(intercept),
        noise=noise,
        description=f"sparse linear model: n={n}, p={p}, {k} non-zero coefficients, AR(1) correlation {rho:g}",
        extra={"support": support},
    )


#: Names accepted by :func:`get_dataset` (and by the ``[data] name`` / ``generator`` of a model spec).
DATASETS = {
    "diabetes": load_diabetes,
    "breast_cancer": load_breast_cancer,
    "cosine": make_cosine,
    "polynomial": make_polynomial,
    "sparse": make_sparse_regression,
}


def get_dataset(name: str, **params) -> Dataset:
    """Load or generate a data set by name (one of :data:`DATASETS`: ``"diabetes"``, ``"breast_cancer"``, ...).

    Parameters
    ----------
    name : str
        One of :data:`DATASETS`.
    **params
        Keyword arguments of the loader (e.g. ``n_samples``, ``random_state``).

    Returns
    -------
    Dataset
    """
    if not isinstance(name, str) or name not in DATASETS:
        raise ValueError(f"name must be one of {sorted(DATASETS)}; got {name!r}")
    return DATASETS[name](**params)
