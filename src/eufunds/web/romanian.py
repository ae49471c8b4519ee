"""Datasette's own page templates in Romanian, so that every public page speaks
the readers' language, not only the eufunds ones.

Datasette 0.65 has no translations; its templates are overridden by files of the
same name in ``templates/``. Those files are written from the installed
Datasette's templates by the replacements below (each must match, so a changed
template is noticed), never edited by hand:

    python -m eufunds.web.romanian

``tests/test_web.py`` checks that the files are what this writes from the
installed Datasette. Words that Datasette makes in Python (filter operators,
"sorted by …") stay English.
"""

from __future__ import annotations

import sys
from pathlib import Path

HEADER = (
    "{#- Datasette's NAME in Romanian, written by eufunds.web.romanian from the installed "
    "Datasette: do not edit; run `python -m eufunds.web.romanian`. -#}\n"
)


def rows(count: str) -> str:
    """ "rând" or "rânduri" as the Jinja expression ``count`` says."""
    return "{% if " + count + " == 1 %}rând{% else %}rânduri{% endif %}"


THIS_DATA_AS = ("This data as ", "Datele ca ")
RUN_SQL = ('value="Run SQL"', 'value="Rulează SQL"')
FORMAT_SQL = (">Format SQL</button>", ">Formatează SQL</button>")
ACTIONS = (">Table actions</title>", ">Acțiuni</title>")

TRANSLATIONS: dict[str, list[tuple[str, str]]] = {
    "base.html": [
        ("<!DOCTYPE html>\n<html>", '<!DOCTYPE html>\n<html lang="ro">'),
        (">Menu</title>", ">Meniu</title>"),
        (">Log out</button>", ">Ieșire</button>"),
    ],
    "_crumbs.html": [("{{ item.label }}", '{{ "acasă" if item.label == "home" else item.label }}')],
    "_description_source_license.html": [
        ("Data license:", "Licența datelor:"),
        ("Data source:", "Sursa datelor:"),
        ("About:", "Despre:"),
    ],
    "_suggested_facets.html": [("Suggested facets: ", "Fațete sugerate: ")],
    "_table.html": [("0 records", "0 înregistrări")],
    "table.html": [
        ("{% if is_view %} (view){% endif %}", "{% if is_view %} (vedere){% endif %}"),
        (
            " row{% if filtered_table_rows_count == 1 %}{% else %}s{% endif %}",
            " " + rows("filtered_table_rows_count"),
        ),
        ACTIONS,
        ('<label for="_search">Search:</label>', '<label for="_search">Caută:</label>'),
        ("- remove filter -", "- fără filtru -"),
        ("- column -", "- coloana -"),
        (">Sort...</option>", ">Sortează...</option>"),
        (">Sort by {{ column.name }}</option>", ">Sortează după {{ column.name }}</option>"),
        ("> descending</label>", "> descrescător</label>"),
        ('value="Apply"', 'value="Aplică"'),
        (
            "extra where clause{% if extra_wheres_for_ui|length != 1 %}s{% endif %}",
            "{% if extra_wheres_for_ui|length != 1 %}condiții{% else %}condiție{% endif %} where în plus",
        ),
        (">remove</a>]", ">elimină</a>]"),
        ("View and edit SQL", "Vezi și modifică SQL"),
        THIS_DATA_AS,
        ('(<a href="#export">advanced</a>)', '(<a href="#export">avansat</a>)'),
        ("These facets timed out: ", "Aceste fațete au depășit timpul: "),
        (">Next page</a>", ">Pagina următoare</a>"),
        ("<h3>Advanced export</h3>", "<h3>Export avansat</h3>"),
        ("JSON shape:", "Forma JSON:"),
        (">default</a>", ">implicită</a>"),
        (">array</a>", ">listă</a>"),
        (">newline-delimited</a>", ">un obiect pe rând</a>"),
        (">object</a>", ">obiect</a>"),
        ("CSV options:", "Opțiuni CSV:"),
        ("> download file</label>", "> descarcă fișierul</label>"),
        ("> expand labels</label>", "> cu etichete</label>"),
        ("> stream all rows</label>", "> toate rândurile</label>"),
        ('value="Export CSV"', 'value="Exportă CSV"'),
    ],
    "database.html": [
        ACTIONS,
        ("<h3>Custom SQL query</h3>", "<h3>Interogare SQL</h3>"),
        FORMAT_SQL,
        RUN_SQL,
        ('<h2 id="queries">Queries</h2>', '<h2 id="queries">Interogări pregătite</h2>'),
        ('<h2 id="tables">Tables</h2>', '<h2 id="tables">Tabele</h2>'),
        ("<em> (hidden)</em>", "<em> (ascuns)</em>"),
        ("Many rows", "Multe rânduri"),
        (" row{% if table.count == 1 %}{% else %}s{% endif %}", " " + rows("table.count")),
        ("<p>... and <a", "<p>... și <a"),
        (
            "hidden table{% if hidden_count == 1 %}{% else %}s{% endif %}",
            "{% if hidden_count == 1 %}tabel ascuns{% else %}tabele ascunse{% endif %}",
        ),
        ('<h2 id="views">Views</h2>', '<h2 id="views">Vederi</h2>'),
        ("Download SQLite DB:", "Descarcă baza de date SQLite:"),
    ],
    "query.html": [
        (
            "This query cannot be executed because the database is immutable.",
            "Interogarea nu poate rula: baza de date nu poate fi modificată.",
        ),
        (
            "Custom SQL query{% if display_rows %} returning {% if truncated %}more than {% endif %}",
            "Interogare SQL{% if display_rows %}: {% if truncated %}peste {% endif %}",
        ),
        (" row{% if display_rows|length == 1 %}{% else %}s{% endif %}", " " + rows("display_rows|length")),
        ("<h3>Query parameters</h3>", "<h3>Parametrii interogării</h3>"),
        FORMAT_SQL,
        RUN_SQL,
        (">Edit SQL</a>", ">Modifică SQL</a>"),
        THIS_DATA_AS,
        ("0 results", "0 rezultate"),
    ],
    "row.html": [
        THIS_DATA_AS,
        ("<h2>Links from other tables</h2>", "<h2>Legături din alte tabele</h2>"),
        (" row{% if other.count == 1 %}{% else %}s{% endif %}</a>", " " + rows("other.count") + "</a>"),
        (
            "from {{ other.other_column }} in {{ other.other_table }}",
            "din {{ other.other_column }} în {{ other.other_table }}",
        ),
    ],
}

TEMPLATES = Path(__file__).resolve().parent / "templates"


class TemplateChanged(Exception):
    """A Datasette template no longer holds the words a replacement expects."""


def translated(name: str, source: str) -> str:
    """Datasette's template ``name`` (its text ``source``) in Romanian."""
    for english, romanian in TRANSLATIONS[name]:
        if english not in source:
            raise TemplateChanged(f"{name}: no longer contains {english!r}; update eufunds.web.romanian")
        source = source.replace(english, romanian)
    return HEADER.replace("NAME", name) + source


def datasette_templates() -> Path:
    import datasette  # type: ignore[import-untyped]

    return Path(datasette.__file__).resolve().parent / "templates"


def write_templates(source: Path, target: Path = TEMPLATES) -> list[Path]:
    """Write every translated template from Datasette's folder ``source`` into ``target``."""
    written = []
    for name in TRANSLATIONS:
        path = target / name
        path.write_text(translated(name, (source / name).read_text(encoding="utf-8")), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_templates(datasette_templates()):
        print(path)
    sys.exit(0)
