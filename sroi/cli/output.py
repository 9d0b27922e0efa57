"""What every command shares for its output: control characters made visible, text
written to standard output or atomically to a file, charts and CSV written safely."""

from __future__ import annotations

import errno
import sys

from ..fileio import OutputWriteError, atomic_write

__all__ = ["visible", "safe_csv", "sections_csv", "FORMATS"]  # and _emit, _write_chart for the commands


_CONTROL = {c: f"\\x{c:02x}" for c in (*range(0x00, 0x09), *range(0x0b, 0x20), 0x7f, *range(0x80, 0xa0))}


def visible(text: str) -> str:
    """``text`` with control characters (other than newline and tab) shown as ``\\xNN``:
    an escape sequence in a scheme's name must not clear or rewrite the terminal."""
    return text.translate(_CONTROL)


def _emit(text: str, output: str | None, force: bool) -> None:
    text = visible(text)
    if output:
        atomic_write(output, text if text.endswith("\n") else text + "\n", force=force)
    else:
        try:
            sys.stdout.write(text if text.endswith("\n") else text + "\n")
            sys.stdout.flush()
        except BrokenPipeError:
            raise
        except (OSError, AttributeError) as exc:  # closed (None) or unwritable standard output
            raise OutputWriteError("standard output", exc if isinstance(exc, OSError) else OSError(
                errno.EBADF, "it is closed")) from None


def _write_chart(path: str, height: float, draw, force: bool) -> None:
    """Draw one chart (``draw(ax)``) 9 inches wide and 1.2 + ``height`` tall, and write it
    as a PNG atomically (the same bytes for the same input: no software stamp)."""
    atomic_write(path, _chart_png(height, draw), force=force)


def _chart_png(height: float, draw) -> bytes:
    """The PNG bytes of the chart :func:`_write_chart` writes (nothing written yet)."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 1.2 + height))
    draw(ax)
    fig.tight_layout()
    png = io.BytesIO()
    fig.savefig(png, format="png", dpi=110, metadata={"Software": None})
    plt.close(fig)
    return png.getvalue()


def safe_csv(table) -> str:
    """``table`` as CSV with every text cell that a spreadsheet would run as a formula
    (starting = + - @, a tab or a carriage return) prefixed with a quote mark, so a scheme
    named '=HYPERLINK(...)' opens as text (OWASP's CSV-injection advice)."""
    def neutral(v):
        return "'" + v if isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r") else v

    out = table.copy()
    out.index = [neutral(i) for i in out.index]
    out.index.name = table.index.name
    for c in out.columns:
        if out[c].dtype == object:
            out[c] = out[c].map(neutral)
    return out.to_csv(lineterminator="\n")



#: The output formats of every command that prints a table.
FORMATS = ("text", "csv", "json")


def sections_csv(frames) -> str:
    """Several tables as one CSV: a ``section`` column naming the table, an ``item``
    column holding each table's row labels, then the union of their columns (blank where
    a table has no such column). ``frames`` maps section names to DataFrames."""
    import pandas as pd

    parts = []
    for name, df in frames.items():
        t = df.astype(object).copy()
        t.insert(0, "item", [str(i) for i in t.index])
        t.index = pd.Index([name] * len(t), name="section")
        parts.append(t)
    if not parts:
        return "section,item\n"
    return safe_csv(pd.concat(parts, sort=False))
