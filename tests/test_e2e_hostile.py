"""Nothing unsafe reaches the terminal, in a real pseudo-terminal: a
database at a hostile path (escape sequences, a C1 control, a bidi mark in
its directory and file name, or bytes that are not UTF-8), leads another
program stored with escape sequences in their names, owner and lost
reason, and bracketed pastes holding escape sequences, C1 controls and
invisible characters. The raw bytes leadtui writes are parsed: every ESC
must begin a CSI sequence or the pointer-shape OSC 22 Textual writes itself,
BEL may only end that OSC, and no C1 control, bidi mark or zero-width
character appears; the payloads' distinctive parameters never do either."""

import os
import re
import sqlite3
import sys
from pathlib import Path

import pytest
from bench.ptyterm import Terminal, program_in_pty

from leadtui.domain.models import build_draft
from leadtui.repository import open_repository

# Sequences a terminal would act on, each with a parameter Textual never
# writes (4242, 52, 8;;, 0;) so that any trace of them in the output is found.
CSI = "\x1b[4242;4242H"
OSC_CLIPBOARD = "\x1b]52;c;SGVsbG8=\x07"
OSC_LINK = "\x1b]8;;https:evil.example\x1b\\"
OSC_TITLE = "\x1b]0;pwned\x07"
C1_CSI = "\x9b4242;4242H"
INVISIBLE = "\u202e\u200b\u061c\u00ad\u2028\ufeff"
HOSTILE = f"Eve{CSI}{OSC_CLIPBOARD}{OSC_LINK}{OSC_TITLE}{C1_CSI}{INVISIBLE}Evil"
# The bytes of those payloads, none of which may be written.
# (What is left of a stored name once cleaned, "[4242;4242H", is plain text.)
FORBIDDEN = (b"\x1b[4242", b"\x1b]52", b"\x1b]8;", b"\x1b]0;", b"\xc2\x9b", b"\x9b4242")

PASTES = {
    # pasted text -> the name it saves as
    f"\x1b[2JclearedPasteA{OSC_CLIPBOARD}": "clearedPasteA",
    # (U+2028 is a line break: a field takes a paste's lines joined by spaces.)
    f"Paste{C1_CSI}B{INVISIBLE}C": "PasteB C",
    f"{OSC_LINK}Link{OSC_TITLE}D": "LinkD",
}

# What Textual writes itself: CSI sequences, and OSC 22 (the pointer shape).
TEXTUAL_SEQUENCE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\]22;[a-z-]*\x07")


def unsafe_in(output: bytes) -> list[str]:
    """Every control in `output` that Textual did not write itself."""
    found = [repr(forbidden) for forbidden in FORBIDDEN if forbidden in output]
    text = output.decode()  # strict: a lone byte of a C1 control is not UTF-8
    rest = TEXTUAL_SEQUENCE.sub("", text)
    found += [repr(ch) for ch in set(rest) if ch < " " and ch not in "\r\n"]
    found += [repr(ch) for ch in set(rest) if "\x7f" <= ch <= "\x9f" or ch in INVISIBLE]
    return found


def hostile_database(path: Path) -> None:
    """Leads whose name, company, owner and lost reason another program
    stored with escape sequences (the models would have cleaned them)."""
    repo = open_repository(path)
    ids = [repo.add_lead(build_draft(name=f"Lead {n}", company="Acme")) for n in range(3)]
    repo.lose(ids[2], "No budget")
    with sqlite3.connect(path) as conn:
        conn.execute(
            "UPDATE leads SET name = ?, company = ?, owner = ?", [HOSTILE, HOSTILE, HOSTILE]
        )
        conn.execute(
            # (last_stage_reason: the copy the KPI rollups count, by trigger)
            "UPDATE leads SET lost_reason = ?, last_stage_reason = ? WHERE id = ?",
            [HOSTILE, HOSTILE, ids[2]],
        )


# (keys, what then shows); "-" before the text: what then goes (a dialog
# closed: an ESC typed before it has would make the next key alt+key).
VISITS = (
    ("\r", "4242H Evil"),  # the whole name, on the Lead tab
    ("e", "Edit #"), ("\x1b", "-Edit #"),
    ("c", "Classify #"), ("\x1b", "-Classify #"),
    ("l", "Log a touch with"), ("\x1b", "-Log a touch with"),
    ("x", "pick a reason already given"), ("\x1b", "-pick a reason"),
    ("2", "Contacted  0"),  # the board, its totals read
    # Three tabs at once, likely while the sections still load (their
    # titles show with a spinner at once): a loading section is focusable,
    # so the third lands on the by-source table as it would once loaded.
    # The fourth focuses the section after the table, which brings it into
    # view: once the third's table was, Outcomes below it showed too, unless
    # the table was scrolled to only just in view (1 run in about 36 at
    # load 4-8, since sections load in any order).
    ("4", "Funnel"), ("\t\t\t", "conversion: of the leads"), ("\t", "Outcomes"),
    ("f", "Outcomes"),
    ("1", "-By source"),  # the KPI tab is gone: the inbox is up
    ("/", "Find:"), ("Eve", "found"), ("\x1b", "-found"),
    ("a", "→ Contacted"),
)  # fmt: skip


def paste(term: Terminal, text: str) -> None:
    term.type(f"\x1b[200~{text}\x1b[201~")


@pytest.mark.slow
@pytest.mark.parametrize(
    "name",
    [
        pytest.param(f"team{OSC_CLIPBOARD}{C1_CSI}{INVISIBLE}.db", id="escapes-in-the-name"),
        pytest.param(os.fsdecode(b"team\x9b\xff.db"), id="name-not-utf8"),
    ],
)
def test_nothing_unsafe_reaches_the_terminal(tmp_path: Path, name: str) -> None:
    folder = tmp_path / f"dir{OSC_LINK}{CSI}"
    folder.mkdir()
    db = folder / name
    hostile_database(db)
    with program_in_pty([sys.executable, "-m", "leadtui", "--db", str(db)], tmp_path) as term:
        term.wait_for("Eve[4242")  # what is left of the name, cleaned as it is read
        # A hostile lead on every tab, in the dialogs that name it, in the
        # search results and in a notification; the KPIs of its owner (f),
        # whose lost reason is listed there.
        for keys, shown in VISITS:
            term.type(keys)
            term.wait_for(shown.removeprefix("-"), gone=shown.startswith("-"))
        for text, saved in PASTES.items():
            term.type("n")
            term.wait_for("Add a lead")
            paste(term, text)
            term.wait_for(f"name: {saved}")
            term.type("\r")
            term.wait_for("Added #")
            term.wait_for("Add a lead", gone=True)
        term.type("q")
        assert term.wait_for_exit() == 0
    assert not unsafe_in(bytes(term.raw))
    names = {lead.name for lead in open_repository(db).all_leads()}
    assert set(PASTES.values()) <= names


@pytest.mark.slow
def test_a_hostile_workbook_prints_nothing_unsafe(tmp_path: Path) -> None:
    """An .xlsx may carry C1 controls and invisible characters in its sheet
    names, headers and cells (XML allows them; C0 ones it does not): the
    dry run and the import, in a real pty, write none of them."""
    from openpyxl import Workbook

    hostile = f"Eve{C1_CSI}{INVISIBLE}Evil"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = f"Leads{C1_CSI}"
    sheet.append(["Name", "Email", f"Notes{INVISIBLE}", f"Fair{C1_CSI}"])
    sheet.append([hostile, "eve@example.com", hostile, hostile])
    sheet.append(["Bo", "bo@example.com", "x", "y", hostile])  # past the header: rejected
    source = tmp_path / "hostile.xlsx"
    book.save(source)
    db = tmp_path / "leads.db"
    for extra in (["--dry-run"], []):
        command = [sys.executable, "-m", "leadtui", "import", str(source), "--db", str(db)]
        with program_in_pty([*command, *extra], tmp_path) as term:
            term.wait_for("rejected 1")
            assert term.wait_for_exit() == 1  # a row was turned away
        assert not unsafe_in(bytes(term.raw)), extra
    (lead,) = open_repository(db).all_leads(custom=True)
    # U+2028 is a line break: a space in a one-line name, kept in a custom field.
    assert lead.name == "Eve4242;4242H Evil"
    assert lead.custom == {"Fair4242;4242H": "Eve4242;4242H\nEvil"}
