"""Which text encoding a file is in, never guessed silently into loss.

In order: a byte-order mark (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE: Excel's
"Unicode Text" export is UTF-16 with a BOM); then UTF-8; then a legacy
encoding detected by charset-normalizer. A file that is UTF-8 but for a few
bytes (one row pasted from elsewhere) stays UTF-8: reading it as a legacy
encoding would turn every other accented letter into mojibake.

Bytes that the chosen encoding does not define are never dropped or
replaced: they are read as lone surrogates ("surrogateescape"), and the
reader turns each row holding one into a rejected row that names its line
and the bytes, with the rest of the file imported.
"""

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from leadtui.domain.errors import InvalidInput

_CHUNK = 1 << 20
_SAMPLE = 1 << 20  # bytes given to the detector: enough to tell, bounded time
# UTF-32 first: its little-endian BOM starts with UTF-16's.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_ESCAPED = re.compile("[\udc80-\udcff]+")
_HIGH_BYTES = bytes(range(128))  # deleted to count the bytes above ASCII
# Spreadsheets on Windows in Western Europe and the Americas save in this one.
_WESTERN = "cp1252"
# DOS and classic Mac code pages: rare in today's exports, yet on a short
# Western file the detector can rate one above Windows-1252 (two rows with
# "Café “Ltd”" read as the Baltic DOS page: "Cafķ ōLtdö").
_OLD_PAGES = ("cp4", "cp7", "cp8", "mac")
_JAPANESE = "cp932"  # Shift_JIS as Windows writes it (a superset)
# A character above ASCII, not a letter, between two letters; but for the
# apostrophe (O’Brien, don’t) and the middle dot (Catalan col·lecció).
_INSIDE_A_WORD = re.compile(r"(?<=[^\W\d_])[^\w\s\x00-\x7f’·](?=[^\W\d_])")
_KANA = re.compile("[\u3041-\u3096\u30a1-\u30fa]")  # hiragana and katakana letters
_LABELS = {
    "utf-8": "UTF-8", "utf-8-sig": "UTF-8 with BOM", "utf-16": "UTF-16", "utf-16-le": "UTF-16 LE",
    "utf-16-be": "UTF-16 BE", "utf-32": "UTF-32",
    "cp932": "Shift_JIS", **{f"cp{n}": f"Windows-{n}" for n in range(1250, 1259)},
}  # fmt: skip


@dataclass(frozen=True)
class Encoding:
    name: str  # a Python codec name
    how: str  # how it was chosen, for the dry run: "byte-order mark", "detected", …
    undecodable: int = 0  # bytes the encoding does not define (read as surrogates)

    @property
    def errors(self) -> str:
        return "surrogateescape" if self.undecodable else "strict"

    @property
    def label(self) -> str:
        return _LABELS.get(self.name, self.name)

    def describe(self) -> str:
        text = f"{self.label} ({self.how})"
        if self.undecodable:
            plural = "s" if self.undecodable > 1 else ""
            text += f"; {self.undecodable:,} byte{plural} it does not define"
        return text


def escaped_bytes(text: str) -> str:
    """The bytes a surrogateescape'd text could not decode, as '\\x81 \\x9d'."""
    found = "".join(_ESCAPED.findall(text))
    return " ".join(f"\\x{ord(char) - 0xDC00:02x}" for char in dict.fromkeys(found))


def has_escaped(text: str) -> bool:
    return _ESCAPED.search(text) is not None


def visible(text: str) -> str:
    """A cell with undecodable bytes written as \\x81 text (for the rejects
    file, which is UTF-8 and cannot hold a lone surrogate)."""
    return _ESCAPED.sub(lambda m: "".join(f"\\x{ord(c) - 0xDC00:02x}" for c in m[0]), text)


def detect(path: Path, forced: str | None = None) -> Encoding:
    """How to read `path` (InvalidInput if it is not text)."""
    if forced:
        try:
            codec = codecs.lookup(forced)
        except LookupError:
            raise InvalidInput(f"--encoding {forced}: not an encoding Python knows") from None
        # rot13, base64, zlib…: codecs Python knows that do not turn bytes into text.
        if not getattr(codec, "_is_text_encoding", True):
            raise InvalidInput(f"--encoding {forced}: not a text encoding")
        try:
            return Encoding(codec.name, "as --encoding says", _undefined(path, codec.name))
        except UnicodeError as error:  # not a decoding error: the codec cannot read at all
            raise InvalidInput(f"--encoding {forced}: cannot read {path} ({error})") from None
    with path.open("rb") as stream:
        start = stream.read(4096)
    for bom, name in _BOMS:
        if start.startswith(bom):
            _check_marked(path, start, name)
            return Encoding(name, "byte-order mark", _undefined(path, name))
    if (unmarked := _utf16_without_bom(start)) is not None:
        return Encoding(unmarked, "UTF-16 without a byte-order mark", _undefined(path, unmarked))
    if _is_utf8(path):
        return Encoding("utf-8", "valid UTF-8")
    bad = _undefined(path, "utf-8")
    if _high_bytes(path) - bad > bad:
        # Most bytes above ASCII form UTF-8 characters: a UTF-8 file with a
        # few stray bytes, which are reported by line.
        return Encoding("utf-8", "UTF-8 but for some bytes", bad)
    name = _legacy(path)
    return Encoding(name, "detected; --encoding to choose another", _undefined(path, name))


def _check_marked(path: Path, start: bytes, name: str) -> None:
    """A byte-order mark that lies (a UTF-32 file whose mark was written
    wrong starts FE FF 22 00 00 00) decodes to text full of NUL characters,
    which no CSV holds: refused, not imported as one garbled column."""
    unit = 4 if name == "utf-32" else 2
    text = start[: len(start) // unit * unit].decode(name, errors="replace")
    if "\x00" in text:
        raise InvalidInput(
            f"{path}: its byte-order mark says {_LABELS.get(name, name)}, but it does not read"
            " as that; give --encoding with the file's encoding"
        )


# Compressed files by their first bytes, and what to do instead. Their bytes
# have NULs and read as no text, so they were called "not a text file (a
# spreadsheet?...)", which sent a rep with Leads.csv.gz the wrong way.
# (A zip is told apart where workbooks are, by its contents.)
_COMPRESSED = (
    (rb"\x1f\x8b", "a gzip file: gunzip it first"),
    # "BZh", a block size, and a block's magic (π, or √π when empty), so a
    # CSV whose first header starts "BZh" stays a CSV.
    (
        rb"BZh[1-9](?:\x31\x41\x59\x26\x53\x59|\x17\x72\x45\x38\x50\x90)",
        "a bzip2 file: bunzip2 it first",
    ),
    (rb"\xfd7zXZ\x00", "an xz file: unxz it first"),
    (rb"\x28\xb5\x2f\xfd", "a zstd file: unzstd it first"),
    (rb"7z\xbc\xaf\x27\x1c", "a 7-Zip archive: unpack it and import the file it holds"),
    (rb"Rar!\x1a\x07", "a RAR archive: unpack it and import the file it holds"),
)


def refuse_compressed(path: Path) -> None:
    """A compressed file, named as such in one line, with what to do."""
    with path.open("rb") as stream:
        start = stream.read(16)
    for magic, what in _COMPRESSED:
        if re.match(magic, start):
            raise InvalidInput(f"{path} is {what}")


def _utf16_without_bom(start: bytes) -> str | None:
    """ASCII text in UTF-16 has a NUL in every other byte."""
    even, odd = start[0::2], start[1::2]
    if len(start) < 4:
        return None
    if odd.count(0) > len(odd) * 0.4 and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) > len(even) * 0.4 and odd.count(0) == 0:
        return "utf-16-be"
    return None


def _is_utf8(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(_CHUNK):
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _legacy(path: Path) -> str:
    from charset_normalizer import from_bytes  # only non-UTF-8 files pay for it

    with path.open("rb") as stream:
        sample = stream.read(_SAMPLE)
    if b"\x00" in sample:
        raise InvalidInput(
            f"{path} is not a text file (a spreadsheet? save it as CSV, or give --encoding)"
        )
    matches = list(from_bytes(sample))
    if not matches:
        return _WESTERN
    # A reading that puts punctuation inside words is not the file's (on a
    # short file the detector cannot tell "Jörg" from "J”rg").
    matches = [m for m in matches if _INSIDE_A_WORD.search(str(m)) is None] or matches
    best = matches[0]
    # The detector often rates Windows-1252 and its Central European and
    # Baltic siblings equal on the same text: among equals, the commonest.
    # (A match stands for every encoding that reads the sample the same.)
    for match in matches:
        if (
            _WESTERN in match.could_be_from_charset
            and match.chaos <= best.chaos
            and match.coherence >= best.coherence - 0.05
        ):
            return _WESTERN
    if str(best.encoding).startswith(_OLD_PAGES) and _reads_as_western(sample):
        return _WESTERN
    if best.coherence == 0:
        # It recognised no language in any reading (a short file): Japanese
        # if it reads as such, else Windows-1252 if it reads as text (any
        # byte it leaves undefined is reported by line, not mis-read), else
        # the best reading that does.
        if _reads_as_japanese(sample):
            return _JAPANESE
        return _WESTERN if _reads_as_western(sample) else str(best.encoding)
    return str(best.encoding)


def _reads_as_western(sample: bytes) -> bool:
    """Windows-1252 reads the sample as text: it leaves at most one byte in
    twenty above ASCII undefined (a stray byte, rejected by its line), and
    no symbol it reads sits between two letters. A DOS file read as
    Windows-1252 puts punctuation inside words (Jörg in code page 850 reads
    "J”rg", Société "Soci‚t‚"), and is left to the detector."""
    text = sample.decode(_WESTERN, errors="surrogateescape")
    high = len(sample.translate(None, _HIGH_BYTES))
    if _count_escaped(text) > max(1, high // 20):
        return False
    return _INSIDE_A_WORD.search(_ESCAPED.sub("", text)) is None


def _reads_as_japanese(sample: bytes) -> bool:
    """Japanese text is almost never without kana, and Shift_JIS kana are
    byte pairs that Windows-1252 reads as punctuation (名無し → –¼–³‚µ) and
    other CJK codecs as rare characters. So: the bytes decode as Shift_JIS,
    with kana, and nearly all that is not ASCII is letters."""
    try:
        text = sample.decode(_JAPANESE)
    except UnicodeDecodeError:
        return False
    beyond = [char for char in text if ord(char) > 0x7F]
    letters = sum(1 for char in beyond if char.isalpha())
    return _KANA.search(text) is not None and letters >= 0.8 * len(beyond)


def _undefined(path: Path, name: str) -> int:
    """How many bytes of the file `name` cannot decode (0: all of them can)."""
    decoder = codecs.getincrementaldecoder(name)(errors="surrogateescape")
    count, offset = 0, 0
    with path.open("rb") as stream:
        try:
            while chunk := stream.read(_CHUNK):
                count += _count_escaped(decoder.decode(chunk))
                offset += len(chunk)
            return count + _count_escaped(decoder.decode(b"", final=True))
        except UnicodeDecodeError as error:
            # Only bytes above ASCII can be carried through as surrogates;
            # a broken UTF-16 or UTF-32 unit cannot.
            where = offset + error.start
            raise InvalidInput(
                f"{path}: the bytes at offset {where:,} are not {_LABELS.get(name, name)} text"
                f" ({error.reason}); give --encoding if the file is in another one"
            ) from None


def _count_escaped(text: str) -> int:
    return sum(len(run) for run in _ESCAPED.findall(text))


def _high_bytes(path: Path) -> int:
    with path.open("rb") as stream:
        chunks = iter(lambda: stream.read(_CHUNK), b"")
        return sum(len(chunk.translate(None, _HIGH_BYTES)) for chunk in chunks)
