r"""A scikit-learn estimator for the Bayesian linear model: the MAP, or the posterior mean.

Thin by design: validate, call :func:`bayesreg.map_estimate`, :func:`bayesreg.exact_posterior` or
:func:`bayesreg.sample_posterior`, store the fitted attributes.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from ._validation import check_choice, check_numeric_columns, check_positive, check_scalar
from .models import check_prior
from .noise import parse_sigma
from .priors import Laplace
from .sampling import SAMPLER_NAMES

__all__ = ["BayesianRegression"]



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
    prior : Laplace, ParkCasella, Gaussian, ElasticNetPrior or Horseshoe, default=None
        Prior on the coefficients; ``None`` means ``Laplace(1.0)``. (The horseshoe has no MAP:
        use it with ``inference="posterior"``.)
    sigma : float, "estimate", "jeffreys", "default", InverseGammaPrior or None, default="estimate"
        Noise sd, the vocabulary of :mod:`bayesreg.noise`. ``"estimate"`` (the default) fixes it at
        a plug-in value from the training data (least-squares residual sd, or a cross-validated
        lasso's when ``p >= n - 1``), so the MAP is exactly the penalised fit at that sigma; a
        positive number fixes it at that value; a prior (``None`` = ``"jeffreys"``,
        ``"default"``, an InverseGammaPrior) estimates it with the coefficients.
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

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
        MAP or posterior-mean coefficients.
    intercept_ : float
        MAP or posterior-mean intercept (0.0 with ``fit_intercept=False``).
    sigma_ : float
        The fixed sigma, its MAP, or its posterior mean.
    idata_ : arviz.InferenceData
        The posterior draws (``inference="posterior"`` only).
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
        import dataclasses

        nested = {k[len("prior__"):]: v for k, v in params.items() if k.startswith("prior__")}
        super().set_params(**{k: v for k, v in params.items() if not k.startswith("prior__")})
        if nested:
            base = Laplace(1.0) if self.prior is None else self.prior
            names = {f.name for f in dataclasses.fields(base)}
            unknown = sorted(set(nested) - names)
            if unknown:
                bad = ", ".join("prior__" + u for u in unknown)
                raise ValueError(
                    f"Invalid parameter(s) {bad} for prior {type(base).__name__}; "
                    f"valid: {', '.join('prior__' + n for n in sorted(names))}"
                )
            self.prior = dataclasses.replace(base, **nested)
        return self

    def _checked_params(self):
        """Validate the constructor parameters (before any data or PyMC work)."""
        prior = Laplace(1.0) if self.prior is None else self.prior
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
        if self.inference == "map" and not prior.has_mode:
            raise ValueError(f"{prior.map_obstacle()[1]}; with this estimator use inference='posterior'")
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
        from .models import prepare_data

        prior, sigma_spec = self._checked_params()
        check_numeric_columns(X, "X")
        X, y = validate_data(self, X, y, y_numeric=True, dtype=np.float64)
        names = [str(c) for c in self.feature_names_in_] if hasattr(self, "feature_names_in_") else None
        data = prepare_data(X, y, fit_intercept=bool(self.fit_intercept), feature_names=names)
        # resolved once here ("estimate" computes its plug-in value), then passed on as a value
        noise = sigma_spec.resolve(data.y_var, data.X, data.y)
        sigma = noise.argument
        for attr in ("idata_", "posterior_", "map_result_"):
            if hasattr(self, attr):
                delattr(self, attr)
        if self.inference == "map":
            from .inference import map_estimate

            # the prepared design goes in as it is: no second validation
            res = map_estimate(data, None, prior, sigma=sigma, fit_intercept=data.fit_intercept, tol=float(self.tol),
                               max_iter=int(self.max_iter))  # fmt: skip
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
            post = exact_posterior(data, None, prior, sigma=sigma, fit_intercept=data.fit_intercept)
            self.posterior_ = post
            self.idata_ = post.sample(draws=int(self.draws), chains=int(self.chains), random_seed=seed)
            self.coef_ = np.array(post.mean)
            self.intercept_ = float(post.intercept_mean)
            self.sigma_ = sigma
            self.n_iter_ = int(self.draws)
            return self
        idata = chosen.run(data, prior, noise, draws=int(self.draws), chains=int(self.chains), random_seed=seed,
                           progressbar=bool(self.progressbar), log_likelihood=True)  # fmt: skip
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
        post = self.idata_.posterior
        beta = post["beta"].values.reshape(-1, X.shape[1])
        m = beta.shape[0]
        b0 = post["intercept"].values.reshape(-1) if "intercept" in post else np.zeros(m)
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

        post = self.idata_.posterior
        beta = post["beta"].values.reshape(-1, X.shape[1])
        m = beta.shape[0]
        b0 = post["intercept"].values.reshape(-1) if "intercept" in post else np.zeros(m)
        s = post["sigma"].values.reshape(-1) if "sigma" in post else np.full(m, float(self.sigma_))
        out = np.empty((X.shape[0], 2))
        step = max(1, int(2**22 // max(m, 1)))
        for i in range(0, X.shape[0], step):
            out[i : i + step] = normal_mixture_quantiles(X[i : i + step] @ beta.T + b0, s, probs)
        return out
