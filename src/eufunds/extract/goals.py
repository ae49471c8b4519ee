"""What the project aims at and yields: general and specific objectives, results, and their indicators."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from .document import Doc, end_of_line, list_items, paragraph_end, sentence_end, sentence_start, trim, wordset
from .numbers import AMOUNT, MONTHS, percent

_BLANKS = re.compile(r"\s*")
# A label needs its verb, a colon or dash, or a line to itself: "au fost prezentate
# obiectivele generale și specifice ale proiectului" names no objective. The project's
# title may stand between label and verb ("… al proiectului „X”, constă în …").
_GENERAL_LABEL = re.compile(
    r"obiectiv\w*\s+general\w*(?:\s+(?:al"
    r"|a)\s+proiectului)?(?:\s*\"[^\"\n]{3,300}\"\s*,?)?\s*(?P<verb>(?:il\s+constituie|il\s+reprezinta|este|"
    r"consta\s+in|a\s+constat\s+in|vizeaza|a\s+vizat|a\s+fost|urmareste|a\s+urmarit|l-a\s+constituit"
    r"|l-a\s+reprezentat|va\s+fi|se\s+refera\s+la|presupune)\s*)?"
    r"(?::|-|(?(verb)\s|[ \t]*(?=\n)))\s*"
)
# "… și are ca obiectiv general asigurarea …", "având ca obiect general pregătirea …".
_HAS_GENERAL = re.compile(r"(?:are|avand|a\s+avut)\s+ca\s+obiect(?:iv)?\s+general(?P<verb>)\s+")
# Without any label, the project's aim said of the project itself: "Proiectul urmărește
# crearea …", "Investiția a vizat îmbunătățirea …" (not "își propune să …", a clause).
# (Where a sentence starts is checked on each hit: a look-behind tried at every
# position of the text cost more than all the rest of the objective rules.)
_PROJECT_AIMS = re.compile(
    r"(?:proiectul|acest\s+proiect|investitia)\s+(?:urmareste|vizeaza|a\s+vizat"
    r"|a\s+urmarit|isi\s+propune|are\s+ca\s+scop|are\s+drept\s+scop|a\s+avut\s+ca\s+scop)\s+"
    r"(?!sa\b|ca\b|de\b|la\b|o\s+valoare|un\s+buget|un\s+numar|\d)(?P<verb>)"
)


def _project_aims(folded: str) -> re.Match[str] | None:
    for m in _PROJECT_AIMS.finditer(folded):
        before = folded[max(0, m.start() - 2) : m.start()]
        if m.start() == 0 or before.endswith("\n") or before in (". ", "! ", ".\n"):
            return m
    return None


# A labelled passage that opens "Scopul proiectului „X” este de a …": the aim is what follows.
_AIM_LEAD = re.compile(
    r"scop\w*\s+(?:general\s+)?(?:al\s+)?proiectului\b[^\n]{0,300}?\s(?:este|a\s+fost|consta\s+in"
    r"|il\s+constituie|il\s+reprezinta)\s+(?:de\s+)?"
)


# "Obiectivul proiectului îl constituie …": no "general", so a verb must follow.
_PROJECT_OBJECTIVE = re.compile(
    r"obiectiv(?:ul)?\s+(?:principal\s+)?(?:al\s+)?proiectului\s*(?P<verb>(?:il\s+constituie|il\s+reprezinta"
    r"|este|consta\s+in|a\s+constat\s+in|vizeaza|a\s+vizat|a\s+fost|urmareste|a\s+urmarit"
    r"|l-a\s+constituit|l-a\s+reprezentat|va\s+fi)\s*)(?::|-|\s)\s*"
)
_ATTAINED_NEXT = re.compile(
    r"[.;]?\s+(?P<all>obiectiv(?:ul)?(?:\s+general)?(?:\s+al\s+proiectului)?\s+(?:a\s+fost|este)\s+"
    r"(?:atins|indeplinit|realizat)\w*(?:\s+(?:integral|in\s+totalitate|pe\s+deplin))?\s*"
    r"(?P<how>prin\b)?)"
)
_ATTAINED_GENERAL = re.compile(
    r"(?:si-a|s-a|si)\s*-?\s*a?\s*(?:atins|indeplinit|realizat)\s+obiectiv\w*[^:\n.]{0,60}(?P<colon>:)\s*"
)
_ORDINAL = (
    r"primul|al\s+(?:doilea|treilea|patrulea|cincilea"
    r"|saselea|saptelea|optulea|noualea|zecelea)|ultimul|\d+\."
)
_ORDINAL_SPECIFIC = re.compile(
    r"(?:" + _ORDINAL + r")\s+obiectiv\s+specific\s*(?:\(\s*(?P<code>os\s*\d+)\s*\))?"
)
_CODED_SPECIFIC = re.compile(
    r"(?:^|\n)[ \t•*-]*(?:\(?(?P<code>o\.?\s?s\.?\s?\d+)\)?"
    r"|obiectiv\w*\s+specific\w*\s+(?:nr\.?\s*)?(?P<n>\d+)(?![.,]?\d))\s*[:.)-]\s*",
)
# "Obiectivul specific al proiectului este …": the project's one specific objective.
_SPECIFIC_SENTENCE = re.compile(
    r"obiectiv(?:ul)?\s+specific\s+(?:al\s+)?proiectului\s+(?:este|il\s+constituie|il\s+reprezinta"
    r"|consta\s+in|a\s+constat\s+in|vizeaza|a\s+vizat|a\s+fost|l-a\s+constituit)\s+"
)
_SPECIFIC_HEADING = re.compile(
    r"obiectiv\w*\s+specific\w*(?:\s+(?:ale|al)\s+proiectului)?(?:\s+(?:sunt"
    r"|au\s+fost|vor\s+fi))?\s*:?[ \t]*(?=\n)"
)


# "Obiectivele specifice sunt: 1) …; 2) …", "(1) …; (2) …" or "OS1 – …; OS2 – …" on one line.
_INLINE_MARK = r"(?:\(?(?:\d{1,2}|[a-h])\)|(?P<code>o\.?\s?s\.?\s?\d{1,2})\s*[-:.])"
_SPECIFIC_INLINE = re.compile(
    r"obiectiv\w*\s+specific\w*(?:\s+(?:ale|al)\s+proiectului)?(?:\s+(?:sunt|au\s+fost|vor\s+fi))?"
    r"\s*:\s*(?:\(?(?:1|a)\)|o\.?\s?s\.?\s?1\s*[-:.])\s"
)
_INLINE_ITEM = re.compile(r"(?:(?<=:)|(?<=;)|(?<=\.))\s*" + _INLINE_MARK + r"\s+")
_SPECIFIC_VERB = re.compile(
    r"\s*(?:\)|:|-)?\s*(?:a\s+constat\s+in|consta\s+in|a\s+vizat|vizeaza|este|a\s+fost|l-a\s+constituit|"
    r"il\s+constituie|urmareste|a\s+urmarit|se\s+refera\s+la)?\s*:?\s*"
)
_ACHIEVED = re.compile(
    r"\s*[,;-]?\s*(?:si\s+)?(?:a\s+fost|au\s+fost|fiind|va\s+fi|obiectiv(?:ul)?(?:\s+a\s+fost)?)\s+"
    r"(?:atins|realizat|indeplinit)\w*\s+(?P<how>prin\b)"
    r"|\s*,?\s*(?:si\s+)?(?:a\s+fost|au\s+fost|fiind)\s+(?:atins"
    r"|realizat|indeplinit)\w*\s*(?::|-)\s*(?P<how2>)"
)


def read_objectives(doc: Doc) -> list[dict[str, Any]]:
    f = doc.folded
    found: list[tuple[int, dict[str, Any], dict[str, tuple[int, int]]]] = []
    m = _GENERAL_LABEL.search(f) or _HAS_GENERAL.search(f) or _PROJECT_OBJECTIVE.search(f)
    m = m or _project_aims(f)
    if m and m.group("verb") is None:
        # A heading "OBIECTIVUL GENERAL" over "Obiectivul general al proiectului a fost …":
        # the sentence's own label and verb lead to the objective.
        blanks = _BLANKS.match(f, m.end())
        again = _GENERAL_LABEL.match(f, blanks.end() if blanks else m.end())
        if again and again.group("verb"):
            m = again
    if m:
        # "Obiectivul general: <passage>" introduces a passage copied whole, final
        # full stop included; "Obiectivul general este <clause>." is one sentence
        # whose full stop belongs to the sentence, not to the objective.
        labelled = m.group("verb") is None
        start = m.end()
        end = paragraph_end(f, start) if labelled else sentence_end(doc.text, start)
        if f[start:end].strip() == "":
            nxt = re.compile(r"\S").search(f, end)
            if nxt:
                start, end = nxt.start(), paragraph_end(f, nxt.start())
        lead = _AIM_LEAD.match(f, start) if labelled else None
        if lead:
            start = lead.end()
        # A passage (a list after a colon, several clauses) keeps its full stop;
        # a single clause drops it, like a list item.
        passage = labelled and re.search(r"[:;]|\.\s", f[start:end].strip()) is not None
        s, e = trim(doc, start, end, keep_period=passage)
        if e - s >= 5:
            obj = _objective("general", None, doc.clean(s, e))
            spans = {"text": (s, e)}
            # "Obiectivul a fost atins integral: …" in the next sentence says how.
            attained = _ATTAINED_NEXT.match(f, e)
            if attained:
                a_end = sentence_end(doc.text, attained.end())
                a_start = attained.start("how") if attained.group("how") else attained.start("all")
                a_s, a_e = trim(doc, a_start, a_end)
                if a_e > a_s:
                    obj["achieved"] = doc.clean(a_s, a_e)
                    spans["achieved"] = (a_s, a_e)
            found.append((s, obj, spans))
    else:
        m = _ATTAINED_GENERAL.search(f)
        if m:
            end = sentence_end(doc.text, m.end())
            s, e = trim(doc, m.end(), end)
            a_s, a_e = trim(doc, m.start(), m.start("colon"))
            if e - s >= 5:
                obj = _objective("general", None, doc.clean(s, e))
                obj["achieved"] = doc.clean(a_s, a_e)
                found.append((s, obj, {"text": (s, e), "achieved": (a_s, a_e)}))
    taken: list[tuple[int, int]] = []
    for m in _ORDINAL_SPECIFIC.finditer(f):
        end = sentence_end(doc.text, m.end())
        found.append(_specific(doc, m.start(), m.group("code"), m.end(), end))
        taken.append((m.start(), end))
    for m in _CODED_SPECIFIC.finditer(f):
        if any(a <= m.start() < b for a, b in taken):
            continue
        end = end_of_line(f, m.end())
        # "OS 1", "O.S.1" and "Obiectivul specific 1" are the same label: OS1.
        code = re.sub(r"[\s.]", "", m.group("code") or f"os{m.group('n')}").upper()
        found.append(_specific(doc, m.start(), code, m.end(), end))
        taken.append((m.start(), end))
    if not any(obj["kind"] == "specific" for _, obj, _ in found):
        single = _SPECIFIC_SENTENCE.search(f)
        if single:
            end = sentence_end(doc.text, single.end())
            found.append(_specific(doc, single.end(), None, single.end(), end))
    if not any(obj["kind"] == "specific" for _, obj, _ in found):
        heading = _SPECIFIC_HEADING.search(f)
        if heading:
            for s, e in list_items(doc, heading.end()):
                found.append(_specific(doc, s, None, s, e))
        else:
            # "Obiectivele specifice sunt: 1) …; 2) …; 3) …" on one line.
            inline = _SPECIFIC_INLINE.search(f)
            if inline:
                line_end = end_of_line(f, inline.end())
                colon = f.rfind(":", inline.start(), inline.end()) + 1
                marks = list(_INLINE_ITEM.finditer(f, colon, line_end))
                for mark, nxt in zip(marks, [*marks[1:], None], strict=True):
                    end = nxt.start() if nxt else sentence_end(doc.text, mark.end(), line_end)
                    s, e = trim(doc, mark.end(), end)
                    if e > s:
                        raw = mark.group("code")
                        mark_code = re.sub(r"[\s.]", "", raw).upper() if raw else None
                        found.append(_specific(doc, mark.start() if mark_code else s, mark_code, s, e))
    found.sort(key=lambda item: item[0])
    objectives = []
    for index, (_, obj, spans) in enumerate(found):
        for key, span in spans.items():
            doc.note(f"objectives[{index}].{key}", *span)
        source = spans.get("achieved") or spans.get("text")
        if source:
            obj["indicators"] = _indicators(doc, *source, f"objectives[{index}]")
        objectives.append(obj)
    return objectives


def _specific(
    doc: Doc, anchor: int, code: str | None, start: int, end: int
) -> tuple[int, dict[str, Any], dict[str, tuple[int, int]]]:
    f = doc.folded
    spans: dict[str, tuple[int, int]] = {}
    body = f[start:end]
    lead = _SPECIFIC_VERB.match(body)
    text_start = start + (lead.end() if lead else 0)
    achieved = _ACHIEVED.search(f, text_start, end)
    text_end = achieved.start() if achieved else end
    s, e = trim(doc, text_start, text_end)
    obj = _objective("specific", code.upper() if code else None, doc.clean(s, e))
    spans["text"] = (s, e)
    if achieved:
        a_s, a_e = trim(doc, achieved.start("how"), end)
        if a_e > a_s:
            obj["achieved"] = doc.clean(a_s, a_e)
            spans["achieved"] = (a_s, a_e)
    if code:
        spans["code"] = (anchor, start)
    return anchor, obj, spans


def _objective(kind: str, code: str | None, text: str) -> dict[str, Any]:
    return {"kind": kind, "code": code, "text": text, "achieved": None, "indicators": []}


_CODED_RESULT = re.compile(
    r"(?:^|\n)[ \t•*-]*(?:\d+[.)]\s*)?[ \t•*-]*rezultat\w*\s+(?P<level>program\w*"
    r"|proiect\w*)\s*(?:nr\.?\s*)?(?P<code>\d+(?:\.\d+)*)\s*[-:.)]\s*",
)
_RESULT_HEADING = re.compile(
    r"rezultat\w*[^\n]{0,120}:[ \t]*(?=\n)"
    r"|(?:au\s+fost|s-au|vor\s+fi|va\s+fi|a\s+fost)\s+(?!stabilit"
    r"|urmatoarele\s+obiective)[a-z]+(?:\s+[a-z]+){0,3}\s*:[ \t]*(?=\n)"
    r"|(?:^|\n)[ \t]*rezultat\w*(?:\s+\w+){0,3}[ \t]*(?=\n)"
)
_COLON_LINE = re.compile(r"(?:^|\n)[^\n]{3,160}:[ \t]*(?=\n)")
_LEADING_QUANTITY = re.compile(r"\d[\d.,]*\s+(?:de\s+)?[a-z]")


def read_results(doc: Doc) -> list[dict[str, Any]]:
    f = doc.folded
    results: list[dict[str, Any]] = []
    spans: list[tuple[int, int]] = []
    last_programme: str | None = None
    coded = list(_CODED_RESULT.finditer(f))
    if coded:
        for m in coded:
            end = end_of_line(f, m.end())
            s, e = trim(doc, m.end(), end)
            level = "programme" if m.group("level").startswith("program") else "project"
            code = m.group("code")
            serves = last_programme if level == "project" else None
            if level == "programme":
                last_programme = code
            results.append({"level": level, "code": code, "text": doc.clean(s, e), "serves": serves})
            spans.append((s, e))
    else:
        for heading in _RESULT_HEADING.finditer(f):
            items = list(list_items(doc, heading.end()))
            if not items:
                continue
            for s, e in items:
                results.append({"level": "project", "code": None, "text": doc.clean(s, e), "serves": None})
                spans.append((s, e))
            break
        else:
            # No heading names them, but a list of quantities closing a "…:" line
            # ("La finalul proiectului, spitalul va dispune de:") is what the project yields.
            for heading in _COLON_LINE.finditer(f):
                items = list(list_items(doc, heading.end()))
                if len(items) < 2 or not all(
                    _LEADING_QUANTITY.match(f, s) and not AMOUNT.search(f, s, e) for s, e in items
                ):
                    continue
                for s, e in items:
                    results.append(
                        {"level": "project", "code": None, "text": doc.clean(s, e), "serves": None}
                    )
                    spans.append((s, e))
                break
    for index, (result, (s, e)) in enumerate(zip(results, spans, strict=True)):
        doc.note(f"results[{index}].text", s, e)
        result["indicators"] = _indicators(doc, s, e, f"results[{index}]")
    return results


_INDICATOR_NUMBER = re.compile(
    r"(?<![\w.,/:%-])(?P<n>\d{1,3}(?:\.\d{3})+|\d+(?:,\d{1,3})?)(?![\w.,/:%-]|\s*%|\s*-\s*\d)"
    r"\s+(?:de\s+)?"
)
_INDICATOR_BAD_LEAD = re.compile(
    r"(?:iso|nr\.?|anul|axa|os|cod\w*|rezultat\w*(?:\s+\w+)?|standard\w*|art\.?|legea|hg|oug)\s*$"
)
_APPROXIMATE_LEAD = re.compile(
    r"(?<![a-z])(?:peste|aproximativ|circa|cca\.?|in\s+jur\s+de|aproape|mai\s+mult\s+de)\s+(?:de\s+)?$"
)
# "602 copii/tineri/adulți": words joined by slashes count one noun.
_WORD = re.compile(r"[a-z][a-z0-9-]*(?:/[a-z][a-z0-9-]*)*")


# Words that end the counted noun: prepositions, verbs, conjunctions. Genitive
# articles (a, al, ai, ale) do not: "staţie de producere a oxigenului" is one noun.
_UNIT_STOP = wordset(
    "in pentru din la cu privind pe prin care ce catre dintre asupra conform intre sau ori "
    "cate fiecare au vor va sunt este fost s-au isi si-au iar respectiv intr-un intr-o printr-un "
    "printr-o dintr-un dintr-o "
    "destinat destinate destinati nou noua noi noile anual lunar zilnic functional functionala "
    "functionale operational operationala operationale suplimentar suplimentare"
)
_MEASURES = wordset("km m mp m2 mc m3 ml ha kw mw kwh mwh gw gwh t tone kg l litri gb tb kv kva hl")


# Nouns that look like participles (-at, -ate, -it, -ut …) and are not.
_PARTICIPLE_LIKE_NOUNS = re.compile(
    r"(?:[aeiou]tat[eia]?|[aeiou]tatea|[aeiou]tatii|rezultat\w*|certificat\w*|mandat\w*|aparat\w*|stat|state"
    r"|senat|tratat|tratatul\w*|tratatel\w*|deputat\w*|candidat\w*|avocat\w*|doctorat\w*|masterat\w*|sindicat\w*|minut\w*"
    r"|institut\w*|circuit\w*|credit\w*|deficit\w*|profit\w*|debit\w*|specializat\w*|format"
    r"|formate|agregat\w*|palat\w*|magistrat\w*|licentiat\w*|voluntariat\w*|secretariat\w*"
    r"|atelier\w*|substrat\w*|termostat\w*|concentrat\w*|automat\w*)$"
)
_PARTICIPLE_ENDING = re.compile(
    r"\w{3,}(?:at|ata|ate|ati|it|ita|ite|iti|ut|uta|ute|uti|use|usi|isa|ise|isi)$"
)
_NEW_NOUN_PHRASE = wordset("a al ai ale un o unei unui unor")
_GERUND_OR_AGENT = re.compile(r"\w{4,}(?:ind|and)$|participant\w*")


# Participles and verbal adjectives qualify the counted noun ("12 proceduri
# simplificate", "45 de funcţionari formaţi", "destinate cetăţenilor"): they start the
# `what` part. Adjectives proper ("cursuri specializate") stay in the unit, so the
# list names verbs of administrative reporting rather than a suffix rule.
_PARTICIPLE = re.compile(
    r"(?:form|instru|certific|simplific|destin|realiz|organiz|implement|elabor|dezvolt|achizition"
    r"|reabilit|moderniz|constru|dot|sprijin|consili|evalu|revizu|actualiz|digitaliz|infiint|desfasur"
    r"|sustin|livr|public|inform|perfection|calific|obtin|prevaz|planific|asum|viz|select"
    r"|recrut|media|integr|ocup|imbunatat|optimiz|standardiz|automatiz|informatiz|monitoriz|adopt"
    r"|acredit|incadr|angren|implic|tipar|distribu|amenaj|reconstru|renov|echip|instal|inchiri|sprijin"
    r"|cre|angaj|sprijin|consili|finant|aprob|atins|trat|cart|asist|vaccin|oper|diagnostic)(?:at|ata|ate|ati|it|ita|ite|iti|ut|uta|ute|uti)$"
    r"|^(?:propus|transmis|extins|emis|pus|atins|sustinut|obtinut|prevazut|facut)(?:|a|e|i)$"
)
_NOT_UNITS = frozenset(
    ["lei", "euro", "ron", "luni", "ani", "an", "zile", "de", "la", "si", "din", "in", "ore"]
) | frozenset(MONTHS)
_COORDINATED = re.compile(r"\s*(?:,\s*|\s(?:si|plus)\s+|,\s*(?:si|plus)\s+)(?:a\s+|de\s+)?")
_NEXT_IS_DIGIT = re.compile(r"\s+\d")
_NAME_BEFORE = re.compile(r"(?<![\w.])[A-ZĂÂÎȘȚŞŢ][\w-]*[ \t]+$")
_NEXT_IS_NUMBER = re.compile(r"\s+(?:a\s+|de\s+)?\d")
_WHAT_STOP = re.compile(r"\s+si\s+(?:a\s+|de\s+)?\d|;|\.(?:\s|$)")
_TOPICS_IN_PARENS = re.compile(r"\s*\(([^()\n]*,[^()\n]*)\)")
_TOPICS_INTRO = re.compile(
    r",?\s*(?:(?:in|pe|privind|din|la|cu)\s+)?(?:urmatoarele|urmatorii|urmatoarea)?\s*(?:\w+\s+)?"
    r"(?:domenii|teme|tematici|module|subiecte|discipline|arii)?\s*:\s*"
)


def _indicators(doc: Doc, start: int, end: int, path: str) -> list[dict[str, Any]]:
    f = doc.folded
    found: list[dict[str, Any]] = []
    after_unit: int | None = None
    for m in _INDICATOR_NUMBER.finditer(f, start, end):
        if after_unit is not None and not _COORDINATED.fullmatch(f, after_unit, m.start()):
            break
        lead = f[max(start, m.start() - 25) : m.start()]
        if _INDICATOR_BAD_LEAD.search(lead) or _APPROXIMATE_LEAD.search(lead):
            # "peste 300 de persoane" is a bound: no indicator is given for it.
            continue
        name = _NAME_BEFORE.search(doc.text, max(start, m.start() - 40), m.start())
        if name and name.start() > start and f[start : name.start()].strip():
            # "situl Natura 2000 …": a number inside a proper name counts nothing.
            continue
        raw = m.group("n")
        unit_start = m.end()
        unit_end, what_start, consumed = _unit(doc, unit_start, end)
        if not consumed or unit_end is None:
            continue
        value: int | Decimal = int(raw.replace(".", "")) if "," not in raw else percent(raw.replace(".", ""))
        if isinstance(value, int) and 1900 <= value <= 2100 and consumed < 2:
            continue
        unit = doc.clean(unit_start, unit_end)
        i = len(found)
        indicator: dict[str, Any] = {
            "value": value, "unit": unit, "what": None,
            "kind": _indicator_kind(doc, start, end, m.start("n"), f"{path}.indicators[{i}].kind"),
            "topics": [],
        }  # fmt: skip
        doc.note(f"{path}.indicators[{i}].value", m.start("n"), m.end("n"))
        doc.note(f"{path}.indicators[{i}].unit", unit_start, unit_end)
        if what_start is not None:
            what_end = end
            stop = _WHAT_STOP.search(f, what_start, end)
            if stop:
                what_end = stop.start()
            topics_m = _TOPICS_INTRO.search(f, what_start, what_end)
            listed = _TOPICS_IN_PARENS.search(f, what_start, what_end)
            if topics_m:
                indicator["topics"] = _topics(doc, topics_m.end(), end, f"{path}.indicators[{i}]")
                what_end = topics_m.start()
            elif listed:
                # "3 laboratoare amenajate (STEM, robotică, realitate virtuală)".
                topics_path = f"{path}.indicators[{i}]"
                indicator["topics"] = _topics(doc, listed.start(1), listed.end(1), topics_path)
                what_end = listed.start()
            ws, we = trim(doc, what_start, what_end)
            if we > ws:
                indicator["what"] = doc.clean(ws, we)
                doc.note(f"{path}.indicators[{i}].what", ws, we)
        listed_after = _COLON_LIST.match(f, unit_end, end) if what_start is None else None
        if listed_after and isinstance(value, int):
            # "3 cabinete școlare: cabinet psihopedagogic, sală de sport și cabinet de …":
            # the items counted, as many as the number says.
            topics = _counted_items(doc, listed_after.end(), end, value)
            for t, (ts, te) in enumerate(topics):
                doc.note(f"{path}.indicators[{i}].topics[{t}]", ts, te)
            indicator["topics"] = [doc.clean(ts, te) for ts, te in topics]
        found.append(indicator)
        # One indicator per item: further numbers qualify the first quantity
        # ("1 tractor de 240 CP", "8 cercetători, dintre care 3 tineri") — unless
        # they are coordinated with it ("2 workshopuri şi 2 schimburi de experienţă").
        if what_start is not None:
            break
        after_unit = unit_end
    return found


_COLON_LIST = re.compile(r"\s*:\s*")

# How a sentence words a quantity: promised ("vor fi formate", "își propune")
# or delivered ("au fost formate", "s-au organizat"). Only verb forms count: a
# bare participle ("finalizat", "realizate") as often describes the target group
# ("adulții care nu și-au finalizat educația") as the result. Read on the folded text.
_TARGET_CUE = re.compile(
    r"\b(?:vor fi|va fi|vor beneficia|vor participa|se vor|se va|isi propune|si-a propus|"
    r"preconizeaza|urmeaza sa|vizeaza)\b"
)
_ACHIEVED_CUE = re.compile(r"\b(?:au fost|a fost|s-au|au participat|au beneficiat|au absolvit|au obtinut)\b")
_NEGATED = re.compile(r"\bnu\s+(?:si-)?\S*$")
# How far from the number a verb still speaks of it, before and after.
_CUE_BEFORE, _CUE_AFTER = 120, 60


def _indicator_kind(doc: Doc, start: int, end: int, at: int, path: str) -> str | None:
    """``target`` or ``achieved`` when the words around the number at ``at``, in
    its sentence, say one and only one ("… a fost atins prin organizarea a 2
    workshopuri")."""
    f = doc.folded
    low = max(min(start, sentence_start(f, at)), at - _CUE_BEFORE)
    high = min(max(end, at), at + _CUE_AFTER)
    cues = [
        (m, kind)
        for pattern, kind in ((_TARGET_CUE, "target"), (_ACHIEVED_CUE, "achieved"))
        for m in pattern.finditer(f, low, high)
        if not _NEGATED.search(f, max(low, m.start() - 12), m.start())
    ]
    if not cues or len({kind for _, kind in cues}) != 1:
        return None
    cue, kind = cues[0]
    doc.note(path, cue.start(), cue.end())
    return kind


def _counted_items(doc: Doc, start: int, end: int, count: int) -> list[tuple[int, int]]:
    """``count`` items split at commas, then at the first "și" of the last while too few."""
    f = doc.folded
    pieces: list[tuple[int, int]] = []
    pos = start
    for m in re.finditer(r"\s*[,;]\s*", f[start:end]):
        pieces.append((pos, start + m.start()))
        pos = start + m.end()
    pieces.append((pos, end))
    while len(pieces) < count:
        last_start, last_end = pieces[-1]
        joint = re.compile(r"\s+si\s+").search(f, last_start, last_end)
        if joint is None:
            break
        pieces[-1:] = [(last_start, joint.start()), (joint.end(), last_end)]
    trimmed = [trim(doc, s, e) for s, e in pieces]
    if len(trimmed) != count or any(e <= s for s, e in trimmed):
        return []
    return trimmed


def _unit(doc: Doc, start: int, end: int) -> tuple[int | None, int | None, int]:
    """The counted noun phrase after a number: (its end, where `what` starts, words)."""
    f = doc.folded
    unit_end: int | None = None
    last_end = start
    consumed = 0
    previous = ""
    for w in _WORD.finditer(f, start, end):
        if f[last_end : w.start()].strip():
            # Punctuation between words ends the noun phrase (and the indicator).
            return unit_end, None, consumed
        word = w.group(0)
        if consumed == 0:
            if word in _NOT_UNITS:
                return None, None, 0
            if word in _MEASURES or w.group(0) in _MEASURES:
                # "142 km de reţele": the measure is the unit, the rest says of what.
                nxt = _WORD.search(f, w.end(), end)
                return w.end(), (nxt.start() if nxt else None), 1
        elif word == "si":
            if _NEXT_IS_NUMBER.match(f, w.end()):
                return unit_end, None, consumed
            following = _WORD.match(f, w.end() + 1)
            if following and following.group(0) in _NEW_NOUN_PHRASE:
                # "şi a unei linii": a second thing counted without a number.
                return unit_end, None, consumed
            if following and not _ends_unit(following.group(0)):
                last_end = w.end()
                continue
            return unit_end, w.start(), consumed
        elif word == "de" and _NEXT_IS_DIGIT.match(f, w.end()):
            # "1 sistem fotovoltaic de 30 kW": a measured complement qualifies the noun.
            return unit_end, w.start(), consumed
        elif _ends_unit(word) and (previous != "de" or word in _UNIT_STOP):
            # After "de" a participle-looking word is a noun ("de grădiniţă", "de iluminat").
            return unit_end, w.start(), consumed
        unit_end = last_end = w.end()
        previous = word
        consumed += 1
        if consumed >= 10:
            break
    return unit_end, None, consumed


def _ends_unit(word: str) -> bool:
    """Whether ``word`` ends the counted noun: a stop word or a participle ("depuse")."""
    if word in _UNIT_STOP or _PARTICIPLE.match(word) or _GERUND_OR_AGENT.match(word):
        return True
    return bool(_PARTICIPLE_ENDING.match(word)) and not _PARTICIPLE_LIKE_NOUNS.search(word)


def _topics(doc: Doc, start: int, end: int, path: str) -> list[str]:
    topics: list[str] = []
    pos = start
    for m in re.finditer(r"[,;]\s*|\s+si\s+(?=[A-Za-z])|$", doc.folded[start:end]):
        s, e = trim(doc, pos, start + m.start())
        if e > s:
            doc.note(f"{path}.topics[{len(topics)}]", s, e)
            topics.append(doc.clean(s, e))
        pos = start + m.end()
        if m.end() == end - start:
            break
    return topics
