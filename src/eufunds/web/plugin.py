"""The Datasette plugin that makes the archive's web face: the eufunds pages
(home, project, search, record downloads), the fund facet, security headers on
every response and an error page that shows visitors no traceback.

It is registered by ``server.make_datasette`` for the one Datasette instance
that serves an archive, never through an entry point: a Datasette run for
another database in the same environment does not get it.
"""

from __future__ import annotations

import asyncio
import re
import sys
import traceback
from collections.abc import Awaitable, Callable
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from datasette import hookimpl as _hookimpl  # type: ignore[import-untyped]
from datasette.database import QueryInterrupted  # type: ignore[import-untyped]
from datasette.facets import Facet  # type: ignore[import-untyped]
from datasette.filters import FilterArguments  # type: ignore[import-untyped]
from datasette.utils import path_with_added_args, path_with_removed_args  # type: ignore[import-untyped]
from datasette.utils.asgi import Base400, NotFound, Response  # type: ignore[import-untyped]
from datasette.views.base import DatasetteError  # type: ignore[import-untyped]
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup
from sqlalchemy import Connection

from ..errors import SearchError
from ..export.exporters import record_to_json, record_to_yaml
from .archive import ServedArchive, TooSlow
from .metadata import DATABASE_NAME, PROJECT_LIST, project_list_path
from .pages import (
    SEARCH_MAX_CHARACTERS,
    amount_text,
    home_page,
    percent_text,
    project_page,
    project_record,
    search_hits,
)

ASGIApp = Callable[..., Awaitable[None]]
F = TypeVar("F", bound=Callable[..., Any])
# Datasette ships no types; its marker leaves each hook as it is.
hookimpl: Callable[[F], F] = _hookimpl

# The eufunds pages run no script and no inline style, so they can forbid both.
PAGE_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
# Datasette's own pages (tables, SQL) use inline scripts and style attributes;
# they keep everything to this site and can still not be framed.
DATASETTE_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; form-action 'self'; base-uri 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS: dict[str, str] = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}

# Datasette reads any other argument as a column to filter on; one that starts
# with "_" it leaves to plugins.
FUND_PARAMETER = "_fond"
SLUG = r"(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)"
SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# Tables and views whose slug column names a project.
SLUG_TABLES = ("projects", "project_overview", "project_funding_split", "funding_overview")


class FundFacet(Facet):
    """Counts the EU funds of the listed projects (through project_funds, since a
    project can have several) and links each to the list narrowed by it
    (``?_fond=FSE``, read by ``filters_from_request``)."""

    type = "fonduri"

    async def suggest(self) -> list[Any]:
        return []

    async def facet_results(self) -> tuple[list[dict[str, Any]], list[str]]:
        if not self.get_configs():
            return [], []
        selected = self.request.args.getlist(FUND_PARAMETER)
        sql = (
            "SELECT fund AS value, count(*) AS count FROM project_funds "
            f"WHERE project_id IN (SELECT id FROM ({self.sql})) "
            "GROUP BY fund ORDER BY count DESC, fund"
        )
        try:
            rows = await self.ds.execute(
                self.database, sql, self.params, truncate=False,
                custom_time_limit=self.ds.setting("facet_time_limit_ms"),
            )  # fmt: skip
        except QueryInterrupted:  # past facet_time_limit_ms: named, as Datasette's own facets are
            return [], ["fond UE"]
        values = []
        for row in rows.rows:
            chosen = row["value"] in selected
            path = (
                path_with_removed_args(self.request, {FUND_PARAMETER: row["value"]})
                if chosen
                else path_with_added_args(self.request, {FUND_PARAMETER: row["value"]})
            )
            values.append(
                {
                    "value": row["value"], "label": row["value"], "count": row["count"],
                    "toggle_url": self.ds.absolute_url(self.request, self.ds.urls.path(path)),
                    "selected": chosen,
                }
            )  # fmt: skip
        # Shown as a column facet: the heading is the name alone, without the type.
        return [
            {"name": "fond UE", "type": "column", "hideable": False, "toggle_url": "", "results": values,
             "truncated": False}
        ], []  # fmt: skip


class EufundsPlugin:
    """The hooks, bound to the one archive being served."""

    # Datasette lists plugins by __name__ (and looks beside a package of that
    # name for templates and static files, which this one passes explicitly).
    __name__ = "eufunds"

    def __init__(self, archive: ServedArchive, templates: Path):
        self.archive = archive
        # The eufunds pages are rendered by a plain (not async) Jinja environment
        # in the worker thread that read their data: a page is then one trip off
        # the event loop, and plain rendering is the quicker (bench/bench_web.py).
        self.templates = Environment(loader=FileSystemLoader(templates), autoescape=True)

    async def _page(
        self, datasette: Any, template: str, build: Callable[[Connection], dict[str, Any] | None]
    ) -> Any:
        """The page ``template`` shows of what ``build`` reads; None when ``build``
        finds nothing to show."""
        site, urls = _site(datasette), datasette.urls

        def render() -> str | None:
            context = self.archive.read(build)
            if context is None:
                return None
            return self.templates.get_template(template).render(**context, site=site, urls=urls)

        html = await asyncio.to_thread(render)
        if html is None:
            return None
        return Response.html(html, headers={"content-security-policy": PAGE_POLICY})

    # ------------------------------------------------------------------ pages

    async def home(self, datasette: Any, request: Any) -> Any:
        after = request.args.get("dupa") or None
        return await self._page(datasette, "eufunds_home.html", lambda c: {"page": home_page(c, after)})

    async def project(self, datasette: Any, request: Any) -> Any:
        slug = request.url_vars["slug"]
        chosen = request.args.get("dovada")
        chosen_id = int(chosen) if chosen and chosen.isdigit() else None

        def build(connection: Connection) -> dict[str, Any] | None:
            page = project_page(connection, slug, chosen_id)
            return None if page is None else {"page": page}

        response = await self._page(datasette, "eufunds_project.html", build)
        if response is None:
            raise NotFound(f"Nu există niciun proiect „{slug}” în arhivă.")
        return response

    async def download(self, request: Any) -> Any:
        slug, fmt = request.url_vars["slug"], request.url_vars["format"]
        record = await asyncio.to_thread(self.archive.read, lambda c: project_record(c, slug))
        if record is None:
            raise NotFound(f"Nu există niciun proiect „{slug}” în arhivă.")
        if fmt == "json":
            body, media = record_to_json(record, indent=2) + "\n", "application/json; charset=utf-8"
        else:
            body, media = record_to_yaml(record), "application/yaml; charset=utf-8"
        return Response(
            body, content_type=media,
            headers={"content-disposition": f'attachment; filename="{slug}.{fmt}"'},
        )  # fmt: skip

    async def search(self, datasette: Any, request: Any) -> Any:
        words = (request.args.get("q") or "").strip()

        def build(connection: Connection) -> dict[str, Any]:
            results, problem = None, None
            if len(words) > SEARCH_MAX_CHARACTERS:
                problem = f"Căutarea are mai mult de {SEARCH_MAX_CHARACTERS} de caractere; scurtați-o."
            elif words:
                try:
                    results = search_hits(connection, words)
                except SearchError:
                    problem = "Scrieți cel puțin un cuvânt."
            return {"words": words, "results": results, "problem": problem}

        try:
            return await self._page(datasette, "eufunds_search.html", build)
        except TooSlow:
            problem = "Căutarea a durat prea mult; încercați cuvinte mai precise."
            return await self._page(
                datasette,
                "eufunds_search.html",
                lambda c: {"words": words, "results": None, "problem": problem},
            )

    # ------------------------------------------------------------------ hooks

    @hookimpl
    def register_routes(self) -> list[tuple[str, Any]]:
        return [
            (r"^/$", self.home),
            (rf"^/proiect/{SLUG}\.(?P<format>json|yaml)$", self.download),
            (rf"^/proiect/{SLUG}$", self.project),
            (r"^/cautare$", self.search),
        ]

    @hookimpl
    def register_facet_classes(self) -> list[type]:
        return [FundFacet]

    @hookimpl
    def filters_from_request(self, request: Any, database: str, table: str) -> Any:
        funds = request.args.getlist(FUND_PARAMETER)
        if database != DATABASE_NAME or table != PROJECT_LIST or not funds:
            return None
        params = {f"eufunds_fund_{i}": fund for i, fund in enumerate(funds)}
        clauses = [f"id IN (SELECT project_id FROM project_funds WHERE fund = :{name})" for name in params]
        return FilterArguments(clauses, params, [f"finanțat din {fund}" for fund in funds])

    @hookimpl
    def render_cell(
        self, row: Any, value: Any, column: str, table: str | None, database: str, datasette: Any
    ) -> Any:
        """In the HTML of Datasette's tables (JSON and CSV keep the stored values):
        a project's slug links to its page, money in bani reads as an amount,
        shares in hundredths of a percent as a percentage."""
        if database != DATABASE_NAME or value is None or isinstance(value, bool):
            return None
        if column == "slug" and table in SLUG_TABLES and isinstance(value, str) and SLUG_RE.fullmatch(value):
            href = datasette.urls.path(f"/proiect/{value}")
            return Markup('<a href="{}">{}</a>').format(href, value)
        if column.endswith("_minor") and isinstance(value, int):
            # A sqlite3.Row: `in` would look among its values, keys() has the names.
            currency = row["currency"] if "currency" in row.keys() else ""  # noqa: SIM118
            return amount_text(Decimal(value) / 100, currency).strip()
        if column.endswith("_bp") and isinstance(value, int):
            return percent_text(Decimal(value) / 100)
        return None

    @hookimpl
    def asgi_wrapper(self) -> Callable[[ASGIApp], ASGIApp]:
        return with_security_headers

    @hookimpl
    def handle_exception(self, datasette: Any, request: Any, exception: Exception) -> Any:
        async def error_page() -> Any:
            status, message, title, info = _error_for(exception)
            details = {**info, "ok": False, "error": message, "status": status, "title": title}
            if request.path.split("?")[0].endswith(".json"):
                return Response.json(details, status=status)
            context = {**details, "site": _site(datasette)}
            html = await datasette.render_template(["error.html"], context, request=request)
            return Response.html(html, status=status)

        return error_page


def _error_for(exception: Exception) -> tuple[int, str, str | None, dict[str, Any]]:
    """Status, message, title and details of an error, as a visitor may see them.

    Messages meant for the visitor (a bad SQL query, a page that does not exist)
    are kept; anything else is an internal error: its traceback goes to the
    server's log and the visitor reads one sentence.
    """
    if isinstance(exception, NotFound):
        message = str(exception.args[0]) if exception.args else ""
        return 404, message if message.startswith("Nu există") else "Pagina căutată nu există.", None, {}
    if isinstance(exception, Base400):
        return exception.status, str(exception.args[0]) if exception.args else "", None, {}
    if isinstance(exception, DatasetteError):
        message = Markup(exception.message) if exception.message_is_html else exception.message
        return exception.status, message, exception.title, dict(exception.error_dict)
    if isinstance(exception, TooSlow):
        return 503, "Pagina a cerut prea mult timp; încercați din nou.", None, {}
    traceback.print_exception(exception, file=sys.stderr)
    return 500, "A apărut o eroare internă. Ne pare rău.", None, {}


def with_security_headers(app: ASGIApp) -> ASGIApp:
    """``app`` with the security headers added to each HTTP response that does not
    set them itself (the eufunds pages set a stricter Content-Security-Policy)."""

    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {bytes(name).lower() for name, _ in headers}
                wanted = {**SECURITY_HEADERS, "content-security-policy": DATASETTE_POLICY}
                for name, value in wanted.items():
                    if name.encode() not in present:
                        headers.append((name.encode(), value.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await app(scope, receive, send_with_headers)

    return wrapped


def _site(datasette: Any) -> dict[str, Any]:
    """What every eufunds page shows: the archive's title and notes."""
    metadata = datasette.metadata() or {}
    return {
        "title": metadata.get("title"),
        "license": metadata.get("license"),
        "source": metadata.get("source"),
        "database": DATABASE_NAME,
        "project_list": project_list_path(),
    }
