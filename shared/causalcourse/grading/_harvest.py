"""Runs inside the student's kernel after their notebook: collect answers.

Only this module's :func:`harvest` is called there. It reads the variables
the hidden checks name, calls the student's functions on inputs the grader
prepared, and writes everything as type-tagged JSON to a file the grader
reads. No reference value or check logic ever enters the student's kernel.
"""

from __future__ import annotations

import builtins
import json
import math
import pickle
import signal

_MAX_ITEMS = 20_000


class _CallTimeout(BaseException):
    """Raised by the alarm; a BaseException so ``except Exception`` cannot swallow it."""


def _number(x):
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def encode(obj, depth: int = 0):
    """Type-tagged JSON-able form of ``obj``; exact types only, no subclasses."""
    import numpy as np
    import pandas as pd

    kind = builtins.type(obj)
    if depth > 6:
        return {"t": "unsupported", "v": "nested too deeply"}
    if kind is bool or kind is np.bool_:
        return {"t": "bool", "v": bool(obj)}
    if kind is int or kind in (np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint64):
        return {"t": "int", "v": int(obj)}
    if kind is float or kind in (np.float16, np.float32, np.float64):
        return {"t": "float", "v": _number(obj)}
    if kind is str:
        return {"t": "str", "v": obj[:_MAX_ITEMS]}
    if obj is None:
        return {"t": "none"}
    if kind in (list, tuple):
        if len(obj) > _MAX_ITEMS:
            return {"t": "unsupported", "v": f"{kind.__name__} too long"}
        return {"t": kind.__name__, "v": [encode(x, depth + 1) for x in obj]}
    if kind is dict:
        if len(obj) > _MAX_ITEMS or not all(builtins.type(k) is str for k in obj):
            return {"t": "unsupported", "v": "dict"}
        return {"t": "dict", "v": {k: encode(v, depth + 1) for k, v in obj.items()}}
    if kind is np.ndarray and obj.dtype.kind in "biuf" and obj.size <= _MAX_ITEMS:
        return {"t": "ndarray", "v": [_number(x) for x in obj.astype(float).ravel()],
                "shape": list(obj.shape)}
    if kind is pd.Series and obj.dtype.kind in "biuf" and obj.size <= _MAX_ITEMS:
        return {"t": "series", "v": [_number(x) for x in obj.astype(float)],
                "index": [str(i) for i in obj.index], "name": str(obj.name)}
    if kind is pd.DataFrame and obj.size <= _MAX_ITEMS:
        cols = {str(c): encode(obj[c].astype(float) if obj[c].dtype.kind in "biuf"
                               else obj[c].astype(str).tolist(), depth + 1)
                for c in obj.columns}
        return {"t": "frame", "v": cols, "index": [str(i) for i in obj.index]}
    return {"t": "unsupported", "v": kind.__name__}


def _call(func, call, seconds: float):
    def _alarm(signum, frame):
        raise _CallTimeout()

    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        result = func(*call.args, **dict(call.kwargs))
        signal.setitimer(signal.ITIMER_REAL, 0)
        return encode(result)
    except _CallTimeout:
        return {"t": "timeout", "v": seconds}
    except Exception as err:  # noqa: BLE001 - the student's error is the result
        signal.setitimer(signal.ITIMER_REAL, 0)
        return {"t": "raised", "v": builtins.type(err).__name__, "m": str(err)[:300]}
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def harvest(user_ns: dict, names: list, calls_path: str, out_path: str, seconds: float) -> None:
    """Collect ``names`` from ``user_ns`` and the results of the planned calls."""
    with builtins.open(calls_path, "rb") as fh:
        planned = pickle.load(fh)
    values, results = {}, {}
    for name in names:
        if name not in user_ns:
            values[name] = {"t": "absent"}
        elif name in planned:
            values[name] = {"t": "callable" if callable(user_ns[name]) else "unsupported",
                            "v": builtins.type(user_ns[name]).__name__}
        else:
            try:
                values[name] = encode(user_ns[name])
            except Exception as err:  # noqa: BLE001
                values[name] = {"t": "unsupported", "v": builtins.type(err).__name__}
    for name, call_list in planned.items():
        func = user_ns.get(name)
        if not callable(func):
            continue
        results[name] = [_call(func, call, seconds) for call in call_list]
    with builtins.open(out_path, "w") as fh:
        json.dump({"values": values, "calls": results}, fh)
