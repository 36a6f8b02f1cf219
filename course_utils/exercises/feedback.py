"""Explaining a mismatch without giving the answer away: what is wrong with an answer, in words.

Independent of the exercise kinds: given the learner's value and the reference, :func:`_compare`
says what differs (type, shape, dtype, which element, in which direction), or None when they agree.
"""
from __future__ import annotations

import inspect
import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

# --------------------------------------------------------------------------- describing values


def _short(value: Any, limit: int = 70) -> str:
    """A one-line repr that never raises and never floods the screen."""
    try:
        if isinstance(value, np.generic):  # show 2.0, not np.float64(2.0)
            value = value.item()
        if isinstance(value, np.ndarray):
            text = np.array2string(value, threshold=12, edgeitems=2, separator=", ")
        else:
            text = repr(value)
    except Exception:  # a learner's object with a broken __repr__
        text = f"<{type(value).__name__} object>"
    return _clip(text, limit)


def _clip(text: str, limit: int) -> str:
    """Text on one line, cut to ``limit`` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _a(noun: str) -> str:
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def _describe(value: Any) -> str:
    """Say what a value is, the way a learner would: 'a list (…)', 'a NumPy array of shape (3,)'."""
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return f"a NumPy array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, str):
        return f"the string {_short(value)}"
    if inspect.isroutine(value) or inspect.isclass(value):
        return f"{'a class' if inspect.isclass(value) else 'a function'} ({getattr(value, '__name__', '?')})"
    return f"{_a(type(value).__name__)} ({_short(value)})"


def _type_tip(value: Any) -> str:
    """A likely cause for a value of the wrong kind, or ''."""
    if value is None:
        return (" None usually comes from a function without `return`, or from assigning the result of an"
                " in-place method such as `list.sort()`.")
    if inspect.isroutine(value) or inspect.isclass(value):
        return " Did you forget to call it (add parentheses with its arguments)?"
    return ""


def _is_number(value: Any) -> bool:
    if isinstance(value, np.ndarray):
        return value.ndim == 0 and value.dtype.kind in "biufc"
    return isinstance(value, (numbers.Number, np.number, np.bool_))


# --------------------------------------------------------------------------- comparing answers


@dataclass(frozen=True)
class _Tolerance:
    """How close an answer must be, and which other forms of an array count as the array.

    ``accept_lists``: where an array is expected, a (nested) list or tuple of the same values
    passes too. ``accept_tensors``: so does anything else NumPy converts with ``np.asarray``
    (TensorFlow/Keras tensors and variables, pandas objects). Turn them on for an exercise
    whose following cells only hand the answer to NumPy, where those forms work as well.
    """

    rtol: float = 1e-5
    atol: float = 1e-8
    strict_dtype: bool = False
    accept_lists: bool = False
    accept_tensors: bool = False


def _numeric(a: np.ndarray) -> bool:
    return a.dtype.kind in "biuf"


def _close(a: np.ndarray, b: np.ndarray, tol: _Tolerance) -> bool:
    """Same shape and values (within tolerance for numbers, NaN equal to NaN)."""
    if a.shape != b.shape:
        return False
    if _numeric(a) and _numeric(b):
        return bool(np.allclose(a.astype(float), b.astype(float), rtol=tol.rtol, atol=tol.atol, equal_nan=True))
    try:
        return bool(np.array_equal(a, b))
    except Exception:
        return False


def _is_one_hot(a: np.ndarray) -> bool:
    return (a.ndim >= 1 and a.size > 0 and _numeric(a)
            and bool(np.isin(a, (0, 1)).all()) and bool((a.sum(axis=-1) == 1).all()))


def _compare(got: Any, expected: Any, label: str, tol: _Tolerance = _Tolerance()) -> str | None:
    """None when ``got`` matches ``expected``, else a sentence that points at the mistake.

    ``label`` names the thing in the message (e.g. "`encoded`" or "the result").
    """
    if isinstance(expected, np.ndarray) and expected.ndim > 0:
        return _compare_arrays(got, expected, label, tol)
    if _is_number(expected):
        return _compare_numbers(got, expected, label, tol)
    return _compare_general(got, expected, label, tol)


def _is_array_like(value: Any) -> bool:
    """Not a list or an array, but something NumPy can turn into an array (a tensor, a pandas object)."""
    if isinstance(value, (np.ndarray, list, tuple, str, bytes, Mapping)) or value is None:
        return False
    return hasattr(value, "__array__") or callable(getattr(value, "numpy", None))


def _as_array(value: Any) -> np.ndarray | None:
    """``np.asarray(value)``, or None when NumPy cannot make a proper (non-object) array of it."""
    try:
        array = np.asarray(value)
    except Exception:
        try:
            array = np.asarray(value.numpy())
        except Exception:
            return None
    return None if array.dtype == object else array


def _compare_arrays(got: Any, exp: np.ndarray, label: str, tol: _Tolerance) -> str | None:
    if not isinstance(got, np.ndarray):
        listed, convertible = isinstance(got, (list, tuple)), _is_array_like(got)
        converted = _as_array(got) if listed or convertible else None
        if converted is not None and ((listed and tol.accept_lists) or (convertible and tol.accept_tensors)):
            return _compare_arrays(converted, exp, label, tol)
        message = f"{label} should be a NumPy array, but it is {_describe(got)}."
        if listed or convertible:
            how = "wrap it in `np.array(...)`" if listed else "convert it with `np.asarray(...)` (or `.numpy()`)"
            if converted is not None and _close(converted, exp, tol):
                return message + f" Its values are right: {how}."
            return message + (" Build it with NumPy, or convert it with `np.array(...)`." if listed
                              else f" NumPy can use it once you {how}.")
        return message + _type_tip(got)
    if _numeric(exp) and not _numeric(got):
        return f"{label} has dtype {got.dtype}, but it should hold numbers (like dtype {exp.dtype})."
    if got.shape != exp.shape:
        return _shape_message(got, exp, label, tol)
    if _close(got, exp, tol):
        if tol.strict_dtype and got.dtype != exp.dtype:
            return (f"{label} has the right values but dtype {got.dtype}; it should be {exp.dtype}."
                    f" Convert it with `.astype(np.{exp.dtype})`.")
        return None
    return _value_message(got, exp, label, tol)


def _shape_message(got: np.ndarray, exp: np.ndarray, label: str, tol: _Tolerance) -> str:
    message = f"{label} has shape {got.shape}, but the expected shape is {exp.shape}."
    if got.ndim >= 2 and got.shape == exp.shape[::-1] and _close(got.T, exp, tol):
        return message + " It is transposed: rows and columns are swapped (`.T` swaps them back)."
    if _is_one_hot(exp) and got.shape == exp.shape[:-1] and _close(got, exp.argmax(axis=-1), tol):
        return message + (" It holds the class indices, not one-hot vectors: turn each index into a row of"
                          " zeros with a single 1 in that column.")
    if np.squeeze(got).shape == np.squeeze(exp).shape:
        return message + " They differ only in axes of length 1: `np.squeeze`, `np.expand_dims` or `reshape` fix that."
    if got.ndim == exp.ndim:
        differing = [axis for axis in range(got.ndim) if got.shape[axis] != exp.shape[axis]]
        if len(differing) == 1 and abs(got.shape[differing[0]] - exp.shape[differing[0]]) == 1:
            axis = differing[0]
            more = "one too many" if got.shape[axis] > exp.shape[axis] else "one too few"
            return message + f" It has {more} entries along axis {axis}: check the bounds of your range or slice."
    if got.size == exp.size:
        return message + " It has the right number of values: check the order of the axes, or `reshape` it."
    return message


def _value_message(got: np.ndarray, exp: np.ndarray, label: str, tol: _Tolerance) -> str:
    """Explain why two same-shape arrays differ, most specific cause first."""
    if got.dtype.kind == "f" and _numeric(exp) and np.isnan(got).any() and not np.isnan(exp.astype(float)).any():
        count = int(np.isnan(got).sum())
        return (f"{label} contains NaN in {count} of {got.size} places. NaN comes from 0/0, log of 0 or a"
                " negative number, or an overflow: look for the step that creates it.")
    if got.ndim == 2 and _close(got.T, exp, tol):
        return f"{label} is transposed: rows and columns are swapped (`.T` swaps them back)."
    if _is_one_hot(exp) and not _is_one_hot(got):
        return _one_hot_message(got, label)
    if _numeric(got) and _numeric(exp):
        for step, words in ((1, "too high"), (-1, "too low")):
            if _close(got, exp + step, tol):
                return (f"Every value in {label} is {words}, all by the same small amount: check whether your counting"
                        " starts at 0 or at 1.")
    shift = _shifted_axis(got, exp, tol)
    if shift is not None:
        axis, direction = shift
        return (f"{label} looks shifted by one position along axis {axis} (each value sits one place {direction}"
                " than it should). Check for an index that is off by one.")
    return _first_difference(got, exp, label, tol)


def _one_hot_message(got: np.ndarray, label: str) -> str:
    if not np.isin(got, (0, 1)).all():
        odd = got[~np.isin(got, (0, 1))].flat[0]
        return (f"{label} is not one-hot: it should contain only 0s and 1s, but it has values such as {_short(odd)}.")
    sums = got.sum(axis=-1)
    row = tuple(int(i) for i in np.argwhere(sums != 1)[0])
    where = f"row {row[0] if len(row) == 1 else row}" if row else "the vector"
    return (f"{label} is not one-hot: {where} has {int(sums[row])} ones, but every row needs exactly one 1.")


def _shifted_axis(got: np.ndarray, exp: np.ndarray, tol: _Tolerance) -> tuple[int, str] | None:
    """The axis along which ``got`` equals ``exp`` moved by one place, with the direction, or None.

    Only axes of length 3 or more with a non-constant overlap count, so that
    coincidences such as ``[1, 0]`` against ``[0, 1]`` are not called a shift.
    """
    for axis in sorted({0, got.ndim - 1}):
        if got.shape[axis] < 3:
            continue
        head = [slice(None)] * got.ndim
        tail = [slice(None)] * got.ndim
        head[axis], tail[axis] = slice(None, -1), slice(1, None)
        for ours, theirs, direction in ((tail, head, "later"), (head, tail, "earlier")):
            overlap = got[tuple(ours)]
            if np.unique(overlap).size > 1 and _close(overlap, exp[tuple(theirs)], tol):
                return axis, direction
    return None


def _first_difference(got: np.ndarray, exp: np.ndarray, label: str, tol: _Tolerance) -> str:
    if _numeric(got) and _numeric(exp):
        differs = ~np.isclose(got.astype(float), exp.astype(float), rtol=tol.rtol, atol=tol.atol, equal_nan=True)
    else:
        differs = np.asarray(got != exp, dtype=bool).reshape(got.shape)
    index = tuple(int(i) for i in np.argwhere(differs)[0])
    message = (f"{int(differs.sum())} of {got.size} values in {label} differ from the expected ones; the first"
               f" is at index {index}: {_short(got[index])}, {_off(got[index], exp[index])}.")
    if got.dtype.kind in "biu" and exp.dtype.kind == "f" and not np.allclose(exp, np.round(exp)):
        message += f" Your array has the integer dtype {got.dtype}, so fractions were cut off: keep floats."
    return message


def _off(got: Any, expected: Any) -> str:
    """How a wrong value is off, without saying what is right: 'which is too high', 'much too low'."""
    if isinstance(got, (bool, np.bool_)) or isinstance(expected, (bool, np.bool_)):
        return "which is not the expected value"
    try:
        value, target = float(got), float(expected)
    except Exception:
        return "which is not the expected value"
    if np.isnan(value):
        return "which is NaN (not a number)"
    if np.isnan(target) or value == target:
        return "which is not the expected value"
    words = "too high" if value > target else "too low"
    far = target != 0 and (value / target > 10 or 0 <= value / target < 0.1)
    return f"which is {'much ' if far else ''}{words}"


def _is_integral(value: Any) -> bool:
    if isinstance(value, np.ndarray):
        return value.ndim == 0 and value.dtype.kind in "iu"
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def _compare_numbers(got: Any, exp: Any, label: str, tol: _Tolerance) -> str | None:
    if isinstance(got, str):
        return f"{label} is {_describe(got)}, but it should be a number (without quotes)."
    if isinstance(got, np.ndarray) and got.size == 1 and got.ndim > 0:
        return (f"{label} should be a single number, but it is an array of shape {got.shape}."
                " Take the number out with `.item()`.")
    if not _is_number(got):
        return f"{label} should be a number, but it is {_describe(got)}.{_type_tip(got)}"
    value, target = complex(got), complex(exp)
    if np.isclose(value, target, rtol=tol.rtol, atol=tol.atol):
        if tol.strict_dtype and _is_integral(exp) and not _is_integral(got):
            return (f"{label} has the right value but is {_describe(got)}; it should be a whole number (an int):"
                    " use `int(...)`.")
        return None
    if np.isnan(value):
        return f"{label} is NaN (not a number): look for 0/0, the log of 0, or an overflow."
    # No "one too high" message: saying a number is off by one gives the answer away (issue #14).
    if value.imag or target.imag:
        return f"{label} is {_short(got)}, which is not the expected value."
    return f"{label} is {_short(got)}, {_off(value.real, target.real)}."


def _unpacks_like(got: Any, exp: tuple) -> bool:
    """Whether ``got`` can stand where the tuple ``exp`` is expected: a list, or an array with one row per item.

    A tuple is what a function returns to be unpacked (``h, c = step(...)``) or indexed, and
    both work the same on those.
    """
    if isinstance(got, list):
        return True
    return isinstance(got, np.ndarray) and got.ndim >= 1 and len(got) == len(exp)


def _compare_text(got: str, exp: str, label: str) -> str:
    """Why a string differs from the expected one, without showing the expected one."""
    shown = _short(got)
    if got.strip() == exp.strip():
        return f"{label} is {shown}: it differs only in the spaces at its start or end."
    if " ".join(got.split()) == " ".join(exp.split()):
        return f"{label} is {shown}: it differs only in its spacing (a double space, or a missing one)."
    if got.lower() == exp.lower():
        return f"{label} is {shown}: it differs only in upper and lower case."
    common = next((i for i, (a, b) in enumerate(zip(got, exp)) if a != b), min(len(got), len(exp)))
    if common == len(exp):
        where = f"it has extra text after its first {common} characters"
    elif common == len(got):
        where = "text is missing at its end" if got else "it is empty"
    elif common:
        where = (f"its first {common} characters are right, then it differs" if common > 1
                 else "its first character is right, then it differs")
    else:
        where = "it differs from its first character on"
    return f"{label} is {shown}, which is not the expected text: {where}."


def _compare_general(got: Any, exp: Any, label: str, tol: _Tolerance) -> str | None:
    if not isinstance(got, type(exp)) and not (isinstance(exp, tuple) and _unpacks_like(got, exp)):
        return f"{label} should be {_a(type(exp).__name__)}, but it is {_describe(got)}.{_type_tip(got)}"
    if isinstance(exp, (list, tuple)):
        if len(got) != len(exp):
            return f"{label} has {len(got)} items, but it should have {len(exp)}."
        for i, (item, wanted) in enumerate(zip(got, exp)):
            reason = _compare(item, wanted, f"item {i} of {label}", tol)
            if reason:
                return reason
        return None
    if isinstance(exp, Mapping):
        missing, extra = set(exp) - set(got), set(got) - set(exp)
        if missing:
            return f"{label} is missing the key(s) {_short(sorted(missing, key=repr))}."
        if extra:
            return f"{label} has unexpected key(s) {_short(sorted(extra, key=repr))}."
        for key in exp:
            reason = _compare(got[key], exp[key], f"{label}[{key!r}]", tol)
            if reason:
                return reason
        return None
    try:
        if bool(got == exp):
            return None
    except Exception:
        pass
    if isinstance(exp, str):
        return _compare_text(got, exp, label)
    return f"{label} is {_short(got)}, which is not the expected value."


