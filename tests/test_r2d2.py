"""The R2-D2 prior: its draws, its PyMC form and its parameters.

References: the Beta distribution of R^2 (scipy.stats, Kolmogorov-Smirnov), the conditional
expectation E[||beta||^2 | R^2, sigma] = sigma^2 R^2 / (1 - R^2) (the Dirichlet shares sum to 1),
and the PyMC form's prior draws against the NumPy draws (two-sample KS on R^2 and on one
coefficient). tests/test_issue22_r2d2.py holds the references written from the definition
(concentration 0.3 and 3, asymmetric Beta parameters, the model builder) and the sampled posterior
against quadrature.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from bayesreg.priors import R2D2


def test_draws_have_the_beta_r2_and_share_out_omega():
    prior = R2D2(mean_r2=0.3, precision=5.0, concentration=0.5)
    h = prior.sample_hierarchy((20000, 6), rng=0, sigma=2.0)
    a, b = prior.beta_params
    assert (a, b) == pytest.approx((1.5, 3.5))
    assert stats.kstest(h["r2"], stats.beta(a, b).cdf).pvalue > 1e-3
    np.testing.assert_allclose(h["phi"].sum(axis=1), 1.0, rtol=1e-12)
    omega = h["r2"] / (1 - h["r2"])
    ratio = (h["beta"] ** 2).sum(axis=1) / (4.0 * omega)  # E[ratio | omega] = sum phi_j E z_j^2 = 1
    assert abs(ratio.mean() - 1.0) < 5 * ratio.std() / np.sqrt(ratio.size)


def test_pymc_form_draws_match_the_numpy_draws():
    from bayesreg._upstream import import_pymc

    pm = import_pymc()
    prior = R2D2(mean_r2=0.6, precision=3.0, concentration=1.0)
    with pm.Model(coords={"feature": ["a", "b", "c", "d"]}):
        beta = prior.to_pymc("beta", dims="feature", sigma=1.5)
        r2 = pm.modelcontext(None)["r2"]
        draws_beta, draws_r2 = pm.draw([beta, r2], draws=4000, random_seed=1)
    ref = prior.sample_hierarchy((4000, 4), rng=2, sigma=1.5)
    assert stats.ks_2samp(draws_r2, ref["r2"]).pvalue > 1e-3
    assert stats.ks_2samp(draws_beta[:, 0], ref["beta"][:, 0]).pvalue > 1e-3


@pytest.mark.parametrize(
    "kwargs,name",
    [(dict(mean_r2=0.0), "mean_r2"), (dict(mean_r2=1.2), "mean_r2"), (dict(precision=0.0), "precision"),
     (dict(concentration=-1.0), "concentration")],
)
def test_bad_parameters_are_named(kwargs, name):
    with pytest.raises(ValueError, match=name):
        R2D2(**kwargs)


def test_no_map_and_no_closed_form_density():
    prior = R2D2()
    assert not prior.has_mode
    with pytest.raises(NotImplementedError, match="no closed form"):
        prior.logp(np.zeros(3))


def test_r2d2_and_the_regularised_horseshoe_reach_the_model_builders():
    import bayesreg as br

    rng = np.random.default_rng(0)
    X = rng.standard_normal((30, 4))
    y = X[:, 0] + rng.standard_normal(30)
    with pytest.raises(TypeError, match="R2-D2"):
        br.map_estimate(X, y, R2D2(), sigma=1.0)
    model = br.build_model(X, y, R2D2(mean_r2=0.4))
    assert {"r2", "phi", "beta"} <= set(model.named_vars)
    # p0 is resolved from the data's size when the model is built: tau0 = p0 / ((p - p0) sqrt(n))
    rhs = br.build_model(X, y, br.RegularizedHorseshoe(p0=1))
    assert rhs.bayesreg_spec.prior.global_scale == pytest.approx(1 / (3 * np.sqrt(30)))
    with pytest.raises(ValueError, match="p0"):
        br.build_model(X, y, br.RegularizedHorseshoe(p0=4))
