"""``digikunta report`` as a user runs it: scopes, languages, and bad input that writes nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from cli_helpers import Cli, one_line_error

from digikunta_tui.domain.finnish import NBSP


def test_report_writes_a_scope_in_either_language_and_refuses_bad_input(
    cli: Cli, tmp_path: Path
) -> None:
    out = tmp_path / "tervo.html"
    done = cli("report", "--scope", "Tervo", "--lang", "en", "--to", "2017-12-31", "-o", out)
    assert done.code == 0, done.err
    assert done.text.strip() == f"Report written: {out}"
    html = out.read_text(encoding="utf-8")
    assert "Impact report: Tervo" in html and "Period: from the start – 2017-12-31" in html
    assert "€3,450.00" in html and "Kiinteistöhuollon vikailmoitukset mobiilisti" in html
    assert "Ruokahävikki kuriin" not in html  # Varkaus's story is not Tervo's

    done = cli("--lang", "fi", "report", "--scope", "tuottavuus")  # HTML to stdout
    assert done.code == 0, done.err
    assert done.text.startswith("<!DOCTYPE html>") and f"15{NBSP}950,00{NBSP}€" in done.text
    assert "Vaikuttavuusraportti: tuottavuus" in done.text

    target = tmp_path / "never.html"
    pdf = tmp_path / "never.pdf"
    line = one_line_error(cli("report", "--scope", "Atlantis", "-o", target))
    assert "'Atlantis'" in line and "organisation or theme" in line
    finnish = cli("--lang", "fi", "report", "--scope", "Atlantis", "-o", target)
    assert finnish.code == 1 and finnish.err.startswith("digikunta: virhe: 'Atlantis' ei ole")
    line = one_line_error(cli("report", "--from", "1.1.2018", "--to", "1.1.2017", "-o", target))
    assert "ends (2017-01-01) before it starts (2018-01-01)" in line
    assert one_line_error(cli("report", "--format", "pdf")).endswith("give -o FILE.pdf")
    usage = cli("report", "--from", "31.2.2017", "-o", target)
    assert usage.code == 2 and "not a valid date: '31.2.2017'" in usage.err
    # No Chromium on PATH: a PDF is refused with what to do instead.
    env = cli.env()
    env["PATH"] = str(tmp_path / "empty-bin")
    proc = subprocess.run(
        [sys.executable, "-m", "digikunta_tui.cli", "report", "-o", str(pdf)],
        capture_output=True,
        env=env,
        cwd=cli.home,
        check=False,
    )
    assert proc.returncode == 1
    err = proc.stderr.decode()
    assert err.count("\n") == 1 and "apt install chromium" in err and "--format html" in err
    assert not target.exists() and not pdf.exists()
    assert not list(tmp_path.glob(".*.tmp"))
