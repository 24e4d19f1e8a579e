r"""Likelihood families: the one home of a GLM likelihood (Gaussian, Bernoulli, Binomial, Poisson).

Each family is a small frozen class that knows, for one observation with linear predictor
:math:`\eta_i = b_0 + x_i^\top\beta`:

- how to check a target (``validate_y``), with errors that name ``y`` or ``trials``;
- its canonical link and mean :math:`\mu(\eta)`;
- its **loss** :math:`\ell_i(\eta)`, the negative log-likelihood minus its value at the
  saturated model (half the unit deviance), so that :math:`\ell_i \ge 0` with equality at
  :math:`\mu = y`. It differs from :meth:`Family.nll` by a constant that does not depend on
  :math:`\eta`, so the MAP is unchanged;
- the loss's gradient :math:`\ell_i'(\eta) = \mu - y` and curvature (the IRLS weight)
  :math:`\ell_i''(\eta)`;
- the Fenchel conjugate :math:`\ell_i^*(u) = \sup_\eta\, u\eta - \ell_i(\eta)` (used for the
  dual and the duality gap of :mod:`bayesreg.solvers.glm`), and the Fenchel-Young gap
  :math:`\ell_i(\eta) + \ell_i^*(\theta) - \theta\eta \ge 0`, evaluated stably.

The losses, per row (``m`` = number of trials, ``xlogy(0, .) = 0``, ``s = u + y``):

- gaussian: :math:`\ell = \tfrac12 (y - \eta)^2`, :math:`\ell^*(u) = u y + u^2/2`;
- bernoulli: :math:`\ell = y\log(1+e^{-\eta}) + (1-y)\log(1+e^{\eta})` (the log-loss),
  :math:`\ell^*(u) = s\log s + (1-s)\log(1-s)` for ``0 <= s <= 1``;
- binomial: :math:`\ell = y\log(1+e^{-\eta}) + (m-y)\log(1+e^{\eta}) - c`,
  :math:`\ell^*(u) = s\log(s/m) + (m-s)\log((m-s)/m) + c` for ``0 <= s <= m``;
- poisson: :math:`\ell = e^\eta - y\eta - (y - y\log y)`,
  :math:`\ell^*(u) = s\log s - s - (y\log y - y)` for ``s >= 0``;

and :math:`\ell^* = +\infty` outside those domains, with
:math:`c = -[y\log(y/m) + (m-y)\log((m-y)/m)] \ge 0` (zero for Bernoulli labels 0 and 1).

**Gaussian and the linear model.** The Gaussian loss is :math:`\tfrac12 (y-\eta)^2`, the
negative log-likelihood at :math:`\sigma = 1` up to a constant, so that
:math:`\frac1n\sum_i \ell_i` is the package's least-squares data fit
:math:`\frac{1}{2n}\lVert y - b_0 - X\beta\rVert^2`. For another :math:`\sigma` the negative log
posterior is :math:`\sum_i \ell_i/\sigma^2 + \mathrm{pen}`; :mod:`bayesreg.mapping` owns that
rescaling.

**Fenchel-Young gap as a Bregman divergence.** With :math:`\theta = \ell'(\eta) + \delta`,
i.e. a dual "mean" :math:`s = \mu + \delta`, the Fenchel-Young gap equals the Bregman
divergence of the family between ``s`` and :math:`\mu`: :math:`\delta^2/2` (Gaussian),
:math:`\mu\,h(\delta/\mu)` (Poisson) and :math:`\mu\,h(\delta/\mu) + (m-\mu)\,h(-\delta/(m-\mu))`
(binomial), where :math:`h(x) = (1+x)\log(1+x) - x \ge 0`. :meth:`Family.bregman` evaluates
that form: every term is non-negative and there is no cancellation between large numbers, so
a duality gap summed from it cannot come out negative by rounding.

Numerics: ``log(1 + exp(.))`` is ``numpy.logaddexp(0, .)`` and the means use ``expit`` of
``eta`` and ``-eta``, so the Bernoulli and binomial quantities are finite for any finite
``eta`` (``|eta|`` of 1e3 and beyond). The Poisson mean :math:`e^\eta` overflows to ``inf``
past ``eta`` of about 709: that is its true value in float64, returned without a warning.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import check_scalar, check_vector
from .priors import ParkCasella

__all__ = ["Family", "GaussianFamily", "Bernoulli", "Binomial", "Poisson", "family", "FAMILY_NAMES",
           "check_glm_arguments"]  # fmt: skip

#: The likelihood families' names (each class's ``name``; :func:`family` takes them): the one vocabulary.
FAMILY_NAMES = ("gaussian", "bernoulli", "binomial", "poisson")


def _expit(x):
    # 1 / (1 + exp(-x)) without overflow warnings: exp(-x) = inf gives 0, which is exact
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-x))


def _xlogy(x, y):
    """``x * log(y)``, 0 where ``x == 0`` (and no warning)."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = x * np.log(y)
    return np.where(x == 0.0, 0.0, out)


def _h(x):
    """``h(x) = (1 + x) log(1 + x) - x`` for ``x >= -1`` (``h(-1) = 1``), ``inf`` below -1.

    ``h >= 0``, ``h(x) ~ x^2 / 2`` near 0; the absolute error of this evaluation is of the
    order of ``eps * |x|``, tiny where ``h`` itself is tiny.
    """
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = (1.0 + x) * np.log1p(x) - x
    out = np.where(x == -1.0, 1.0, out)
    out = np.where(x < -1.0, np.inf, out)
    return np.maximum(out, 0.0)


def _mu_h(mu, delta):
    """``mu * h(delta / mu)``, the Poisson-type Bregman term; its limit where ``mu == 0``."""
    mu = np.asarray(mu, dtype=np.float64)
    delta = np.asarray(delta, dtype=np.float64)
    pos = mu > 0.0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = np.where(pos, delta / np.where(pos, mu, 1.0), 0.0)
        term = mu * _h(ratio)
    # mu == 0 (underflowed mean): the term is 0 when delta == 0, +inf otherwise (s log(s / 0))
    limit = np.where(delta == 0.0, 0.0, np.inf)
    return np.where(pos, term, limit)


def _counts(values, name: str, *, positive: bool = False) -> None:
    """Raise naming ``name`` unless every value is a non-negative (or positive) integer."""
    bad = values < (1.0 if positive else 0.0)
    if np.any(bad):
        i = int(np.flatnonzero(bad)[0])
        kind = "positive" if positive else "non-negative"
        raise ValueError(
            f"{name} must hold {kind} integer counts; {name}[{i}] = {values[i]:g} "
            f"({int(bad.sum())} value(s) {'below 1' if positive else 'negative'})"
        )
    frac = values != np.round(values)
    if np.any(frac):
        i = int(np.flatnonzero(frac)[0])
        raise ValueError(
            f"{name} must hold integer counts; {name}[{i}] = {values[i]:g} is not an integer "
            f"({int(frac.sum())} non-integer value(s))"
        )


@dataclass(frozen=True)
class Family:
    """Base class of a likelihood family; see the module docstring for the formulas.

    Every elementwise method takes the target ``y``, the linear predictor ``eta`` and, for the
    binomial family, ``trials`` (``None`` elsewhere) as arrays of one length, already
    validated by :meth:`validate_y`; they return float64 arrays of that length.
    """

    name = "family"
    link = "identity"

    # -- what a subclass provides -------------------------------------------------------------
    def validate_y(self, y, trials=None, *, n: int | None = None):  # pragma: no cover - abstract
        """Check a target and return ``(y, trials)`` as float64 arrays (``trials`` may be None)."""
        raise NotImplementedError

    def mean(self, eta, trials=None):  # pragma: no cover - abstract
        """The mean ``mu(eta)`` (the inverse link, times the trials for the binomial)."""
        raise NotImplementedError

    def loss(self, y, eta, trials=None):  # pragma: no cover - abstract
        """Loss per row: the negative log-likelihood minus its saturated value (half the deviance)."""
        raise NotImplementedError

    def loss_of(self, y, trials=None):
        """The loss per row as a function of ``eta`` alone, for a fixed target.

        Parts that depend on ``y`` and ``trials`` only (the saturated constant) are computed once
        here, not at every call: solvers evaluate the loss of one target many times. The values
        are those of :meth:`loss`.

        Parameters
        ----------
        y : array_like of shape (n,)
        trials : array_like of shape (n,), optional

        Returns
        -------
        callable
            ``eta -> loss(y, eta, trials)``.
        """
        return lambda eta: self.loss(y, eta, trials)

    def nll(self, y, eta, trials=None):  # pragma: no cover - abstract
        """Negative log-likelihood per row, with every normalising constant (``sigma = 1`` for Gaussian)."""
        raise NotImplementedError

    def weights(self, eta, trials=None):  # pragma: no cover - abstract
        """Curvature ``loss''(eta)`` per row: the IRLS weights (diagonal of the Hessian)."""
        raise NotImplementedError

    def conjugate(self, u, y, trials=None):  # pragma: no cover - abstract
        """Fenchel conjugate ``loss*(u)`` per row, ``inf`` outside its domain."""
        raise NotImplementedError

    def bregman(self, eta, delta, trials=None):  # pragma: no cover - abstract
        """Fenchel-Young gap at ``theta = gradient + delta`` per row, stably (a Bregman divergence)."""
        raise NotImplementedError

    def null_eta(self, y, trials=None) -> float:  # pragma: no cover - abstract
        """Linear predictor of the intercept-only fit (the link of the pooled mean)."""
        raise NotImplementedError

    def to_pymc(self, pm, eta, observed, trials=None, dims=None):  # pragma: no cover - abstract
        """The observed variable ``y`` of a PyMC model with linear predictor ``eta`` (its one PyMC form)."""
        raise NotImplementedError

    def draw(self, eta, trials=None, rng=None):  # pragma: no cover - abstract
        """Replicated targets at linear predictors ``eta`` (the posterior predictive draws)."""
        raise NotImplementedError

    # -- shared -------------------------------------------------------------------------------
    def gradient(self, y, eta, trials=None):
        """Gradient of the loss with respect to the linear predictor: ``mean(eta) - y``."""
        return self.mean(eta, trials) - np.asarray(y, dtype=np.float64)

    def fenchel_young(self, y, eta, theta, trials=None):
        """Fenchel-Young gap ``loss(eta) + conjugate(theta) - theta * eta`` per row (``>= 0``).

        Evaluated as :meth:`bregman` at ``delta = theta - gradient(y, eta)``.
        """
        delta = np.asarray(theta, dtype=np.float64) - self.gradient(y, eta, trials)
        return self.bregman(eta, delta, trials)

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class GaussianFamily(Family):
    """Gaussian likelihood, identity link, ``sigma = 1``: loss ``(y - eta)^2 / 2``.

    This is the package's least-squares convention (the solvers' ``1/(2n)||y - X beta||^2`` is
    ``mean(loss)``); another ``sigma`` divides the loss by ``sigma^2`` (see :mod:`bayesreg.mapping`).
    """

    name = "gaussian"
    link = "identity"

    def validate_y(self, y, trials=None, *, n: int | None = None):
        """Check ``y`` (finite real numbers); ``trials`` must be None.

        Parameters
        ----------
        y : array_like of shape (n,)
        trials : None
        n : int, optional
            Required length (the rows of ``X``).

        Returns
        -------
        (ndarray, None)
        """
        if trials is not None:
            raise ValueError("trials is only for the binomial family; the gaussian family takes none")
        return check_vector(y, "y", n=n), None

    def mean(self, eta, trials=None):  # noqa: D102
        return np.asarray(eta, dtype=np.float64)

    def loss(self, y, eta, trials=None):  # noqa: D102
        r = np.asarray(y, dtype=np.float64) - np.asarray(eta, dtype=np.float64)
        return 0.5 * r * r

    def nll(self, y, eta, trials=None):  # noqa: D102
        return self.loss(y, eta) + 0.5 * np.log(2.0 * np.pi)

    def to_pymc(self, pm, eta, observed, trials=None, dims=None):  # noqa: D102
        raise TypeError("the Gaussian family's PyMC form has a noise scale: bayesreg.models builds it")

    def draw(self, eta, trials=None, rng=None):  # noqa: D102
        raise TypeError("the Gaussian family's draws need a noise scale: bayesreg._posterior draws them")

    def weights(self, eta, trials=None):  # noqa: D102
        return np.ones(np.shape(eta))

    def conjugate(self, u, y, trials=None):  # noqa: D102
        u = np.asarray(u, dtype=np.float64)
        return u * np.asarray(y, dtype=np.float64) + 0.5 * u * u

    def bregman(self, eta, delta, trials=None):  # noqa: D102
        d = np.asarray(delta, dtype=np.float64)
        return 0.5 * d * d

    def null_eta(self, y, trials=None) -> float:  # noqa: D102
        return float(np.mean(y))


@dataclass(frozen=True)
class Binomial(Family):
    """Binomial likelihood (successes ``y`` out of ``trials``), logit link.

    The aggregated form of the Bernoulli family: rows with the same covariates can be pooled
    into one row with their number of successes and trials, with the same MAP.

    Parameters
    ----------
    trials : int, optional
        A number of trials shared by every row, used when no per-row ``trials`` is passed.
    """

    trials: int | None = None
    name = "binomial"
    link = "logit"

    def __post_init__(self):
        if self.trials is not None:
            object.__setattr__(self, "trials", int(check_scalar(self.trials, "trials", lower=1, integer=True)))

    def _trials(self, trials, n: int) -> np.ndarray:
        if trials is None:
            trials = self.trials
        if trials is None:
            raise ValueError("trials is required for the binomial family: the number of trials of each row of y")
        if np.ndim(trials) == 0:
            m = float(check_scalar(trials, "trials", lower=1, integer=True))
            return np.full(n, m)
        m = check_vector(trials, "trials", n=n, n_name="y")
        _counts(m, "trials", positive=True)
        return m

    def validate_y(self, y, trials=None, *, n: int | None = None):
        """Check successes ``y`` and ``trials``: integer counts with ``0 <= y <= trials``.

        Refused, naming the argument: negative or non-integer ``y``; ``trials`` missing,
        below 1 or non-integer; ``y`` above ``trials``; a ``y`` whose every row is 0, or every
        row equal to its trials (one class only: the intercept's MAP would be infinite).

        Parameters
        ----------
        y : array_like of shape (n,)
            Numbers of successes.
        trials : int or array_like of shape (n,), optional
            Numbers of trials (defaults to the family's ``trials``).
        n : int, optional
            Required length (the rows of ``X``).

        Returns
        -------
        (ndarray, ndarray)
            ``y`` and ``trials`` as float64 arrays.
        """
        ya = check_vector(y, "y", n=n)
        _counts(ya, "y")
        m = self._trials(trials, ya.shape[0])
        above = ya > m
        if np.any(above):
            i = int(np.flatnonzero(above)[0])
            raise ValueError(
                f"y (successes) exceeds trials in {int(above.sum())} row(s); first: y[{i}] = {ya[i]:g} > "
                f"trials[{i}] = {m[i]:g}"
            )
        self._check_two_classes(ya, m)
        return ya, m

    def _check_two_classes(self, ya, m):
        if np.all(ya == 0.0):
            raise ValueError(
                "y is 0 in every row (only failures, one class): the intercept's MAP is -infinity, so the "
                "model has no MAP; the target needs both outcomes"
            )
        if np.all(ya == m):
            raise ValueError(
                "y equals trials in every row (only successes, one class): the intercept's MAP is +infinity, "
                "so the model has no MAP; the target needs both outcomes"
            )

    def _m(self, trials, like) -> np.ndarray:
        if trials is None:
            trials = self.trials
        if trials is None:
            raise ValueError("trials is required for the binomial family: the number of trials of each row")
        return np.broadcast_to(np.asarray(trials, dtype=np.float64), np.shape(like))

    def mean(self, eta, trials=None):  # noqa: D102
        eta = np.asarray(eta, dtype=np.float64)
        return self._m(trials, eta) * _expit(eta)

    def loss(self, y, eta, trials=None):  # noqa: D102
        eta = np.asarray(eta, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        m = self._m(trials, eta)
        shape = np.broadcast_shapes(y.shape, m.shape)
        return self.loss_of(np.broadcast_to(y, shape), np.broadcast_to(m, shape))(eta)

    def loss_of(self, y, trials=None):  # noqa: D102
        y = np.asarray(y, dtype=np.float64)
        m = self._m(trials, y)
        rest = m - y
        sat = _xlogy(y, y / m) + _xlogy(rest, rest / m)  # <= 0: minus the saturated loss, once per target
        if np.all((y == 0.0) | (rest == 0.0)):
            # every row all successes or all failures (always so for 0/1 labels): one of the two terms
            # below is 0 and the saturated constant is 0, so the loss is m log(1 + e^(-s eta)), s = +-1
            # (the same floating-point values, with one logaddexp instead of two)
            sign = np.where(rest == 0.0, -1.0, 1.0)

            def loss(eta):
                return m * np.logaddexp(0.0, sign * np.asarray(eta, dtype=np.float64))

            return loss

        def loss(eta):
            eta = np.asarray(eta, dtype=np.float64)
            # m log(1 + e^eta) - y eta = y log(1 + e^-eta) + (m - y) log(1 + e^eta): no cancellation
            fit = y * np.logaddexp(0.0, -eta) + rest * np.logaddexp(0.0, eta)
            return np.maximum(fit + sat, 0.0)

        return loss

    def nll(self, y, eta, trials=None):  # noqa: D102
        from scipy.special import gammaln

        y = np.asarray(y, dtype=np.float64)
        eta = np.asarray(eta, dtype=np.float64)
        m = self._m(trials, eta)
        log_choose = gammaln(m + 1.0) - gammaln(y + 1.0) - gammaln(m - y + 1.0)
        return y * np.logaddexp(0.0, -eta) + (m - y) * np.logaddexp(0.0, eta) - log_choose

    def weights(self, eta, trials=None):  # noqa: D102
        eta = np.asarray(eta, dtype=np.float64)
        return self._m(trials, eta) * _expit(eta) * _expit(-eta)

    def to_pymc(self, pm, eta, observed, trials=None, dims=None):  # noqa: D102
        m = self._m(trials, observed)
        return pm.Binomial("y", n=m.astype(np.int64), logit_p=eta, observed=observed, dims=dims)

    def draw(self, eta, trials=None, rng=None):  # noqa: D102
        eta = np.asarray(eta, dtype=np.float64)
        m = self._m(trials, eta)
        return np.random.default_rng(rng).binomial(m.astype(np.int64), _expit(eta)).astype(np.float64)

    def conjugate(self, u, y, trials=None):  # noqa: D102
        u = np.asarray(u, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        m = self._m(trials, u)
        s = u + y
        c = -(_xlogy(y, y / m) + _xlogy(m - y, (m - y) / m))
        with np.errstate(invalid="ignore", divide="ignore"):
            val = _xlogy(s, s / m) + _xlogy(m - s, (m - s) / m) + c
        return np.where((s >= 0.0) & (s <= m), val, np.inf)

    def bregman(self, eta, delta, trials=None):  # noqa: D102
        eta = np.asarray(eta, dtype=np.float64)
        m = self._m(trials, eta)
        mu = m * _expit(eta)
        mu_c = m * _expit(-eta)  # m - mu, without cancellation
        return _mu_h(mu, delta) + _mu_h(mu_c, -np.asarray(delta, dtype=np.float64))

    def null_eta(self, y, trials=None) -> float:  # noqa: D102
        m = self._m(trials, y)
        k, total = float(np.sum(y)), float(np.sum(m))
        return float(np.log(k) - np.log(total - k))


@dataclass(frozen=True)
class Bernoulli(Binomial):
    """Bernoulli likelihood (labels 0 and 1), logit link: loss = log-loss.

    ``sum_i loss_i`` is scikit-learn's ``LogisticRegression`` data fit (its ``C`` multiplies
    it; the intercept must be unpenalised there too, i.e. not the ``liblinear`` solver).
    """

    name = "bernoulli"
    link = "logit"

    def validate_y(self, y, trials=None, *, n: int | None = None):
        """Check labels: two classes coded 0 and 1, both present.

        Parameters
        ----------
        y : array_like of shape (n,)
            Labels 0 or 1 (booleans are accepted).
        trials : None
            Not for this family (use the binomial family for counts).
        n : int, optional
            Required length (the rows of ``X``).

        Returns
        -------
        (ndarray, None)
        """
        if trials is not None:
            raise ValueError("trials is only for the binomial family; the bernoulli family has one trial per row")
        ya = check_vector(y, "y", n=n)
        bad = (ya != 0.0) & (ya != 1.0)
        if np.any(bad):
            vals = np.unique(ya[bad])[:5]
            raise ValueError(
                "y must hold two classes coded 0 and 1 for the bernoulli family; found other value(s) "
                f"{', '.join(f'{v:g}' for v in vals)} ({int(bad.sum())} row(s)). Encode the labels first "
                "(e.g. y == positive_class)"
            )
        if np.all(ya == 0.0) or np.all(ya == 1.0):
            raise ValueError(
                f"y holds one class only (every label is {ya[0]:g}): a logistic model needs both classes 0 "
                "and 1 (with one class the intercept's MAP is infinite)"
            )
        return ya, None

    def _m(self, trials, like) -> np.ndarray:
        return np.ones(np.shape(like))

    def to_pymc(self, pm, eta, observed, trials=None, dims=None):  # noqa: D102
        return pm.Bernoulli("y", logit_p=eta, observed=observed, dims=dims)


@dataclass(frozen=True)
class Poisson(Family):
    """Poisson likelihood (counts), log link: loss ``e^eta - y eta - (y - y log y)``.

    ``mean(loss)`` is half of scikit-learn's mean Poisson deviance: ``PoissonRegressor`` minimises
    ``1/(2n) deviance + alpha/2 ||beta||^2``, i.e. ``(1/n) sum loss + alpha/2 ||beta||^2``.
    """

    name = "poisson"
    link = "log"

    def validate_y(self, y, trials=None, *, n: int | None = None):
        """Check counts: non-negative integers, not all zero.

        Parameters
        ----------
        y : array_like of shape (n,)
        trials : None
        n : int, optional
            Required length (the rows of ``X``).

        Returns
        -------
        (ndarray, None)
        """
        if trials is not None:
            raise ValueError("trials is only for the binomial family; the poisson family takes none")
        ya = check_vector(y, "y", n=n)
        _counts(ya, "y")
        if np.all(ya == 0.0):
            raise ValueError(
                "y is 0 in every row: a Poisson model of all-zero counts has no MAP (the log rate runs to "
                "-infinity); there is nothing to fit"
            )
        return ya, None

    def mean(self, eta, trials=None):  # noqa: D102
        with np.errstate(over="ignore"):
            return np.exp(np.asarray(eta, dtype=np.float64))

    def loss(self, y, eta, trials=None):  # noqa: D102
        y = np.asarray(y, dtype=np.float64)
        eta = np.asarray(eta, dtype=np.float64)
        mu = self.mean(eta)
        with np.errstate(invalid="ignore"):
            val = mu - y * eta - y + _xlogy(y, y)
        return np.maximum(np.where(np.isinf(mu), np.inf, val), 0.0)

    def nll(self, y, eta, trials=None):  # noqa: D102
        from scipy.special import gammaln

        y = np.asarray(y, dtype=np.float64)
        eta = np.asarray(eta, dtype=np.float64)
        mu = self.mean(eta)
        with np.errstate(invalid="ignore"):
            val = mu - y * eta + gammaln(y + 1.0)
        return np.where(np.isinf(mu), np.inf, val)

    def weights(self, eta, trials=None):  # noqa: D102
        return self.mean(eta)

    def to_pymc(self, pm, eta, observed, trials=None, dims=None):  # noqa: D102
        return pm.Poisson("y", mu=pm.math.exp(eta), observed=observed, dims=dims)

    def draw(self, eta, trials=None, rng=None):  # noqa: D102
        return np.random.default_rng(rng).poisson(self.mean(eta)).astype(np.float64)

    def conjugate(self, u, y, trials=None):  # noqa: D102
        u = np.asarray(u, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        s = u + y
        with np.errstate(invalid="ignore", divide="ignore"):
            val = _xlogy(s, s) - s - (_xlogy(y, y) - y)
        return np.where(s >= 0.0, val, np.inf)

    def bregman(self, eta, delta, trials=None):  # noqa: D102
        return _mu_h(self.mean(eta), delta)

    def null_eta(self, y, trials=None) -> float:  # noqa: D102
        return float(np.log(np.mean(y)))


_FAMILIES = {cls.name: cls for cls in (GaussianFamily, Bernoulli, Binomial, Poisson)}


def family(name) -> Family:
    """The likelihood family named ``name``.

    Parameters
    ----------
    name : str or Family
        ``"gaussian"`` (the linear model), ``"bernoulli"`` (labels 0/1, logistic regression),
        ``"binomial"`` (successes out of trials) or ``"poisson"`` (counts); any case, surrounding
        spaces ignored. A :class:`Family` instance is returned as it is.

    Returns
    -------
    Family

    Raises
    ------
    ValueError
        For any other word, listing the four.
    TypeError
        For anything that is neither a string nor a Family.
    """
    if isinstance(name, Family):
        return name
    if not isinstance(name, str):
        raise TypeError(f"family must be one of {', '.join(map(repr, FAMILY_NAMES))} or a Family; got "
                        f"{type(name).__name__} {name!r:.40}")
    key = name.strip().lower()
    if key not in _FAMILIES:
        raise ValueError(f"family must be one of {', '.join(map(repr, FAMILY_NAMES))}; got {name!r}")
    return _FAMILIES[key]()


def check_glm_arguments(data, prior, sigma="default") -> None:
    """Refuse what a GLM (a non-Gaussian family) does not have: a noise scale, a prior defined through it.

    Parameters
    ----------
    data : bayesreg.design.ModelData
        The prepared design (its ``family`` names the likelihood in the messages).
    prior : Prior
        The coefficient prior; :class:`~bayesreg.ParkCasella` (``Laplace(0, sigma/lam)``) is refused.
    sigma : object, default="default"
        The user's ``sigma`` argument: anything but its default (``"default"`` or ``None``) is refused.
    """
    if sigma not in ("default", None):
        raise ValueError(
            f"sigma is the noise scale of the Gaussian family; family={data.family.name!r} has none (leave sigma "
            f"out); got sigma={sigma!r}"
        )
    if isinstance(prior, ParkCasella):
        raise ValueError(
            f"ParkCasella is defined through the noise scale sigma (Laplace(0, sigma/lam)); family="
            f"{data.family.name!r} has none: use Laplace(b) (b = 1/lam is the same prior at sigma = 1)"
        )


def __getattr__(name: str):
    # the Gaussian likelihood's class was named Gaussian, like the Gaussian prior (bayesreg.Gaussian)
    if name == "Gaussian":
        from ._warnings import warn

        warn("bayesreg.families.Gaussian is now GaussianFamily (bayesreg.Gaussian is the prior)", DeprecationWarning)
        return GaussianFamily
    raise AttributeError(f"module 'bayesreg.families' has no attribute {name!r}")
