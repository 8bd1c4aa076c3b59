"""Search finds a name as a rep types it without its punctuation or its
unusual letters: "obrien" finds O'Brien, "annemarie" Anne-Marie, "loreal"
L'Oréal, "orsted" Ørsted. Both engines index, beside each lead's words, its
name and company with apostrophes and hyphens taken out and the letters
that carry no accent to strip folded (ø, æ, ß, ł, đ: NFKD leaves them
whole, so neither FTS5's remove_diacritics nor unaccent-less matching
knows them); a name with none of these adds nothing to the index.

Plain SQL (nested replace()), so the triggers need no function of
leadtui's: a script writing leads with the sqlite3 shell keeps the index
right, and PostgreSQL's generated column stays immutable. On SQLite the
index reads its text from a view (leads_search) that adds the column; this
step rebuilds it, and PostgreSQL's step regenerates the column."""

# What is taken out of a word, then what a letter is read as.
JOINERS = ("'", "’", "‘", "ʼ", "-", "‐", "‑")
LETTERS = (
    ("ø", "o"), ("Ø", "O"), ("æ", "ae"), ("Æ", "AE"), ("œ", "oe"), ("Œ", "OE"),
    ("ß", "ss"), ("ẞ", "SS"), ("ł", "l"), ("Ł", "L"), ("đ", "d"), ("Đ", "D"),
    ("ð", "d"), ("Ð", "D"), ("þ", "th"), ("Þ", "TH"), ("ı", "i"),
)  # fmt: skip
FOLDED_COLUMNS = ("name", "company")


def _folded(column: str) -> str:
    sql = f"coalesce({column}, '')"
    for joiner in JOINERS:
        sql = f"replace({sql}, '{joiner.replace(chr(39), chr(39) * 2)}', '')"
    for letter, read_as in LETTERS:
        sql = f"replace({sql}, '{letter}', '{read_as}')"
    return sql


# Every character folding changes, as a GLOB class ('-' first: a literal).
_FOLDS = "-" + "".join(c for c in (*JOINERS, *(letter for letter, _ in LETTERS)) if c != "-")


def folded_words(prefix: str = "", *, glob: bool = True) -> str:
    """The name and company as folded, or NULL when folding changes nothing
    (most leads: no index entries, no bm25 weight). `prefix` is "new." or
    "old." in a trigger. With `glob` (SQLite), one GLOB over the text first,
    and the replace() calls only for a name holding a character they
    change: the view made 96 of them for every lead, 6 µs a lead, 0.6 s of
    a 100k file's index rebuild. (nullif() would make them once, but nests
    one level deeper than SQLite's parser takes. PostgreSQL's generated
    column keeps the plain form its step wrote.)"""
    folded = " || ' ' || ".join(_folded(prefix + column) for column in FOLDED_COLUMNS)
    plain = " || ' ' || ".join(f"coalesce({prefix}{column}, '')" for column in FOLDED_COLUMNS)
    if not glob:
        return f"CASE WHEN {folded} <> {plain} THEN {folded} END"
    chars = _FOLDS.replace("'", "''")
    return f"CASE WHEN {plain} GLOB '*[{chars}]*' AND {folded} <> {plain} THEN {folded} END"


FTS_COLUMNS = "name, company, email, phone, notes, folded"
_PLAIN = ("name", "company", "email", "phone", "notes")


def _values(prefix: str) -> str:
    return ", ".join(f"{prefix}{column}" for column in _PLAIN) + f", {folded_words(prefix)}"


TRIGGERS: tuple[tuple[str, str], ...] = (
    ("leads_fts_insert", f"""
CREATE TRIGGER leads_fts_insert AFTER INSERT ON leads BEGIN
  INSERT INTO leads_fts (rowid, {FTS_COLUMNS}) VALUES (new.id, {_values("new.")});
END"""),
    ("leads_fts_delete", f"""
CREATE TRIGGER leads_fts_delete AFTER DELETE ON leads BEGIN
  INSERT INTO leads_fts (leads_fts, rowid, {FTS_COLUMNS})
  VALUES ('delete', old.id, {_values("old.")});
END"""),
    ("leads_fts_update", f"""
CREATE TRIGGER leads_fts_update AFTER UPDATE OF {", ".join(_PLAIN)} ON leads BEGIN
  INSERT INTO leads_fts (leads_fts, rowid, {FTS_COLUMNS})
  VALUES ('delete', old.id, {_values("old.")});
  INSERT INTO leads_fts (rowid, {FTS_COLUMNS}) VALUES (new.id, {_values("new.")});
END"""),
)  # fmt: skip

# SQLite: the index over a view that adds the folded words, rebuilt whole.
STEP = (
    "".join(f"DROP TRIGGER {name};\n" for name, _ in TRIGGERS)
    + f"""DROP TABLE leads_fts;
CREATE VIEW leads_search AS
  SELECT id, {", ".join(_PLAIN)}, {folded_words()} AS folded FROM leads;
CREATE VIRTUAL TABLE leads_fts USING fts5(
    {FTS_COLUMNS}, content = 'leads_search', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO leads_fts (leads_fts) VALUES ('rebuild');
"""
    + "".join(f"{sql};\n" for _, sql in TRIGGERS)
)
