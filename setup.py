"""Package list only; everything else is in pyproject.toml.

`templates/` sits at the top of the checkout (where people look for it) but must also
ship inside the wheel, as the subpackage `generator.templates` (mapped by
`package-dir` in pyproject.toml).  setuptools' declarative `packages.find` cannot add
a package from outside `generator/`, so the list is computed here: every `generator*`
package found on disk, plus that one.
"""
from setuptools import find_packages, setup

setup(packages=find_packages(include=["generator", "generator.*"]) + ["generator.templates"])
