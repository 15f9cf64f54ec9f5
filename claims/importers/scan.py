"""The limits an import file's JSON is held to, checked on its bytes before a parser builds anything from them.

A streaming parser keeps memory flat over a long file of small records, not over a file that is deep or holds a
huge token: 100,000 nested arrays grow ijson's prefixes (one string per level, each longer than the last) to
gigabytes and make json.loads recurse until RecursionError; an integer of more than 4,300 digits crashes ijson's
C backend (Python's limit on converting digits to an int, which it doesn't check). JSONScanner reads the bytes
as the parser is about to get them and refuses, naming the line and column:

- nesting deeper than MAX_DEPTH levels of `[` and `{` (the format needs 6 in a JSON file, 4 on a JSONL line);
- a string longer than the record limit (settings.IMPORT_MAX_RECORD_BYTES);
- a run of more than MAX_DIGITS digits outside strings (an amount has at most 30).

The common case runs in C: the chunk is split at its quotes (escapes blanked first, keeping offsets), the parts
outside strings are joined, their brackets kept, and the depth is a running sum over them. Only a chunk that
breaks a limit is walked again, bracket by bracket, to find the line and column.
"""

import re
from itertools import accumulate

from .errors import FileProblem

MAX_DEPTH = 10  # the format needs 6: {file [section {claim [appearances {appearance {source reference
MAX_DIGITS = 100  # an amount has at most 30 digits; a longer run of digits is never a figure of the format

_ESCAPE = re.compile(rb"\\.", re.DOTALL)  # an escape inside a string: blanked so that \" doesn't end the string
_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")  # every digit a 0: a run of digits is a run of zeros
_LONG_DIGITS = b"0" * (MAX_DIGITS + 1)
_BRACKETS = bytes(range(256)).translate(None, b"[]{}")  # translate(None, _BRACKETS) keeps the brackets only
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}
_QUOTE = ord('"')
# The locator's pattern (used on a chunk that breaks a limit): what lies between two brackets outside strings.
_FILLER = re.compile(rb'(?:[^"\[\]{}0-9]++|[0-9]{1,%d}+(?![0-9]))*+' % MAX_DIGITS)


class JSONScanner:
    """Feed it a JSON text's bytes in order (`feed(chunk)`); it raises FileProblem at the first limit broken."""

    def __init__(self, *, max_string_bytes: int, max_depth: int = MAX_DEPTH, one_line: bool = False) -> None:
        self.max_string_bytes = max_string_bytes
        self.one_line = one_line  # a JSONL line: positions are columns
        self.max_depth = max_depth
        self._depth = 0  # open brackets before the chunk
        self._in_string = False  # whether the chunk starts inside a string
        self._string = 0  # the bytes of that string before the chunk
        self._carry = b""  # the end of the last chunk, checked with the next one: a backslash, or digits
        self._lines = 0  # newlines before the chunk
        self._line_start = 0  # the offset where the chunk's first line begins
        self._offset = 0  # the offset of the chunk (of its carried part)
        self._string_at = (1, 1)  # the line and column where a string going on past the chunk began

    def feed(self, chunk: bytes) -> None:
        buf = self._carry + chunk
        self._carry = b""
        keep = _unfinished_end(buf)
        if keep:
            buf, self._carry = buf[:-keep], buf[-keep:]
        self._check(buf)
        self._lines += buf.count(b"\n")
        newline = buf.rfind(b"\n")
        if newline >= 0:
            self._line_start = self._offset + newline + 1
        self._offset += len(buf)

    def _check(self, buf: bytes) -> None:
        plain = _ESCAPE.sub(b"__", buf) if b"\\" in buf else buf
        parts = plain.split(b'"')
        inside = self._in_string
        # parts alternate between outside and inside strings, starting where the last chunk left off
        strings, outside = (parts[0::2], parts[1::2]) if inside else (parts[1::2], parts[0::2])
        ends_inside = inside != (len(parts) % 2 == 0)
        first = len(strings[0]) + self._string if inside and strings else 0
        longest = max(first, max(map(len, strings[1 if inside else 0 :]), default=0))
        text = b"".join(outside)
        brackets = text.translate(None, _BRACKETS)
        deepest = self._depth
        depth = self._depth
        if brackets:
            depths = list(accumulate(map(_STEP.__getitem__, brackets), initial=self._depth))
            deepest, depth = max(depths), max(0, depths[-1])
        if (
            longest > self.max_string_bytes
            or deepest > self.max_depth
            or text.translate(_AS_ZERO).find(_LONG_DIGITS) >= 0
        ):
            raise self._locate(plain)
        if ends_inside:
            if len(parts) > 1:  # a string begun in this chunk goes on past it
                self._string_at = self._position(plain, plain.rfind(b'"'))
            self._string = len(strings[-1]) + (self._string if len(parts) == 1 else 0)
        self._in_string, self._depth = ends_inside, depth

    def _locate(self, plain: bytes) -> FileProblem:
        """Walk a chunk that breaks a limit, bracket by bracket and string by string, to say where."""
        depth, pos, n = self._depth, 0, len(plain)
        message = f"holds a string of more than {self.max_string_bytes:,} bytes (the limit of a record)"
        if self._in_string:
            end = plain.find(b'"')
            if self._string + (end if end >= 0 else n) > self.max_string_bytes:
                return self._problem(message, b"", 0, at=self._string_at)
            pos = end + 1 if end >= 0 else n
        while pos < n:
            pos = _match_end(_FILLER, plain, pos)
            if pos == n:
                break
            byte = plain[pos]
            if byte in b"[{":
                depth += 1
                if depth > self.max_depth:
                    return self._problem(f"nests deeper than {self.max_depth} levels of [ and {{", plain, pos)
            elif byte in b"]}":
                depth = max(0, depth - 1)
            elif byte == _QUOTE:
                end = plain.find(b'"', pos + 1)
                if (end if end >= 0 else n) - pos - 1 > self.max_string_bytes:
                    return self._problem(message, plain, pos)
                pos = end if end >= 0 else n
            else:
                return self._problem(f"holds a number of more than {MAX_DIGITS} digits", plain, pos)
            pos += 1
        return FileProblem("breaks a limit of the import format")  # pragma: no cover - _check saw one

    def _position(self, plain: bytes, pos: int) -> tuple[int, int]:
        """The line and column of the chunk's byte at pos."""
        line = self._lines + plain.count(b"\n", 0, pos) + 1
        newline = plain.rfind(b"\n", 0, pos)
        return line, pos - newline if newline >= 0 else self._offset + pos - self._line_start + 1

    def _problem(self, message: str, plain: bytes, pos: int, at: tuple[int, int] | None = None) -> FileProblem:
        line, column = at or self._position(plain, pos)
        return FileProblem(f"{message} at {'' if self.one_line else f'line {line:,}, '}column {column:,}")


def _match_end(pattern: "re.Pattern[bytes]", buf: bytes, pos: int) -> int:
    """Where the pattern (one that matches the empty string too) stops matching from pos."""
    match = pattern.match(buf, pos)
    return pos if match is None else match.end()


def _unfinished_end(buf: bytes) -> int:
    """How many bytes at the end of buf to check with the next chunk: an odd run of backslashes' last one (the
    character it escapes is next), or trailing digits (the number may go on)."""
    end = len(buf)
    tail = end
    while tail > 0 and buf[tail - 1] == 0x5C:  # backslash
        tail -= 1
    if (end - tail) % 2:
        return 1
    tail = end
    while tail > 0 and 0x30 <= buf[tail - 1] <= 0x39 and end - tail <= MAX_DIGITS:
        tail -= 1
    return end - tail


def check_json_line(line: bytes, *, max_string_bytes: int) -> None:
    """The depth limit on one JSONL line (FileProblem naming its column). A line with no more brackets than
    MAX_DEPTH can't nest deeper and costs two counts."""
    if line.count(b"[") + line.count(b"{") > MAX_DEPTH:
        JSONScanner(max_string_bytes=max_string_bytes, one_line=True).feed(line)
