"""The domain core must never pull in textual or rich (checked in a fresh interpreter)."""

import subprocess
import sys

import briefing_quiz.core


def test_core_imports_no_ui_library() -> None:
    code = (
        "import pkgutil, importlib, sys, briefing_quiz.core as core\n"
        "for m in pkgutil.walk_packages(core.__path__, 'briefing_quiz.core.'):\n"
        "    importlib.import_module(m.name)\n"
        "import briefing_quiz.cli\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in {'textual', 'rich'})\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"core or cli imported: {out.stdout.strip()}"
    assert briefing_quiz.core.__path__
