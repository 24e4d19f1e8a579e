"""High-precision reference for the Gaussian-prior linear model, in Python's ``decimal`` (50 digits).

Independent of the package's numerics: a different algorithm (the primal p x p normal matrix
``M = X_c^T X_c + lambda I``, Cholesky, solves; the form float64 cannot use when ``M`` is
ill-conditioned) in a different arithmetic. Every float64 input converts to a Decimal exactly;
50 significant digits leave >= 30 correct digits for conditions up to 1e20, and Decimal's exponent
range (1e-999999 .. 1e999999) removes every over- and underflow, so the reference holds for the
extreme scales as well. mpmath is not a dependency of the project; ``decimal`` is the standard library.
"""

from decimal import Decimal, localcontext

import numpy as np

_PI = Decimal("3.14159265358979323846264338327950288419716939937510582097494459")
PREC = 50


def _d(x) -> Decimal:
    return Decimal(float(x))  # exact: a binary float has a finite decimal expansion


def _centred(X, y, fit_intercept):
    Xd = [[_d(v) for v in row] for row in np.asarray(X)]
    yd = [_d(v) for v in np.asarray(y)]
    n, p = len(Xd), len(Xd[0])
    if fit_intercept:
        xm = [sum(Xd[i][j] for i in range(n)) / n for j in range(p)]
        ym = sum(yd) / n
        Xd = [[Xd[i][j] - xm[j] for j in range(p)] for i in range(n)]
        yd = [v - ym for v in yd]
    else:
        xm, ym = [Decimal(0)] * p, Decimal(0)
    return Xd, yd, xm, ym


def _cholesky(M):
    p = len(M)
    L = [[Decimal(0)] * p for _ in range(p)]
    for j in range(p):
        s = M[j][j] - sum(L[j][k] * L[j][k] for k in range(j))
        if s <= 0:
            raise ArithmeticError("not positive definite at 50 digits")
        L[j][j] = s.sqrt()
        for i in range(j + 1, p):
            L[i][j] = (M[i][j] - sum(L[i][k] * L[j][k] for k in range(j))) / L[j][j]
    return L


def _solve(L, b):
    p = len(L)
    z = [Decimal(0)] * p
    for i in range(p):
        z[i] = (b[i] - sum(L[i][k] * z[k] for k in range(i))) / L[i][i]
    x = [Decimal(0)] * p
    for i in reversed(range(p)):
        x[i] = (z[i] - sum(L[k][i] * x[k] for k in range(i + 1, p))) / L[i][i]
    return x


def reference(X, y, tau, sigma, *, fit_intercept=True, cov=True, ridge_shift=None):
    """Posterior mean, covariance, sd, log evidence (and the intercept's moments), as float64.

    ``ridge_shift``: solve ``(G + shift I) b = q`` instead (the ridge solution; ``tau``, ``sigma`` unused).
    """
    with localcontext() as ctx:
        ctx.prec = PREC
        Xc, yc, xm, ym = _centred(X, y, fit_intercept)
        n, p = len(Xc), len(Xc[0])
        G = [[sum(Xc[i][a] * Xc[i][b] for i in range(n)) for b in range(p)] for a in range(p)]
        q = [sum(Xc[i][a] * yc[i] for i in range(n)) for a in range(p)]
        yy = sum(v * v for v in yc)
        if ridge_shift is not None:
            lam = _d(ridge_shift)
        else:
            s, t = _d(sigma) ** 2, _d(tau) ** 2
            lam = s / t
        M = [[G[a][b] + (lam if a == b else 0) for b in range(p)] for a in range(p)]
        L = _cholesky(M)
        mean = _solve(L, q)
        out = {"mean": np.array([float(v) for v in mean])}
        if ridge_shift is not None:
            return out
        n_eff = n - 1 if fit_intercept else n
        logdet = 2 * sum(L[j][j].ln() for j in range(p)) - p * lam.ln()  # log det(I + G / lam)
        quad = (yy - sum(qa * ma for qa, ma in zip(q, mean))) / s
        lml = -Decimal(n_eff) / 2 * (2 * _PI * s).ln() - logdet / 2 - quad / 2
        if fit_intercept:
            lml -= Decimal(n).ln() / 2
        out["log_ml"] = float(lml)
        if cov:
            cols = [_solve(L, [Decimal(int(a == b)) for a in range(p)]) for b in range(p)]
            C = [[s * cols[b][a] for b in range(p)] for a in range(p)]
            out["cov"] = np.array([[float(v) for v in row] for row in C])
            out["sd"] = np.array([float(C[a][a].sqrt()) for a in range(p)])
            if fit_intercept:
                # Var(b0) = sigma^2 / n + xbar^T C xbar
                v0 = s / n + sum(xm[a] * C[a][b] * xm[b] for a in range(p) for b in range(p))
                out["intercept_sd"] = float(v0.sqrt())
                out["intercept_mean"] = float(ym - sum(xm[a] * mean[a] for a in range(p)))

            def xcx(rows):
                # d^T C d for each row d of the centred design: the predictive variance of the mean
                return np.array([float(sum(r[a] * C[a][b] * r[b] for a in range(p) for b in range(p))) for r in rows])

            out["train_var"] = xcx(Xc)
        return out
