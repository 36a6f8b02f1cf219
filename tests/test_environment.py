"""The start page's environment check."""
from course_utils.environment import Check, report, run_checks


def test_this_environment_passes():
    checks = run_checks()
    names = [c.name for c in checks]
    assert {"Python", "TensorFlow", "Keras", "ipywidgets"} <= set(names)
    assert all(c.ok for c in checks), report(checks)


def test_report_gives_advice_for_problems():
    text = report([Check("Keras", "2.15.0", False, "the course is written for Keras 3"), Check("Python", "3.11.7", True)])
    assert "FIX  Keras" in text and "-> the course is written for Keras 3" in text
    assert "ok   Python" in text and "1 problem(s)" in text
