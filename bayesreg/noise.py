r"""The noise model: every spelling of ``sigma`` parsed in one place, and what follows from it.

Users, specs and the estimator write the noise scale of :math:`y = b_0 + X\beta + \varepsilon`,
:math:`\varepsilon \sim N(0, \sigma^2 I)`, in one vocabulary, accepted by every public function
that takes ``sigma``:

=========================  ===================================================================
spelling                   meaning
=========================  ===================================================================
a positive number          ``sigma`` fixed at that value (the MAP is then exactly the penalised fit);
                           within [1e-150, 1e150] (:data:`bayesreg.priors.SCALE_RANGE`: it is squared)
``"estimate"``             a plug-in estimate from the data, then fixed (:func:`plug_in_sigma`:
                           least-squares residual sd when ``n > p + 1``, else a cross-validated
                           lasso's); needs the rows
``"default"``              sampled under the weak, data-scaled prior
                           :func:`default_sigma_prior`, inverse-gamma(1, ``var(y)/100``) on
                           :math:`\sigma^2`
``"jeffreys"`` or ``None`` sampled under Jeffreys' prior :math:`p(\sigma) \propto 1/\sigma`
                           (``None`` always means this: sigma unknown, no information about it;
                           in type-II maximum likelihood, :func:`bayesreg.choose_prior_scale`,
                           it is estimated jointly with the prior scale)
``"flat"``                 sampled under the flat prior :math:`p(\sigma) \propto 1` on
                           :math:`(0, \infty)`, Stan's default when a program states no prior
                           on sigma; the inverse-gamma family's :math:`a = -1/2, b = 0` on
                           :math:`\sigma^2` (:meth:`Noise.log_prior`). Proper when the data
                           leave more than one residual degree of freedom (see below)
an ``InverseGammaPrior``   sampled under that inverse-gamma prior on :math:`\sigma^2`
``HalfNormal(scale)``      sampled under a half-normal prior on :math:`\sigma`
``HalfCauchy(scale)``      sampled under a half-Cauchy prior on :math:`\sigma`
``HalfStudentT(nu, scale)`` sampled under a half-Student-t prior on :math:`\sigma`
``Exponential(rate)``      sampled under an exponential prior on :math:`\sigma` (mean ``1/rate``)
``Uniform(upper)``         sampled under a uniform prior on :math:`\sigma` over ``(0, upper]``
=========================  ===================================================================

The priors on sigma can also be written as text, for specs and the command line:
``"halfnormal(2.5)"``, ``"halfcauchy(1)"``, ``"halfstudentt(3, 1)"``, ``"exponential(0.5)"``,
``"uniform(10)"`` (case and underscores ignored: ``"Half_Normal(2.5)"``).

The last five are the priors Stan's and PyMC's linear regressions put on the noise scale
itself (:class:`SigmaPrior`); their densities are on :math:`\sigma`, not :math:`\sigma^2`.

:func:`parse_sigma` checks a spelling (before any data are read) and returns a
:class:`SigmaSpec`; :meth:`SigmaSpec.resolve` turns it, given the data, into a :class:`Noise`:
``"fixed"``, ``"jeffreys"``, ``"invgamma"`` or the :attr:`SigmaPrior.kind` of a prior on
sigma (``"halfnormal"``, ``"halfcauchy"``, ``"halfstudentt"``, ``"exponential"``,
``"uniform"``), or ``"flat"``. The :class:`Noise` owns everything the rest of
the package needs to know about sigma: its log prior density (NumPy and PyMC forms), the settings
of the Gibbs samplers' sigma update, and the modal sigma of the joint MAP (closed form for the
inverse-gamma family, a safeguarded 1-D root search in log sigma for the others).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import ClassVar, NamedTuple

import numpy as np

from ._warnings import warn
from .exceptions import BayesregWarning
from .priors import SCALE_RANGE, InverseGammaPrior, check_scale

__all__ = ["Exponential", "HalfCauchy", "HalfNormal", "HalfStudentT", "Noise", "SigmaGibbs", "SigmaPrior", "SigmaSpec",
           "Uniform", "can_interpolate", "default_sigma_prior", "interpolation_obstacle", "parse_sigma",
           "plug_in_sigma", "SIGMA_WORDS"]  # fmt: skip

#: The words of ``sigma`` (besides numbers, priors and their text): the one vocabulary, asked by the spec.
SIGMA_WORDS = ("default", "jeffreys", "flat", "estimate")
_VOCABULARY = (
    "a positive number, 'estimate', 'default', 'jeffreys', None (Jeffreys), 'flat', an InverseGammaPrior on "
    "sigma^2 or a prior on sigma (HalfNormal, HalfCauchy, HalfStudentT, Exponential, Uniform)"
)


def default_sigma_prior(y_var: float) -> InverseGammaPrior:
    r"""The ``sigma="default"`` prior: inverse-gamma(1, ``var(y) / 100``) on :math:`\sigma^2`.

    Weak (shape 1 is two pseudo-observations) and scaled to the data: with ``s2 = var(y)``,
    :math:`P(\sigma > \mathrm{sd}(y)) = 1 - e^{-0.01} \approx 1\%` and
    :math:`P(\sigma < \mathrm{sd}(y)/10) = e^{-1} \approx 37\%`: a noise scale well below the
    spread of ``y`` (a good fit) is not penalised, one above it (which no model with an intercept
    fits in-sample) is unlikely. It is conjugate, so the Gibbs samplers use it too.

    Parameters
    ----------
    y_var : float
        Variance of the target (``1.0`` is used when it is zero).

    Returns
    -------
    InverseGammaPrior
    """
    y_var = float(y_var)
    return InverseGammaPrior(shape=1.0, scale=(y_var if y_var > 0 else 1.0) / 100.0)


def plug_in_sigma(X, y) -> tuple[float, str]:
    """A plug-in noise sd: least-squares residuals when ``n > p + 1``, else a cross-validated lasso's.

    Parameters
    ----------
    X : ndarray of shape (n, p)
        Validated design (float64).
    y : ndarray of shape (n,)

    Returns
    -------
    sigma : float
    note : str
        How it was obtained.
    """
    n, p = X.shape
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    if n > p + 1:
        coef, *_ = np.linalg.lstsq(Xc, yc, rcond=None)
        r = yc - Xc @ coef
        sigma = float(np.sqrt(r @ r / (n - p - 1)))
        note = f"least-squares residual sd ({n - p - 1} degrees of freedom)"
    else:
        from sklearn.linear_model import LassoCV

        cv = LassoCV(cv=5).fit(X, y)
        r = y - cv.predict(X)
        k = int(np.count_nonzero(cv.coef_))
        sigma = float(np.sqrt(r @ r / max(n - k - 1, 1)))
        note = f"residual sd of a 5-fold cross-validated lasso ({k} non-zeros, p >= n)"
    if not sigma > 0.0:
        raise ValueError(f"sigma='estimate': the plug-in estimate is {sigma:g} (y is fitted exactly); fix sigma")
    lo, hi = SCALE_RANGE
    if not lo <= sigma <= hi:
        raise ValueError(
            f"sigma='estimate': the plug-in estimate {sigma:.3g} is outside the usable range [{lo:g}, {hi:g}] of "
            "sigma (it is squared); measure y in units that bring it nearer 1"
        )
    return sigma, note


# ------------------------------------------------------------------------------------------------
# priors on sigma itself (not sigma^2)
# ------------------------------------------------------------------------------------------------


class SigmaGibbs(NamedTuple):
    r"""What the Gibbs samplers' sigma update needs (:meth:`Noise.gibbs_settings`).

    ``mode`` is one of

    - ``"fixed"``: sigma is ``fixed``;
    - ``"invgamma"``: IG(``a0``, ``b0``) on :math:`\sigma^2` (Jeffreys is ``a0 = b0 = 0``), the
      conjugate conditional;
    - ``"halft"``: half-Student-t(``nu``, ``scale``) on sigma through the inverse-gamma mixture
      of Wand et al. (2011), :math:`\sigma^2 \mid a \sim IG(\nu/2, \nu/a)`,
      :math:`a \sim IG(1/2, 1/s^2)` (half-Cauchy: ``nu = 1``), every conditional inverse-gamma;
    - ``"slice"``: :math:`\log p(\sigma) = -c_2\sigma^2 - c_1\sigma` on :math:`(0,` ``upper`` :math:`]`
      (half-normal: :math:`c_2 = 1/(2s^2)`; exponential: :math:`c_1` = rate; uniform: ``upper``),
      a slice sampler on :math:`\log\sigma`, whose conditional is log-concave.
    """

    mode: str
    fixed: float = 1.0
    a0: float = 0.0
    b0: float = 0.0
    nu: float = 1.0
    scale: float = 1.0
    c1: float = 0.0
    c2: float = 0.0
    upper: float = math.inf


@dataclass(frozen=True)
class SigmaPrior:
    """A prior on the noise scale sigma itself; pass an instance as ``sigma=`` to any public function.

    Subclasses give the normalised log density on the sigma scale (:meth:`logp`), the same on a
    PyTensor variable (:meth:`pymc_logp`), its derivative in ``log sigma`` (for the modal-sigma
    step of the joint MAP) and the Gibbs samplers' settings (:meth:`gibbs`).
    """

    kind: ClassVar[str] = ""

    def logp(self, sigma) -> np.ndarray:  # pragma: no cover - overridden
        """Normalised log density of ``sigma`` (elementwise; ``-inf`` outside the support)."""
        raise NotImplementedError

    def pymc_logp(self, pt, sigma_var):  # pragma: no cover - overridden
        """:meth:`logp` on a PyTensor variable (positive by construction)."""
        raise NotImplementedError

    def dlogp_dlogsigma(self, sigma: float) -> float:  # pragma: no cover - overridden
        r""":math:`d\log p(\sigma) / d\log\sigma = \sigma\,p'(\sigma)/p(\sigma)` inside the support (never positive)."""
        raise NotImplementedError

    def gibbs(self) -> SigmaGibbs:  # pragma: no cover - overridden
        """The Gibbs samplers' update of sigma under this prior."""
        raise NotImplementedError

    @property
    def upper(self) -> float:
        """Upper end of the support (``inf`` but for :class:`Uniform`)."""
        return math.inf

    def sample(self, size=None, rng=None) -> np.ndarray:  # pragma: no cover - overridden
        """Independent draws."""
        raise NotImplementedError


def _pos(sigma) -> np.ndarray:
    return np.asarray(sigma, dtype=np.float64)


def _on_support(s: np.ndarray, value: np.ndarray, upper: float = math.inf) -> np.ndarray:
    out = np.where((s > 0) & (s <= upper), value, -np.inf)
    return out if out.ndim else out[()]


@dataclass(frozen=True)
class HalfNormal(SigmaPrior):
    r"""Half-normal prior on sigma: :math:`p(\sigma) = \frac{2}{\sqrt{2\pi}s} e^{-\sigma^2/(2s^2)}`, :math:`\sigma > 0`.

    Stan's ``sigma ~ normal(0, s)`` with ``sigma`` declared positive, PyMC's ``HalfNormal(sigma=s)``.

    Parameters
    ----------
    scale : float
        ``s`` > 0, within :data:`bayesreg.priors.SCALE_RANGE`.
    """

    scale: float = 1.0
    kind: ClassVar[str] = "halfnormal"

    def __post_init__(self):
        object.__setattr__(self, "scale", check_scale(self.scale, "scale"))

    def logp(self, sigma) -> np.ndarray:  # noqa: D102
        s = _pos(sigma)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            z = s / self.scale
            return _on_support(s, 0.5 * math.log(2.0 / math.pi) - math.log(self.scale) - 0.5 * z * z)

    def pymc_logp(self, pt, sigma_var):  # noqa: D102
        c = np.float64(0.5 * math.log(2.0 / math.pi) - math.log(self.scale))
        return c - np.float64(0.5 / self.scale**2) * sigma_var**2

    def dlogp_dlogsigma(self, sigma: float) -> float:  # noqa: D102
        return -((sigma / self.scale) ** 2)

    def gibbs(self) -> SigmaGibbs:  # noqa: D102
        return SigmaGibbs("slice", c2=0.5 / self.scale**2)

    def sample(self, size=None, rng=None) -> np.ndarray:  # noqa: D102
        return self.scale * np.abs(np.random.default_rng(rng).standard_normal(size))


@dataclass(frozen=True)
class HalfStudentT(SigmaPrior):
    r"""Half-Student-t prior on sigma, ``nu`` degrees of freedom, scale ``s``.

    :math:`p(\sigma) = \frac{2\,\Gamma((\nu+1)/2)}{\Gamma(\nu/2)\sqrt{\nu\pi}\,s}
    \big(1 + \sigma^2/(\nu s^2)\big)^{-(\nu+1)/2}`, :math:`\sigma > 0`: Stan's
    ``sigma ~ student_t(nu, 0, s)`` with ``sigma`` positive, PyMC's ``HalfStudentT(nu, sigma=s)``.
    The Gibbs samplers use its inverse-gamma mixture (Wand et al., 2011):
    :math:`\sigma^2 \mid a \sim IG(\nu/2, \nu/a)`, :math:`a \sim IG(1/2, 1/s^2)`.

    Parameters
    ----------
    nu : float
        Degrees of freedom > 0, within :data:`bayesreg.priors.SCALE_RANGE`.
    scale : float
        ``s`` > 0, within :data:`bayesreg.priors.SCALE_RANGE`.
    """

    nu: float = 3.0
    scale: float = 1.0
    kind: ClassVar[str] = "halfstudentt"

    def __post_init__(self):
        object.__setattr__(self, "nu", check_scale(self.nu, "nu"))
        object.__setattr__(self, "scale", check_scale(self.scale, "scale"))

    def _const(self) -> float:
        nu = self.nu
        return (math.log(2.0) + math.lgamma(0.5 * (nu + 1.0)) - math.lgamma(0.5 * nu)
                - 0.5 * math.log(nu * math.pi) - math.log(self.scale))  # fmt: skip

    def logp(self, sigma) -> np.ndarray:  # noqa: D102
        s = _pos(sigma)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            z = s / self.scale
            return _on_support(s, self._const() - 0.5 * (self.nu + 1.0) * np.log1p(z * z / self.nu))

    def pymc_logp(self, pt, sigma_var):  # noqa: D102
        z = sigma_var / np.float64(self.scale)
        return np.float64(self._const()) - np.float64(0.5 * (self.nu + 1.0)) * pt.log1p(z * z / np.float64(self.nu))

    def dlogp_dlogsigma(self, sigma: float) -> float:  # noqa: D102
        z2 = (sigma / self.scale) ** 2
        return -(self.nu + 1.0) * z2 / (self.nu + z2) if math.isfinite(z2) else -(self.nu + 1.0)

    def gibbs(self) -> SigmaGibbs:  # noqa: D102
        return SigmaGibbs("halft", nu=self.nu, scale=self.scale)

    def sample(self, size=None, rng=None) -> np.ndarray:  # noqa: D102
        return self.scale * np.abs(np.random.default_rng(rng).standard_t(self.nu, size))


@dataclass(frozen=True)
class HalfCauchy(HalfStudentT):
    r"""Half-Cauchy prior on sigma: :math:`p(\sigma) = \frac{2}{\pi s (1 + \sigma^2/s^2)}`, :math:`\sigma > 0`.

    The half-Student-t with ``nu = 1`` (Gelman 2006): Stan's ``sigma ~ cauchy(0, s)``, PyMC's
    ``HalfCauchy(beta=s)``.

    Parameters
    ----------
    scale : float
        ``s`` > 0, within :data:`bayesreg.priors.SCALE_RANGE`.
    """

    nu: float = field(default=1.0, init=False)
    scale: float = 1.0
    kind: ClassVar[str] = "halfcauchy"

    def __post_init__(self):
        object.__setattr__(self, "scale", check_scale(self.scale, "scale"))

    def __repr__(self) -> str:
        return f"HalfCauchy(scale={self.scale!r})"


@dataclass(frozen=True)
class Exponential(SigmaPrior):
    r"""Exponential prior on sigma with a **rate**: :math:`p(\sigma) = r e^{-r\sigma}`, mean ``1/rate``.

    Stan's ``sigma ~ exponential(r)`` (rate, as here), PyMC's ``Exponential(lam=r)``.

    Parameters
    ----------
    rate : float
        ``r`` > 0, within :data:`bayesreg.priors.SCALE_RANGE` (the prior mean ``1/r`` is then
        within it too).
    """

    rate: float = 1.0
    kind: ClassVar[str] = "exponential"

    def __post_init__(self):
        object.__setattr__(self, "rate", check_scale(self.rate, "rate"))

    def logp(self, sigma) -> np.ndarray:  # noqa: D102
        s = _pos(sigma)
        with np.errstate(invalid="ignore", over="ignore"):
            return _on_support(s, math.log(self.rate) - self.rate * s)

    def pymc_logp(self, pt, sigma_var):  # noqa: D102
        return np.float64(math.log(self.rate)) - np.float64(self.rate) * sigma_var

    def dlogp_dlogsigma(self, sigma: float) -> float:  # noqa: D102
        return -self.rate * sigma

    def gibbs(self) -> SigmaGibbs:  # noqa: D102
        return SigmaGibbs("slice", c1=self.rate)

    def sample(self, size=None, rng=None) -> np.ndarray:  # noqa: D102
        return np.random.default_rng(rng).exponential(1.0 / self.rate, size)


@dataclass(frozen=True)
class Uniform(SigmaPrior):
    r"""Uniform prior on sigma over :math:`(0, u]`: :math:`p(\sigma) = 1/u`.

    Stan's ``real<lower=0, upper=u> sigma;`` without a sampling statement, PyMC's
    ``Uniform(0, u)``. When ``u`` lies below the data's least-squares residual sd, resolving it
    against the data warns: the posterior then piles up at the bound.

    Parameters
    ----------
    upper : float
        ``u`` > 0, within :data:`bayesreg.priors.SCALE_RANGE`.
    """

    upper: float = 1.0
    kind: ClassVar[str] = "uniform"

    def __post_init__(self):
        object.__setattr__(self, "upper", check_scale(self.upper, "upper"))

    def logp(self, sigma) -> np.ndarray:  # noqa: D102
        s = _pos(sigma)
        return _on_support(s, np.full(s.shape, -math.log(self.upper)), self.upper)

    def pymc_logp(self, pt, sigma_var):  # noqa: D102
        return pt.switch(pt.le(sigma_var, np.float64(self.upper)), np.float64(-math.log(self.upper)), -np.inf)

    def dlogp_dlogsigma(self, sigma: float) -> float:  # noqa: D102
        return 0.0

    def gibbs(self) -> SigmaGibbs:  # noqa: D102
        return SigmaGibbs("slice", upper=self.upper)

    def sample(self, size=None, rng=None) -> np.ndarray:  # noqa: D102
        return self.upper * (1.0 - np.random.default_rng(rng).random(size))


def _residual_sd(X, y) -> float | None:
    """The least-squares residual sd of centred rows when ``n > p + 1`` (else None)."""
    n, p = X.shape
    if n <= p + 1:
        return None
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    coef, *_ = np.linalg.lstsq(Xc, yc, rcond=None)
    r = yc - Xc @ coef
    return float(np.sqrt(r @ r / (n - p - 1)))


def _check_upper(prior: SigmaPrior, X, y) -> None:
    """Warn when a bounded prior's upper end lies below the data's residual sd (the posterior piles up there)."""
    if not math.isfinite(prior.upper) or X is None or y is None:
        return
    sd = _residual_sd(X, y)
    if sd is not None and prior.upper < sd:
        warn(
            f"sigma={prior!r}: the upper bound {prior.upper:.4g} lies below the least-squares residual sd "
            f"{sd:.4g} of the data, so the posterior of sigma piles up at the bound; raise upper",
            BayesregWarning,
        )


@dataclass(frozen=True)
class Noise:
    r"""A resolved noise model: ``sigma`` fixed, or its prior.

    Attributes
    ----------
    kind : str
        ``"fixed"``, ``"jeffreys"``, ``"flat"``, ``"invgamma"`` or the ``kind`` of a :class:`SigmaPrior`
        (``"halfnormal"``, ``"halfcauchy"``, ``"halfstudentt"``, ``"exponential"``, ``"uniform"``).
    value : float or None
        The fixed sigma.
    prior : InverseGammaPrior, SigmaPrior or None
        The inverse-gamma prior on :math:`\sigma^2` (``kind="invgamma"``) or the prior on sigma.
    note : str
        Where it came from (``"given"``, the default prior, the plug-in estimate).
    """

    kind: str
    value: float | None = None
    prior: InverseGammaPrior | SigmaPrior | None = None
    note: str = "given"

    @property
    def fixed(self) -> bool:
        """Whether sigma is a fixed number."""
        return self.kind == "fixed"

    @property
    def on_sigma(self) -> bool:
        """Whether sigma has a :class:`SigmaPrior` (a prior on sigma, not the inverse-gamma family)."""
        return isinstance(self.prior, SigmaPrior)

    @property
    def argument(self):
        """The resolved spelling: the number, ``"jeffreys"``, ``"flat"`` or the prior object."""
        if self.fixed:
            return self.value
        return self.kind if self.kind in ("jeffreys", "flat") else self.prior

    def __repr__(self) -> str:
        if self.kind == "fixed":
            what = f"sigma={self.value:.6g}"
        elif self.kind == "jeffreys":
            what = "p(sigma) ∝ 1/sigma"
        elif self.kind == "flat":
            what = "p(sigma) ∝ 1"
        elif self.on_sigma:
            what = f"sigma ~ {self.prior!r}"
        else:
            what = f"sigma^2 ~ {self.prior}"
        return f"Noise({what}, {self.note})"

    # ---- densities -----------------------------------------------------------------------------

    def _ig(self) -> tuple[float, float]:
        r"""``(a, b)`` of the inverse-gamma prior on sigma^2; Jeffreys is the limit ``(0, 0)``, flat ``(-1/2, 0)``.

        :math:`p(\sigma) \propto 1` and :math:`d\sigma^2 = 2\sigma\,d\sigma` give
        :math:`p(\sigma^2) \propto (\sigma^2)^{-1/2} = (\sigma^2)^{-a-1}` with ``a = -1/2``.
        """
        if self.kind == "invgamma":
            return float(self.prior.shape), float(self.prior.scale)
        return (-0.5, 0.0) if self.kind == "flat" else (0.0, 0.0)

    def residual_dof_needed(self) -> int:
        r"""The least number of residual degrees of freedom ``k`` for which the posterior of sigma is proper.

        Integrating the coefficients out leaves, in sigma, :math:`\sigma^{-k} e^{-S/(2\sigma^2)}`
        times the prior, with ``k`` the residual degrees of freedom (``n - 1`` with a flat
        intercept and a proper coefficient prior, ``n - p - 1`` with flat coefficients too) and
        :math:`S > 0`. With :math:`p(\sigma) \propto \sigma^{-c}` the tail at infinity is integrable
        iff :math:`k + c > 1`: ``k >= 1`` for Jeffreys (``c = 1``), ``k >= 2`` for the flat prior
        (``c = 0``). A fixed sigma or a proper prior needs nothing (0; a proper inverse-gamma
        prior is ``c = 2a + 1 > 1``).
        """
        return {"jeffreys": 1, "flat": 2}.get(self.kind, 0)

    def log_prior(self, sigma) -> np.ndarray:
        r"""Log prior density of ``sigma`` on the sigma scale (up to a constant for the inverse-gamma family).

        Inverse-gamma(a, b) on :math:`s = \sigma^2`: :math:`p(s) \propto s^{-a-1} e^{-b/s}` and
        :math:`ds = 2\sigma\,d\sigma`, so :math:`p(\sigma) \propto \sigma^{-2a-1} e^{-b/\sigma^2}`;
        Jeffreys is ``a = b = 0``. A :class:`SigmaPrior` gives its normalised density.
        """
        if self.fixed:
            raise ValueError("a fixed sigma has no prior density")
        if self.on_sigma:
            return self.prior.logp(sigma)
        a, b = self._ig()
        sigma = np.asarray(sigma, dtype=np.float64)
        return -(2.0 * a + 1.0) * np.log(sigma) - b / sigma**2

    def pymc_log_prior(self, pt, sigma_var):
        """The same log density as :meth:`log_prior`, on a PyTensor variable ``sigma_var``."""
        if self.on_sigma:
            return self.prior.pymc_logp(pt, sigma_var)
        a, b = self._ig()
        out = -(2.0 * a + 1.0) * pt.log(sigma_var)
        return out - np.float64(b) / sigma_var**2 if b > 0 else out

    def pymc_sigma(self, pm, pt, initval: float):
        r"""Create the PyMC variable ``sigma`` with this prior (inside a model context).

        A positive free variable (``HalfFlat``, log transform) whose density on the sigma scale is
        the ``sigma_prior`` Potential of :meth:`pymc_log_prior`, or, for a bounded prior
        (:class:`Uniform`), PyMC's ``Uniform(0, upper)`` with its interval transform, so NUTS
        never proposes outside the support. Either way the density is the one on sigma, so a
        mode found by ``find_map`` (no Jacobian) is a mode in sigma.
        """
        if self.fixed:
            raise ValueError("a fixed sigma is data, not a variable")
        upper = self.prior.upper if self.on_sigma else math.inf
        if math.isfinite(upper):
            return pm.Uniform("sigma", lower=0.0, upper=np.float64(upper), initval=min(initval, 0.5 * upper))
        sigma = pm.HalfFlat("sigma", initval=initval)
        pm.Potential("sigma_prior", self.pymc_log_prior(pt, sigma))
        return sigma

    # ---- Gibbs samplers ------------------------------------------------------------------------

    def gibbs_settings(self) -> SigmaGibbs:
        """The samplers' sigma update (:class:`SigmaGibbs`).

        ``"fixed"``; ``"invgamma"`` (Jeffreys is IG(0, 0) on sigma^2, the flat prior on sigma
        IG(-1/2, 0)): the conditional ``sigma^2 | . ~ IG(a0 + n_eff/2, b0 + RSS/2)`` (flat:
        shape ``(n_eff - 1)/2``); or the update of a :class:`SigmaPrior`
        (:meth:`SigmaPrior.gibbs`).
        """
        if self.fixed:
            return SigmaGibbs("fixed", fixed=float(self.value))
        if self.on_sigma:
            return self.prior.gibbs()
        a, b = self._ig()
        return SigmaGibbs("invgamma", a0=a, b0=b)

    # ---- joint MAP -----------------------------------------------------------------------------

    def modal_sigma(self, rss: float, n: int, extra_count: float = 0.0, extra_linear: float = 0.0) -> float:
        r"""The sigma that maximises the joint posterior given the coefficients.

        Maximises :math:`h(\sigma) = -m\log\sigma - A/\sigma^2 - B/\sigma + \log p(\sigma)` with
        :math:`m = n +` ``extra_count``, :math:`A = \mathrm{RSS}/2`, :math:`B =` ``extra_linear``
        (the coefficient prior's own dependence on sigma, :meth:`bayesreg.priors.Prior.sigma_terms`).

        - Inverse-gamma(a, b) on :math:`\sigma^2` (Jeffreys: ``a = b = 0``; flat on sigma:
          ``a = -1/2, b = 0``, so ``m = n``: :math:`\sigma^2 = \mathrm{RSS}/n`): ``m += 2a + 1``,
          ``A += b``, and the maximiser is the root of :math:`m s^2 - B s - 2A = 0`.
        - A :class:`SigmaPrior`: in :math:`u = \log\sigma` every term of :math:`h` is concave
          (the prior's too: :math:`-c\,e^{2u}`, :math:`-c\,e^{u}`,
          :math:`-\frac{\nu+1}2\log(1 + e^{2u}/(\nu s^2))`), so :math:`h'(u)` decreases and its
          root is bracketed and found by Brent's method to machine precision. The prior's
          :math:`h'` terms are never positive, so the root lies below the flat-prior maximiser
          :math:`u_0`, which brackets it from above; a bounded prior clips it at its upper end.
        """
        if self.fixed:
            return float(self.value)
        if not self.on_sigma:
            a, b = self._ig()
            m = n + 2.0 * a + 1.0 + extra_count
            A = 0.5 * rss + b
            B = extra_linear
            return (B + math.sqrt(B * B + 8.0 * m * A)) / (2.0 * m)
        prior = self.prior
        m = n + extra_count
        A = 0.5 * rss
        B = extra_linear
        if A <= 0.0 and B <= 0.0:
            return 0.0  # h increases as sigma -> 0: no mode at a positive sigma
        s0 = (B + math.sqrt(B * B + 8.0 * m * A)) / (2.0 * m) if m > 0 else math.inf
        if not math.isfinite(s0):  # pragma: no cover - n >= 1 keeps m > 0
            raise ValueError("the joint mode of sigma is unbounded")
        s0 = min(s0, prior.upper)

        def dh(u: float) -> float:
            # h'(u): -m + 2A e^{-2u} + B e^{-u} + d log p / d log sigma
            e = math.exp(-u)
            return -m + 2.0 * A * e * e + B * e + prior.dlogp_dlogsigma(math.exp(u))

        hi = math.log(s0)
        if dh(hi) >= 0.0:  # the flat-prior maximiser, or the bound: the prior does not pull below it
            return s0
        lo, step = hi, 1.0
        while dh(lo) < 0.0:
            lo -= step
            step *= 2.0
            if lo < math.log(SCALE_RANGE[0]) - 50.0:  # pragma: no cover - A > 0 or B > 0 makes h'(u) > 0 eventually
                return 0.0
        from scipy.optimize import brentq

        return math.exp(brentq(dh, lo, hi, xtol=1e-15, rtol=4.0 * np.finfo(float).eps, maxiter=500))


# ---- sigma -> 0: the design interpolates y --------------------------------------------------------

#: A joint mode whose sigma is below this fraction of sd(y) is refused as collapsed (:func:`collapse_message`).
#: The alternation of :func:`bayesreg.map_estimate` forms the residual sum of squares from the Gram matrix,
#: ``y'y - 2 beta'X'y + beta'X'X beta``, whose rounding error is a few thousand ulps of ``||y_c||^2`` at most
#: (eps = 2.2e-16): a residual sd below 1e-6 sd(y) (RSS below 1e-12 ||y_c||^2) is not told apart from an
#: exact fit, so such a sigma is no estimate of the noise.
COLLAPSE_RTOL = 1e-6


def can_interpolate(n: int, p: int, fit_intercept: bool, n_profiled: int = 0) -> bool:
    """Whether the columns (and the intercept) can fit ``n`` rows exactly: ``p + n_profiled + fit_intercept >= n``.

    True for a design of full row rank (which a design with that many columns generically has;
    ``n_profiled``: unpenalised columns already profiled out of a working model, see
    :func:`bayesreg.design.reweight`). A normal prior on the intercept counts it too: it is
    a free parameter of finite prior density either way.
    """
    return int(p) + int(n_profiled) + int(bool(fit_intercept)) >= int(n)


def _sigma_word(noise: Noise) -> str:
    return "sigma='jeffreys'" if noise.kind == "jeffreys" else f"sigma={noise.prior!r}"


def _size_words(n: int, p: int, fit_intercept: bool, n_profiled: int = 0) -> str:
    cols = p + n_profiled
    return f"p >= n{' - 1' if fit_intercept else ''}: p = {cols}, n = {n}"


def interpolation_obstacle(noise: Noise | None, prior, n: int, p: int, fit_intercept: bool, *, target: str = "mode",
                           n_profiled: int = 0) -> str | None:  # fmt: skip
    r"""Why the joint mode or the posterior of sigma collapses to 0 on these data's size, else ``None``.

    When the design can interpolate ``y`` (:func:`can_interpolate`) some ``(b_0, \beta^*)`` has
    ``RSS = 0``, where the likelihood is :math:`(2\pi\sigma^2)^{-n/2}`. For a coefficient prior
    not scaled by sigma (Laplace, Gaussian, elastic net: :attr:`bayesreg.priors.Prior.scaled_by_sigma`
    False) the joint density at :math:`(\beta^*, \sigma)` is therefore
    :math:`\propto \sigma^{-n} p(\sigma)` as :math:`\sigma \to 0`:

    - ``target="mode"``: unbounded, so no joint mode exists, unless :math:`p(\sigma)` vanishes
      faster than any power of sigma: an inverse-gamma prior on :math:`\sigma^2` with scale
      ``b > 0`` (``sigma="default"``; :math:`p(\sigma) \propto \sigma^{-2a-1}e^{-b/\sigma^2}`).
      Jeffreys and every prior on sigma itself (HalfNormal, HalfCauchy, HalfStudentT,
      Exponential, Uniform: finite and positive at 0) leave it unbounded.
    - ``target="posterior"``: integrating the coefficients out leaves a likelihood that tends to
      a positive constant as :math:`\sigma \to 0`, so the posterior is improper exactly when
      :math:`p(\sigma)` is not integrable at 0: Jeffreys. The proper priors are fine.

    A prior scaled by sigma (Park-Casella, the horseshoes, R2D2) adds
    :math:`-\lambda\lVert\beta\rVert_1/\sigma` (or its Gaussian analogue), which sends the
    density to 0 as :math:`\sigma \to 0` for any ``y`` that is not constant: the mode exists and
    the posterior is proper. A fixed sigma (or a GLM, ``noise=None``) has nothing to collapse.

    Parameters
    ----------
    noise : Noise or None
    prior : Prior
    n, p : int
        Rows and (penalised) columns.
    fit_intercept : bool
    target : {"mode", "posterior"}
    n_profiled : int, default=0
        Unpenalised columns profiled out of a working model.

    Returns
    -------
    str or None
        The message for a ``ValueError``, naming sigma, the prior, ``n`` and ``p`` and what works.
    """
    if noise is None or noise.fixed or getattr(prior, "scaled_by_sigma", False):
        return None
    if not can_interpolate(n, p, fit_intercept, n_profiled):
        return None
    name, size = type(prior).__name__, _size_words(n, p, fit_intercept, n_profiled)
    if target == "posterior":
        if noise.kind != "jeffreys":
            return None
        return (f"{_sigma_word(noise)} with a {name} prior gives an improper posterior when beta can interpolate y "
                f"({size}): nothing keeps sigma from 0. Use sigma='default', an InverseGammaPrior or a "
                "prior on sigma (HalfNormal, ...), fix sigma, or a prior scaled by sigma (ParkCasella, "
                "Horseshoe)")  # fmt: skip
    if noise.kind == "invgamma" and noise._ig()[1] > 0.0:
        return None
    return (f"the joint mode of (beta, sigma) does not exist for {_sigma_word(noise)} with the {name} prior ("
            f"{size}): beta can interpolate y, so the joint density grows without bound as sigma -> 0 (the MAP "
            "would report a sigma at rounding level and an interpolating beta). Fix sigma (a number, or "
            "sigma='estimate' for a plug-in value), give sigma an inverse-gamma prior with a positive scale "
            "(sigma='default' or an InverseGammaPrior; its mode exists, with sigma set by that scale), use a "
            "prior scaled by sigma (ParkCasella), or sample the posterior (sample_posterior, "
            "inference='posterior'), which a proper prior on sigma keeps proper")  # fmt: skip


def collapse_message(noise: Noise, prior, sigma: float, y_sd: float, n: int, p: int) -> str:
    """The error text of a joint mode whose sigma fell below :data:`COLLAPSE_RTOL` sd(y) (y fitted to rounding)."""
    return (f"the joint mode of (beta, sigma) collapses for {_sigma_word(noise) if not noise.fixed else 'sigma'} "
            f"with the {type(prior).__name__} prior (n = {n}, p = {p}): sigma fell to {sigma:.3g}, below "
            f"{COLLAPSE_RTOL:g} sd(y) = {COLLAPSE_RTOL * y_sd:.3g}, so y is fitted to rounding and sigma is no "
            "estimate of the noise (the density grows as sigma -> 0). Fix sigma (a number, or sigma='estimate'), "
            "give sigma an inverse-gamma prior with a positive scale (sigma='default' or an InverseGammaPrior), "
            "or sample the posterior (sample_posterior) under a proper prior on sigma")  # fmt: skip


def held_by_prior_note(noise: Noise, prior, sigma: float, y_sd: float, n: int, p: int,
                       fit_intercept: bool) -> str | None:  # fmt: skip
    """The warning text when the design interpolates y and only a prior holds the joint mode's sigma above 0.

    ``None`` unless :func:`can_interpolate` and sigma is free (a mode that
    :func:`interpolation_obstacle` let through: an inverse-gamma prior with a positive scale, or a
    coefficient prior scaled by sigma).
    """
    if noise is None or noise.fixed or not can_interpolate(n, p, fit_intercept):
        return None
    if getattr(prior, "scaled_by_sigma", False):
        what = f"the {type(prior).__name__} prior's dependence on sigma (its rate)"
    else:
        what = f"the scale b = {noise._ig()[1]:.4g} of the inverse-gamma prior on sigma^2"
    return (f"the design can interpolate y ({_size_words(n, p, fit_intercept)}), so the joint mode's sigma = "
            f"{sigma:.4g} (sd(y) = {y_sd:.4g}) is held above 0 only by {what}: its size is set by that prior, not "
            "estimated from the residuals, and beta is a near-interpolant. Fix sigma (a number, or 'estimate'), or "
            "sample the "
            "posterior (sample_posterior, inference='posterior')")  # fmt: skip


@dataclass(frozen=True)
class SigmaSpec:
    """A checked spelling of ``sigma``, not yet resolved against data (see :func:`parse_sigma`)."""

    word: str  # "fixed", "default", "jeffreys", "flat", "estimate", "invgamma", "sigma_prior"
    value: float | None = None
    prior: InverseGammaPrior | SigmaPrior | None = None

    @property
    def fixed(self) -> bool:
        """Fixed before seeing the data (a number)."""
        return self.word == "fixed"

    @property
    def needs_rows(self) -> bool:
        """``"estimate"`` needs the rows (X, y), not only sufficient statistics."""
        return self.word == "estimate"

    @property
    def free(self) -> bool:
        """Whether sigma is free in the posterior (has a prior), rather than a number fixed before sampling."""
        return self.word not in ("fixed", "estimate")

    @property
    def jeffreys(self) -> bool:
        """Whether this is Jeffreys' prior ``p(sigma) ~ 1/sigma``."""
        return self.word == "jeffreys"

    def resolve(self, y_var: float | None = None, X=None, y=None) -> Noise:
        """The :class:`Noise` for these data.

        Parameters
        ----------
        y_var : float, optional
            Sample variance of ``y`` (for ``"default"``).
        X, y : ndarray, optional
            Validated rows (for ``"estimate"``; and, for a :class:`Uniform` prior, to warn when its
            upper bound lies below the least-squares residual sd).
        """
        if self.word == "fixed":
            return Noise("fixed", value=self.value)
        if self.word == "invgamma":
            return Noise("invgamma", prior=self.prior)
        if self.word == "sigma_prior":
            _check_upper(self.prior, X, y)
            return Noise(self.prior.kind, prior=self.prior)
        if self.word in ("jeffreys", "flat"):
            return Noise(self.word)
        if self.word == "default":
            if y_var is None:  # pragma: no cover - internal contract
                raise ValueError("sigma='default' is resolved against var(y)")
            return Noise("invgamma", prior=default_sigma_prior(y_var), note="default: IG(1, var(y)/100) on sigma^2")
        if X is None or y is None:
            raise ValueError(
                "sigma='estimate' (a plug-in estimate from the residuals) needs the rows (X, y), not sufficient "
                "statistics; pass a number instead"
            )
        value, note = plug_in_sigma(X, y)
        return Noise("fixed", value=value, note=f"plug-in: {note}")


_CALLS = {"halfnormal": HalfNormal, "halfcauchy": HalfCauchy, "halfstudentt": HalfStudentT, "exponential": Exponential,
          "uniform": Uniform}  # fmt: skip
_CALL = re.compile(r"^([a-z_]+)\s*\((.*)\)$")


def _parse_call(text: str, name: str) -> SigmaPrior | None:
    """A prior on sigma written as a call, ``"halfnormal(2.5)"``, ``"half_student_t(3, 1)"`` (None if not one)."""
    m = _CALL.match(text)
    if m is None or m.group(1).replace("_", "") not in _CALLS:
        return None
    cls = _CALLS[m.group(1).replace("_", "")]
    try:
        args = [float(a) for a in m.group(2).split(",")] if m.group(2).strip() else []
    except ValueError:
        raise ValueError(f"{name}={text!r}: the arguments of {cls.__name__} must be numbers") from None
    n_args = 2 if cls is HalfStudentT else 1
    if len(args) != n_args:
        what = "nu, scale" if cls is HalfStudentT else {HalfNormal: "scale", HalfCauchy: "scale",
                                                         Exponential: "rate", Uniform: "upper"}[cls]  # fmt: skip
        raise ValueError(f"{name}={text!r}: {cls.__name__} takes {n_args} number(s), {what}; got {len(args)}")
    try:
        return cls(*args)
    except ValueError as e:
        raise ValueError(f"{name}={text!r}: {e}") from None


def parse_sigma(sigma, name: str = "sigma") -> SigmaSpec:
    """Check one spelling of ``sigma`` (see the module docstring) and return a :class:`SigmaSpec`.

    Raises
    ------
    TypeError, ValueError
        Naming ``name`` and the accepted spellings.
    """
    if isinstance(sigma, SigmaSpec):
        return sigma
    if isinstance(sigma, Noise):
        if sigma.fixed:
            return SigmaSpec("fixed", value=sigma.value)
        if sigma.on_sigma:
            return SigmaSpec("sigma_prior", prior=sigma.prior)
        if sigma.kind in ("jeffreys", "flat"):
            return SigmaSpec(sigma.kind)
        return SigmaSpec("invgamma", prior=sigma.prior)
    if sigma is None:
        return SigmaSpec("jeffreys")
    if isinstance(sigma, str):
        low = sigma.strip().lower()
        if low in SIGMA_WORDS:
            return SigmaSpec(low)
        prior = _parse_call(low, name)
        if prior is None:
            raise ValueError(f"{name} must be {_VOCABULARY}; got {sigma!r}")
        return SigmaSpec("sigma_prior", prior=prior)
    if isinstance(sigma, InverseGammaPrior):
        return SigmaSpec("invgamma", prior=sigma)
    if isinstance(sigma, SigmaPrior):
        return SigmaSpec("sigma_prior", prior=sigma)
    if isinstance(sigma, type) and issubclass(sigma, SigmaPrior):
        raise TypeError(f"{name} must be a prior instance such as {sigma.__name__}(...), not the class itself")
    if isinstance(sigma, bool) or not isinstance(sigma, int | float | np.integer | np.floating):
        raise TypeError(f"{name} must be {_VOCABULARY}; got {type(sigma).__name__} {sigma!r}")
    # the likelihood's precision is 1/sigma^2 (and alpha = sigma^2/(n b)): the range of SCALE_RANGE
    return SigmaSpec("fixed", value=check_scale(sigma, name))
