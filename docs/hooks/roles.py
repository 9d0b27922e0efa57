"""MkDocs hooks for the docstrings.

The docstrings cross-reference in Sphinx's way (:func:`sroi.run`), which Markdown does not
know: the role and the leading '~' are dropped so the name reads as code. Their examples
are doctests, whose '>>>' Markdown reads as three nested quotes run into one paragraph:
each such paragraph is shown as the code block it is, one line per line."""

import re

ROLE = re.compile(r":(?:func|class|meth|attr|data|mod|obj|exc):(<code>)~?")


DOCTEST = re.compile(r"<blockquote>\s*<blockquote>\s*<blockquote>\s*<p>(.*?)</p>\s*</blockquote>\s*</blockquote>"
                     r"\s*</blockquote>", re.S)


def on_page_content(html, **kwargs):
    html = DOCTEST.sub(lambda m: f"<pre><code>{m.group(1)}</code></pre>", html)
    return ROLE.sub(r"\1", html)
