"""Hypothesis strategies that damage real seeds the way files get damaged.

Start from the two real seeds in ``seeds/`` and flip bytes, delete or repeat
lines (a repeated line is a repeated key), swap a value for one of another
type, or drop random unicode in; or make up a file from nothing. Shared by the
property-based tests of the seed reader, the loader and the CLI.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import strategies as st

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
SEED_FILES: tuple[Path, ...] = tuple(sorted(SEEDS.glob("*.yaml")))
SEED_BYTES: tuple[bytes, ...] = tuple(path.read_bytes() for path in SEED_FILES)

# Values of every YAML type and of none: what a curator mistypes, and what an
# attacker tries.
ODD_VALUES: tuple[str, ...] = (
    "null", "~", "''", '""', "[]", "{}", "[1, 2]", "{a: 1}", "true", "no", "0", "-1", "-0.01",
    "1e999999999", "12345678901234567890123456789", "0.001", ".nan", ".inf", "-.inf", "0x1F",
    "0o17", "1_000", "2019-13-45", "2019-02-29", "2018-03-12T10:00:00Z", "0001-01-01",
    "9999-12-31", '"\\x00"', '"\\ud800"', "!!python/object/apply:os.system ['true']",
    "!!python/name:os.system", "!!binary aGVsbG8=", "!!set {a, b}", "!!omap [a: 1]", "&a x",
    "*a", "!custom x", "|\n  block\n  text", ">-\n  folded", "'unterminated", "[unclosed",
    "{: x}", "? [complex]\n: key", "POCA", "FSE", "start", "../../etc/passwd", "/etc/passwd",
    "x" * 300, "ş ţ ș ț ă î â", "\u202e\u200b\ufeff", "%YAML 1.1", "---", "...", "@", "`",
)  # fmt: skip

unicode_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)


@st.composite
def flipped_bytes(draw: st.DrawFn, data: bytes) -> bytes:
    """A few bytes of ``data`` XOR-ed with a random mask (may break UTF-8)."""
    raw = bytearray(data)
    for _ in range(draw(st.integers(1, 8))):
        index = draw(st.integers(0, len(raw) - 1))
        raw[index] ^= draw(st.integers(1, 255))
    return bytes(raw)


@st.composite
def edited_lines(draw: st.DrawFn, data: bytes) -> bytes:
    """Lines deleted, repeated (a repeated key) or moved; values swapped for odd ones."""
    lines = data.decode("utf-8").split("\n")
    for _ in range(draw(st.integers(1, 4))):
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "repeat", "swap", "unicode", "indent"]))
        line = lines[index]
        if action == "delete" and len(lines) > 1:
            del lines[index]
        elif action == "repeat":
            lines.insert(draw(st.integers(0, len(lines))), line)
        elif action == "swap" and ":" in line:
            key = line.split(":", 1)[0]
            value = draw(st.one_of(st.sampled_from(ODD_VALUES), unicode_text))
            lines[index] = f"{key}: {value}"
        elif action == "unicode":
            cut = draw(st.integers(0, len(line)))
            lines[index] = line[:cut] + draw(unicode_text) + line[cut:]
        elif action == "indent":
            lines[index] = draw(st.sampled_from(["", " ", "  ", "\t", "- "])) + line.lstrip()
    return "\n".join(lines).encode("utf-8")


@st.composite
def mutated_seed(draw: st.DrawFn, data: bytes | None = None) -> bytes:
    """A real seed (``data``, else either one), damaged; sometimes with a byte-order mark in front."""
    if data is None:
        data = draw(st.sampled_from(SEED_BYTES))
    damaged = draw(st.one_of(flipped_bytes(data), edited_lines(data)))
    if draw(st.booleans()) and draw(st.booleans()):
        damaged = b"\xef\xbb\xbf" + damaged
    return damaged


random_seed = st.one_of(
    st.binary(max_size=2000),
    unicode_text.map(lambda text: text.encode("utf-8")),
    st.lists(
        st.tuples(st.sampled_from(["slug", "title", "status", "funding", "sources", "x"]), unicode_text),
        max_size=8,
    ).map(lambda pairs: "\n".join(f"{k}: {v}" for k, v in pairs).encode("utf-8")),
)

any_seed = st.one_of(mutated_seed(), random_seed)


@st.composite
def seed_folder_edit(draw: st.DrawFn) -> tuple[str, bytes]:
    """(file name, new content) for one seed of ``seeds/``: damaged, or replaced by random input."""
    index = draw(st.integers(0, len(SEED_FILES) - 1))
    content = draw(st.one_of(mutated_seed(SEED_BYTES[index]), random_seed))
    return SEED_FILES[index].name, content
