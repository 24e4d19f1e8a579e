"""The regularised horseshoe's Gibbs sampler with sigma sampled, against a conjugate special case (issue 22).

X = 0: the data say nothing about the coefficients, so the joint posterior factorises into the
posterior of sigma and the prior of everything else. Integrating ``beta, lam, c`` and then
``tau`` out of ``p(sigma) p(tau) p(lam) p(c) p(beta | sigma tau, lam, c)`` leaves ``p(sigma)``
(every conditional density integrates to one), and the intercept (flat) integrates to the
centred likelihood with ``n - 1`` degrees of freedom:

    sigma^2 | y ~ IG(a0 + (n - 1)/2, b0 + ||y - ybar||^2 / 2),

while ``tau ~ C+(0, tau0)``, ``c^2 ~ IG(nu/2, nu s^2/2)`` and ``lam_j ~ C+(0, 1)`` keep their priors,
independent of sigma, and ``beta_j | tau, lam, c, sigma ~ N(0, v_j)`` with
``1/v_j = 1/(sigma tau lam_j)^2 + 1/c^2`` (Piironen and Vehtari 2017, eq. 2.8).

Why this case has power where the NUTS comparison at n = 100 (tests/test_rhs.py) has not: an
O(1/n) error in sigma's conditional moves ``E log sigma^2`` by O(1/n) while its posterior sd is
O(1/sqrt(n)); at n = 8 the shift is a fifth of a posterior sd, at n = 100 a fiftieth. A shape
off by ``delta`` in ``sigma^2``'s conditional (``n/2`` for ``(n - 1)/2``, a dropped ``+1/2`` from the
half-Cauchy's auxiliary variable) is a factor ``sigma^-2 delta`` in the joint, so the sampler's
stationary law of sigma^2 is ``IG(a_n + delta, b_n)``: ``E log sigma^2`` moves by
``digamma(a_n + delta) - digamma(a_n)``, written below with its z.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special, stats
from test_gibbs_references import K_SE, _assert_mean, _assert_quantiles, _ess

from bayesreg import InverseGammaPrior
from bayesreg.priors import RegularizedHorseshoe
from bayesreg.samplers.rhs import sample_rhs

PROBS = (0.1, 0.25, 0.5, 0.75, 0.9)


@pytest.mark.parametrize(("fit_intercept", "seed"), [(True, 22), (False, 23)])
def test_sigma_sampled_with_a_flat_likelihood_has_the_conjugate_posterior(fit_intercept, seed):
    # without an intercept: n degrees of freedom and y uncentred (b_n from ||y||^2)
    n, p = 8, 3
    # a noise scale far from 1 (sigma ~ 0.3), where a prior scale that should carry sigma and does not shows
    y = 1.3 + 0.3 * np.random.default_rng(2207).standard_normal(n)
    a0, b0 = 1.5, 0.05
    tau0, s_slab, nu = 0.4, 1.2, 5.0
    prior = RegularizedHorseshoe(global_scale=tau0, slab_scale=s_slab, slab_df=nu)
    post = sample_rhs(np.zeros((n, p)), y, prior, sigma=InverseGammaPrior(a0, b0), fit_intercept=fit_intercept,
                      draws=2500, tune=300, chains=2, random_seed=seed, progressbar=False,
                      check=False).posterior  # fmt: skip
    s2 = post["sigma"].values ** 2
    tau, c, lam, beta = (post[v].values for v in ("tau", "c", "lam_local", "beta"))

    # sigma^2 ~ IG(a_n, b_n), b_n from the centred sum of squares (a sum of squares: no cancellation)
    n_eff, yc = (n - 1, y - y.mean()) if fit_intercept else (n, y)
    a_n = a0 + 0.5 * n_eff
    b_n = b0 + 0.5 * float((yc**2).sum())
    log_mean, log_sd = np.log(b_n) - special.digamma(a_n), np.sqrt(special.polygamma(1, a_n))
    # power: a shape off by 1/2 moves E log sigma^2 by digamma(5.5) - digamma(5) = 0.095 = 0.20 posterior sd
    # (with the intercept; 0.088 = 0.20 sd without);
    # with the ESS of this run (about 3500) that is z ~ 13 > 2 K_SE
    ess = _ess(np.log(s2))
    shift = special.digamma(a_n + 0.5) - special.digamma(a_n)
    assert shift / (log_sd / np.sqrt(ess)) > 2 * K_SE, (shift, ess)
    _assert_mean(np.log(s2), log_mean, log_sd, "log sigma^2")
    _assert_quantiles(s2, stats.invgamma(a_n, scale=b_n).ppf(PROBS), PROBS, "sigma^2")

    # tau = T / sigma keeps its prior C+(0, tau0), independent of sigma; c^2 and lam_j theirs
    _assert_quantiles(tau, stats.halfcauchy(scale=tau0).ppf(PROBS), PROBS, "tau")
    _assert_quantiles(c**2, stats.invgamma(0.5 * nu, scale=0.5 * nu * s_slab**2).ppf(PROBS), PROBS, "c^2")
    _assert_quantiles(lam[..., 1], stats.halfcauchy().ppf(PROBS), PROBS, "lam_1")
    med_s2 = stats.invgamma(a_n, scale=b_n).median()
    both = ((tau <= tau0) & (s2 <= med_s2)).astype(np.float64)
    _assert_mean(both, 0.25, np.sqrt(0.25 * 0.75), "P(tau <= tau0, sigma^2 <= its median)")

    # beta_j given the draw's own scales is N(0, v_j): its standardised value is N(0, 1)
    sigma = np.sqrt(s2)[..., None]
    z = beta * np.sqrt(1.0 / (sigma * tau[..., None] * lam) ** 2 + 1.0 / c[..., None] ** 2)
    _assert_quantiles(z[..., 0], stats.norm.ppf(PROBS), PROBS, "beta_0 / sd(beta_0 | .)")
