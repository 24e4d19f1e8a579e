"""The one Gibbs driver (bayesreg.samplers.driver): seeds, threads, collection, and the samplers on it.

Identity of the draws with the samplers before they moved onto the driver was shown during the
refactor by running the old and the new code on the same machine (bit for bit, every sampler);
what is tested here holds on any machine: the driver's seeds per chain are the documented
SeedSequence children, the collected draws are the kept sweeps in order, the same seed gives
the same draws, and the draws do not depend on how the chains are spread over threads.
"""

import numpy as np
import pytest

import bayesreg as br
from bayesreg.samplers.driver import chain_seeds, run_chains


class _Toy:
    """A kernel whose sweep records its number and one normal draw of the chain's stream."""

    fields = {"it": (), "z": (), "v": (2,)}

    def __init__(self, tune):
        self.tune = tune

    def init(self, chain):
        return {"rng": np.random.default_rng(chain.seed), "x": float(chain.index)}

    def step(self, st, chain, it0, count):
        for it in range(it0, it0 + count):
            z = st["rng"].standard_normal()
            if it >= self.tune:
                chain.out["it"][it - self.tune] = it
                chain.out["z"][it - self.tune] = z
                chain.out["v"][it - self.tune] = (chain.index, z)
        return st


def _expected(seed, chains, tune, draws):
    # the documented seeds, written independently of the driver: child c of SeedSequence(seed) seeds chain c
    kids = np.random.SeedSequence(seed).spawn(chains + 1)
    return np.stack([np.random.default_rng(kids[c]).standard_normal(tune + draws)[tune:] for c in range(chains)])


def test_chain_seeds_are_the_seed_sequence_children():
    got = chain_seeds(42, 3)
    want = np.random.SeedSequence(42).spawn(4)
    assert len(got) == 4
    for g, w in zip(got, want, strict=True):
        np.testing.assert_array_equal(g.generate_state(4), w.generate_state(4))
    # a Generator seeds the run with one 63-bit integer drawn from it
    g = chain_seeds(np.random.default_rng(5), 2)[1]
    w = np.random.SeedSequence(int(np.random.default_rng(5).integers(2**63))).spawn(3)[1]
    np.testing.assert_array_equal(g.generate_state(4), w.generate_state(4))


@pytest.mark.parametrize("bad, exc", [(-1, ValueError), (1.5, TypeError), (True, TypeError), ("3", TypeError)])
def test_chain_seeds_refuses_bad_seeds(bad, exc):
    with pytest.raises(exc, match="random_seed"):
        chain_seeds(bad, 2)


@pytest.mark.parametrize(
    "threads, cores, block, progressbar",
    [(True, 1, None, False), (True, 3, None, True), (True, 2, 7, False), (False, 1, 1, False), (False, 1, None, True)],
)
def test_driver_collects_kept_sweeps_in_order_whatever_the_threads(threads, cores, block, progressbar):
    tune, draws, chains = 13, 29, 3
    run = run_chains(_Toy(tune), chains=chains, draws=draws, tune=tune, seeds=chain_seeds(7, chains),
                     progressbar=progressbar, threads=threads, cores=cores, block=block)  # fmt: skip
    assert set(run.draws) == {"it", "z", "v"} and run.elapsed >= 0.0
    assert run.draws["v"].shape == (chains, draws, 2)
    np.testing.assert_array_equal(run.draws["it"], np.broadcast_to(np.arange(tune, tune + draws), (chains, draws)))
    np.testing.assert_array_equal(run.draws["z"], _expected(7, chains, tune, draws))
    np.testing.assert_array_equal(run.draws["v"][..., 0], np.repeat(np.arange(chains)[:, None], draws, axis=1))


def test_driver_reraises_a_kernel_error():
    class _Boom(_Toy):
        def step(self, st, chain, it0, count):
            raise RuntimeError("boom in chain")

    with pytest.raises(RuntimeError, match="boom in chain"):
        run_chains(_Boom(0), chains=2, draws=3, tune=0, seeds=chain_seeds(1, 2), progressbar=False, cores=2)


@pytest.mark.parametrize("threads", [True, False])
def test_driver_closes_the_progress_bar_when_a_kernel_fails(monkeypatch, threads):
    import bayesreg.samplers.driver as driver

    closed = []

    class _Recorder(driver.Progress):
        def update(self, done, final=False):
            if final:
                closed.append(done)

    class _Boom(_Toy):
        def step(self, st, chain, it0, count):
            if it0 >= 2:
                raise RuntimeError("boom after two sweeps")
            return super().step(st, chain, it0, count)

    monkeypatch.setattr(driver, "Progress", _Recorder)
    with pytest.raises(RuntimeError, match="boom after two sweeps"):
        run_chains(_Boom(0), chains=2, draws=5, tune=0, seeds=chain_seeds(1, 2), progressbar=True,
                   threads=threads, cores=2 if threads else 1, block=1)  # fmt: skip
    assert len(closed) == 1  # the bar's final update ran once, on the error path


def _data(n=25, p=4, seed=0):
    r = np.random.default_rng(seed)
    X = r.standard_normal((n, p))
    return X, X @ np.r_[1.0, np.zeros(p - 1)] + r.standard_normal(n)


def _posterior(idata):
    return {k: np.asarray(v.values) for k, v in idata.posterior.data_vars.items()}


def _same(a, b):
    assert a.keys() == b.keys()
    for k in a:
        np.testing.assert_array_equal(a[k], b[k], err_msg=k)


def test_rhs_on_the_driver_same_seed_same_draws_and_chain_streams():
    from bayesreg.samplers.rhs import sample_rhs

    X, y = _data()
    kw = dict(draws=15, tune=5, progressbar=False, check=False)
    a = _posterior(sample_rhs(X, y, br.RegularizedHorseshoe(p0=1), chains=3, random_seed=3, **kw))
    b = _posterior(sample_rhs(X, y, br.RegularizedHorseshoe(p0=1), chains=3, random_seed=3, **kw))
    _same(a, b)
    # chain c's draws depend only on its own seed: the first two chains of a 2-chain run are those of a 3-chain run
    c = _posterior(sample_rhs(X, y, br.RegularizedHorseshoe(p0=1), chains=2, random_seed=3, **kw))
    _same(c, {k: v[:2] for k, v in a.items()})
    assert not np.array_equal(a["beta"][0], a["beta"][1])


@pytest.mark.parametrize("prior", [br.Laplace(1.0), br.Horseshoe(1.0)], ids=["laplace", "horseshoe"])
def test_pg_on_the_driver_draws_do_not_depend_on_threads(prior):
    from bayesreg.samplers.pg import sample_pg_gibbs

    X, _ = _data(n=20, p=3, seed=2)
    y = (X[:, 0] > 0).astype(float)
    kw = dict(draws=10, tune=5, random_seed=4)
    a = sample_pg_gibbs(X, y, prior, chains=3, cores=1, **kw)
    b = sample_pg_gibbs(X, y, prior, chains=3, cores=3, **kw)
    c = sample_pg_gibbs(X, y, prior, chains=2, cores=2, **kw)
    _same(a, b)
    _same(c, {k: v[:2] for k, v in a.items()})
    assert set(a) == ({"beta", "intercept", "tau", "lam_local"} if isinstance(prior, br.Horseshoe)
                      else {"beta", "intercept"})  # fmt: skip


@pytest.mark.parametrize(
    "prior, match",
    [(br.ParkCasella(1.0), "no Polya-Gamma Gibbs sampler for the prior ParkCasella; it has one for "),
     (br.Flat(), "no Polya-Gamma Gibbs sampler for the prior Flat"),
     (br.Gaussian(1.0, tau2_prior=br.InverseGammaPrior(2.0, 1.0)), "fixed scale")],
)  # fmt: skip
def test_pg_asks_the_priors_gibbs_settings(prior, match):
    # the sweep's kinds come from Prior.gibbs_settings(): the flat prior (a Gaussian kind of infinite variance),
    # ParkCasella (a kind the sweep has not) and a sampled Gaussian scale are refused before any work
    from bayesreg.samplers.pg import PG_PRIORS, sample_pg_gibbs

    assert set(PG_PRIORS) == {"Gaussian", "Laplace", "Horseshoe"}
    X, _ = _data(n=20, p=3, seed=2)
    with pytest.raises(ValueError, match=match):
        sample_pg_gibbs(X, (X[:, 0] > 0).astype(float), prior, draws=5, tune=0, chains=1, random_seed=1)


@pytest.mark.parametrize("route", ["numpy", "compiled"])
@pytest.mark.parametrize("prior, sigma", [(br.Laplace(1.0), "default"), (br.Horseshoe(1.0), 0.8)], ids=["lap", "hs"])
def test_linear_gibbs_on_the_driver_draws_do_not_depend_on_threads_or_blocks(route, prior, sigma):
    # cores: how the chains are spread over threads; progressbar: sweeps per kernel call (1 % of them, or all)
    from bayesreg.samplers import sample_gibbs
    from bayesreg.solvers._route import force_route

    X, y = _data(n=20, p=5, seed=3)
    kw = dict(sigma=sigma, draws=40, tune=10, random_seed=12, check=False)
    with force_route(route):
        a = _posterior(sample_gibbs(X, y, prior, chains=3, cores=1, progressbar=False, **kw))
        b = _posterior(sample_gibbs(X, y, prior, chains=3, cores=3, progressbar=True, **kw))
        c = _posterior(sample_gibbs(X, y, prior, chains=2, cores=2, progressbar=False, **kw))
    _same(a, b)
    _same(c, {k: v[:2] for k, v in a.items()})
    assert not np.array_equal(a["beta"][0], a["beta"][2])


@pytest.mark.parametrize("prior", [br.Laplace(1.0), br.RegularizedHorseshoe(p0=1)], ids=["linear", "rhs"])
@pytest.mark.parametrize("sigma", ["estimate", "jeffreys", 0.7, br.InverseGammaPrior(2.0, 1.0)])
def test_sample_posterior_hands_the_gibbs_samplers_the_resolved_noise(monkeypatch, prior, sigma):
    # the samplers get the prepared ModelData and the resolved Noise: the user's spelling is parsed once, by
    # sample_posterior; the draws are those of the public sampler function given the spelling
    import bayesreg.samplers.gibbs as gibbs
    import bayesreg.samplers.rhs as rhs
    from bayesreg.samplers import sample_gibbs
    from bayesreg.samplers.rhs import sample_rhs

    X, y = _data(n=20, p=3, seed=5)
    kw = dict(draws=12, tune=4, chains=2, random_seed=6, progressbar=False, check=False)
    sampler = sample_rhs if isinstance(prior, br.RegularizedHorseshoe) else sample_gibbs
    direct = sampler(X, y, prior, sigma=sigma, **kw)

    def no_second_parse(*a, **k):
        raise AssertionError("the sampler parsed sigma again")

    monkeypatch.setattr(gibbs, "parse_sigma", no_second_parse)
    monkeypatch.setattr(rhs, "parse_sigma", no_second_parse)
    via = br.sample_posterior(X, y, prior, sigma=sigma, sampler="gibbs", **kw)
    _same(_posterior(via), _posterior(direct))
