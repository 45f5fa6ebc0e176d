"""The authoring commands never pull in textual, rich or the UI (they run in scripts and CI)."""

import subprocess
import sys


def test_authoring_imports_no_ui_library() -> None:
    code = (
        "import pkgutil, importlib, sys, briefing_quiz.authoring as pkg\n"
        "for m in pkgutil.walk_packages(pkg.__path__, 'briefing_quiz.authoring.'):\n"
        "    importlib.import_module(m.name)\n"
        "import genanki\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in {'textual', 'rich'}\n"
        "             or n == 'briefing_quiz.ui' or n.startswith('briefing_quiz.ui.'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
