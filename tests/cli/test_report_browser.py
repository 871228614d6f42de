"""The report in a real browser: headless Chromium prints `digikunta report` to PDF and PNG.

Skips (saying why) only where Chromium or pdftotext is missing; ``.ci/run`` installs both.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import html5lib
import pytest
from cli_helpers import Cli

from digikunta_tui.domain.report.browser import find_browser, print_html

pytestmark = [
    pytest.mark.skipif(find_browser() is None, reason="needs Chromium (apt install chromium)"),
    pytest.mark.skipif(
        shutil.which("pdftotext") is None, reason="needs pdftotext (apt install poppler-utils)"
    ),
]


def png_pixels(path: Path) -> tuple[int, int, bytes]:
    """Width, height and the decompressed scanlines of a PNG."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    chunks, pos = [], 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        if kind == b"IDAT":
            chunks.append(data[pos + 8 : pos + 8 + length])
        pos += 12 + length
    return width, height, zlib.decompress(b"".join(chunks))


def pdf_pages(path: Path) -> int:
    """The page count pdftotext sees (pages are separated by form feeds)."""
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.rstrip("\f").count("\f") + 1


def test_chromium_prints_the_report_to_pdf_and_png_without_console_errors(
    cli: Cli, tmp_path: Path
) -> None:
    html_file, pdf_file = tmp_path / "raportti.html", tmp_path / "raportti.pdf"
    done = cli("--lang", "fi", "report", "-o", html_file)
    assert done.code == 0, done.err
    assert done.text.strip() == f"Raportti kirjoitettu: {html_file}"
    done = cli("--lang", "fi", "report", "-o", pdf_file)  # the format follows the name
    assert done.code == 0, done.err
    assert pdf_file.read_bytes()[:5] == b"%PDF-"

    html = html_file.read_text(encoding="utf-8")
    doc = html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=False)
    pages = [s for s in doc.iter("section") if "page" in (s.get("class") or "").split()]
    # Each section starts a page and, on the demo data, fits on one.
    assert abs(pdf_pages(pdf_file) - len(pages)) <= 1, (pdf_pages(pdf_file), len(pages))
    text = subprocess.run(
        ["pdftotext", str(pdf_file), "-"], capture_output=True, text=True, check=True
    ).stdout
    spaced = re.sub(r"[\u00a0\u202f ]", " ", text)
    assert "15 950,00 €" in spaced  # the totals, in Finnish format
    assert "Vaikuttavuusraportti" in text and "Ajokustannusten säästö" in text

    png = print_html(html, tmp_path / "raportti.png", kind="png", width=900, height=1300)
    assert png.console == []
    width, height, pixels = png_pixels(png.path)
    assert (width, height) == (900, 1300)
    assert len(set(pixels[1 : width * 3])) > 1 or len(set(pixels)) > 2  # not a blank page

    pdf = print_html(html, tmp_path / "again.pdf")
    assert pdf.console == []
    # The check itself can fail: a page that tries to load something is reported.
    bad = html.replace("</body>", '<img src="https://example.invalid/x.png"></body>')
    assert print_html(bad, tmp_path / "bad.png", kind="png").console
