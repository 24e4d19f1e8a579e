r"""Penalties of the penalised least-squares problem, twins of the priors in :mod:`bayesreg.priors`.

All solvers in this package minimise one objective,

.. math::

    \frac{1}{2n}\lVert y - X\beta\rVert_2^2 + \mathrm{pen}(\beta),

and every penalty here is a member of the elastic-net family

.. math::

    \mathrm{pen}(\beta) = \alpha_1 \lVert\beta\rVert_1 + \frac{\alpha_2}{2}\lVert\beta\rVert_2^2,

with ``alpha_l1`` and ``alpha_l2`` its two weights. A penalty offers what a proximal or
coordinate-descent solver needs: its ``value``, its ``prox`` and the distance of a
point's subdifferential to a gradient (the KKT violation). The relation to the priors
(each penalty is the negative log prior rescaled by sigma^2/n, up to a constant) lives in
:mod:`bayesreg.mapping`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._validation import check_nonnegative, check_scalar

__all__ = ["Penalty", "L1", "L2", "ElasticNet", "soft_threshold"]


def soft_threshold(z, threshold):
    r"""Soft-thresholding operator :math:`S(z, t) = \mathrm{sign}(z)\max(|z| - t, 0)`.

    It is the proximal operator of :math:`t\lvert\cdot\rvert`: the exact minimiser of
    :math:`\tfrac12 (b - z)^2 + t\lvert b\rvert`.

    Parameters
    ----------
    z : array_like
        Points.
    threshold : float or array_like
        Non-negative threshold.

    Returns
    -------
    ndarray
        The thresholded values, float64.
    """
    z = np.asarray(z, dtype=np.float64)
    t = np.asarray(threshold, dtype=np.float64)
    if np.any(t < 0.0) or not np.all(np.isfinite(t)):
        raise ValueError(f"threshold must be finite and non-negative; got {threshold!r}")
    return np.sign(z) * np.maximum(np.abs(z) - t, 0.0)


_EN_WEIGHTS = (
    "per-coefficient weights of an elastic-net penalty (both L1 and L2 parts) other than 0 and 1 have no "
    "column-rescaling form and are not supported; use weighted L1 or weighted L2"
)


def _check_weights(weights):
    """``None``, or per-coefficient penalty weights as a tuple of non-negative finite floats (0 = unpenalised)."""
    if weights is None:
        return None
    try:
        w = np.array(weights, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"weights must be None or a 1-D sequence of numbers; got {weights!r}") from None
    if w.ndim != 1 or w.size == 0:
        raise ValueError(f"weights must be None or a non-empty 1-D sequence; got shape {w.shape}")
    bad = np.flatnonzero(~np.isfinite(w) | (w < 0))
    if bad.size:
        j = int(bad[0])
        raise ValueError(f"weights[{j}] = {float(w[j])!r}: penalty weights must be finite and >= 0 (0 = unpenalised)")
    if not (w > 0).any():
        raise ValueError("weights: every weight is 0, which leaves every coefficient unpenalised (least squares)")
    return tuple(float(x) for x in w)


@dataclass(frozen=True)
class Penalty:
    """Base class: an elastic-net-family penalty ``alpha_l1 ||b||_1 + alpha_l2/2 ||b||^2``.

    With per-coefficient ``weights`` ``w_j >= 0`` (every subclass takes them) the penalty is
    ``sum_j w_j (alpha_l1 |b_j| + alpha_l2/2 b_j^2)``; ``w_j = 0`` leaves ``b_j`` unpenalised. It is
    the twin of a prior with per-coefficient scales (:mod:`bayesreg.mapping`).
    """

    def __repr__(self) -> str:
        parts = [f"alpha={self.alpha!r}"]
        if isinstance(self, ElasticNet):
            parts.append(f"l1_ratio={self.l1_ratio!r}")
        w = self.weight_vector
        if w is not None:
            parts.append(f"weights=<{w.size} per-coefficient, {int(np.sum(w == 0))} unpenalised>")
        return f"{type(self).__name__}({', '.join(parts)})"

    @property
    def weight_vector(self) -> np.ndarray | None:
        """The per-coefficient weights as an array, or ``None`` (all 1)."""
        w = getattr(self, "weights", None)
        return None if w is None else np.asarray(w, dtype=np.float64)

    def with_factors(self, factors) -> Penalty:
        """The penalty on ``gamma = beta / factors`` (``self``), written on ``beta`` with per-coefficient weights.

        ``|gamma_j| = |beta_j| / c_j`` and ``gamma_j^2 = beta_j^2 / c_j^2``: weights ``1/c_j`` for L1,
        ``1/c_j^2`` for L2 (``c_j = inf``: weight 0, unpenalised). An elastic net has both terms and
        no single weight for them: refused unless every factor is 1 or ``inf``.
        (:meth:`column_factors` is the inverse.)
        """
        c = np.asarray(factors, dtype=np.float64)
        if self.alpha_l2 == 0.0:
            w = 1.0 / c
        elif self.alpha_l1 == 0.0:
            w = 1.0 / (c * c)
        elif np.all((c == 1.0) | np.isinf(c)):
            w = 1.0 / c
        else:
            raise ValueError(_EN_WEIGHTS)
        from dataclasses import replace

        return replace(self, weights=tuple(float(x) for x in w))

    def column_factors(self) -> np.ndarray:
        """The multipliers ``c_j`` of the columns that turn the weighted penalty into the common one.

        The inverse of :meth:`with_factors`: ``1/w_j`` (L1), ``1/sqrt(w_j)`` (L2), ``inf`` where
        ``w_j = 0``; ones without weights.
        """
        w = self.weight_vector
        if w is None:
            return np.ones(0)
        with np.errstate(divide="ignore"):
            if self.alpha_l2 == 0.0:
                return 1.0 / w
            if self.alpha_l1 == 0.0:
                return 1.0 / np.sqrt(w)
            if np.all((w == 0.0) | (w == 1.0)):
                return 1.0 / w
        raise ValueError(_EN_WEIGHTS)

    def unweighted(self) -> Penalty:
        """The same penalty without per-coefficient weights."""
        from dataclasses import replace

        return replace(self, weights=None)

    def _w(self, b: np.ndarray):
        w = self.weight_vector
        if w is None:
            return 1.0
        if b.shape[-1:] != w.shape:
            raise ValueError(f"beta has {b.shape[-1] if b.ndim else 1} coefficients but the penalty has {w.size} "
                             "weights")  # fmt: skip
        return w

    @staticmethod
    def from_weights(alpha_l1: float, alpha_l2: float) -> Penalty:
        """The penalty ``alpha_l1 ||b||_1 + alpha_l2/2 ||b||^2``: ``L1``, ``L2`` or ``ElasticNet``.

        Parameters
        ----------
        alpha_l1, alpha_l2 : float
            Non-negative weights (``L1`` when ``alpha_l2 == 0``, ``L2`` when ``alpha_l1 == 0``,
            ``L1(0)`` when both are zero).

        Returns
        -------
        Penalty
        """
        a1 = check_nonnegative(alpha_l1, "alpha_l1")
        a2 = check_nonnegative(alpha_l2, "alpha_l2")
        if a2 == 0.0:
            return L1(a1)
        if a1 == 0.0:
            return L2(a2)
        return ElasticNet(alpha=a1 + a2, l1_ratio=a1 / (a1 + a2))

    @property
    def alpha_l1(self) -> float:  # pragma: no cover - overridden
        """Weight of the L1 term."""
        raise NotImplementedError

    @property
    def alpha_l2(self) -> float:  # pragma: no cover - overridden
        """Weight of the squared-L2 term (with its factor 1/2)."""
        raise NotImplementedError

    def value(self, beta) -> float:
        """Penalty value ``alpha_l1 ||beta||_1 + alpha_l2 / 2 ||beta||_2^2``."""
        b = np.asarray(beta, dtype=np.float64)
        if self.weight_vector is not None:
            w = self._w(b)
            return float(np.sum(w * (self.alpha_l1 * np.abs(b) + 0.5 * self.alpha_l2 * b * b)))
        # np.sum(b * b), not b @ b: beta may be a scalar or carry extra axes, summed over all
        return float(self.alpha_l1 * np.abs(b).sum() + 0.5 * self.alpha_l2 * np.sum(b * b))

    def prox(self, z, step: float = 1.0):
        """Proximal operator of ``step * pen`` at ``z``.

        ``argmin_b 1/2 ||b - z||^2 + step * pen(b) = S(z, step a1) / (1 + step a2)``.
        """
        step = check_scalar(step, "step", lower=0.0)
        w = self._w(np.asarray(z, dtype=np.float64))
        return soft_threshold(z, step * w * self.alpha_l1) / (1.0 + step * w * self.alpha_l2)

    def subdiff_distance(self, beta, grad):
        """Distance from ``-grad`` to the subdifferential of the penalty at ``beta``, per coordinate.

        ``grad`` is the gradient of the smooth data-fit term. At an optimum every entry is zero
        (these are the KKT conditions): for ``beta_j != 0`` it is
        ``|grad_j + a2 beta_j + a1 sign(beta_j)|``, and for ``beta_j == 0`` it is
        ``max(|grad_j| - a1, 0)``.
        """
        b = np.asarray(beta, dtype=np.float64)
        w = self._w(b)
        a1 = w * self.alpha_l1
        g = np.asarray(grad, dtype=np.float64) + w * self.alpha_l2 * b
        return np.where(
            b != 0.0,
            np.abs(g + a1 * np.sign(b)),
            np.maximum(np.abs(g) - a1, 0.0),
        )


@dataclass(frozen=True, repr=False)
class L1(Penalty):
    """Lasso penalty ``alpha ||beta||_1`` (the twin of a Laplace prior).

    Parameters
    ----------
    alpha : float
        Non-negative weight, in the scikit-learn ``Lasso`` convention (data fit ``1/(2n)``).
    """

    alpha: float = 1.0
    weights: tuple | None = field(default=None, repr=False)

    def __post_init__(self):
        object.__setattr__(self, "alpha", check_nonnegative(self.alpha, "alpha"))
        object.__setattr__(self, "weights", _check_weights(self.weights))

    @property
    def alpha_l1(self) -> float:  # noqa: D102
        return self.alpha

    @property
    def alpha_l2(self) -> float:  # noqa: D102
        return 0.0


@dataclass(frozen=True, repr=False)
class L2(Penalty):
    """Ridge penalty ``alpha / 2 ||beta||_2^2`` (the twin of a Gaussian prior).

    With the data fit ``1/(2n) ||y - X beta||^2`` this is scikit-learn's
    ``Ridge(alpha = n * alpha)``; :mod:`bayesreg.mapping` does that conversion.

    Parameters
    ----------
    alpha : float
        Non-negative weight.
    """

    alpha: float = 1.0
    weights: tuple | None = field(default=None, repr=False)

    def __post_init__(self):
        object.__setattr__(self, "alpha", check_nonnegative(self.alpha, "alpha"))
        object.__setattr__(self, "weights", _check_weights(self.weights))

    @property
    def alpha_l1(self) -> float:  # noqa: D102
        return 0.0

    @property
    def alpha_l2(self) -> float:  # noqa: D102
        return self.alpha


@dataclass(frozen=True, repr=False)
class ElasticNet(Penalty):
    """Elastic-net penalty ``alpha l1_ratio ||b||_1 + alpha (1 - l1_ratio) / 2 ||b||_2^2``.

    The same parametrisation as scikit-learn's ``ElasticNet``.

    Parameters
    ----------
    alpha : float
        Non-negative overall weight.
    l1_ratio : float
        Mixing parameter in [0, 1]; 1 is the Lasso, 0 is Ridge.
    """

    alpha: float = 1.0
    l1_ratio: float = 0.5
    weights: tuple | None = field(default=None, repr=False)

    def __post_init__(self):
        object.__setattr__(self, "alpha", check_nonnegative(self.alpha, "alpha"))
        object.__setattr__(
            self, "l1_ratio", check_scalar(self.l1_ratio, "l1_ratio", lower=0.0, upper=1.0)
        )
        object.__setattr__(self, "weights", _check_weights(self.weights))

    @property
    def alpha_l1(self) -> float:  # noqa: D102
        return self.alpha * self.l1_ratio

    @property
    def alpha_l2(self) -> float:  # noqa: D102
        return self.alpha * (1.0 - self.l1_ratio)
