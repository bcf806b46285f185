"""A crawl of every page of the web UI as every role, on the demo data: what a new user meets first.

Each role signs in and follows every link it is shown, from its landing page on, three levels deep (a few pages of
each kind: two employees, two batches, not all of them). Every answer must be 2xx (3xx on the way); every HTML page
must pass the Nu HTML Checker (vnu) with 0 errors and axe's WCAG 2 A/AA rules with 0 violations, and show no English
word of ``tests/readback.ENGLISH``, no raw code (competency, OPD and position, partner, status codes) and no doubled
word outside code-styled elements (``<code>``, ``<kbd>``, ``<samp>``, ``<pre>``, ``lang="en"``). Every document
it reaches is read back (not the files people uploaded): PDFs as text (and their QR codes), calendars by a second
iCalendar parser. A failure names the page and the text.

How it catches a slip (tried once by hand on the demo, then taken out): ``Status: {{ r.status }}`` planted in the
roster of angkatan.html made it fail with ``[bkpsdm] /angkatan/<id>: English 'enrolled' in …Simpan Status: enrolled
Terdaftar…``, and ``{{ c.code }}`` before the target competencies of program.html with ``[bkpsdm] /pelatihan/<id>:
code 'T-KURIKULUM' in …Kompetensi sasaran: T-KURIKULUM Implementasi Kurikulum Merdeka…``.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import pypdf
import pytest
import requests
from playwright.sync_api import sync_playwright

from tests.e2e.conftest import GATEWAY, ROOT, login
from tests.e2e.test_browser import AXE, CHROMIUM, FLAGS, PASSWORDS
from tests.e2e.test_loop import qr_codes
from tests.readback import read_calendar, unwanted_words

VNU = ROOT / "deploy/tools/vnu/node_modules/vnu-jar/build/dist/vnu.jar"
DEPTH = 4  # the landing page, its links, theirs, and two levels more (a batch page and its documents)
PER_KIND = 2  # pages of one kind (the same path with other ids) visited per role
SKIPPED = ("/keluar", "/api/docs", "/metrics", "/healthz", "/readyz")
UPLOADED = ("/pengembangan/",)  # files people uploaded (certificates of outside development): kept as they came
# axe rules a kind of page is excused from, and why (none else is)
AXE_EXCUSED = {
    # the venue's screen shows a check-in code that changes every minute: its refresh is the point (WCAG 2.2.1's
    # real-time exception); a person reading it has nothing to lose by it
    "/angkatan/{}/pertemuan/{}/qr": {"meta-refresh"},
}
# the words of a page a person reads: everything but scripts, styles, drawings and what is marked as code or English
VISIBLE_TEXT = """() => {
  const hide = document.createElement('style');
  hide.textContent = 'script, style, svg, code, kbd, samp, pre, [lang="en"] { display: none !important; }';
  document.head.appendChild(hide);
  const text = document.body.innerText;
  hide.remove();
  return text;
}"""
ROUTE_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")  # the UI's own path words: lower case (an id or a code is not)


def kind_of(url: str) -> str:
    """A page's kind: its path with ids as ``{}`` and the names of its query parameters (not their values)."""
    parts = urlsplit(url)
    path = "/".join(
        segment if ROUTE_WORD.fullmatch(segment) or not segment else "{}" for segment in parts.path.split("/")
    )
    keys = sorted({pair.split("=", 1)[0] for pair in parts.query.split("&") if pair})
    return path + ("?" + "&".join(keys) if keys else "")


def known_codes() -> re.Pattern[str]:
    """The demo's own codes that have names (partners, OPDs, positions): a page must show the name, not the code."""
    admin = login("bkpsdm", PASSWORDS["bkpsdm"])
    partners = requests.get(f"{GATEWAY}/api/v1/training/partners", headers=admin, timeout=30).json()
    codes = {p["code"] for p in partners} - {"BKPSDM"}  # the in-house organiser's code is the agency's own name
    return re.compile(r"(?<![\w-])(" + "|".join(sorted(map(re.escape, codes), key=len, reverse=True)) + r")(?![\w-])")


@pytest.fixture(scope="module")
def chromium(demo):
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


class Crawl:
    """What one role's crawl found: pages (HTML kept for vnu), documents, and the problems, each naming its page."""

    def __init__(self, role: str, codes: re.Pattern[str]) -> None:
        self.role, self.codes = role, codes
        self.problems: list[str] = []
        self.html: dict[str, str] = {}
        self.documents: dict[str, str] = {}

    def note(self, url: str, problem: str) -> None:
        self.problems.append(
            f"[{self.role}] {urlsplit(url).path}{'?' + urlsplit(url).query if urlsplit(url).query else ''}: {problem}"
        )

    def words(self, url: str, text: str) -> None:
        for found in unwanted_words(text):
            self.note(url, found)
        for match in self.codes.finditer(text):
            start, end = max(0, match.start() - 40), min(len(text), match.end() + 40)
            self.note(url, f"code {match.group(0)!r} in …{' '.join(text[start:end].split())}…")


def crawl(browser, role: str, codes: re.Pattern[str]) -> Crawl:
    found = Crawl(role, codes)
    context = browser.new_context(viewport={"width": 1366, "height": 900}, base_url=GATEWAY, bypass_csp=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/masuk")
    page.get_by_label("Nama pengguna").fill(role)
    page.get_by_label("Kata sandi").fill(PASSWORDS[role])
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_load_state()
    landing = urlsplit(page.url).path
    queue, seen, kinds = [(landing, 0)], {landing}, {}
    while queue:
        url, depth = queue.pop(0)
        answer = context.request.get(url, max_redirects=5)
        if answer.status >= 400:
            found.note(url, f"answered {answer.status}")
            continue
        media = answer.headers.get("content-type", "").split(";")[0]
        if media != "text/html":
            found.documents[url] = media
            if not urlsplit(url).path.startswith(UPLOADED):
                read_document(found, url, media, answer.body())
            continue
        page.goto(url)
        found.html[url] = answer.text()
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})")
        for violation in result["violations"]:
            if violation["id"] in AXE_EXCUSED.get(kind_of(url), ()):
                continue
            targets = [node["target"] for node in violation["nodes"]][:3]
            found.note(url, f"axe {violation['id']}: {violation['help']} {targets}")
        if page.evaluate("document.documentElement.lang") == "id":
            found.words(url, page.evaluate(VISIBLE_TEXT))
        if depth >= DEPTH:
            continue
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))"):
            target = urlsplit(href)
            if target.scheme or target.netloc or not target.path.startswith("/") or "lang=" in target.query:
                continue  # another site, an anchor on the page, a language switch
            link = target.path + (f"?{target.query}" if target.query else "")
            if link in seen or target.path.startswith(SKIPPED):
                continue
            seen.add(link)
            kind = kind_of(link)
            kinds[kind] = kinds.get(kind, 0) + 1
            if kinds[kind] <= PER_KIND:
                queue.append((link, depth + 1))
    for error in errors:
        found.note(landing, f"script error {error}")
    context.close()
    return found


def read_document(found: Crawl, url: str, media: str, content: bytes) -> None:
    """A document read back as its reader would: a PDF's words (and its QR codes), a calendar by a second parser."""
    if media == "application/pdf":
        text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(content)).pages)
        found.words(url, text)
        for code in qr_codes(content):
            if code.startswith("http") and urlsplit(code).netloc == urlsplit(GATEWAY).netloc:
                status = requests.get(code, timeout=10).status_code
                if status != 200:
                    found.note(url, f"its QR code {code} answers {status}")
    elif media == "text/calendar":
        try:
            read_calendar(content)
        except (AssertionError, ValueError) as refused:
            found.note(url, f"calendar not readable by a second parser: {refused}")


def html_errors(pages: dict[str, str]) -> list[str]:
    """The Nu HTML Checker's errors in every page (one run of the checker for all of them)."""
    assert VNU.exists(), f"{VNU} is missing: run deploy/tools/install.sh (make test does)"
    with tempfile.TemporaryDirectory() as folder:
        names = {}
        for number, (url, html) in enumerate(pages.items()):
            path = Path(folder) / f"page{number}.html"
            path.write_text(html, encoding="utf-8")
            names[path.name] = url
        checked = subprocess.run(
            [
                "java",
                "-jar",
                str(VNU),
                "--format",
                "json",
                "--exit-zero-always",
                "--stdout",
                *sorted(str(Path(folder) / name) for name in names),
            ],
            capture_output=True,
            text=True,
            timeout=600,
        )
    report = json.loads(checked.stdout)
    return [
        f"{names[Path(urlsplit(m['url']).path).name]}: vnu {m['message']} (line {m.get('lastLine')})"
        for m in report["messages"]
        if m["type"] == "error"
    ]


def test_every_page_as_every_role_answers_validates_and_speaks_indonesian(chromium):
    codes = known_codes()
    problems: list[str] = []
    pages: dict[str, str] = {}
    documents: dict[str, str] = {}
    for role in PASSWORDS:
        found = crawl(chromium, role, codes)
        problems += found.problems
        pages |= {f"[{role}] {url}": html for url, html in found.html.items()}
        documents |= found.documents
    problems += html_errors(pages)
    assert len(pages) > 50, f"the crawl reached only {len(pages)} pages: {sorted(pages)}"
    assert {"application/pdf", "text/calendar"} <= set(documents.values()), documents
    assert not problems, f"{len(problems)} problem(s) on {len(pages)} pages:\n" + "\n".join(problems)
