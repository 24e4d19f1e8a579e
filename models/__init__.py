"""The ready model specs of `bayesreg run` and their data: their one home, shipped in the wheel as ``bayesreg._models``."""
