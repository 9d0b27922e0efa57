"""The ``sroi`` command: :mod:`.main` parses the command line and runs the scheme,
validation, proxy, example, report and comparison commands; :mod:`.sensitivity` and
:mod:`.excel` add the sensitivity analyses and the workbook export and import. They
read computed results and print or write them."""

from .main import EXIT_BAD_INPUT, main

__all__ = ["main", "EXIT_BAD_INPUT"]
