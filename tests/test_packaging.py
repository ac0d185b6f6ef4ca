"""The installed package finds its templates: a real wheel, in a fresh venv, run from
outside the checkout (where the checkout's templates/ cannot help).

No network: the wheel is built without build isolation (setuptools>=70.1 from the
test extras builds wheels on its own) and installed with --no-deps; the venv sees
the test environment's packages (jinja2, pylatex, ...) through a .pth file, but
`generator` itself only from the wheel.
"""
from __future__ import annotations

import json
import shutil
import site
import subprocess
import sys
import sysconfig
import zipfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("pyproject.toml", "setup.py", "README.md", "generator", "templates")
PROBE = """
import json, generator
from generator.render.templates import make_environment, package_template_dir, template_search_path
env = make_environment()
print(json.dumps({
    "generator": generator.__file__,
    "shipped": str(package_template_dir()),
    "first": str(template_search_path()[0]),
    "solutions": env.get_template("solutions.tex.j2").filename,
}))
"""


def can_build_wheels_offline() -> bool:
    try:
        major, minor = (int(p) for p in version("setuptools").split(".")[:2])
    except PackageNotFoundError:
        return False
    if (major, minor) >= (70, 1):
        return True
    try:
        version("wheel")
        return True
    except PackageNotFoundError:
        return False


def run(*command: str | Path, cwd: Path) -> str:
    result = subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True)
    assert result.returncode == 0, f"{command} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A wheel built from a copy of the sources (an in-tree build would leave build/)."""
    assert can_build_wheels_offline(), (
        "building the wheel needs setuptools>=70.1 (or the wheel package): "
        "pip install -e '.[test]'")
    work = tmp_path_factory.mktemp("wheel")
    source = work / "src"
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            source.mkdir(exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
        "--no-index", "-w", work / "dist", source, cwd=work)
    (built,) = (work / "dist").glob("tracetrick-*.whl")
    return built


def test_the_wheel_ships_every_template(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    templates = sorted(p.name for p in (ROOT / "templates").glob("*.j2"))
    assert templates, "no templates in the checkout"
    for name in templates:
        assert f"generator/templates/{name}" in names
    assert "generator/__main__.py" in names
    assert "generator/render/latex_sheet.py" in names


def test_an_installed_wheel_finds_its_templates_from_anywhere(wheel, tmp_path):
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--system-site-packages", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    venv_site = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))",
                         cwd=tmp_path).strip())
    # The test environment's packages (not the checkout, not an editable finder).
    outer = {sysconfig.get_path("purelib"), *site.getsitepackages()}
    (venv_site / "outer-environment.pth").write_text(
        "\n".join(sorted(p for p in outer if Path(p).is_dir())) + "\n")
    run(python, "-m", "pip", "install", "--no-deps", "--no-index", wheel, cwd=tmp_path)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    found = json.loads(run(python, "-I", "-c", PROBE, cwd=elsewhere))

    assert Path(found["generator"]).is_relative_to(venv_site)
    shipped = Path(found["shipped"])
    assert shipped.resolve() == (venv_site / "generator" / "templates").resolve()
    assert Path(found["first"]) == shipped
    assert Path(found["solutions"]) == shipped / "solutions.tex.j2"


@pytest.mark.skipif(not (ROOT / "generator" / "cli.py").exists(), reason="no cli.py yet")
def test_python_dash_m_generator_runs_the_command_line(tmp_path):
    result = subprocess.run([sys.executable, "-m", "generator", "--help"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "Usage" in result.stdout
