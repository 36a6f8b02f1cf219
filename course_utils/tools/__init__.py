"""Maintainer tools: nothing here is imported by a notebook.

- :mod:`~course_utils.tools.conventions`: the notebook rules the tests and the tools below share.
- :mod:`~course_utils.tools.runner`: ``make course`` (and ``make solutions``), every notebook run headless.
- :mod:`~course_utils.tools.solutions`: each exercise answered by its solution, for ``make solutions``.
- :mod:`~course_utils.tools.bench`: ``make bench``, the training configurations measured on one machine.
- :mod:`~course_utils.tools.refresh_notebook`: re-run a notebook in quick mode and keep only nbval's outputs.
"""
