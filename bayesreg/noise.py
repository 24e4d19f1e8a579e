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
an ``InverseGammaPrior``   sampled under that inverse-gamma prior on :math:`\sigma^2`
=========================  ===================================================================

:func:`parse_sigma` checks a spelling (before any data are read) and returns a
:class:`SigmaSpec`; :meth:`SigmaSpec.resolve` turns it, given the data, into a :class:`Noise`:
``"fixed"``, ``"jeffreys"`` or ``"invgamma"``. The :class:`Noise` owns everything the rest of
the package needs to know about sigma: its log prior density (NumPy and PyMC forms), the settings
of the Gibbs samplers' sigma update, and the closed-form modal sigma of the joint MAP.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .priors import SCALE_RANGE, InverseGammaPrior, check_scale

__all__ = ["Noise", "SigmaSpec", "default_sigma_prior", "parse_sigma", "plug_in_sigma"]

_WORDS = ("default", "jeffreys", "estimate")
_VOCABULARY = "a positive number, 'estimate', 'default', 'jeffreys', None (Jeffreys) or an InverseGammaPrior on sigma^2"


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


@dataclass(frozen=True)
class Noise:
    r"""A resolved noise model: ``sigma`` fixed, or its prior.

    Attributes
    ----------
    kind : {"fixed", "jeffreys", "invgamma"}
    value : float or None
        The fixed sigma.
    prior : InverseGammaPrior or None
        The inverse-gamma prior on :math:`\sigma^2` (``kind="invgamma"``).
    note : str
        Where it came from (``"given"``, the default prior, the plug-in estimate).
    """

    kind: str
    value: float | None = None
    prior: InverseGammaPrior | None = None
    note: str = "given"

    @property
    def fixed(self) -> bool:
        """Whether sigma is a fixed number."""
        return self.kind == "fixed"

    @property
    def argument(self):
        """The resolved spelling: the number, ``"jeffreys"`` or the InverseGammaPrior."""
        return {"fixed": self.value, "jeffreys": "jeffreys", "invgamma": self.prior}[self.kind]

    def __repr__(self) -> str:
        if self.kind == "fixed":
            what = f"sigma={self.value:.6g}"
        elif self.kind == "jeffreys":
            what = "p(sigma) ∝ 1/sigma"
        else:
            what = f"sigma^2 ~ {self.prior}"
        return f"Noise({what}, {self.note})"

    # ---- densities -----------------------------------------------------------------------------

    def _ig(self) -> tuple[float, float]:
        """``(a, b)`` of the inverse-gamma prior on sigma^2; Jeffreys is the limit ``(0, 0)``."""
        if self.kind == "invgamma":
            return float(self.prior.shape), float(self.prior.scale)
        return 0.0, 0.0

    def log_prior(self, sigma) -> np.ndarray:
        r"""Log prior density of ``sigma`` on the sigma scale, up to a constant.

        Inverse-gamma(a, b) on :math:`s = \sigma^2`: :math:`p(s) \propto s^{-a-1} e^{-b/s}` and
        :math:`ds = 2\sigma\,d\sigma`, so :math:`p(\sigma) \propto \sigma^{-2a-1} e^{-b/\sigma^2}`;
        Jeffreys is ``a = b = 0``.
        """
        if self.fixed:
            raise ValueError("a fixed sigma has no prior density")
        a, b = self._ig()
        sigma = np.asarray(sigma, dtype=np.float64)
        return -(2.0 * a + 1.0) * np.log(sigma) - b / sigma**2

    def pymc_log_prior(self, pt, sigma_var):
        """The same log density as :meth:`log_prior`, on a PyTensor variable ``sigma_var``."""
        a, b = self._ig()
        out = -(2.0 * a + 1.0) * pt.log(sigma_var)
        return out - np.float64(b) / sigma_var**2 if b > 0 else out

    # ---- Gibbs samplers ------------------------------------------------------------------------

    def gibbs_settings(self) -> tuple[str, float, float, float]:
        """``(mode, fixed value, a0, b0)`` of the samplers' sigma^2 update.

        ``mode`` is ``"fixed"`` or ``"invgamma"`` (Jeffreys is IG(0, 0) on sigma^2): the
        conditional ``sigma^2 | . ~ IG(a0 + n_eff/2, b0 + RSS/2)``.
        """
        a, b = self._ig()
        if self.fixed:
            return "fixed", float(self.value), 0.0, 0.0
        return "invgamma", 1.0, a, b

    # ---- joint MAP -----------------------------------------------------------------------------

    def modal_sigma(self, rss: float, n: int, extra_count: float = 0.0, extra_linear: float = 0.0) -> float:
        r"""The sigma that maximises the joint posterior given the coefficients.

        Maximises :math:`-m\log\sigma - A/\sigma^2 - B/\sigma` with :math:`m = n + 2a + 1 +`
        ``extra_count``, :math:`A = \mathrm{RSS}/2 + b`, :math:`B =` ``extra_linear`` (the
        coefficient prior's own dependence on sigma, :meth:`bayesreg.priors.Prior.sigma_terms`):
        the root of :math:`m s^2 - B s - 2A = 0`.
        """
        if self.fixed:
            return float(self.value)
        a, b = self._ig()
        m = n + 2.0 * a + 1.0 + extra_count
        A = 0.5 * rss + b
        B = extra_linear
        return (B + math.sqrt(B * B + 8.0 * m * A)) / (2.0 * m)


@dataclass(frozen=True)
class SigmaSpec:
    """A checked spelling of ``sigma``, not yet resolved against data (see :func:`parse_sigma`)."""

    word: str  # "fixed", "default", "jeffreys", "estimate", "invgamma"
    value: float | None = None
    prior: InverseGammaPrior | None = None

    @property
    def fixed(self) -> bool:
        """Fixed before seeing the data (a number)."""
        return self.word == "fixed"

    @property
    def needs_rows(self) -> bool:
        """``"estimate"`` needs the rows (X, y), not only sufficient statistics."""
        return self.word == "estimate"

    def resolve(self, y_var: float | None = None, X=None, y=None) -> Noise:
        """The :class:`Noise` for these data.

        Parameters
        ----------
        y_var : float, optional
            Sample variance of ``y`` (for ``"default"``).
        X, y : ndarray, optional
            Validated rows (for ``"estimate"``).
        """
        if self.word == "fixed":
            return Noise("fixed", value=self.value)
        if self.word == "invgamma":
            return Noise("invgamma", prior=self.prior)
        if self.word == "jeffreys":
            return Noise("jeffreys")
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
        return SigmaSpec("fixed", value=sigma.value) if sigma.fixed else SigmaSpec(
            "invgamma" if sigma.kind == "invgamma" else "jeffreys", prior=sigma.prior
        )
    if sigma is None:
        return SigmaSpec("jeffreys")
    if isinstance(sigma, str):
        low = sigma.strip().lower()
        if low not in _WORDS:
            raise ValueError(f"{name} must be {_VOCABULARY}; got {sigma!r}")
        return SigmaSpec(low)
    if isinstance(sigma, InverseGammaPrior):
        return SigmaSpec("invgamma", prior=sigma)
    if isinstance(sigma, bool) or not isinstance(sigma, int | float | np.integer | np.floating):
        raise TypeError(f"{name} must be {_VOCABULARY}; got {type(sigma).__name__} {sigma!r}")
    # the likelihood's precision is 1/sigma^2 (and alpha = sigma^2/(n b)): the range of SCALE_RANGE
    return SigmaSpec("fixed", value=check_scale(sigma, name))
