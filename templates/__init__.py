"""The Jinja templates of the sheets.

This directory is installed as the package `generator.templates` (see pyproject.toml),
so that `importlib.resources` finds the templates in an installed wheel as well as in
the checkout.  It holds no code.
"""
