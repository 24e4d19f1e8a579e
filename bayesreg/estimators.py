r"""scikit-learn estimators: Bayesian linear, logistic and Poisson regression (the MAP or the posterior).

Thin by design: validate, call :func:`bayesreg.map_estimate`, :func:`bayesreg.exact_posterior` or
:func:`bayesreg.sample_posterior`, store the fitted attributes.

- :class:`BayesianRegression`: the linear-Gaussian model (a regressor);
- :class:`BayesianLogisticRegression`: binary classification, labels of any type (a classifier);
- :class:`BayesianPoissonRegressor`: counts (a regressor scored by the deviance's ``D^2``).
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from ._validation import check_choice, check_numeric_columns, check_positive, check_scalar
from .noise import parse_sigma
from .priors import Gaussian, Laplace, check_prior
from .sampling import SAMPLER_NAMES

__all__ = ["BayesianRegression", "BayesianLogisticRegression", "BayesianPoissonRegressor"]


def _set_prior_params(est, default_prior, params):
    """``set_params`` for an estimator whose ``prior`` is an immutable dataclass (``prior__<name>``)."""
    import dataclasses

    nested = {k[len("prior__"):]: v for k, v in params.items() if k.startswith("prior__")}
    BaseEstimator.set_params(est, **{k: v for k, v in params.items() if not k.startswith("prior__")})
    if nested:
        base = default_prior if est.prior is None else est.prior
        names = {f.name for f in dataclasses.fields(base)}
        unknown = sorted(set(nested) - names)
        if unknown:
            bad = ", ".join("prior__" + u for u in unknown)
            raise ValueError(
                f"Invalid parameter(s) {bad} for prior {type(base).__name__}; "
                f"valid: {', '.join('prior__' + n for n in sorted(names))}"
            )
        est.prior = dataclasses.replace(base, **nested)
    return est


def _column_spread(X, fit_intercept: bool) -> np.ndarray:
    """Each column's sd (about its mean with an intercept, about 0 without); 1 for a constant column.

    A constant column's coefficient is not informed by the data (with an intercept), so any finite
    scale does; 1 keeps the prior proper.
    """
    Xa = np.asarray(X, dtype=np.float64)
    s = Xa.std(axis=0) if fit_intercept else np.sqrt(np.mean(Xa * Xa, axis=0))
    return np.where(s > 0, s, 1.0)


#: The weakly informative scale of the GLM estimators' default prior, per sd of each feature
#: (rstanarm's default ``normal(0, 2.5)`` with ``autoscale``; Gelman et al. 2008).
GLM_DEFAULT_SCALE = 2.5


def _default_linear_prior(X, y, fit_intercept: bool, sigma):
    r"""The default prior of :class:`BayesianRegression`, set from the data; and whether the data show no signal.

    ``Laplace(b_j)``, ``b_j = tau / (sqrt(2) s_j)``: ``s_j`` is the sd of column ``j`` (so the
    prior is the same on every column in units of its sd, and rescaling a column rescales its
    coefficient, not the fit), and ``tau`` is chosen by empirical Bayes, the type-II maximum
    likelihood of the Gaussian prior ``N(0, tau^2 / s_j^2)`` (:func:`bayesreg.choose_prior_scale`,
    closed form, deterministic, milliseconds); the Laplace prior then has that prior's variance
    (``2 b_j^2 = tau^2 / s_j^2``). The Laplace family's own empirical Bayes (Monte Carlo EM) gives
    nearly the same scale on the diabetes data (b = 229 against 209 here, training R^2 0.5147
    against 0.5145) but takes 14 s and is random, which a default must not be.

    Returns ``(prior, no_signal)``: ``no_signal`` is True when the evidence grows as ``tau -> 0``
    (the data show no linear signal; the prior is then concentrated at 0 and the MAP empty). A
    constant target (after the intercept) or a design with no variation gives coefficients 0 at
    any scale: then ``Laplace(1 / s_j)`` (any scale gives the same fit).
    """
    from .hyperparameters import choose_prior_scale

    s = _column_spread(X, fit_intercept)
    Xa, ya = np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.float64)
    yc = ya - ya.mean() if fit_intercept else ya
    Xc = Xa - Xa.mean(axis=0) if fit_intercept else Xa
    if not np.any(yc) or not np.any(Xc):
        return Laplace(1.0 / s), False
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = choose_prior_scale(Xa, ya, Gaussian(1.0 / s), sigma=sigma, fit_intercept=fit_intercept)
    no_signal = False
    from ._warnings import warn
    from .exceptions import NoSignalWarning

    for w in caught:
        if issubclass(w.category, NoSignalWarning):
            no_signal = True  # said once by the estimator, in its own words
        else:
            warn(w.message, w.category)
    return Laplace(np.asarray(res.prior.scale, dtype=np.float64) / np.sqrt(2.0)), no_signal


def _coefficient_draws(idata, p: int) -> tuple[np.ndarray, np.ndarray]:
    """Every draw of ``beta`` (shape ``(draws, p)``) and of the intercept (zeros without one)."""
    post = idata.posterior
    beta = post["beta"].values.reshape(-1, p)
    b0 = post["intercept"].values.reshape(-1) if "intercept" in post else np.zeros(beta.shape[0])
    return beta, b0


class BayesianRegression(RegressorMixin, BaseEstimator):
    r"""Bayesian linear regression with a Laplace, Gaussian, elastic-net or horseshoe prior.

    Model: :math:`y = b_0 + X\beta + \varepsilon`, :math:`\varepsilon \sim N(0, \sigma^2 I_n)`, a
    flat prior on the intercept :math:`b_0` (unpenalised) and ``prior`` on :math:`\beta`.

    **inference="map"** returns the posterior mode. With ``sigma`` fixed it minimises, exactly
    (coordinate descent certified by the duality gap, or ridge in closed form),

    .. math::

        \frac{1}{2n}\lVert y - b_0 - X\beta\rVert_2^2 + \frac{\sigma^2}{n}\bigl(-\log p(\beta)\bigr),

    which for ``Laplace(b)`` is scikit-learn's ``Lasso`` objective
    :math:`\frac{1}{2n}\lVert y - b_0 - X\beta\rVert^2 + \alpha\lVert\beta\rVert_1` with
    :math:`\alpha = \sigma^2/(n b)` (``ParkCasella(lam)``: :math:`\alpha = \sigma\lambda/n`), and for
    ``Gaussian(tau)`` is scikit-learn's ``Ridge`` objective
    :math:`\lVert y - b_0 - X\beta\rVert^2 + \alpha\lVert\beta\rVert^2` (no :math:`1/n`; the same
    minimiser) with :math:`\alpha = \sigma^2/\tau^2`. ``ElasticNetPrior(b, tau)`` is ``ElasticNet``
    with :math:`\alpha\rho = \sigma^2/(nb)`, :math:`\alpha(1-\rho) = \sigma^2/(n\tau^2)`. With
    ``sigma`` free, the joint mode of :math:`(\beta, b_0, \sigma)`.

    **inference="posterior"** samples the posterior and reports the posterior mean of
    :math:`\beta` and :math:`b_0` (which minimises the posterior expected squared error, not the
    objective above; it is never sparse). A Gaussian prior with fixed ``sigma`` has a closed-form
    posterior (drawn exactly, ``sampler="auto"`` or ``"exact"``); other priors are sampled by
    Gibbs or NUTS through :func:`bayesreg.sample_posterior`. ``predict(X, return_std=True)`` then
    gives the posterior predictive mean and sd of a new observation, and
    ``predict_interval(X, level=0.95)`` its equal-tailed predictive interval.

    Parameters
    ----------
    prior : Laplace, ParkCasella, Gaussian, ElasticNetPrior, Flat, Horseshoe, RegularizedHorseshoe or R2D2, default=None
        Prior on the coefficients (Horseshoe, RegularizedHorseshoe and R2D2 have no MAP: use them
        with ``inference="posterior"``). ``None`` (the default) means a Laplace prior set from the data
        in ``fit`` and stored as ``prior_``: ``Laplace(b_j)``, ``b_j = tau / (sqrt(2) s_j)`` with
        ``s_j`` the sd of column ``j`` (the same prior on every column in units of its sd, so
        rescaling a column does not change the fit) and ``tau`` chosen by empirical Bayes, the
        type-II maximum likelihood of the Gaussian prior ``N(0, tau^2 / s_j^2)``
        (:func:`bayesreg.choose_prior_scale`, closed form and deterministic); the Laplace prior has
        that Gaussian's variance. (The Laplace family's own Monte Carlo EM gives nearly the same
        scale on the diabetes data but takes seconds and is random.) When the evidence grows as
        ``tau -> 0`` (no linear signal) the coefficients are 0 and an ``EmptyMAPWarning`` says so.
        A fixed scale such as ``Laplace(1.0)`` is in the units of the coefficients (target units
        per feature unit): on the diabetes data it leaves every coefficient 0.
    sigma : float, "estimate", "jeffreys", "default", InverseGammaPrior or None, default="estimate"
        Noise sd, the vocabulary of :mod:`bayesreg.noise`. ``"estimate"`` (the default) fixes it at
        a plug-in value from the training data (least-squares residual sd, or a cross-validated
        lasso's when ``p >= n - 1``), so the MAP is exactly the penalised fit at that sigma; a
        positive number fixes it at that value; a prior (``None`` = ``"jeffreys"``,
        ``"default"``, an InverseGammaPrior) estimates it with the coefficients. Where the joint
        mode does not exist (``p >= n - 1``, a Laplace / Gaussian / elastic-net prior and
        Jeffreys' prior or a prior on sigma itself: the fit can interpolate ``y``) ``fit`` raises
        the ValueError of :func:`bayesreg.map_estimate`, naming what works.
    inference : {"map", "posterior"}, default="map"
    fit_intercept : bool, default=True
        Fit an unpenalised (flat-prior) intercept.
    sampler : {"auto", "exact", "gibbs", "nuts", "nutpie"}, default="auto"
        Posterior sampler. ``"auto"``: exact draws for a Gaussian prior with fixed sigma, else
        :func:`bayesreg.sample_posterior`'s choice.
    draws, tune, chains : int, default=1000, 1000, 2
        Draws per chain, tuning steps, chains (posterior only).
    random_seed : int, optional
        Seed of the sampler (needed for reproducible posterior fits).
    progressbar : bool, default=False
    tol : float, default=1e-8
        MAP only: coordinate descent stops at a duality gap of ``tol * ||y_c||^2 / n`` (the
        certificate of :func:`bayesreg.map_estimate`; scikit-learn's ``Lasso`` rule).
    max_iter : int, default=100000
        MAP only: maximum coordinate-descent sweeps.
    intercept_prior : None, NormalIntercept or (mu, s), default=None
        Prior on the intercept: flat (``None``, the unpenalised intercept of scikit-learn's
        linear models) or normal ``N(mu, s^2)`` (:class:`bayesreg.NormalIntercept`).

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
        MAP or posterior-mean coefficients.
    intercept_ : float
        MAP or posterior-mean intercept (0.0 with ``fit_intercept=False``).
    sigma_ : float
        The fixed sigma, its MAP, or its posterior mean.
    prior_ : prior
        The prior used: ``prior``, or the one set from the data when ``prior=None``.
    idata_ : arviz.InferenceData or xarray.DataTree
        The posterior draws (``inference="posterior"`` only). The pointwise log-likelihood is stored
        under ``sample_posterior``'s ``log_likelihood="auto"`` rule (only up to a stated size;
        :func:`bayesreg.add_log_likelihood` adds it later, then ``az.loo``).
    map_result_ : MAPResult
        The exact MAP result with its certificate (``inference="map"`` only).
    n_iter_ : int
        MAP: coordinate-descent sweeps (1 for the closed-form ridge); posterior: iterations per
        chain (tuning plus draws; the draws for exact sampling).
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Column names, when ``X`` was a DataFrame with string column names.

    Examples
    --------
    >>> import numpy as np
    >>> from bayesreg import BayesianRegression, Laplace
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(50, 3)); y = X @ [1.0, 0.0, -2.0] + rng.normal(size=50)
    >>> est = BayesianRegression(prior=Laplace(0.05), sigma=1.0).fit(X, y)
    >>> est.coef_.shape
    (3,)
    """

    def __init__(
        self,
        prior=None,
        sigma="estimate",
        inference="map",
        fit_intercept=True,
        sampler="auto",
        draws=1000,
        tune=1000,
        chains=2,
        random_seed=None,
        progressbar=False,
        tol=1e-8,
        max_iter=100_000,
        intercept_prior=None,
    ):
        self.prior = prior
        self.sigma = sigma
        self.inference = inference
        self.fit_intercept = fit_intercept
        self.sampler = sampler
        self.draws = draws
        self.tune = tune
        self.chains = chains
        self.random_seed = random_seed
        self.progressbar = progressbar
        self.tol = tol
        self.max_iter = max_iter
        self.intercept_prior = intercept_prior

    # ---------------------------------------------------------------------------------------

    def set_params(self, **params):
        """Set parameters; ``prior__<name>`` replaces the prior by a new one with that field changed.

        scikit-learn sets nested parameters in place, but priors are immutable (and the one a user
        passed in is never modified): ``prior__scale=3.0`` builds ``replace(prior, scale=3.0)``,
        so ``GridSearchCV(est, {"prior__scale": [...]})`` works.

        Returns
        -------
        self
        """
        return _set_prior_params(self, Laplace(1.0), params)

    def _checked_params(self):
        """Validate the constructor parameters (before any data or PyMC work); ``prior`` None stays None."""
        prior = self.prior
        if prior is not None:
            check_prior(prior)
        sigma = parse_sigma(self.sigma)
        check_choice(self.inference, "inference", ("map", "posterior"))
        check_choice(self.sampler, "sampler", SAMPLER_NAMES)
        if not isinstance(self.fit_intercept, bool | np.bool_):
            raise TypeError(f"fit_intercept must be True or False; got {self.fit_intercept!r}")
        if not isinstance(self.progressbar, bool | np.bool_):
            raise TypeError(f"progressbar must be True or False; got {self.progressbar!r}")
        check_scalar(self.draws, "draws", lower=1, integer=True)
        check_scalar(self.tune, "tune", lower=0, integer=True)
        check_scalar(self.chains, "chains", lower=1, integer=True)
        check_positive(self.tol, "tol")
        check_scalar(self.max_iter, "max_iter", lower=1, integer=True)
        if self.inference == "map" and prior is not None and not prior.has_mode:
            raise ValueError(f"{prior.map_obstacle()[1]}; with this estimator use inference='posterior'")
        from .intercept import parse_intercept_prior

        parse_intercept_prior(self.intercept_prior, bool(self.fit_intercept))
        return prior, sigma

    def fit(self, X, y):
        """Fit the MAP or sample the posterior.

        Parameters
        ----------
        X : array_like or pandas.DataFrame of shape (n_samples, n_features)
        y : array_like of shape (n_samples,)

        Returns
        -------
        self
        """
        from .design import prepare_data

        prior, sigma_spec = self._checked_params()
        check_numeric_columns(X, "X")
        X, y = validate_data(self, X, y, y_numeric=True, dtype=np.float64)
        names = [str(c) for c in self.feature_names_in_] if hasattr(self, "feature_names_in_") else None
        data = prepare_data(X, y, fit_intercept=bool(self.fit_intercept), feature_names=names)
        # resolved once here ("estimate" computes its plug-in value), then passed on as a value
        noise = sigma_spec.resolve(data.y_var, data.X, data.y)
        sigma = noise.argument
        no_signal = False
        if prior is None:
            prior, no_signal = _default_linear_prior(X, y, data.fit_intercept, noise.value if noise.fixed else None)
        self.prior_ = prior
        if no_signal:
            from ._warnings import warn
            from .exceptions import EmptyMAPWarning

            warn("BayesianRegression with the default prior (prior=None): empirical Bayes finds no linear "
                          "signal in these data (the marginal likelihood grows as the prior scale -> 0), so the "
                          "prior set from the data is concentrated at 0 and every fitted coefficient is 0 (or "
                          "nearly); pass a prior (e.g. prior=Laplace(b)) to fit coefficients anyway",
                          EmptyMAPWarning)  # fmt: skip
        for attr in ("idata_", "posterior_", "map_result_"):
            if hasattr(self, attr):
                delattr(self, attr)
        if self.inference == "map":
            from .exceptions import EmptyMAPWarning
            from .inference import map_estimate

            # the prepared design goes in as it is: no second validation
            with warnings.catch_warnings():
                if no_signal:  # said above, once, with the advice that fits the default
                    warnings.simplefilter("ignore", EmptyMAPWarning)
                res = map_estimate(data, None, prior, sigma=sigma, fit_intercept=data.fit_intercept,
                                   tol=float(self.tol), max_iter=int(self.max_iter),
                                   intercept_prior=self.intercept_prior)  # fmt: skip
            self.map_result_ = res
            self.coef_ = np.array(res.coef, dtype=np.float64)
            self.intercept_ = float(res.intercept)
            self.sigma_ = float(res.sigma)
            self.n_iter_ = max(1, int(res.n_iter))
            return self
        from .sampling import ExactSampler, resolve_sampler

        seed = self.random_seed
        chosen = resolve_sampler(self.sampler, prior, noise, data, tune=int(self.tune))
        if isinstance(chosen, ExactSampler):
            from .conjugate import exact_posterior

            # the closed form is kept too (posterior_): predict(return_std=True) uses it exactly
            post = exact_posterior(data, None, prior, sigma=sigma, fit_intercept=data.fit_intercept,
                                   intercept_prior=self.intercept_prior)  # fmt: skip
            self.posterior_ = post
            self.idata_ = post.sample(draws=int(self.draws), chains=int(self.chains), random_seed=seed)
            self.coef_ = np.array(post.mean)
            self.intercept_ = float(post.intercept_mean)
            self.sigma_ = sigma
            self.n_iter_ = int(self.draws)
            return self
        from .intercept import parse_intercept_prior

        idata = chosen.run(data, prior, noise, draws=int(self.draws), chains=int(self.chains), random_seed=seed,
                           progressbar=bool(self.progressbar), log_likelihood="auto",
                           intercept_prior=parse_intercept_prior(self.intercept_prior, data.fit_intercept))  # fmt: skip
        self.idata_ = idata
        post = idata.posterior
        self.coef_ = post["beta"].values.reshape(-1, X.shape[1]).mean(axis=0)
        self.intercept_ = float(post["intercept"].values.mean()) if "intercept" in post else 0.0
        self.sigma_ = float(post["sigma"].values.mean()) if "sigma" in post else float(sigma)
        self.n_iter_ = int(self.tune) + int(self.draws)
        return self

    def predict(self, X, return_std=False):
        """Predict with the MAP or the posterior mean; optionally the posterior predictive sd.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
        return_std : bool, default=False
            Also return the sd of the posterior predictive distribution of a new observation
            (uncertainty of ``b0 + x^T beta`` plus the noise, with ``sigma`` integrated over its
            posterior when it is free). Needs ``inference="posterior"``.

        Returns
        -------
        y_mean : ndarray of shape (n_samples,)
        y_std : ndarray of shape (n_samples,), only when ``return_std``
        """
        check_is_fitted(self)
        if return_std and not hasattr(self, "idata_"):
            raise ValueError(
                "return_std=True needs a posterior, and this estimator holds a point estimate "
                "(inference='map'); refit with inference='posterior'"
            )
        check_numeric_columns(X, "X")
        X = validate_data(self, X, reset=False, dtype=np.float64)
        mean = X @ self.coef_ + self.intercept_
        if not return_std:
            return mean
        if hasattr(self, "posterior_"):
            return self.posterior_.predict(X, return_std=True)
        beta, b0 = _coefficient_draws(self.idata_, X.shape[1])
        m = beta.shape[0]
        post = self.idata_.posterior
        s2 = (post["sigma"].values.reshape(-1) ** 2).mean() if "sigma" in post else self.sigma_**2
        var = np.empty(X.shape[0])
        step = max(1, int(2**24 // max(m, 1)))  # rows per block: at most ~16M draws of f in memory
        for i in range(0, X.shape[0], step):
            f = X[i : i + step] @ beta.T + b0  # (rows, draws)
            var[i : i + step] = f.var(axis=1)
        return mean, np.sqrt(var + s2)

    def predict_interval(self, X, level=0.95):
        """Equal-tailed posterior predictive interval of a new observation at each row.

        The interval holds a new ``y = b0 + x^T beta + noise`` with probability ``level`` under
        the posterior predictive distribution: the coefficients' uncertainty and the noise, with
        ``sigma`` integrated over its posterior when it is free. With the closed-form posterior
        (Gaussian prior, fixed sigma) it is exact: ``mean +- z sd`` of a normal. From draws, it
        is the quantiles of the mixture of normals ``N(b0_d + x^T beta_d, sigma_d^2)`` over the
        draws, computed exactly for that mixture (no further simulation).

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
        level : float, default=0.95
            Probability in (0, 1).

        Returns
        -------
        ndarray of shape (n_samples, 2)
            Lower and upper ends.
        """
        from scipy.stats import norm

        level = check_scalar(level, "level", lower=0.0, upper=1.0, lower_inclusive=False, upper_inclusive=False)
        check_is_fitted(self)
        if not hasattr(self, "idata_"):
            raise ValueError(
                "predict_interval needs a posterior, and this estimator holds a point estimate (inference='map'); "
                "refit with inference='posterior'"
            )
        check_numeric_columns(X, "X")
        X = validate_data(self, X, reset=False, dtype=np.float64)
        probs = (0.5 * (1.0 - level), 0.5 * (1.0 + level))
        if hasattr(self, "posterior_"):
            mean, sd = self.posterior_.predict(X, return_std=True)
            z = norm.ppf(probs[1])
            return np.column_stack([mean - z * sd, mean + z * sd])
        from ._posterior import normal_mixture_quantiles

        beta, b0 = _coefficient_draws(self.idata_, X.shape[1])
        m = beta.shape[0]
        post = self.idata_.posterior
        s = post["sigma"].values.reshape(-1) if "sigma" in post else np.full(m, float(self.sigma_))
        out = np.empty((X.shape[0], 2))
        step = max(1, int(2**22 // max(m, 1)))
        for i in range(0, X.shape[0], step):
            out[i : i + step] = normal_mixture_quantiles(X[i : i + step] @ beta.T + b0, s, probs)
        return out


# ------------------------------------------------------------------------------------------------
# generalised linear models: logistic (binary classification) and Poisson (counts)
# ------------------------------------------------------------------------------------------------


def _log_mean_exp(a, axis):
    """``log(mean(exp(a), axis))`` without overflow or underflow."""
    from scipy.special import logsumexp

    return logsumexp(a, axis=axis) - np.log(a.shape[axis])


_LOG_MAX = float(np.log(np.finfo(np.float64).max))


def _warn_rate_overflow(log_rate, where: str) -> None:
    """Warn (never silently return ``inf``) when a Poisson rate ``exp(log_rate)`` overflows float64."""
    over = np.flatnonzero(~(np.asarray(log_rate) <= _LOG_MAX))
    if over.size:
        shown = ", ".join(f"{int(i)} ({float(log_rate[i]):.6g})" for i in over[:5]) + (", ..." if over.size > 5 else "")
        from ._warnings import warn
        from .exceptions import RateOverflowWarning

        warn(
            f"{where}: the rate exp(b0 + x^T beta) overflows float64 at {over.size} row(s) and is returned as inf: "
            f"rows (log-rate) {shown}; float64 holds rates up to exp({_LOG_MAX:.2f}) = 1.8e308. The rows are far "
            "outside the training data on the scale of the coefficients",
            RateOverflowWarning,
        )


class _BayesianGLM(BaseEstimator):
    """Shared parameters, validation and fitting of the GLM estimators (not public)."""

    _family = "bernoulli"

    def __init__(
        self,
        prior=None,
        inference="map",
        fit_intercept=True,
        sampler="auto",
        draws=1000,
        tune=1000,
        chains=2,
        random_seed=None,
        progressbar=False,
        tol=1e-10,
        max_iter=100,
        intercept_prior=None,
    ):
        self.prior = prior
        self.inference = inference
        self.fit_intercept = fit_intercept
        self.sampler = sampler
        self.draws = draws
        self.tune = tune
        self.chains = chains
        self.random_seed = random_seed
        self.progressbar = progressbar
        self.tol = tol
        self.max_iter = max_iter
        self.intercept_prior = intercept_prior

    def set_params(self, **params):
        """Set parameters; ``prior__<name>`` replaces the prior by a new one with that field changed.

        Priors are immutable (and the one a user passed in is never modified):
        ``prior__scale=3.0`` builds ``dataclasses.replace(prior, scale=3.0)``, so
        ``GridSearchCV(est, {"prior__scale": [...]})`` works.

        Returns
        -------
        self
        """
        return _set_prior_params(self, Gaussian(GLM_DEFAULT_SCALE), params)

    def _checked_params(self):
        """Validate the constructor parameters (before any data or PyMC work); ``prior`` None stays None."""
        prior = self.prior
        if prior is not None:
            check_prior(prior)
        check_choice(self.inference, "inference", ("map", "posterior"))
        check_choice(self.sampler, "sampler", SAMPLER_NAMES)
        if not isinstance(self.fit_intercept, bool | np.bool_):
            raise TypeError(f"fit_intercept must be True or False; got {self.fit_intercept!r}")
        if not isinstance(self.progressbar, bool | np.bool_):
            raise TypeError(f"progressbar must be True or False; got {self.progressbar!r}")
        check_scalar(self.draws, "draws", lower=1, integer=True)
        check_scalar(self.tune, "tune", lower=0, integer=True)
        check_scalar(self.chains, "chains", lower=1, integer=True)
        check_positive(self.tol, "tol")
        check_scalar(self.max_iter, "max_iter", lower=1, integer=True)
        if self.inference == "map" and prior is not None and not prior.has_mode:
            raise ValueError(f"{prior.map_obstacle()[1]}; with this estimator use inference='posterior'")
        if self.inference == "posterior" and self.sampler == "exact":
            raise ValueError(
                f"sampler='exact' does not apply: the {self._family} likelihood has no closed-form posterior "
                "(use 'auto', 'gibbs', 'nuts' or 'nutpie')"
            )
        from .intercept import parse_intercept_prior

        parse_intercept_prior(self.intercept_prior, bool(self.fit_intercept))
        return prior

    def _fit_glm(self, X, y, prior):
        """Fit the MAP or sample the posterior of the family on validated float64 ``(X, y)``.

        ``y`` is checked by the family (:meth:`bayesreg.families.Family.validate_y`, naming ``y``)
        inside :func:`bayesreg.prepare_data`, before any solver or sampler runs.
        """
        from .design import prepare_data

        names = [str(c) for c in self.feature_names_in_] if hasattr(self, "feature_names_in_") else None
        from .families import check_glm_arguments

        data = prepare_data(X, y, fit_intercept=bool(self.fit_intercept), feature_names=names, family=self._family)
        if prior is None:
            # weakly informative and scale-free: N(0, (2.5 / s_j)^2) per coefficient (GLM_DEFAULT_SCALE)
            prior = Gaussian(GLM_DEFAULT_SCALE / _column_spread(X, data.fit_intercept))
        self.prior_ = prior
        check_glm_arguments(data, prior)  # e.g. ParkCasella, scaled by a sigma this model has not
        for attr in ("idata_", "map_result_"):
            if hasattr(self, attr):
                delattr(self, attr)
        if self.inference == "map":
            from .inference import map_estimate

            res = map_estimate(data, None, prior, family=self._family, fit_intercept=data.fit_intercept,
                               tol=float(self.tol), max_iter=int(self.max_iter),
                               intercept_prior=self.intercept_prior)  # fmt: skip
            self.map_result_ = res
            self.n_iter_ = max(1, int(res.n_iter))
            return np.array(res.coef, dtype=np.float64), float(res.intercept)
        from .inference import sample_posterior

        idata = sample_posterior(data, None, prior, family=self._family, sampler=self.sampler, draws=int(self.draws),
                                 tune=int(self.tune), chains=int(self.chains), random_seed=self.random_seed,
                                 progressbar=bool(self.progressbar), fit_intercept=data.fit_intercept,
                                 log_likelihood="auto", intercept_prior=self.intercept_prior)  # fmt: skip
        self.idata_ = idata
        beta, b0 = _coefficient_draws(self.idata_, X.shape[1])
        self.n_iter_ = int(self.tune) + int(self.draws)
        return beta.mean(axis=0), float(b0.mean())

    def _over_draws(self, X, fn, width):
        """``fn(eta)`` row block by row block, ``eta`` of shape (rows, draws); returns (n, width)."""
        beta, b0 = _coefficient_draws(self.idata_, X.shape[1])
        m = beta.shape[0]
        out = np.empty((X.shape[0], width))
        step = max(1, int(2**22 // max(m, 1)))  # rows per block: at most ~4M linear predictors in memory
        for i in range(0, X.shape[0], step):
            out[i : i + step] = fn(X[i : i + step] @ beta.T + b0)
        return out

    def _validated_X(self, X):
        check_is_fitted(self)
        check_numeric_columns(X, "X")
        return validate_data(self, X, reset=False, dtype=np.float64)

    def _require_draws(self, what: str) -> None:
        """Refuse a method that needs posterior draws on a MAP fit (before any work)."""
        check_is_fitted(self)
        if not hasattr(self, "idata_"):
            raise ValueError(
                f"{what} needs posterior draws, and this estimator holds a point estimate (inference='map', the "
                "posterior mode, with no uncertainty); refit with inference='posterior'"
            )

    def _central_over_draws(self, X, level, transform):
        """Central ``level`` interval over the draws of ``transform(eta)`` (monotone increasing), row by row."""
        level = check_scalar(level, "level", lower=0.0, upper=1.0, lower_inclusive=False, upper_inclusive=False)
        self._require_draws("predict_interval")
        X = self._validated_X(X)
        probs = (0.5 * (1.0 - level), 0.5 * (1.0 + level))
        # quantiles of eta, then the transform: exact for a monotone transform (no interpolation of
        # the transformed values, whose curvature would bias it), and no overflow before the end
        return self._over_draws(X, lambda eta: transform(np.quantile(eta, probs, axis=1).T), 2)


class BayesianLogisticRegression(ClassifierMixin, _BayesianGLM):
    r"""Bayesian logistic regression (binary classification) with a Gaussian, Laplace, elastic-net or horseshoe prior.

    Model: :math:`y_i \sim \mathrm{Bernoulli}(\operatorname{expit}(\eta_i))`,
    :math:`\eta_i = b_0 + x_i^\top\beta`, a flat prior on the intercept :math:`b_0` (unpenalised)
    and ``prior`` on :math:`\beta`. The two classes may have any label type (strings, integers,
    booleans); ``classes_`` holds them sorted (``numpy.unique``, as scikit-learn does) and the
    second is the "positive" class, coded 1.

    **inference="map"** returns the posterior mode, which minimises (exactly: proximal Newton
    certified by the duality gap, :func:`bayesreg.map_estimate` with ``family="bernoulli"``)

    .. math::

        \sum_i \bigl[\log(1 + e^{\eta_i}) - y_i\eta_i\bigr] - \log p(\beta).

    That is scikit-learn's ``LogisticRegression`` objective
    :math:`C\sum_i \mathrm{logloss}_i + \mathrm{pen}(\beta)` divided by :math:`C`, with

    - ``Gaussian(tau)``: L2, :math:`C = \tau^2`. The default ``Gaussian(1.0)`` is therefore
      scikit-learn's default ``LogisticRegression()`` (L2, ``C=1``, unpenalised intercept);
    - ``Laplace(b)``: L1, :math:`C = b`;
    - ``ElasticNetPrior(b, tau)``: elastic net with :math:`1/C = 1/b + 1/\tau^2` and
      ``l1_ratio = (1/b) / (1/b + 1/tau^2)``.

    :func:`bayesreg.mapping.to_sklearn_glm` builds that twin.

    **inference="posterior"** samples the posterior (``sampler="auto"``: Polya-Gamma Gibbs for
    the Gaussian, Laplace and horseshoe priors, NUTS for the elastic-net prior) and
    ``predict_proba`` returns the posterior predictive probability
    :math:`P(y = 1 \mid x, \mathcal D) = \frac1M\sum_d \operatorname{expit}(b_{0,d} + x^\top\beta_d)`,
    the average of the sigmoid over the draws (not the sigmoid of the average).

    ``decision_function`` is the log-odds of ``predict_proba``'s positive class: the linear
    predictor :math:`\hat b_0 + x^\top\hat\beta` at the MAP, and
    :math:`\log\frac{P(y=1\mid x,\mathcal D)}{P(y=0\mid x,\mathcal D)}` for a posterior fit (so
    ``predict`` = the class with the larger predictive probability, and the three methods rank
    rows alike). The posterior-mean linear predictor is ``X @ coef_.ravel() + intercept_``.

    Binary only: more than two classes is a ValueError.

    Parameters
    ----------
    prior : Gaussian, Laplace, ElasticNetPrior or Horseshoe, default=None
        Prior on the coefficients. ``None`` (the default) means ``Gaussian(2.5 / s_j)``, ``s_j``
        the sd of column ``j``, set in ``fit`` and stored as ``prior_``: a weakly informative
        prior of sd 2.5 on the log-odds per sd of each feature (rstanarm's default, Gelman et
        al. 2008), so rescaling a column rescales its coefficient and leaves the fit unchanged
        (a fixed ``Gaussian(1.0)``, scikit-learn's ``LogisticRegression()``, is in the units of
        the features). The horseshoe has no MAP: use it with
        ``inference="posterior"``. ``ParkCasella`` is scaled by a noise sd that this model does
        not have (use ``Laplace(1/lam)``).
    inference : {"map", "posterior"}, default="map"
    fit_intercept : bool, default=True
        Fit an unpenalised (flat-prior) intercept.
    sampler : {"auto", "gibbs", "nuts", "nutpie"}, default="auto"
        Posterior sampler (:func:`bayesreg.sample_posterior`); ``"exact"`` does not apply.
    draws, tune, chains : int, default=1000, 1000, 2
        Draws per chain, tuning steps, chains (posterior only).
    random_seed : int, optional
        Seed of the sampler (needed for reproducible posterior fits).
    progressbar : bool, default=False
    tol : float, default=1e-10
        MAP only: the solver stops at a duality gap of ``tol`` times the intercept-only model's
        loss (the gap bounds the objective's distance to the optimum).
    max_iter : int, default=100
        MAP only: maximum proximal Newton iterations.
    intercept_prior : None, NormalIntercept or (mu, s), default=None
        Prior on the intercept: flat (``None``) or normal ``N(mu, s^2)``
        (:class:`bayesreg.NormalIntercept`), honoured by the MAP (a term of the solver's objective
        and certificate) and by every sampler.

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
        The two labels, sorted; ``classes_[1]`` is the positive class.
    prior_ : prior
        The prior used: ``prior``, or ``Gaussian(2.5 / s_j)`` when ``prior=None``.
    coef_ : ndarray of shape (1, n_features)
        MAP or posterior-mean coefficients (the shape of scikit-learn's binary
        ``LogisticRegression.coef_``).
    intercept_ : ndarray of shape (1,)
        MAP or posterior-mean intercept (0.0 with ``fit_intercept=False``).
    idata_ : arviz.InferenceData or xarray.DataTree
        The posterior draws (``inference="posterior"`` only), the pointwise log-likelihood under
        ``sample_posterior``'s ``log_likelihood="auto"`` rule (:func:`bayesreg.add_log_likelihood`).
    map_result_ : MAPResult
        The exact MAP with its duality-gap certificate (``inference="map"`` only).
    n_iter_ : int
        MAP: proximal Newton iterations; posterior: iterations per chain (tuning plus draws).
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Column names, when ``X`` was a DataFrame with string column names.

    Examples
    --------
    >>> import numpy as np
    >>> from bayesreg import BayesianLogisticRegression
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(100, 2))
    >>> y = np.where(X[:, 0] + rng.logistic(size=100) > 0, "yes", "no")
    >>> clf = BayesianLogisticRegression().fit(X, y)
    >>> clf.classes_.tolist(), clf.coef_.shape
    (['no', 'yes'], (1, 2))
    """

    _family = "bernoulli"

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False  # binary only: a ValueError for 3+ classes
        return tags

    def fit(self, X, y):
        """Fit the MAP or sample the posterior.

        Parameters
        ----------
        X : array_like or pandas.DataFrame of shape (n_samples, n_features)
        y : array_like of shape (n_samples,)
            Two classes of any label type.

        Returns
        -------
        self
        """
        from sklearn.utils.multiclass import check_classification_targets, type_of_target

        prior = self._checked_params()
        check_numeric_columns(X, "X")
        X, y = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(y)  # "Unknown label type" for a continuous y
        classes, codes = np.unique(y, return_inverse=True)
        if classes.size != 2:
            shown = ", ".join(repr(c) for c in classes[:5].tolist()) + (", ..." if classes.size > 5 else "")
            kind = type_of_target(y, input_name="y")
            head = "Only binary classification is supported" if kind != "binary" else "Need two classes"
            raise ValueError(
                f"{head}. y has {classes.size} class(es) ({shown}; target type {kind!r}); "
                f"{type(self).__name__} is a binary classifier and needs exactly two classes"
            )
        self.classes_ = classes
        coef, intercept = self._fit_glm(X, codes.astype(np.float64), prior)
        self.coef_ = coef.reshape(1, -1)
        self.intercept_ = np.array([intercept])
        return self

    def _log_proba(self, X):
        """``(log P(y=0), log P(y=1))`` per row, at the MAP or over the posterior draws."""
        if hasattr(self, "idata_"):

            def both(eta):
                # log mean_d expit(+-eta_d); -logaddexp(0, -eta) = log expit(eta), stably
                return np.column_stack([_log_mean_exp(-np.logaddexp(0.0, eta), axis=1),
                                        _log_mean_exp(-np.logaddexp(0.0, -eta), axis=1)])  # fmt: skip

            return self._over_draws(X, both, 2)
        eta = X @ self.coef_[0] + self.intercept_[0]
        return np.column_stack([-np.logaddexp(0.0, eta), -np.logaddexp(0.0, -eta)])

    def decision_function(self, X):
        """Log-odds of the positive class ``classes_[1]``.

        At the MAP the linear predictor ``b0 + x^T beta``; for a posterior fit the log-odds of
        the posterior predictive probability (see the class docstring).

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        X = self._validated_X(X)
        if hasattr(self, "idata_"):
            lp = self._log_proba(X)
            return lp[:, 1] - lp[:, 0]
        return X @ self.coef_[0] + self.intercept_[0]

    def predict(self, X):
        """The class with the larger (posterior predictive) probability.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
            Labels from ``classes_`` (``classes_[0]`` on an exact tie).
        """
        positive = self.decision_function(X) > 0.0  # checks the fit first
        return self.classes_[positive.astype(np.intp)]

    def predict_interval(self, X, level=0.95):
        r"""Central credible interval of the probability ``P(y = classes_[1] | x)`` at each row.

        The posterior of the probability :math:`\operatorname{expit}(b_0 + x^\top\beta)` of the
        positive class is summarised by its ``(1 - level)/2`` and ``(1 + level)/2`` quantiles over
        the posterior draws (NumPy's default, linearly interpolated quantiles of the linear
        predictor, mapped through the sigmoid, which is increasing). ``predict_proba``'s value,
        the posterior mean of that probability, lies between them up to the draws' quantile
        interpolation. A predictive interval of a 0/1 outcome would be {0, 1}; this is the
        uncertainty of the probability. Needs ``inference="posterior"``.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
        level : float, default=0.95
            Probability in (0, 1).

        Returns
        -------
        ndarray of shape (n_samples, 2)
            Lower and upper ends, in [0, 1].
        """
        from scipy.special import expit

        return self._central_over_draws(X, level, expit)

    def predict_log_proba(self, X):
        """Log of :meth:`predict_proba`, computed without forming the probabilities.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, 2)
            Columns in the order of ``classes_``.
        """
        return self._log_proba(self._validated_X(X))

    def predict_proba(self, X):
        """Class probabilities: the sigmoid at the MAP, or averaged over the posterior draws.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, 2)
            Columns in the order of ``classes_``; rows sum to 1.
        """
        return np.exp(self.predict_log_proba(X))


class BayesianPoissonRegressor(RegressorMixin, _BayesianGLM):
    r"""Bayesian Poisson regression (counts) with a Gaussian, Laplace, elastic-net or horseshoe prior.

    Model: :math:`y_i \sim \mathrm{Poisson}(e^{\eta_i})`, :math:`\eta_i = b_0 + x_i^\top\beta`
    (log link), a flat prior on the intercept and ``prior`` on :math:`\beta`. ``y`` must hold
    non-negative integer counts, not all zero (a ValueError naming ``y`` otherwise).

    **inference="map"** returns the posterior mode, minimising exactly (proximal Newton
    certified by the duality gap)

    .. math::

        \sum_i \bigl[e^{\eta_i} - y_i\eta_i\bigr] - \log p(\beta).

    Divided by ``n``, with ``Gaussian(tau)`` that is scikit-learn's ``PoissonRegressor``
    objective :math:`\frac{1}{2n}\sum_i \mathrm{deviance}_i + \frac\alpha2\lVert\beta\rVert^2` at

    .. math::

        \alpha = \frac{1}{n\tau^2},

    so the mapping depends on ``n``: scikit-learn's default ``alpha=1`` is ``tau = 1/sqrt(n)``.
    The default here, ``Gaussian(2.5 / s_j)`` (``s_j`` the sd of column ``j``), is a weakly
    informative prior that does not change with the data size and is the same on every column in
    units of its sd. scikit-learn has no L1 Poisson regression; ``Laplace(b)`` is the L1
    penalty ``||beta||_1 / b`` on the summed loss.

    **inference="posterior"** samples the posterior (NUTS: ``sampler="auto"``), and ``predict``
    returns the posterior mean of the rate, :math:`\frac1M\sum_d e^{b_{0,d} + x^\top\beta_d}`
    (the posterior predictive mean count), not :math:`e^{\text{mean}\,\eta}`.

    ``score`` is :math:`D^2`, the fraction of Poisson deviance explained (as
    ``PoissonRegressor.score``), not :math:`R^2`.

    Parameters
    ----------
    prior : Gaussian, Laplace, ElasticNetPrior or Horseshoe, default=None
        Prior on the coefficients. ``None`` (the default) means ``Gaussian(2.5 / s_j)``, ``s_j``
        the sd of column ``j``, set in ``fit`` and stored as ``prior_``: sd 2.5 on the log rate per
        sd of each feature (rstanarm's default). The horseshoe has no MAP: use it with
        ``inference="posterior"``.
    inference : {"map", "posterior"}, default="map"
    fit_intercept : bool, default=True
        Fit an unpenalised (flat-prior) intercept.
    sampler : {"auto", "nuts", "nutpie"}, default="auto"
        Posterior sampler (:func:`bayesreg.sample_posterior`); Poisson regression is sampled
        by NUTS (no Gibbs sampler, no closed form).
    draws, tune, chains : int, default=1000, 1000, 2
        Draws per chain, tuning steps, chains (posterior only).
    random_seed : int, optional
        Seed of the sampler (needed for reproducible posterior fits).
    progressbar : bool, default=False
    tol : float, default=1e-10
        MAP only: the solver stops at a duality gap of ``tol`` times the intercept-only model's
        loss.
    max_iter : int, default=100
        MAP only: maximum proximal Newton iterations.
    intercept_prior : None, NormalIntercept or (mu, s), default=None
        Prior on the intercept: flat (``None``) or normal ``N(mu, s^2)``
        (:class:`bayesreg.NormalIntercept`), honoured by the MAP (a term of the solver's objective
        and certificate) and by every sampler.

    Attributes
    ----------
    prior_ : prior
        The prior used: ``prior``, or ``Gaussian(2.5 / s_j)`` when ``prior=None``.
    coef_ : ndarray of shape (n_features,)
        MAP or posterior-mean coefficients.
    intercept_ : float
        MAP or posterior-mean intercept (0.0 with ``fit_intercept=False``).
    idata_ : arviz.InferenceData or xarray.DataTree
        The posterior draws (``inference="posterior"`` only), the pointwise log-likelihood under
        ``sample_posterior``'s ``log_likelihood="auto"`` rule (:func:`bayesreg.add_log_likelihood`).
    map_result_ : MAPResult
        The exact MAP with its duality-gap certificate (``inference="map"`` only).
    n_iter_ : int
        MAP: proximal Newton iterations; posterior: iterations per chain (tuning plus draws).
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Column names, when ``X`` was a DataFrame with string column names.

    Examples
    --------
    >>> import numpy as np
    >>> from bayesreg import BayesianPoissonRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(100, 2))
    >>> y = rng.poisson(np.exp(0.5 + 0.3 * X[:, 0]))
    >>> BayesianPoissonRegressor().fit(X, y).coef_.shape
    (2,)
    """

    _family = "poisson"

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.positive_only = True  # counts: y >= 0 (and integers: see the estimator checks)
        return tags

    def fit(self, X, y):
        """Fit the MAP or sample the posterior.

        Parameters
        ----------
        X : array_like or pandas.DataFrame of shape (n_samples, n_features)
        y : array_like of shape (n_samples,)
            Non-negative integer counts (stored as any numeric type).

        Returns
        -------
        self
        """
        prior = self._checked_params()
        check_numeric_columns(X, "X")
        X, y = validate_data(self, X, y, y_numeric=True, dtype=np.float64)
        coef, intercept = self._fit_glm(X, y, prior)
        self.coef_ = coef
        self.intercept_ = intercept
        return self

    def predict(self, X, return_std=False):
        """Mean count: ``exp(b0 + x^T beta)`` at the MAP, or the posterior mean of the rate.

        A rate beyond float64's range (a log-rate above ``log(1.8e308) = 709.78``) is returned as
        ``inf``, its correctly rounded value, with a :class:`RuntimeWarning` naming the rows and
        their log-rates (never silently).

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
        return_std : bool, default=False
            Also return the sd of the posterior predictive distribution of a new count: by the law
            of total variance, ``sqrt(E[mu] + Var[mu])`` over the posterior draws of the rate
            ``mu = exp(b0 + x^T beta)`` (the Poisson variance ``mu`` averaged, plus the variance of
            the rate across draws, population variance over the draws). Needs
            ``inference="posterior"``.

        Returns
        -------
        y_mean : ndarray of shape (n_samples,)
        y_std : ndarray of shape (n_samples,), only when ``return_std``
        """
        if return_std:
            self._require_draws("return_std=True")
        X = self._validated_X(X)
        if hasattr(self, "idata_"):
            log_rate = self._over_draws(X, lambda eta: _log_mean_exp(eta, axis=1)[:, None], 1)[:, 0]
        else:
            log_rate = X @ self.coef_ + self.intercept_
        _warn_rate_overflow(log_rate, "predict")
        with np.errstate(over="ignore"):  # said just above
            mean = np.exp(log_rate)
        if not return_std:
            return mean

        def moments(eta):
            # E[mu] and E[mu^2] over the draws, from their logs (log E[mu^2] = log mean exp(2 eta))
            return np.column_stack([_log_mean_exp(eta, axis=1), _log_mean_exp(2.0 * eta, axis=1)])

        lm = self._over_draws(X, moments, 2)
        _warn_rate_overflow(0.5 * lm[:, 1], "predict(return_std=True)")
        with np.errstate(over="ignore", invalid="ignore"):
            # Var[mu] = E[mu^2] - E[mu]^2 = E[mu]^2 (exp(log E[mu^2] - 2 log E[mu]) - 1): no cancellation
            # of two large numbers (expm1 of the gap, which Jensen makes >= 0)
            var_mu = np.exp(2.0 * lm[:, 0]) * np.expm1(np.maximum(lm[:, 1] - 2.0 * lm[:, 0], 0.0))
            return mean, np.sqrt(mean + var_mu)

    def predict_interval(self, X, level=0.95, kind="count"):
        """Posterior predictive interval of a new count, or credible interval of the rate, at each row.

        ``kind="count"``: the central interval ``[L, U]`` of the posterior predictive distribution
        of a new count, the equal mixture of ``Poisson(mu_d)`` over the draws ``d`` of the rate:
        ``L`` and ``U`` are its ``(1 - level)/2`` and ``(1 + level)/2`` quantiles (the smallest
        integers where the mixture's CDF reaches them), computed exactly from the mixture's CDF (no
        simulation; :func:`bayesreg._posterior.poisson_mixture_quantiles`). The distribution is
        discrete, so the interval holds a new count with probability at least ``level``.

        ``kind="rate"``: the central credible interval of the rate ``mu = exp(b0 + x^T beta)``,
        its quantiles over the draws (NumPy's default, linearly interpolated quantiles of the
        log-rate, then ``exp``).

        Both need ``inference="posterior"``.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
        level : float, default=0.95
            Probability in (0, 1).
        kind : {"count", "rate"}, default="count"

        Returns
        -------
        ndarray of shape (n_samples, 2)
            Lower and upper ends.
        """
        kind = check_choice(kind, "kind", ("count", "rate"))
        if kind == "rate":
            out = self._central_over_draws(X, level, lambda q: q)
            _warn_rate_overflow(out[:, 1], "predict_interval")
            with np.errstate(over="ignore"):
                return np.exp(out)
        from ._posterior import poisson_mixture_quantiles

        level = check_scalar(level, "level", lower=0.0, upper=1.0, lower_inclusive=False, upper_inclusive=False)
        self._require_draws("predict_interval")
        X = self._validated_X(X)
        probs = (0.5 * (1.0 - level), 0.5 * (1.0 + level))
        _warn_rate_overflow(self._over_draws(X, lambda eta: eta.max(axis=1)[:, None], 1)[:, 0], "predict_interval")
        with np.errstate(over="ignore"):
            return self._over_draws(X, lambda eta: poisson_mixture_quantiles(np.exp(eta), probs), 2)

    def score(self, X, y, sample_weight=None):
        """:math:`D^2`, the fraction of Poisson deviance explained (1 is perfect; it can be negative).

        ``1 - D(y, predict(X)) / D(y, mean(y))`` with the Poisson deviance ``D``
        (:func:`sklearn.metrics.d2_tweedie_score` at ``power=1``), as
        ``sklearn.linear_model.PoissonRegressor.score``.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
        y : array_like of shape (n_samples,)
        sample_weight : array_like of shape (n_samples,), optional

        Returns
        -------
        float
        """
        from sklearn.metrics import d2_tweedie_score

        return float(d2_tweedie_score(y, self.predict(X), sample_weight=sample_weight, power=1))
