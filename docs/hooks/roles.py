"""MkDocs hook: the docstrings cross-reference in Sphinx's way (:func:`sroi.run`), which
Markdown does not know. Drop the role and the leading '~' so the name reads as code."""

import re

ROLE = re.compile(r":(?:func|class|meth|attr|data|mod|obj|exc):(<code>)~?")


def on_page_content(html, **kwargs):
    return ROLE.sub(r"\1", html)
