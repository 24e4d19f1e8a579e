"""``python -m bayesreg.demo``: the same as ``bayesreg compare`` (kept for old links).

scikit-learn's Lasso, Ridge and ElasticNet against the exact MAP on the diabetes data; the
table is :func:`bayesreg.cli.comparison_table`.
"""

from __future__ import annotations

from .cli import comparison_table

__all__ = ["comparison_table", "main"]


def main() -> None:
    """Print the comparison table (``bayesreg compare``)."""
    from .cli import main as cli_main

    raise SystemExit(cli_main(["compare"]))


if __name__ == "__main__":
    main()
