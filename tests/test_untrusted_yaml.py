"""Untrusted YAML: a seed can never build an object, multiply itself, nest without
end, outgrow the size limit, or silently override a key."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eufunds.seed.format import MAX_DEPTH, MAX_SEED_BYTES, MAX_SOURCE_BYTES, SeedError, read_seed

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
CLUJ = "cj-cluj-calitate-competenta-performanta.yaml"

BILLION_LAUGHS = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]" for i in range(8)]
)


def refused(seeds_dir: Path, text: str | bytes, name: str = "bad.yaml") -> SeedError:
    path = seeds_dir / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    with pytest.raises(SeedError) as caught:
        read_seed(path, label=name)
    return caught.value


def cluj(seeds_dir: Path) -> str:
    return (seeds_dir / CLUJ).read_text(encoding="utf-8")


def measure_read(path: Path) -> dict[str, float]:
    """Read a seed in a fresh interpreter: seconds taken and growth of peak memory (MB)."""
    script = f"""
import json, resource, time
from pathlib import Path
from eufunds.seed.format import SeedError, read_seed
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
try:
    read_seed(Path({str(path)!r}))
    outcome = "read"
except SeedError as exc:
    outcome = str(exc)
seconds = time.perf_counter() - start
grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
print(json.dumps({{"seconds": seconds, "mb": grown, "outcome": outcome}}))
"""
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    return json.loads(run.stdout)


# ------------------------------------------------------------------ tags


@pytest.mark.parametrize(
    "value",
    [
        "!!python/object/apply:os.system ['touch {marker}']",
        "!!python/object/new:os.system ['touch {marker}']",
        "!!python/object:builtins.object {{}}",
        "!!python/name:os.system",
        "!!python/module:os",
        "!<tag:yaml.org,2002:python/object/apply:os.system> ['touch {marker}']",
    ],
)
def test_python_object_tags_are_refused_and_never_run(seeds_dir: Path, tmp_path: Path, value: str) -> None:
    marker = tmp_path / "ran"
    text = cluj(seeds_dir).replace("acronym: CCP", "acronym: " + value.format(marker=marker))
    error = refused(seeds_dir, text)
    assert "is not allowed in a seed" in str(error)
    assert error.problems[0].field == "acronym"
    assert not marker.exists()


def test_tag_directive_cannot_smuggle_a_python_tag(seeds_dir: Path) -> None:
    text = "%TAG ! tag:yaml.org,2002:python/object/apply:\n---\n" + cluj(seeds_dir).replace(
        "acronym: CCP", "acronym: !os.system [true]"
    )
    assert "python/object/apply:os.system" in str(refused(seeds_dir, text))


@pytest.mark.parametrize("value", ["!!binary aGVsbG8=", "!!set {a, b}", "!!omap [a: 1]", "!custom x"])
def test_tags_beyond_plain_data_are_refused(seeds_dir: Path, value: str) -> None:
    error = refused(seeds_dir, cluj(seeds_dir).replace("acronym: CCP", f"acronym: {value}"))
    assert "is not allowed in a seed" in str(error)


def test_merge_key_is_refused(seeds_dir: Path) -> None:
    error = refused(seeds_dir, cluj(seeds_dir).replace("codes:\n", "codes:\n  <<: {sipoca: '1'}\n", 1))
    assert "merge" in str(error)


# ------------------------------------------------------------------ bombs and depth


def test_anchor_is_refused_at_its_line(seeds_dir: Path) -> None:
    error = refused(seeds_dir, cluj(seeds_dir).replace("acronym: CCP", "acronym: &a CCP"))
    assert error.problems[0].line == 5
    assert "anchors and aliases are not allowed" in str(error)


def test_billion_laughs_is_refused_fast_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "laughs.yaml"
    path.write_text(BILLION_LAUGHS)
    measured = measure_read(path)
    assert "anchors and aliases are not allowed" in str(measured["outcome"])
    assert measured["seconds"] < 1.0
    assert measured["mb"] < 50


@pytest.mark.parametrize(
    "shape",
    ["flow-sequences", "flow-mappings", "block-mappings"],
)
def test_nesting_at_the_size_limit_is_refused_fast_in_bounded_memory(tmp_path: Path, shape: str) -> None:
    if shape == "flow-sequences":
        text = "slug: " + "[" * (MAX_SEED_BYTES - 10)
    elif shape == "flow-mappings":
        text = "slug: " + "{a: " * ((MAX_SEED_BYTES - 10) // 4)
    else:
        text = "".join("  " * i + "a:\n" for i in range(900))
    path = tmp_path / "deep.yaml"
    path.write_text(text)
    assert path.stat().st_size <= MAX_SEED_BYTES
    measured = measure_read(path)
    assert f"nested deeper than {MAX_DEPTH} levels" in str(measured["outcome"])
    assert measured["seconds"] < 1.0
    assert measured["mb"] < 50


def test_nesting_within_the_limit_is_read(seeds_dir: Path) -> None:
    nested = "{a: " * (MAX_DEPTH - 2) + "1" + "}" * (MAX_DEPTH - 2)
    error = refused(seeds_dir, cluj(seeds_dir).replace("notes: >-", f"extra: {nested}\nnotes: >-"))
    assert "unknown key" in str(error) and "nested" not in str(error)


# ------------------------------------------------------------------ size


def test_seed_over_the_size_limit_is_refused_before_reading(seeds_dir: Path) -> None:
    text = cluj(seeds_dir)
    padding = MAX_SEED_BYTES + 1 - len(text.encode("utf-8"))
    error = refused(seeds_dir, text + "#" * padding)
    assert f"the limit is {MAX_SEED_BYTES}" in str(error)


def test_seed_exactly_at_the_size_limit_is_read(seeds_dir: Path) -> None:
    text = cluj(seeds_dir) + "\n#"
    text += "x" * (MAX_SEED_BYTES - len(text.encode("utf-8")))
    (seeds_dir / CLUJ).write_text(text, encoding="utf-8")
    assert (seeds_dir / CLUJ).stat().st_size == MAX_SEED_BYTES
    assert read_seed(seeds_dir / CLUJ).slug == "cj-cluj-calitate-competenta-performanta"


def test_source_text_over_the_size_limit_is_refused(seeds_dir: Path) -> None:
    source = seeds_dir / "001_f36f72105a710f57.txt"
    with source.open("ab") as handle:
        handle.write(b" " * (MAX_SOURCE_BYTES + 1 - source.stat().st_size))
    error = refused(seeds_dir, cluj(seeds_dir))
    assert error.problems[0].field == "sources[0].file"
    assert f"the limit is {MAX_SOURCE_BYTES}" in str(error)


# ------------------------------------------------------------------ encoding


def test_invalid_utf8_is_refused_naming_its_line(seeds_dir: Path) -> None:
    data = cluj(seeds_dir).encode("utf-8").replace(b"acronym: CCP", b"acronym: CC\xff")
    error = refused(seeds_dir, data)
    assert error.problems[0].line == 5
    assert "not valid UTF-8" in str(error)


def test_legacy_encoded_seed_is_refused_not_misread(seeds_dir: Path) -> None:
    data = cluj(seeds_dir).replace("ț", "ţ").replace("ș", "ş").replace("Ș", "Ş").replace("Ț", "Ţ")
    error = refused(seeds_dir, data.encode("cp1250"))
    assert "not valid UTF-8" in str(error)


def test_byte_order_mark_is_dropped(seeds_dir: Path) -> None:
    plain = read_seed(seeds_dir / CLUJ)
    path = seeds_dir / "bom.yaml"
    shutil.copy(seeds_dir / CLUJ, path)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert read_seed(path).record == plain.record


def test_control_character_is_refused_naming_its_line(seeds_dir: Path) -> None:
    error = refused(seeds_dir, cluj(seeds_dir).replace("acronym: CCP", "acronym: C\x08CP"))
    assert str(error) == "bad.yaml:5: character U+0008 is not allowed in YAML"


# ------------------------------------------------------------------ duplicate keys


def test_repeated_top_level_key_is_an_error_naming_both_lines(seeds_dir: Path) -> None:
    error = refused(seeds_dir, cluj(seeds_dir).replace("acronym: CCP", "acronym: CCP\nacronym: XYZ"))
    assert error.problems[0].field == "acronym"
    assert error.problems[0].line == 6
    assert "first at line 5" in str(error)


def test_repeated_nested_key_is_an_error(seeds_dir: Path) -> None:
    text = cluj(seeds_dir).replace("    amount: 531246.19\n", "    amount: 531246.19\n    amount: 1\n")
    error = refused(seeds_dir, text)
    assert error.problems[0].field == "funding[0].amount"


def test_repeated_key_in_flow_mapping_is_an_error(seeds_dir: Path) -> None:
    text = cluj(seeds_dir).replace(
        "codes:\n  sipoca: null\n  mysmis: null", "codes: {sipoca: '1', sipoca: '2'}"
    )
    assert refused(seeds_dir, text).problems[0].field == "codes.sipoca"


def test_second_document_is_an_error(seeds_dir: Path) -> None:
    assert "second '---'" in str(refused(seeds_dir, cluj(seeds_dir) + "\n---\nslug: other\n"))


# --- YAML 1.1 number forms ------------------------------------------------------------

CALAFAT = "primaria-calafat-management-calitate.yaml"


def _read_with(seeds_dir: Path, old: str, new: str):  # type: ignore[no-untyped-def]
    path = seeds_dir / CALAFAT
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return read_seed(path)


@pytest.mark.parametrize("written", ["0474", "00474", "0999"])
def test_a_code_with_a_leading_zero_is_kept_as_written(seeds_dir: Path, written: str) -> None:
    seed = _read_with(seeds_dir, 'sipoca: "474"', f"sipoca: {written}")
    assert seed.record["codes"]["sipoca"] == written


def test_a_phone_number_is_kept_as_written_not_read_as_octal(seeds_dir: Path) -> None:
    text = cluj(seeds_dir).replace("phone: 0372 640030", "phone: 0721234567", 1)
    (seeds_dir / CLUJ).write_text(text, encoding="utf-8")
    assert read_seed(seeds_dir / CLUJ).record["contacts"][0]["phone"] == "0721234567"


def test_the_non_specific_tag_keeps_a_scalar_as_text(seeds_dir: Path) -> None:
    seed = _read_with(seeds_dir, 'sipoca: "474"', "sipoca: ! 0474")
    assert seed.record["codes"]["sipoca"] == "0474"


@pytest.mark.parametrize("written", ["010", "0x10", "1:30", "1_000", "0o17", ".inf"])
def test_money_in_a_yaml_11_number_form_is_refused_with_its_line_and_field(
    seeds_dir: Path, written: str
) -> None:
    text = cluj(seeds_dir).replace("total_value: 624995.52", f"total_value: {written}", 1)
    error = refused(seeds_dir, text)
    (problem,) = error.problems
    assert problem.field == "total_value" and problem.line == 32
    assert "plain decimal" in problem.message


@pytest.mark.parametrize("written", ["040", "0x28", "1:40", "4_0"])
def test_a_count_in_a_yaml_11_number_form_is_refused_with_its_line_and_field(
    seeds_dir: Path, written: str
) -> None:
    text = cluj(seeds_dir).replace("  size: 40", f"  size: {written}", 1)
    (problem,) = refused(seeds_dir, text).problems
    assert problem.field == "target_group.size" and problem.line == 54
    assert "plain whole number" in problem.message


_number_forms = st.text(alphabet="0123456789_:xobXOB+-.eE", min_size=1, max_size=12)


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(written=_number_forms)
def test_a_plain_code_is_kept_as_written_or_refused_never_rewritten(seeds_dir: Path, written: str) -> None:
    path = seeds_dir / CALAFAT
    original = path.read_text(encoding="utf-8")
    try:
        path.write_text(original.replace('sipoca: "474"', f"sipoca: {written}", 1), encoding="utf-8")
        try:
            seed = read_seed(path)
        except SeedError:
            return
        assert seed.record["codes"]["sipoca"] == written.strip()
    finally:
        path.write_text(original, encoding="utf-8")


def test_a_slug_of_digits_alone_is_refused_as_it_would_hide_a_code(seeds_dir: Path) -> None:
    text = cluj(seeds_dir).replace("slug: cj-cluj-calitate-competenta-performanta", "slug: '474'", 1)
    (problem,) = refused(seeds_dir, text).problems
    assert problem.field == "slug" and "reads as a project code" in problem.message


# --- source files that cannot be read ----------------------------------------------------

SOURCE_LINE = "  - file: 000_409006d159ec7036.txt"


def _with_source_name(seeds_dir: Path, name_yaml: str) -> SeedError:
    text = (seeds_dir / CALAFAT).read_text(encoding="utf-8")
    assert SOURCE_LINE in text
    return refused(seeds_dir, text.replace(SOURCE_LINE, f"  - file: {name_yaml}", 1))


@pytest.mark.parametrize(
    "name_yaml", ['"a\\0b.txt"', "x" * 300 + ".txt", "loop.txt"], ids=["nul", "too-long", "symlink-loop"]
)
def test_a_source_name_the_system_cannot_open_is_a_problem_of_its_field(
    seeds_dir: Path, name_yaml: str
) -> None:
    if name_yaml == "loop.txt":
        (seeds_dir / "loop.txt").symlink_to(seeds_dir / "loop.txt")
    (problem,) = _with_source_name(seeds_dir, name_yaml).problems
    assert problem.field == "sources[0].file" and problem.line is not None


def test_a_source_text_holding_a_nul_is_refused_naming_its_line(seeds_dir: Path) -> None:
    source = seeds_dir / "000_409006d159ec7036.txt"
    data = source.read_bytes()
    cut = data.index(b"\n", 200) + 1
    source.write_bytes(data[:cut] + b"ab\x00c" + data[cut:])
    line = data[:cut].count(b"\n") + 1
    with pytest.raises(SeedError) as caught:
        read_seed(seeds_dir / CALAFAT)
    (problem,) = caught.value.problems
    assert problem.field == "sources[0].file" and f"NUL character (line {line})" in problem.message


def test_the_last_representable_day_as_end_date_is_checked_not_crashed_on(seeds_dir: Path) -> None:
    from eufunds.seed.consistency import months_between, record_warnings

    assert months_between(dt.date(9999, 12, 1), dt.date.max) == (1, 1)
    text = cluj(seeds_dir).replace("end_date: 2019-07-11", "end_date: 9999-12-31", 1)
    assert "end_date: 9999-12-31" in text
    (seeds_dir / CLUJ).write_text(text, encoding="utf-8")
    warnings = record_warnings(read_seed(seeds_dir / CLUJ).record)
    assert any("duration 16 months" in w for w in warnings)


@pytest.mark.parametrize(
    "path", ['""', "title.", "title..x", "objectives[0]text", "objectives[99].text", "nimic"]
)
def test_evidence_naming_an_empty_or_unknown_field_path_is_refused(seeds_dir: Path, path: str) -> None:
    text = (seeds_dir / CALAFAT).read_text(encoding="utf-8")
    assert "\nevidence:\n" in text
    text = text.replace("\nevidence:\n", f'\nevidence:\n  {path}: "Municipiul Calafat"\n', 1)
    problems = refused(seeds_dir, text).problems
    assert any("names no field of this seed" in p.message for p in problems)
