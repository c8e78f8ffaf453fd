"""``xlfuncs addin lite``: how to install, before the package is on the public index and after."""

from __future__ import annotations

from tests.support.scripts import release
from xlfuncs import __version__
from xlfuncs.cli import main
from xlfuncs.cli.addin import LITE_DISTRIBUTION


def lite_text(capsys) -> str:
    assert main(["addin", "lite"]) == 0
    return capsys.readouterr().out


def test_names_the_slim_distribution_the_release_script_builds(capsys):
    text = lite_text(capsys)
    assert LITE_DISTRIBUTION == release.LITE_NAME
    assert f"\n         {release.LITE_NAME}\n" in text  # the requirements line once published
    assert f"https://YOUR-WEB-SERVER/xlfuncs/xlfuncs_lite-{__version__}-py3-none-any.whl" in text


def test_says_what_lite_accepts_and_what_scipy_is_for(capsys):
    text = lite_text(capsys)
    assert "not a file on your disk" in text and "Access-Control-Allow-Origin" in text
    assert "LAC_SPEARMAN, LAC_MANN_WHITNEY and LAC_FORECAST_INTERVAL" in text


def test_desktop_install_before_and_after_publication(capsys):
    text = lite_text(capsys)
    assert "pip install xlfuncs\n" in text
    assert f"pip install ./xlfuncs-{__version__}-py3-none-any.whl" in text
