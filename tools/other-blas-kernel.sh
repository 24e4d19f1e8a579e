#!/bin/sh
# Print an OpenBLAS kernel (OPENBLAS_CORETYPE value) other than the one this CPU selects natively, so that
# `make test` runs one of its two stacks on kernels the suite was not written on: results that hold only
# under one kernel's rounding (a tolerance at the rounding floor, a reference formed by cancellation) fail
# here first instead of on someone else's machine. Haswell (AVX2) runs on any x86-64 CPU with AVX2;
# where Haswell is the native kernel, Sandybridge (AVX) is used instead. Prints nothing where NumPy is not
# linked to OpenBLAS or the CPU has no AVX2 (then the stack runs on its native kernel).
# Usage: tools/other-blas-kernel.sh PYTHON
py="${1:-python3}"
native=$(env -u OPENBLAS_CORETYPE "$py" -c '
from threadpoolctl import threadpool_info
import numpy  # noqa: F401  (loads its OpenBLAS)
print(next((i.get("architecture") or "" for i in threadpool_info() if i.get("internal_api") == "openblas"), ""))
' 2>/dev/null) || exit 0
[ -n "$native" ] || exit 0
grep -q -w avx2 /proc/cpuinfo 2>/dev/null || exit 0
case "$native" in
    Haswell) echo Sandybridge ;;
    *) echo Haswell ;;
esac
