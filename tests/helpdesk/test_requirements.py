"""A production install is requirements.txt alone: everything the runtime imports is pinned there.

`.ci/prod-install` proves it end to end (a virtualenv from requirements.txt only runs migrate,
load_demo, a worker on Redis and check --deploy); these tests say which pin is missing, fast.
"""

import ast
import importlib.metadata
import importlib.util
import re
import sys
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
RUNTIME_PACKAGES = ["helpdesk", "customers", "knowledgebase", "tickets"]
# Imported only by developer tools, behind an ImportError that names requirements-dev.txt.
# django_stubs_ext: only under `if TYPE_CHECKING:`, for mypy (`make typecheck`).
DEV_ONLY = {"polib", "django_stubs_ext"}  # polib: manage.py po_fill, for translators


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-r"):
            continue
        name, _, version = line.partition("==")
        assert version, f"{path.name}: {line!r} is not pinned with =="
        pins[canonicalize_name(name)] = version
    return pins


def _runtime_imports() -> set[str]:
    modules = set()
    for package in RUNTIME_PACKAGES:
        for source in (ROOT / package).rglob("*.py"):
            tree = ast.parse(source.read_text(), filename=str(source))
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    modules.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules.add(node.module.split(".")[0])
    return modules


def test_every_runtime_requirement_pulls_in_only_pinned_packages():
    pins = _pins(ROOT / "requirements.txt")
    missing = []
    for name in pins:
        for spec in importlib.metadata.requires(name) or []:
            requirement = Requirement(spec)
            if requirement.marker and not requirement.marker.evaluate({"extra": ""}):
                continue
            if canonicalize_name(requirement.name) not in pins:
                missing.append(f"{name} needs {requirement.name}")
    assert missing == [], "pin these in requirements.txt: " + ", ".join(missing)


def test_every_package_the_code_imports_is_pinned_in_requirements_txt():
    pins = _pins(ROOT / "requirements.txt")
    by_module = importlib.metadata.packages_distributions()
    unpinned = []
    for module in sorted(_runtime_imports()):
        if module in sys.stdlib_module_names or module in RUNTIME_PACKAGES or module in DEV_ONLY:
            continue
        distributions = by_module.get(module)
        assert distributions, f"the code imports {module!r}, which no installed package provides"
        if not any(canonicalize_name(d) in pins for d in distributions):
            unpinned.append(f"{module} ({', '.join(distributions)})")
    assert unpinned == [], "the code imports these, but requirements.txt does not pin them: " + ", ".join(unpinned)


def test_kombu_redis_transport_dependency_is_pinned_for_production():
    # kombu.transport.redis imports packaging without declaring it; a worker on Redis dies without it.
    source = Path(importlib.util.find_spec("kombu.transport.redis").origin).read_text()
    assert re.search(r"^\s*from packaging", source, re.M)
    assert "packaging" in _pins(ROOT / "requirements.txt")


def test_installed_versions_match_the_pins():
    pins = _pins(ROOT / "requirements.txt") | _pins(ROOT / "requirements-dev.txt")
    wrong = []
    for name, version in pins.items():
        try:
            installed = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            wrong.append(f"{name} not installed")
            continue
        if installed != version:
            wrong.append(f"{name} {installed} != {version}")
    assert wrong == []
