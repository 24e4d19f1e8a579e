r"""The exact (conjugate) posterior of the Gaussian-prior linear model with a fixed noise scale.

Model: :math:`y = b_0 + X\beta + \varepsilon`, :math:`\varepsilon \sim N(0, \sigma^2 I_n)` with
``sigma`` fixed, :math:`\beta_j \sim N(0, \tau^2)` independent, and a flat prior of density 1 on
the intercept :math:`b_0` (an unpenalised intercept). Write :math:`X_c, y_c` for the centred data,
:math:`\lambda = \sigma^2/\tau^2` (scikit-learn's ``Ridge`` alpha) and

.. math::

    M = X_c^T X_c + \lambda I_p = L L^T \quad\text{(Cholesky)}.

Integrating :math:`b_0` out of the likelihood leaves :math:`\exp(-\lVert y_c - X_c\beta\rVert^2/(2\sigma^2))`,
so the posterior of :math:`\beta` is Gaussian with

.. math::

    \mathrm{E}[\beta \mid y] = M^{-1} X_c^T y_c, \qquad \mathrm{Cov}[\beta \mid y] = \sigma^2 M^{-1},

(the mean is the ridge solution with scikit-learn ``alpha = sigma^2 / tau^2``), and given
:math:`\beta` the intercept is :math:`N(\bar y - \bar x^T\beta, \sigma^2/n)`, hence marginally
:math:`N(\bar y - \bar x^T m, \sigma^2/n + \bar x^T \Sigma \bar x)` with
:math:`\mathrm{Cov}(b_0, \beta) = -\Sigma\bar x`.

**The stable form** (the rule of :func:`bayesreg.solvers.ridge.stable_cholesky`, shared with
the ridge solver). When the Cholesky factor :math:`L` of :math:`M` keeps 8 digits, the posterior
is computed from it: the covariance as :math:`\sigma^2 L^{-T}L^{-1}` (two triangular solves),
draws as :math:`m + \sigma L^{-T} z`. Otherwise (``p > n`` with a small :math:`\lambda`, or a
nearly collinear design) from the singular basis of the centred design,
:math:`X_c = U\,\mathrm{diag}(\sqrt{e})\,V^T` (:func:`bayesreg.solvers.ridge.spectrum`), completed
by an orthonormal basis :math:`N` of the directions the data do not see:

.. math::

    m = V\,\mathrm{diag}\Bigl(\frac{\sqrt{e_i}}{e_i + \lambda}\Bigr) U^T y_c, \qquad
    \Sigma = V\,\mathrm{diag}\Bigl(\frac{\sigma^2}{e_i + \lambda}\Bigr) V^T + \tau^2 N N^T,

where the prior variance :math:`\tau^2` along :math:`N` is written as such (not as
:math:`\sigma^2/\lambda`), so nothing over- or underflows when :math:`\lambda` does. The
evidence is always computed in this basis (closed form in :math:`\tau` and :math:`\sigma`, see
:func:`log_marginal_likelihood`). No explicit inverse is formed in either form.

Without an intercept (``fit_intercept=False``) the same formulas hold with raw (uncentred) ``X``
and ``y`` and :math:`b_0 = 0`.

**Per-coefficient scales** (``Gaussian(scale=[tau_1, ..., tau_p])``, ``inf`` = a flat prior on that
coefficient). :func:`bayesreg.design.reweight` writes the model with the common scale
:math:`\tau` (the geometric mean of the finite :math:`\tau_j`, :meth:`bayesreg.priors.Prior.split`)
on :math:`\gamma_j = \beta_j / m_j`, :math:`m_j = \tau_j/\tau`, with the columns :math:`m_j x_j`,
the unpenalised columns :math:`U` profiled out. The formulas above give the working posterior
:math:`\gamma \sim N(m_\gamma, F_\gamma F_\gamma^T)`; then :math:`\beta_P = M\gamma`
(:math:`M = \mathrm{diag}(m_P)`) and, given :math:`\beta_P`,
:math:`\beta_U = G_{UU}^{-1}(q_U - G_{UP}\beta_P) + \sigma L_{UU}^{-T} z` exactly
(:math:`G_{UU} = L_{UU}L_{UU}^T`), so the posterior of the full :math:`\beta` is Gaussian with the
factor

.. math::

    F = \begin{pmatrix} M F_\gamma & 0 \\ -K M F_\gamma & \sigma L_{UU}^{-T} \end{pmatrix},
    \qquad K = G_{UU}^{-1} G_{UP},

(``cov = F F^T``: :math:`\mathrm{Cov}(\beta_U) = K\,\mathrm{Cov}(\beta_P) K^T + \sigma^2 G_{UU}^{-1}`),
applied by triangular solves. The intercept given :math:`\beta` is as above.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import linalg, special

from ._validation import check_scalar
from .design import ModelData, Reweighting, prepare_data, reweight
from .mapping import ridge_alpha
from .priors import Flat, Gaussian, check_scale, check_scales
from .solvers.ridge import Spectrum, spectrum, stable_cholesky

__all__ = ["ExactPosterior", "exact_posterior", "log_marginal_likelihood"]

_LOG2PI = float(np.log(2.0 * np.pi))


# --------------------------------------------------------------------------------------------
# input handling shared with the other modules of the probabilistic view
# --------------------------------------------------------------------------------------------


def _gram(X, y, fit_intercept: bool, feature_names=None) -> ModelData:
    """The prepared design (validated once; a ModelData passes through) with its Gram form."""
    data = prepare_data(X, y, fit_intercept=fit_intercept, feature_names=feature_names)
    data.require_intercept_rows()
    return data


def closed_form_obstacle(prior) -> tuple[type, str] | None:
    """``(exception type, reason)`` when the posterior under ``prior`` (sigma fixed) has no closed form, else None.

    The one rule of where the exact posterior exists: a Gaussian prior with a fixed ``tau``, or the
    flat prior (``tau = inf``; proper where :func:`bayesreg.design.flat_obstacle` says so).
    """
    if isinstance(prior, Flat):
        return None
    if not isinstance(prior, Gaussian):
        return TypeError, (
            "the exact posterior exists for a Gaussian prior only (with fixed sigma); "
            f"got prior of type {type(prior).__name__}: use sample_posterior for other priors"
        )
    if prior.tau2_prior is not None:
        return ValueError, (
            "prior has a hyperprior on tau^2 (tau2_prior), so the posterior is not Gaussian; "
            "use sample_posterior, or choose_prior_scale to fix tau first"
        )
    return None


def _check_gaussian_prior(prior) -> Gaussian:
    obstacle = closed_form_obstacle(prior)
    if obstacle is not None:
        raise obstacle[0](obstacle[1])
    return prior


def _tau_prior(tau) -> Gaussian:
    """The Gaussian prior of ``tau``: a Gaussian prior itself, a number, or one scale per coefficient."""
    if isinstance(tau, Gaussian):
        return _check_gaussian_prior(tau)
    if np.ndim(tau) == 0:
        return Gaussian(check_scale(tau, "tau"))
    return Gaussian(check_scales(tau, "tau"))


def _working(g: ModelData, prior: Gaussian) -> tuple[float, Reweighting]:
    """``(common tau, reweighting)`` of a per-coefficient Gaussian prior on the prepared design."""
    prior.check_size(g.p)
    common, factors = prior.split()
    return common.scale, reweight(g, factors)


def _flat_log_offset(rw: Reweighting) -> float:
    r"""What the working model's evidence lacks for the flat-prior intercept and unpenalised columns.

    The working model of :func:`bayesreg.design.reweight` is the ``n_eff``-dimensional density of
    the residual contrasts. Integrating the intercept and the unpenalised coefficients
    :math:`\beta_U` out under a flat prior of density 1 (the convention of
    :func:`log_marginal_likelihood` for the intercept) gives that density times
    :math:`\det(Z_U^T Z_U)^{-1/2}`, :math:`Z_U = [1, X_U]`, and
    :math:`\det(Z_U^T Z_U) = n \det G_{UU}` (centred :math:`G`); without an intercept
    :math:`\det(X_U^T X_U)`. Zero when no column is profiled out (the working model keeps the
    intercept and its ``-log(n)/2`` itself).
    """
    cond = rw.unpenalised_conditional()
    if cond is None:
        return 0.0
    logdet = 2.0 * float(np.sum(np.log(np.abs(np.diag(cond[0])))))
    return -0.5 * logdet - (0.5 * float(np.log(rw.full.n)) if rw.full.fit_intercept else 0.0)


def _spectrum(g: ModelData) -> Spectrum:
    """The singular basis of the centred design: the SVD of the rows when given, else the Gram's."""
    if g.X is not None:
        return spectrum(g.X - g.x_offset, g.y - g.y_offset, n_eff=g.n_eff)
    return spectrum(G=g.G, q=g.q, yy=g.yy, n_eff=g.n_eff)


class _CholeskyCov:
    """``cov = sigma^2 (L L^T)^{-1} = F F^T`` with ``F = sigma L^{-T}``, applied by triangular solves."""

    form = "cholesky"

    def __init__(self, L: np.ndarray, sigma: float):
        self.L, self.sigma = L, sigma
        L.setflags(write=False)

    def whiten(self, D: np.ndarray) -> np.ndarray:
        """``F^T D``: its squared column norms are ``diag(D^T cov D)``."""
        return self.sigma * linalg.solve_triangular(self.L, D, lower=True, check_finite=False)

    def draw(self, Z: np.ndarray) -> np.ndarray:
        """``F Z``: covariance ``cov`` for standard normal columns ``Z``."""
        return self.sigma * linalg.solve_triangular(self.L, Z, lower=True, trans="T", check_finite=False)

    def times(self, v: np.ndarray) -> np.ndarray:
        """``cov @ v``."""
        return self.sigma * (self.sigma * linalg.cho_solve((self.L, True), v, check_finite=False))


class _SpectralCov:
    """``cov = F F^T`` with ``F = B diag(sqrt(d))``, ``B`` an orthonormal basis, ``d`` the variances along it."""

    form = "spectral"

    def __init__(self, B: np.ndarray, d: np.ndarray):
        self.F = B * np.sqrt(d)[None, :]
        self.F.setflags(write=False)

    def whiten(self, D: np.ndarray) -> np.ndarray:  # noqa: D102
        return self.F.T @ D

    def draw(self, Z: np.ndarray) -> np.ndarray:  # noqa: D102
        return self.F @ Z

    def times(self, v: np.ndarray) -> np.ndarray:  # noqa: D102
        return self.F @ (self.F.T @ v)


class _ReweightedCov:
    """The factor of the full ``beta`` from the working model's (module docstring, per-coefficient scales).

    ``F = [[M F_w, 0], [-K M F_w, sigma L_UU^{-T}]]`` in the order (penalised, unpenalised); the
    standard-normal inputs of :meth:`draw` are ``(z_P, z_U)``, ``p`` of them in all.
    """

    def __init__(self, inner, rw: Reweighting, sigma: float):
        self.inner, self.sigma = inner, sigma
        self.form = inner.form
        self.pen, self.unp = rw.penalised, rw.unpenalised
        self.m = rw.multipliers[self.pen]
        self.p = rw.full.p
        if self.unp.size:
            self.L, self.K, _ = rw.unpenalised_conditional()  # L L^T = G_UU, K = G_UU^-1 G_UP
            self.L.setflags(write=False)
            self.K.setflags(write=False)

    def draw(self, Z: np.ndarray) -> np.ndarray:  # noqa: D102
        kp = self.pen.size
        out = np.empty((self.p,) + Z.shape[1:])
        bp = self.m.reshape((-1,) + (1,) * (Z.ndim - 1)) * self.inner.draw(Z[:kp])
        out[self.pen] = bp
        if self.unp.size:
            out[self.unp] = -(self.K @ bp) + self.sigma * linalg.solve_triangular(
                self.L, Z[kp:], lower=True, trans="T", check_finite=False)  # fmt: skip
        return out

    def whiten(self, D: np.ndarray) -> np.ndarray:  # noqa: D102
        Dp = D[self.pen]
        if self.unp.size:
            Dp = Dp - self.K.T @ D[self.unp]
        top = self.inner.whiten(self.m.reshape((-1,) + (1,) * (D.ndim - 1)) * Dp)
        if not self.unp.size:
            return top
        bottom = self.sigma * linalg.solve_triangular(self.L, D[self.unp], lower=True, check_finite=False)
        return np.concatenate([top, bottom], axis=0)

    def times(self, v: np.ndarray) -> np.ndarray:  # noqa: D102
        return self.draw(self.whiten(v))


# --------------------------------------------------------------------------------------------
# the posterior
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class ExactPosterior:
    r"""Closed-form Gaussian posterior of a Gaussian-prior linear model with fixed ``sigma``.

    Build with :func:`exact_posterior`.

    Attributes
    ----------
    mean : ndarray of shape (p,)
        Posterior mean of ``beta`` (equal to the MAP: the ridge solution).
    cov : ndarray of shape (p, p)
        Posterior covariance ``sigma^2 (X_c^T X_c + sigma^2/tau^2 I)^{-1}`` of ``beta``.
    sd : ndarray of shape (p,)
        Posterior standard deviations of ``beta``.
    intercept_mean : float
        Marginal posterior mean of the intercept (0 without an intercept).
    intercept_sd : float
        Marginal posterior sd of the intercept, ``sqrt(sigma^2/n + x_mean^T cov x_mean)``.
    intercept_cov : ndarray of shape (p,)
        ``Cov(intercept, beta) = -cov @ x_mean``.
    sigma, tau : float
        The fixed noise sd and the prior sd (with per-coefficient scales: their common scale, the
        geometric mean of the finite ones).
    scales : tuple of float or None
        The per-coefficient prior sds ``tau_j`` (``inf``: flat), or None for one common ``tau``.
    n : int
        Number of observations.
    feature_names : list of str
    fit_intercept : bool
    """

    mean: np.ndarray
    factor: object = field(repr=False)  # cov = F F^T: _CholeskyCov or _SpectralCov (the stable form)
    sigma: float
    tau: float
    n: int
    x_mean: np.ndarray = field(repr=False)
    y_mean: float
    feature_names: list
    fit_intercept: bool
    _X: np.ndarray | None = field(default=None, repr=False)
    _y: np.ndarray | None = field(default=None, repr=False)
    intercept_prior: object = None  # a NormalIntercept, or None (flat)
    scales: tuple | None = None  # per-coefficient tau_j (inf: flat), or None

    def __post_init__(self):
        for a in (self.mean, self.x_mean):
            a.setflags(write=False)

    # -- moments --------------------------------------------------------------------------

    @property
    def n_features(self) -> int:
        """Number of coefficients ``p``."""
        return self.mean.shape[0]

    @property
    def alpha(self):
        """scikit-learn ``Ridge`` alpha ``sigma^2 / tau^2`` whose solution is :attr:`mean`.

        With per-coefficient scales an array: the weights ``sigma^2 / tau_j^2`` (0 where
        ``tau_j = inf``) of the weighted ridge ``||y - X beta||^2 + sum_j alpha_j beta_j^2``.
        """
        if self.scales is None:
            return ridge_alpha(self.tau, sigma=self.sigma)
        t = np.asarray(self.scales, dtype=np.float64)
        with np.errstate(over="ignore", under="ignore"):
            return (self.sigma / t) ** 2

    @property
    def form(self) -> str:
        """``"cholesky"`` or ``"spectral"``: the stable form the posterior was computed in (module docstring)."""
        return self.factor.form

    @property
    def cov(self) -> np.ndarray:
        """Posterior covariance of ``beta``: ``F F^T`` from the factor (two triangular solves, or a basis)."""
        W = self.factor.whiten(np.eye(self.n_features))  # F^T
        return W.T @ W

    @property
    def sd(self) -> np.ndarray:
        """Posterior standard deviations of ``beta``: the row norms of the factor ``F``."""
        W = self.factor.whiten(np.eye(self.n_features))
        return np.sqrt(np.einsum("ij,ij->j", W, W))

    def _cov_times(self, v: np.ndarray) -> np.ndarray:
        """``cov @ v`` through the factor (no inverse)."""
        return self.factor.times(v)

    @property
    def _b0(self) -> tuple[float, float, float]:
        r"""``(a, k, v)``: given ``beta`` the intercept is ``N(a - k xbar^T beta, v)``.

        Flat prior: ``(ybar, 1, sigma^2 / n)``. With ``b0 ~ N(mu, s^2)``: the centred intercept
        ``c = b0 + xbar^T beta`` has likelihood ``N(ybar; c, sigma^2 / n)`` and prior
        ``N(mu + xbar^T beta, s^2)``, so with ``rho = sigma^2 / s^2``
        ``c | beta ~ N((n ybar + rho (mu + xbar^T beta)) / (n + rho), sigma^2 / (n + rho))``, i.e.
        ``a = (n ybar + rho mu) / (n + rho)``, ``k = n / (n + rho)``, ``v = sigma^2 / (n + rho)``.
        """
        n, s2 = self.n, self.sigma**2
        if self.intercept_prior is None:
            return float(self.y_mean), 1.0, s2 / n
        ip = self.intercept_prior
        with np.errstate(over="ignore", under="ignore"):
            rho = float(np.float64(self.sigma / ip.scale) ** 2)
        if not np.isfinite(rho):  # the prior dominates: b0 = mu + N(0, s^2)
            return float(ip.mu), 0.0, float(ip.scale) ** 2
        return (n * float(self.y_mean) + rho * ip.mu) / (n + rho), n / (n + rho), s2 / (n + rho)

    @property
    def intercept_mean(self) -> float:
        """Marginal posterior mean of the intercept."""
        if not self.fit_intercept:
            return 0.0
        a, k, _ = self._b0
        return float(a - k * (self.x_mean @ self.mean))

    @property
    def intercept_cov(self) -> np.ndarray:
        """``Cov(intercept, beta)``, shape (p,)."""
        if not self.fit_intercept:
            return np.zeros(self.n_features)
        return -self._b0[1] * self._cov_times(self.x_mean)

    @property
    def intercept_sd(self) -> float:
        """Marginal posterior sd of the intercept."""
        if not self.fit_intercept:
            return 0.0
        _, k, v = self._b0
        return float(np.sqrt(v + k * k * (self.x_mean @ self._cov_times(self.x_mean))))

    @property
    def joint_mean(self) -> np.ndarray:
        """Mean of ``(intercept, beta_1, ..., beta_p)``."""
        return np.concatenate([[self.intercept_mean], self.mean])

    @property
    def joint_cov(self) -> np.ndarray:
        """Covariance of ``(intercept, beta_1, ..., beta_p)``, shape (p + 1, p + 1)."""
        p = self.n_features
        out = np.empty((p + 1, p + 1))
        out[1:, 1:] = self.cov
        c = self.intercept_cov
        out[0, 1:] = c
        out[1:, 0] = c
        out[0, 0] = self.intercept_sd**2
        return out

    # -- intervals and summaries ----------------------------------------------------------

    def hdi(self, hdi_prob: float = 0.94):
        """Exact highest-density intervals of each coefficient and the intercept.

        The marginals are Gaussian, so the HDI is ``mean -+ z sd`` with ``z`` the
        ``(1 + hdi_prob)/2`` normal quantile (it equals the equal-tailed interval).

        Parameters
        ----------
        hdi_prob : float, default=0.94
            Probability mass in (0, 1) (ArviZ's default).

        Returns
        -------
        pandas.DataFrame
            Index: feature names (then ``"intercept"`` with an intercept); columns
            ``hdi_low``, ``hdi_high``.
        """
        import pandas as pd

        z = _z(hdi_prob)
        mean, sd, index = self._marginals()
        return pd.DataFrame({"hdi_low": mean - z * sd, "hdi_high": mean + z * sd}, index=index)

    def _marginals(self):
        mean, sd, index = self.mean, self.sd, list(self.feature_names)
        if self.fit_intercept:
            mean = np.append(mean, self.intercept_mean)
            sd = np.append(sd, self.intercept_sd)
            index.append("intercept")
        return mean, sd, index

    def summary(self, hdi_prob: float = 0.94):
        """Posterior mean, sd, median and HDI of every coefficient (and the intercept).

        Returns
        -------
        pandas.DataFrame
            Columns ``mean``, ``sd``, ``median`` (= mean), ``hdi_low``, ``hdi_high``.
        """
        import pandas as pd

        z = _z(hdi_prob)
        mean, sd, index = self._marginals()
        return pd.DataFrame(
            {"mean": mean, "sd": sd, "median": mean, "hdi_low": mean - z * sd, "hdi_high": mean + z * sd},
            index=index,
        )

    # -- prediction -----------------------------------------------------------------------

    def predict(self, X, return_std: bool = False, *, include_noise: bool = True):
        """Posterior predictive mean (and sd) at new rows ``X``.

        The mean of ``b0 + x^T beta`` is ``y_mean + (x - x_mean)^T m``; its variance is
        ``(x - x_mean)^T cov (x - x_mean) + sigma^2 / n`` (the intercept's own uncertainty),
        plus ``sigma^2`` for a new observation when ``include_noise``.

        Parameters
        ----------
        X : array_like of shape (m, p)
        return_std : bool, default=False
            Also return the predictive standard deviation.
        include_noise : bool, default=True
            Include the noise variance ``sigma^2`` (predictive sd of a new ``y``); otherwise
            the sd of the regression function.

        Returns
        -------
        mean : ndarray of shape (m,)
        std : ndarray of shape (m,), only when ``return_std``
        """
        from ._validation import check_matrix

        Xn = check_matrix(X)
        if Xn.shape[1] != self.n_features:
            raise ValueError(f"X has {Xn.shape[1]} columns but the posterior has {self.n_features} features")
        # b0 + x^T beta = a + (x - k xbar)^T beta + N(0, v) (see _b0; flat prior: a = ybar, k = 1, v = sigma^2/n)
        a, k, v = self._b0 if self.fit_intercept else (0.0, 0.0, 0.0)
        D = Xn - k * self.x_mean
        mean = a + D @ self.mean
        if not return_std:
            return mean
        # (x - k xbar)^T cov (x - k xbar) = ||F^T (x - k xbar)||^2
        W = self.factor.whiten(D.T)
        var = np.einsum("ij,ij->j", W, W)
        if self.fit_intercept:
            var = var + v
        if include_noise:
            var = var + self.sigma**2
        return mean, np.sqrt(var)

    # -- draws ----------------------------------------------------------------------------

    def sample_arrays(self, draws: int = 1000, chains: int = 4, random_seed=None):
        """Exact independent draws as arrays.

        Returns
        -------
        beta : ndarray of shape (chains, draws, p)
        intercept : ndarray of shape (chains, draws)
        """
        draws = check_scalar(draws, "draws", lower=1, integer=True)
        chains = check_scalar(chains, "chains", lower=1, integer=True)
        rng = np.random.default_rng(random_seed)
        p = self.n_features
        Z = rng.standard_normal((p, chains * draws))
        # beta = m + F z has covariance F F^T (F = sigma L^{-T} in the Cholesky form)
        B = self.mean[:, None] + self.factor.draw(Z)
        beta = B.T.reshape(chains, draws, p)
        if self.fit_intercept:
            z0 = rng.standard_normal((chains, draws))
            a, k, v = self._b0
            intercept = a - k * (beta @ self.x_mean) + np.sqrt(v) * z0
        else:
            intercept = np.zeros((chains, draws))
        return beta, intercept

    def sample(
        self,
        draws: int = 1000,
        chains: int = 4,
        random_seed=None,
        *,
        log_likelihood: bool = True,
        posterior_predictive: bool = False,
        check: bool = False,
    ):
        """Exact independent draws as an ``arviz.InferenceData`` with the package's names.

        Parameters
        ----------
        draws : int, default=1000
            Draws per chain.
        chains : int, default=4
            Number of (independent) chains; R-hat and ESS are then those of i.i.d. draws.
        random_seed : int or numpy Generator, optional
        log_likelihood : {"auto", True, False}, default=True
            Add the pointwise log-likelihood group (needs the data arrays, not a SufficientStats;
            ``"auto"``: when small, :func:`bayesreg._posterior.resolve_log_likelihood`).
        posterior_predictive : bool, default=False
            Add a ``posterior_predictive`` group with draws of ``y`` (needs the data arrays).
        check : bool, default=False
            Compute R-hat and ESS (those of i.i.d. draws) and store them in ``posterior.attrs``,
            as every sampler of :mod:`bayesreg.sampling` does.

        Returns
        -------
        arviz.InferenceData (ArviZ 0.x) or xarray.DataTree (ArviZ >= 1)
            ``posterior``: ``beta`` (chain, draw, feature), ``intercept`` (chain, draw), ``sigma``
            (chain, draw; constant, it is fixed). With data arrays also ``observed_data`` (``y``),
            ``constant_data`` (``X``) and, as asked, ``log_likelihood`` and ``posterior_predictive``.
        """
        from ._posterior import build_posterior

        rng = np.random.default_rng(random_seed)
        beta, intercept = self.sample_arrays(draws, chains, rng)
        chains, draws = intercept.shape
        posterior = {"beta": beta, "intercept": intercept, "sigma": np.full((chains, draws), self.sigma)}
        return build_posterior(
            posterior, feature_names=self.feature_names, X=self._X, y=self._y, fit_intercept=True,
            log_likelihood=log_likelihood if self._X is not None else False,
            posterior_predictive=posterior_predictive and self._X is not None, rng=rng,
            attrs=self._attrs(), check=check,
        )  # fmt: skip

    def _attrs(self) -> dict:
        attrs = {"sampler": "exact", "inference": "exact conjugate posterior", "tau": self.tau}
        if self.scales is not None:
            t = np.asarray(self.scales)
            free = int(np.sum(~np.isfinite(t)))
            attrs["per_coefficient_scales"] = f"{t.size - free} penalised, {free} unpenalised (flat)"
        return attrs

    def __repr__(self) -> str:
        k = min(self.n_features, 6)
        body = ", ".join(f"{nm}={m:.4g}+-{s:.3g}" for nm, m, s in zip(self.feature_names[:k], self.mean, self.sd))
        more = ", ..." if self.n_features > k else ""
        tau = f"{self.tau:.4g}" if self.scales is None else f"{self.tau:.4g} x per-coefficient factors"
        return (
            f"ExactPosterior(tau={tau}, sigma={self.sigma:.4g}, n={self.n}, p={self.n_features}, "
            f"beta=[{body}{more}], intercept={self.intercept_mean:.4g}+-{self.intercept_sd:.3g})"
        )


def _z(hdi_prob) -> float:
    hdi_prob = check_scalar(hdi_prob, "hdi_prob", lower=0.0, upper=1.0, lower_inclusive=False, upper_inclusive=False)
    return float(special.ndtri(0.5 + 0.5 * hdi_prob))


def exact_posterior(
    X,
    y=None,
    prior: Gaussian | None = None,
    *,
    sigma: float,
    fit_intercept: bool = True,
    feature_names=None,
    intercept_prior=None,
) -> ExactPosterior:
    r"""Closed-form posterior of ``beta`` and the intercept under a Gaussian prior with fixed ``sigma``.

    Model: ``y = b0 + X beta + e``, ``e ~ N(0, sigma^2 I)``, ``beta_j ~ N(0, tau^2)``, flat prior on
    ``b0``. The posterior of ``beta`` is ``N(m, sigma^2 M^{-1})`` with
    ``M = X_c^T X_c + (sigma^2/tau^2) I`` and ``m = M^{-1} X_c^T y_c``: ``m`` is scikit-learn's
    ``Ridge(alpha=sigma^2/tau^2)`` solution (and the MAP). Given ``beta`` the intercept is
    ``N(y_mean - x_mean^T beta, sigma^2/n)``.

    Parameters
    ----------
    X : array_like of shape (n, p), pandas.DataFrame or SufficientStats
        Design matrix, or sufficient statistics (then ``y`` is omitted, and the result cannot
        add observed data or a log-likelihood to its draws).
    y : array_like of shape (n,), optional
        Target.
    prior : Gaussian or Flat, default=Gaussian(1.0)
        The prior ``N(0, tau^2)``, ``tau = prior.scale``, without a hyperprior (``Flat()``: the
        limit ``tau = inf``, ``beta ~ N(beta_ols, sigma^2 (X_c^T X_c)^-1)``, refused with the
        reason where the design does not identify the coefficients); or one scale per
        coefficient, ``Gaussian([tau_1, ..., tau_p])`` (``inf``: a flat prior, that coefficient
        unpenalised), whose posterior is the working model's of :func:`bayesreg.design.reweight`
        mapped back exactly (module docstring). Then ``mean`` is the weighted ridge solution.
    sigma : float
        Fixed noise standard deviation > 0.
    fit_intercept : bool, default=True
        Include an intercept with a flat prior.
    feature_names : sequence of str, optional
        Names of the columns (default: a DataFrame's columns, else ``x0, x1, ...``).
    intercept_prior : None, NormalIntercept or (mu, s), optional
        A normal prior :math:`b_0 \sim N(\mu, s^2)` instead of the flat one: one more Gaussian
        term. Integrating the intercept out then leaves the centred likelihood times
        :math:`N(\bar y - \mu;\ \bar x^T\beta,\ \sigma^2/n + s^2)`, so the precision of ``beta``
        gains :math:`\kappa\bar x\bar x^T/\sigma^2` and its linear term
        :math:`\kappa\bar x(\bar y - \mu)/\sigma^2`, :math:`\kappa = n\rho/(n + \rho)`,
        :math:`\rho = \sigma^2/s^2`; the intercept given ``beta`` is in ``ExactPosterior._b0``.
        Not with unpenalised coefficients (infinite scales), which are profiled out with a flat
        intercept.

    Returns
    -------
    ExactPosterior
        ``mean``, ``cov``, ``sd``, intercept moments, ``hdi``, ``summary``, ``predict`` and
        ``sample`` (an ``arviz.InferenceData`` of exact draws).
    """
    from .intercept import parse_intercept_prior

    prior = _check_gaussian_prior(Gaussian(1.0) if prior is None else prior)
    sigma = check_scale(sigma, "sigma")
    b0_prior = parse_intercept_prior(intercept_prior, fit_intercept)
    g = _gram(X, y, fit_intercept, feature_names)
    if isinstance(prior, Flat):
        return _flat_posterior(g, sigma, b0_prior)
    if prior.per_coefficient:
        return _reweighted_posterior(g, prior, sigma, b0_prior)
    return _posterior_from_gram(g, prior.scale, sigma, g.feature_names, b0_prior)


def _flat_posterior(g: ModelData, sigma: float, b0_prior=None) -> ExactPosterior:
    """The flat prior's posterior, ``N(beta_ols, sigma^2 (X_c^T X_c)^-1)``: the Gaussian prior's at ``tau = inf``."""
    why = Flat().data_obstacle(g)
    if why is not None:
        raise ValueError(why)
    post = _posterior_from_gram(g, float("inf"), sigma, g.feature_names, b0_prior)
    if not isinstance(post.factor, _CholeskyCov):  # pragma: no cover - flat_obstacle checked the same factor
        raise ValueError("the flat prior's posterior needs X_c^T X_c well conditioned (8 digits kept by its Cholesky)")
    return post


def _reweighted_posterior(g: ModelData, prior: Gaussian, sigma: float, b0_prior=None) -> ExactPosterior:
    """The exact posterior under per-coefficient scales: the working model's, mapped back (module docstring)."""
    tau, rw = _working(g, prior)
    return _mapped_posterior(rw, tau, sigma, b0_prior)


def _mapped_posterior(rw: Reweighting, tau: float, sigma: float, b0_prior=None) -> ExactPosterior:
    """The posterior of the full model from the working model of ``rw`` at the common scale ``tau``."""
    g = rw.full
    if b0_prior is not None and rw.unpenalised.size:
        raise ValueError("intercept_prior with unpenalised coefficients (infinite scales) is not supported: the "
                         "flat-prior columns are profiled out with a flat intercept; use sampler='nuts'")  # fmt: skip
    work = _posterior_from_gram(rw.working, tau, sigma, rw.working.feature_names, b0_prior)
    mean, _ = rw.coef(work.mean)  # beta_P = m_P gamma; beta_U its conditional mean, linear in beta_P
    return ExactPosterior(
        mean=mean, factor=_ReweightedCov(work.factor, rw, sigma), sigma=sigma, tau=tau, n=g.n, x_mean=g.x_offset,
        y_mean=g.y_offset, feature_names=list(g.feature_names), fit_intercept=g.fit_intercept, _X=g.X, _y=g.y,
        intercept_prior=b0_prior, scales=tuple(float(tau * c) for c in rw.multipliers * g.x_scale),
    )  # fmt: skip


def _posterior_from_gram(g: ModelData, tau: float, sigma: float, names, b0_prior=None) -> ExactPosterior:
    # the posterior precision is (G + lam I) / sigma^2 with lam = (sigma / tau)^2; sigma and tau lie in
    # SCALE_RANGE, so their ratio is a normal float, but lam may over- or underflow: both forms below
    # stay exact then (lam = 0 with a full-rank G is plain least squares)
    with np.errstate(over="ignore", under="ignore"):
        lam = float(np.float64(sigma / tau) ** 2)
    if b0_prior is not None:
        return _posterior_with_intercept_prior(g, tau, sigma, names, lam, b0_prior)
    L = stable_cholesky(g.G, lam) if np.isfinite(lam) else None
    if L is not None:
        mean = linalg.cho_solve((L, True), g.q, check_finite=False)
        factor = _CholeskyCov(L, sigma)
    else:
        mean, factor = _spectral_posterior(_spectrum(g), tau, sigma, lam)
    return ExactPosterior(
        mean=mean,
        factor=factor,
        sigma=sigma,
        tau=tau,
        n=g.n,
        x_mean=g.x_offset,
        y_mean=g.y_offset,
        feature_names=list(names),
        fit_intercept=g.fit_intercept,
        _X=g.X,
        _y=g.y,
    )


def _posterior_with_intercept_prior(g: ModelData, tau, sigma, names, lam, b0_prior) -> ExactPosterior:
    # precision (G + kappa xbar xbar^T + lam I) / sigma^2, linear term (q + kappa xbar (ybar - mu)) / sigma^2
    # (exact_posterior's docstring); the Cholesky form only: the rank-one term has no place in the spectral one
    n = g.n
    with np.errstate(over="ignore", under="ignore"):
        rho = float(np.float64(sigma / b0_prior.scale) ** 2)
    kappa = float(n) if not np.isfinite(rho) else n * rho / (n + rho)
    xbar = np.asarray(g.x_offset, dtype=np.float64)
    G = g.G + kappa * np.outer(xbar, xbar)
    q = g.q + kappa * (float(g.y_offset) - b0_prior.mu) * xbar
    L = stable_cholesky(G, lam) if np.isfinite(lam) else None
    if L is None:
        raise ValueError(
            "the exact posterior with intercept_prior needs X_c^T X_c + (sigma/tau)^2 I well conditioned (the "
            "spectral form has no room for the prior's rank-one term); use sampler='gibbs' or 'nuts'"
        )
    return ExactPosterior(
        mean=linalg.cho_solve((L, True), q, check_finite=False), factor=_CholeskyCov(L, sigma), sigma=sigma, tau=tau,
        n=n, x_mean=g.x_offset, y_mean=g.y_offset, feature_names=list(names), fit_intercept=g.fit_intercept,
        _X=g.X, _y=g.y, intercept_prior=b0_prior,
    )  # fmt: skip


def _spectral_posterior(spec: Spectrum, tau: float, sigma: float, lam: float):
    """Mean and covariance factor in the singular basis, for any ``lam`` in [0, inf].

    Along ``V``: variance ``sigma^2 / (e + lam)``, written ``tau^2 / (1 + e / lam)`` when
    ``lam > 1`` (so ``lam = inf``, a prior far narrower than the noise, gives ``tau^2``); mean
    ``sqrt(e) c / (e + lam)``, likewise. Along the null basis: the prior, variance ``tau^2``, mean 0.
    """
    e, c = spec.e, spec.c
    with np.errstate(over="ignore", under="ignore"):
        if lam <= 1.0:
            d = sigma * (sigma / (e + lam))
            w = np.sqrt(e) / (e + lam)
        else:
            il = 1.0 / lam
            d = tau * (tau / (1.0 + e * il))
            w = np.sqrt(e) * il / (1.0 + e * il)
    mean = spec.V @ (w * c)
    N = spec.null_basis()
    B = np.hstack([spec.V, N])
    d = np.concatenate([d, np.full(N.shape[1], tau * tau)])
    return mean, _SpectralCov(B, d)


# --------------------------------------------------------------------------------------------
# the marginal likelihood
# --------------------------------------------------------------------------------------------


def log_marginal_likelihood(X, y=None, tau=1.0, *, sigma: float, fit_intercept: bool = True) -> float:
    r"""Log marginal likelihood (evidence) ``log p(y | tau, sigma)`` of the Gaussian-prior model.

    .. math::

        \log p(y) = -\frac{n'}{2}\log(2\pi\sigma^2) - \frac12\log\det(I_p + X_c^T X_c/\lambda)
        - \frac{1}{2\sigma^2}\bigl(y_c^T y_c - y_c^T X_c M^{-1} X_c^T y_c\bigr) - \frac12\log n,

    with :math:`\lambda = \sigma^2/\tau^2`, :math:`M = X_c^T X_c + \lambda I` and :math:`n' = n - 1`.
    It equals :math:`\log N_n(y_c; 0, \sigma^2 I + \tau^2 X_c X_c^T) + \frac12\log(2\pi\sigma^2/n)`.

    **How it is computed.** In the singular basis of the centred design (``k`` positive
    eigenvalues :math:`e_i` of :math:`X_c^T X_c`, :math:`c = U^T y_c`, :math:`r` the part of
    :math:`\lVert y_c\rVert^2` outside the column space, :math:`s = \sigma^2`, :math:`t = \tau^2`):
    :math:`\log\det(sI + tX_cX_c^T) = (n' - k)\log s + \sum_i \log(s + t e_i)` and
    :math:`y_c^T(sI + tX_cX_c^T)^{-1}y_c = \sum_i c_i^2/(s + t e_i) + r/s`. Nothing is subtracted
    and no ill-conditioned matrix is factored, so it is accurate for every ``tau`` and ``sigma``
    (e.g. ``p > n`` with ``sigma -> 0``, where :math:`M` is numerically singular). When the
    evidence is below the smallest float64 (``y`` far outside what ``sigma`` allows) the result is
    ``-inf``.

    **The improper intercept.** The intercept has a flat prior of density 1, so the integral over
    it is finite but not a normalised density of ``y``: it is the density of the ``n - 1`` contrasts
    of ``y`` (orthogonal to the constant) times ``n^{-1/2}``. The constant ``-log(n)/2`` (and the
    arbitrary unit of the flat density) is the same for every ``tau``, ``sigma`` and design, so it
    cancels in every comparison this function is for (choosing ``tau``/``sigma``, Bayes factors
    between models that share the intercept). Without an intercept it is the proper
    :math:`\log N_n(y; 0, \sigma^2 I + \tau^2 X X^T)`.

    **Per-coefficient scales** (``tau`` a sequence, or ``Gaussian([tau_1, ..., tau_p])``). With
    finite scales the evidence is :math:`\log N_n(y_c; 0, \sigma^2 I + X_c\,\mathrm{diag}(\tau_j^2)X_c^T)`
    plus the same intercept constant: it is computed on the common-scale working model of
    :func:`bayesreg.design.reweight` (columns :math:`m_j x_j`, common :math:`\tau`), whose
    covariance :math:`\sigma^2 I + \tau^2 X_c M^2 X_c^T` is the same matrix, so the rescaling leaves
    it unchanged. An infinite scale is a flat prior of density 1 on that coefficient, treated as
    the intercept is (the module does so for the intercept): the coefficients of the unpenalised
    columns :math:`X_U` are integrated out with the intercept under that flat density, which gives
    the density of the ``n - 1 - |U|`` residual contrasts (the restricted, profiled evidence)
    times :math:`\det(Z_U^T Z_U)^{-1/2}`, :math:`Z_U = [1, X_U]`. That constant depends on the
    units of :math:`X_U` but on neither ``tau`` nor ``sigma``: it cancels when choosing them and
    in Bayes factors between models that share the unpenalised columns, and nowhere else.

    Parameters
    ----------
    X : array_like of shape (n, p), pandas.DataFrame or SufficientStats
        Design matrix, or sufficient statistics (then ``y`` is omitted).
    y : array_like of shape (n,), optional
        Target.
    tau : float, sequence of float or Gaussian, default=1.0
        Prior standard deviation of each coefficient, one per coefficient (``inf``: flat), or
        the Gaussian prior itself.
    sigma : float
        Noise standard deviation > 0.
    fit_intercept : bool, default=True
        Integrate a flat-prior intercept out.

    Returns
    -------
    float
    """
    prior = _tau_prior(tau)
    sigma = check_scale(sigma, "sigma")
    g = _gram(X, y, fit_intercept)
    if not prior.per_coefficient:
        return -_Evidence(g).neg_log_ml(2.0 * np.log(prior.scale), 2.0 * np.log(sigma))
    t, rw = _working(g, prior)
    return -_Evidence(rw.working).neg_log_ml(2.0 * np.log(t), 2.0 * np.log(sigma)) + _flat_log_offset(rw)


def _over_exp(x: float, log_den: float) -> float:
    """``x / exp(log_den)`` for ``x >= 0``, without 0 * inf when ``exp(log_den)`` is out of range."""
    if abs(log_den) < 700.0:
        with np.errstate(over="ignore"):
            return float(x * np.exp(-log_den))
    return float(np.exp(np.log(x) - log_den)) if x > 0.0 else 0.0


class _Evidence:
    """``-log p(y | tau, sigma)`` for many ``(tau, sigma)`` from one singular basis (:func:`_spectrum`).

    With ``k`` positive eigenvalues ``e_i`` of ``X_c^T X_c``, ``u_i = c_i^2`` (``c = U^T y_c``),
    ``r`` the part of ``y_c^T y_c`` outside the column space (>= 0), ``t = tau^2``, ``s = sigma^2``:
    ``log det(s I + t X_c X_c^T) = (n' - k) log s + sum_i log(s + t e_i)`` and
    ``y_c^T (s I + t X_c X_c^T)^{-1} y_c = sum_i u_i / (s + t e_i) + r / s``, on the ``n'``-dimensional
    space left after the intercept. Written this way nothing is lost to rounding when ``p >= n``
    and ``s`` is small (the directions with ``e_i = 0`` carry no data).
    """

    def __init__(self, g: ModelData):
        spec = _spectrum(g)
        self.e = spec.e
        self.u = spec.c**2
        self.r = spec.rest
        self.k = spec.rank
        self.n_eff = g.n_eff
        self.const = 0.5 * g.n_eff * _LOG2PI + (0.5 * np.log(g.n) if g.fit_intercept else 0.0)

    def neg_log_ml(self, log_t: float, log_s: float) -> float:
        """``-log p(y | tau, sigma)`` at ``log_t = log tau^2``, ``log_s = log sigma^2``, any magnitudes.

        ``s + t e_i`` is factored as ``t (e_i + lam)`` when ``lam = s / t <= 1`` and as
        ``s (1 + e_i / lam)`` otherwise, so neither ``s``, ``t`` nor ``lam`` is formed where it
        could over- or underflow.
        """
        log_lam = log_s - log_t
        e, u = self.e, self.u
        with np.errstate(over="ignore", under="ignore", divide="ignore"):
            if log_lam <= 0.0:
                d = e + np.exp(log_lam)  # (s + t e) / t
                logdet = self.k * log_t + float(np.sum(np.log(d)))
                quad = _over_exp(float(np.sum(u / d)), log_t)
            else:
                ei = e * np.exp(-log_lam)  # t e / s
                logdet = self.k * log_s + float(np.sum(np.log1p(ei)))
                quad = _over_exp(float(np.sum(u / (1.0 + ei))), log_s)
            logdet += (self.n_eff - self.k) * log_s
            if self.r > 0.0:
                quad += _over_exp(self.r, log_s)
        return float(self.const + 0.5 * logdet + 0.5 * quad)

    def profile(self, log_g):
        """``-log p(y | tau, sigma)`` maximised over the overall scale at ``g = tau^2 / sigma^2``.

        With ``t = g s``: ``log det = n' log s + sum_i log(1 + g e_i)`` and
        ``quad = Q(g) / s`` with ``Q(g) = sum_i u_i / (1 + g e_i) + r``, so the best
        ``s = Q(g) / n'`` in closed form and the profile is
        ``const + (n' log(Q / n') + sum_i log1p(g e_i) + n') / 2``. Vectorised over ``log_g``;
        returns ``(profile, log s)``.
        """
        log_g = np.atleast_1d(np.asarray(log_g, dtype=np.float64))
        out = np.empty(log_g.size)
        log_s = np.empty(log_g.size)
        # chunks keep the (points x eigenvalues) work array near 4 MB
        step = max(1, 500_000 // max(self.k, 1))
        for a in range(0, log_g.size, step):
            ge = np.exp(log_g[a : a + step])[:, None] * self.e[None, :]
            Q = np.sum(self.u / (1.0 + ge), axis=1) + self.r
            ls = np.log(Q / self.n_eff)
            out[a : a + step] = self.const + 0.5 * (self.n_eff * ls + np.sum(np.log1p(ge), axis=1) + self.n_eff)
            log_s[a : a + step] = ls
        return out, log_s

    def profile_slope(self, log_g: float) -> float:
        """Derivative of :meth:`profile` in ``log g``: ``(sum_i w_i - n' sum_i u_i w_i / (1 + g e_i) / Q) / 2``.

        With ``w_i = g e_i / (1 + g e_i)``. Its root locates the maximum to rounding of the slope's
        terms, far closer than minimising the (flat) profile value can.
        """
        ge = np.exp(log_g) * self.e
        w = ge / (1.0 + ge)
        Q = float(np.sum(self.u / (1.0 + ge))) + self.r
        return 0.5 * (float(np.sum(w)) - self.n_eff * float(np.sum(self.u * w / (1.0 + ge))) / Q)
