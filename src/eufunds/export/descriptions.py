"""What the archive's tables and columns mean, said once for every reader.

The data package (``datapackage.json``) states them in English, the web face
(``eufunds serve``) in Romanian, its readers' language: both read this table, so
a column explained for one is explained for the other. Columns are named as
exports name them (``total_value``, not ``total_value_minor``); a reader that
shows the stored integers says so itself (see ``STORED_AS``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Text:
    """One explanation in the two languages the archive speaks to people in."""

    en: str
    ro: str

    def in_language(self, language: str) -> str:
        return self.ro if language == "ro" else self.en


TABLES: dict[str, Text] = {
    "projects": Text(
        "One row per project, with its codes, beneficiary, programme, values and dates.",
        "Câte un rând pentru fiecare proiect: coduri, beneficiar, program, valori și date.",
    ),
    "project_overview": Text(
        "One row per project, names instead of ids and values in the currency's units.",
        "Câte un rând pe proiect, cu nume în loc de identificatori și valori în lei.",
    ),
    "funding_overview": Text(
        "Where each project's money comes from, row by row, in the currency's units and percent.",
        "De unde vin banii fiecărui proiect, sursă cu sursă, în lei și procente.",
    ),
    "project_funding_split": Text(
        "One row per project: how much the EU funds, the national and local budgets, the "
        "beneficiary and others pay, and their shares.",
        "Câte un rând pe proiect: cât plătesc fondurile UE, bugetul național și local, "
        "beneficiarul și alții, și ce procent.",
    ),
    "funding_sources": Text(
        "One row per source of a project's money, in the order the release gives them.",
        "Câte un rând pentru fiecare sursă de finanțare a unui proiect, în ordinea din comunicat.",
    ),
    "documents": Text(
        "Each source press release, kept whole and unchanged.",
        "Fiecare comunicat de presă sursă, păstrat întreg și neschimbat.",
    ),
    "evidence": Text(
        "For each fact of a project, the words of the release it was read from and where they are.",
        "Pentru fiecare informație a unui proiect, cuvintele comunicatului din care a fost citită "
        "și locul lor în text.",
    ),
    "objectives": Text(
        "A project's general and specific objectives, with how each was achieved.",
        "Obiectivele generale și specifice ale proiectelor și cum a fost atins fiecare.",
    ),
    "results": Text(
        "A project's results, at programme and project level.",
        "Rezultatele proiectelor, la nivel de program și de proiect.",
    ),
    "indicators": Text(
        "Quantities the releases name (20 employees trained), each attached to an objective or a result.",
        "Cantitățile numite de comunicate (20 de angajați instruiți), fiecare legată de un obiectiv "
        "sau un rezultat.",
    ),
    "organisations": Text(
        "Beneficiaries, partners and contacts' organisations, one row per name.",
        "Beneficiari, parteneri și organizațiile persoanelor de contact, câte una pe nume.",
    ),
    "programmes": Text("Operational programmes (POCA, POCU, …).", "Programe operaționale (POCA, POCU, …)."),
    "restatements": Text(
        "Figures a further release of a project states otherwise than its record, with the "
        "document that states them.",
        "Cifrele pe care un comunicat ulterior al proiectului le dă altfel decât fișa lui, cu "
        "documentul care le dă.",
    ),
    "loads": Text(
        "Each load that changed the archive: when it finished (UTC) and what it did; the latest "
        "dates the archive.",
        "Fiecare încărcare care a schimbat arhiva: când s-a încheiat (UTC) și ce a făcut; cea mai "
        "recentă datează arhiva.",
    ),
    "list_comparison": Text(
        "Each project beside the latest official list row of its MySMIS code: release and list "
        "figures side by side.",
        "Fiecare proiect alături de cel mai recent rând din listele oficiale cu codul său MySMIS: "
        "cifrele comunicatului și ale listei una lângă alta.",
    ),
    "county_money": Text(
        "Per county and currency: projects, their total value and the part from EU funds, with how "
        "many state each.",
        "Pe județ și monedă: proiecte, valoarea lor totală și partea din fonduri UE, cu câte le declară.",
    ),
    "project_promises": Text(
        "What each project promised beside what it achieved, per unit: target and achieved value.",
        "Ce a promis fiecare proiect alături de ce a realizat, pe unitate: ținta și valoarea atinsă.",
    ),
    "project_indicators": Text(
        "Every indicator with the project it belongs to, target or achieved.",
        "Fiecare indicator, cu proiectul căruia îi aparține, țintă sau realizat.",
    ),
    "organisation_names": Text(
        "The wordings each organisation is written in by the releases, and how often.",
        "Formele în care comunicatele scriu numele fiecărei organizații și de câte ori.",
    ),
    "list_files": Text(
        "Each official list of contracted projects imported (eufunds lists import): one snapshot "
        "per file, as a managing authority published it.",
        "Fiecare listă oficială a proiectelor contractate importată (eufunds lists import): câte o "
        "situație pe fișier, așa cum a publicat-o autoritatea de management.",
    ),
    "list_rows": Text(
        "Each row of an official list: its cells exactly as read, the fields read from them, and "
        "the project of the same SMIS code.",
        "Fiecare rând al unei liste oficiale: celulele lui exact cum au fost citite, câmpurile "
        "citite din ele și proiectul cu același cod SMIS.",
    ),
    "project_funds": Text(
        "The EU funds each project is financed from.",
        "Fondurile UE din care este finanțat fiecare proiect.",
    ),
}

# By export column name, for every table that has the column; a (table, column)
# key, where present, says what the name means in that table alone.
COLUMNS: dict[str | tuple[str, str], Text] = {
    "slug": Text("the project's stable short name", "numele scurt și stabil al proiectului"),
    "title": Text("the title as the release writes it", "titlul, așa cum îl scrie comunicatul"),
    "acronym": Text("the project's acronym", "acronimul proiectului"),
    "sipoca_code": Text("SIPOCA code (POCA projects)", "codul SIPOCA (proiecte POCA)"),
    "mysmis_code": Text("MySMIS code", "codul MySMIS"),
    "status": Text(
        "announced, ongoing or completed",
        "announced (anunțat), ongoing (în derulare) sau completed (finalizat)",
    ),
    "beneficiary": Text("the beneficiary's name", "numele beneficiarului"),
    "programme": Text("operational programme code", "codul programului operațional"),
    "priority_axis": Text("priority axis number", "numărul axei prioritare"),
    "specific_objective": Text("specific objective code", "codul obiectivului specific"),
    "currency": Text("currency of every amount of the project", "moneda tuturor sumelor proiectului"),
    "total_value": Text("the project's total value", "valoarea totală a proiectului"),
    "eligible_value": Text("the project's eligible value", "valoarea eligibilă a proiectului"),
    "start_date": Text("start of implementation", "începutul implementării"),
    "end_date": Text("end of implementation", "sfârșitul implementării"),
    "duration_months": Text("duration in months, as stated", "durata în luni, așa cum este declarată"),
    "target_group_size": Text("persons in the target group", "numărul de persoane din grupul țintă"),
    "target_group_description": Text("who the target group is", "cine formează grupul țintă"),
    "location": Text("where the project is carried out", "unde se desfășoară proiectul"),
    "source": Text(
        "EU fund code (FSE, FEDR, …) or national_budget, local_budget, beneficiary, other",
        "codul fondului UE (FSE, FEDR, …) sau national_budget (buget național), local_budget "
        "(buget local), beneficiary (beneficiar), other (altă sursă)",
    ),
    "amount": Text("amount from this source", "suma din această sursă"),
    "share_pct": Text(
        "share in percent (0–100) as the release states it", "procentul (0–100) declarat în comunicat"
    ),
    "is_eu_fund": Text("1 when the source is an EU fund", "1 când sursa este un fond UE"),
    "contributor": Text(
        "who pays, when the release names them", "cine plătește, când comunicatul îl numește"
    ),
    "eu_amount": Text("amount from EU funds", "suma din fonduri UE"),
    "eu_share_pct": Text("share of EU funds in percent", "procentul fondurilor UE"),
    "national_budget_amount": Text("amount from the national budget", "suma de la bugetul național"),
    "national_budget_share_pct": Text("share of the national budget", "procentul bugetului național"),
    "local_budget_amount": Text("amount from the local budget", "suma de la bugetul local"),
    "local_budget_share_pct": Text("share of the local budget", "procentul bugetului local"),
    "beneficiary_amount": Text("amount the beneficiary pays", "suma plătită de beneficiar"),
    "beneficiary_share_pct": Text("share the beneficiary pays", "procentul plătit de beneficiar"),
    "other_amount": Text("amount from other sources", "suma din alte surse"),
    "other_share_pct": Text("share of other sources", "procentul altor surse"),
    "ordinal": Text("position in the release's order, from 0", "poziția în ordinea din comunicat, de la 0"),
    "fund": Text("EU fund code", "codul fondului UE"),
    ("documents", "kind"): Text(
        "start, end or other release", "start (început), end (final) sau other (alt comunicat)"
    ),
    ("documents", "text"): Text("the whole text of the release", "textul întreg al comunicatului"),
    ("documents", "published"): Text("publication date", "data publicării"),
    "sha256": Text("SHA-256 of the file", "amprenta SHA-256 a fișierului"),
    ("evidence", "field"): Text(
        "the fact, as a path in the record (funding[0].amount)",
        "informația, ca drum în fișa proiectului (funding[0].amount)",
    ),
    ("evidence", "quote"): Text("the words of the release", "cuvintele comunicatului"),
    ("evidence", "line"): Text("line of the quote in the text, from 1", "rândul citatului în text, de la 1"),
    "char_start": Text(
        "where the quote starts in the text (characters from 0)",
        "unde începe citatul în text (caractere, de la 0)",
    ),
    "char_end": Text("where the quote ends in the text", "unde se termină citatul în text"),
    ("objectives", "kind"): Text("general or specific", "general sau specific"),
    ("objectives", "achieved"): Text("how the objective was achieved", "cum a fost atins obiectivul"),
    ("results", "level"): Text("programme or project result", "rezultat de program sau de proiect"),
    ("results", "serves_result_id"): Text(
        "the programme result this project result serves", "rezultatul de program căruia îi servește"
    ),
    ("indicators", "value"): Text("the quantity", "cantitatea"),
    ("indicators", "unit"): Text("what is counted, as written", "ce se numără, așa cum este scris"),
    ("indicators", "what"): Text("more about what is counted", "precizări despre ce se numără"),
    ("restatements", "field"): Text(
        "the figure, as a path in the record (end_date, funding[0].amount)",
        "cifra, ca drum în fișa proiectului (end_date, funding[0].amount)",
    ),
    ("restatements", "value"): Text(
        "the figure as that release states it", "cifra, așa cum o dă acel comunicat"
    ),
    ("indicators", "kind"): Text(
        "target (promised) or achieved (delivered); empty when the release says neither",
        "target (promis) sau achieved (realizat); gol când comunicatul nu spune",
    ),
    "target": Text("the value promised", "valoarea promisă"),
    "achieved": Text("the value achieved", "valoarea realizată"),
    "cui": Text(
        "fiscal code (CUI/CIF), control digit checked",
        "codul fiscal (CUI/CIF), cu cifra de control verificată",
    ),
    "beneficiary_cui": Text(
        "the beneficiary's fiscal code as the release gives it",
        "codul fiscal al beneficiarului, din comunicat",
    ),
    ("organisations", "kind"): Text(
        "what the body is (commune, town, school, NGO, company, …), read off its name",
        "ce fel de organizație este (comună, oraș, școală, ONG, firmă, …), după nume",
    ),
    "locality_siruta": Text(
        "SIRUTA code of the project's locality", "codul SIRUTA al localității proiectului"
    ),
    "locality_name": Text("the project's locality", "localitatea proiectului"),
    "county_siruta": Text("SIRUTA code of the project's county", "codul SIRUTA al județului proiectului"),
    "county_name": Text("the project's county", "județul proiectului"),
    "nuts3": Text("NUTS 3 code (county)", "codul NUTS 3 (județ)"),
    "nuts2": Text("NUTS 2 code (development region)", "codul NUTS 2 (regiune de dezvoltare)"),
    "region": Text("development region", "regiunea de dezvoltare"),
    "place_status": Text(
        "resolved (locality and county), county (the county alone), ambiguous (a name in several "
        "counties) or unknown",
        "resolved (localitate și județ), county (doar județul), ambiguous (nume în mai multe "
        "județe) sau unknown (negăsit)",
    ),
    "place_note": Text("the counties an ambiguous place could be in", "județele în care ar putea fi locul"),
    "as_of": Text("the date of the project's latest dated source", "data celei mai recente surse datate"),
    "with_total_value": Text(
        "how many of the projects state a total value", "câte proiecte declară valoarea totală"
    ),
    "with_eu_amount": Text("how many state an amount from EU funds", "câte declară o sumă din fonduri UE"),
    ("county_money", "county"): Text("the county projects are coded to", "județul proiectelor"),
    "list_file": Text("the official list file", "fișierul listei oficiale"),
    "list_as_of": Text("the date the list is as of", "data la care este lista"),
    "list_row": Text("the row of the list", "rândul din listă"),
    "release_total_value": Text("total value, as the release states it", "valoarea totală, din comunicat"),
    "list_total_value": Text("total value, as the list states it", "valoarea totală, din listă"),
    "release_eligible_value": Text(
        "eligible value, as the release states it", "valoarea eligibilă, din comunicat"
    ),
    "list_eligible_value": Text("eligible value, as the list states it", "valoarea eligibilă, din listă"),
    "list_eu_value": Text("EU amount, as the list states it", "suma UE, din listă"),
    "release_start_date": Text("start date, as the release states it", "data de început, din comunicat"),
    "list_start_date": Text("start date, as the list states it", "data de început, din listă"),
    "release_end_date": Text("end date, as the release states it", "data de final, din comunicat"),
    "list_end_date": Text("end date, as the list states it", "data de final, din listă"),
    "release_beneficiary": Text("beneficiary, as the release writes it", "beneficiarul, din comunicat"),
    "list_beneficiary": Text("beneficiary, as the list writes it", "beneficiarul, din listă"),
    "release_cui": Text(
        "the beneficiary's CUI, as the release gives it", "CUI-ul beneficiarului, din comunicat"
    ),
    "list_cui": Text("the beneficiary's CUI, as the list gives it", "CUI-ul beneficiarului, din listă"),
    "release_county": Text("county the project is coded to", "județul proiectului"),
    "list_county": Text("county, as the list writes it", "județul, din listă"),
    "finished_at": Text("when the load finished (UTC)", "când s-a încheiat încărcarea (UTC)"),
    ("list_files", "file_name"): Text("the list's file name", "numele fișierului listei"),
    ("list_files", "programme"): Text(
        "operational programme code the list is of, as given at import",
        "codul programului operațional al listei, dat la import",
    ),
    ("list_files", "as_of"): Text(
        "the date the list is as of, as given at import", "data la care este întocmită lista, dată la import"
    ),
    "imported_at": Text("when the list was imported (UTC)", "când a fost importată lista (UTC)"),
    "sheet": Text("the worksheet read (empty for CSV)", "foaia de calcul citită (goală pentru CSV)"),
    "header_row": Text("the row of the headings, from 1", "rândul cu capul de tabel, de la 1"),
    "header_cells": Text(
        "the headings as read (JSON array), one per column",
        "capul de tabel așa cum a fost citit (listă JSON)",
    ),
    "row_count": Text("rows imported from the file", "rândurile importate din fișier"),
    "list_file_id": Text("the list file (snapshot) the row is from", "fișierul listei din care este rândul"),
    "row_number": Text("the row's number in the file, from 1", "numărul rândului în fișier, de la 1"),
    "cells": Text(
        "the row's cells exactly as read (JSON array: text, numbers, ISO dates)",
        "celulele rândului exact cum au fost citite (listă JSON: text, numere, date ISO)",
    ),
    "smis_code": Text("SMIS code, as digits", "codul SMIS, din cifre"),
    ("list_rows", "beneficiary"): Text(
        "the beneficiary, as the list writes it", "beneficiarul, cum îl scrie lista"
    ),
    ("list_rows", "cui"): Text(
        "the beneficiary's fiscal code, as written", "codul fiscal al beneficiarului, cum e scris"
    ),
    ("list_rows", "title"): Text("the title, as the list writes it", "titlul, cum îl scrie lista"),
    "summary": Text("the project's summary or purpose", "rezumatul sau scopul proiectului"),
    ("list_rows", "total_value"): Text("total value in the list", "valoarea totală din listă"),
    ("list_rows", "eligible_value"): Text("eligible value in the list", "valoarea eligibilă din listă"),
    "eu_value": Text("EU contribution in the list", "contribuția UE din listă"),
    "cofinancing_rate_pct": Text(
        "co-financing rate in percent, when written as one share",
        "rata de cofinanțare, când e un singur procent",
    ),
    "cofinancing_rate_text": Text(
        "the co-financing rate as written, when it is not one share",
        "rata de cofinanțare așa cum e scrisă, când nu e un singur procent",
    ),
    ("list_rows", "fund"): Text(
        "fund or source of financing, as written", "fondul sau sursa de finanțare, cum e scrisă"
    ),
    ("list_rows", "programme"): Text(
        "operational programme, as written", "programul operațional, cum e scris"
    ),
    ("list_rows", "priority_axis"): Text("priority axis, as written", "axa prioritară, cum e scrisă"),
    ("list_rows", "specific_objective"): Text(
        "specific objective, as written", "obiectivul specific, cum e scris"
    ),
    "intervention": Text(
        "intervention category or code, as written", "categoria sau codul de intervenție, cum e scris"
    ),
    ("list_rows", "region"): Text("development region, as written", "regiunea de dezvoltare, cum e scrisă"),
    "county": Text("county, as written", "județul, cum e scris"),
    "locality": Text("locality or UAT, as written", "localitatea sau UAT-ul, cum e scris"),
    ("list_rows", "status"): Text("implementation status, as written", "stadiul implementării, cum e scris"),
    ("list_rows", "currency"): Text(
        "currency of the row's amounts (from a currency column or the headings' unit)",
        "moneda sumelor rândului (din coloana monedei sau din unitatea din capul de tabel)",
    ),
    ("list_rows", "project_id"): Text(
        "the project whose MySMIS code is the row's SMIS code (as of the last import)",
        "proiectul al cărui cod MySMIS este codul SMIS al rândului (la ultimul import)",
    ),
}

# The kinds of columns whose values exports turn from stored integers into
# decimals; what the stored integers are, for a reader that shows them.
KINDS: dict[str, Text] = {
    "money": Text(
        "amount in the project's currency, exact to the minor unit",
        "sumă în moneda proiectului, exactă până la ban",
    ),
    "share": Text(
        "share in percent (0–100) as the release states it", "procentul (0–100) declarat în comunicat"
    ),
}
STORED_AS: dict[str, Text] = {
    "money": Text(
        "stored in minor units (bani): 624995.52 lei is 62499552",
        "stocată în bani (sutimi): 624.995,52 lei este 62499552",
    ),
    "share": Text(
        "stored in hundredths of a percent: 85 % is 8500", "stocat în sutimi de procent: 85 % este 8500"
    ),
}


def column_description(table: str, column: str, kind: str, language: str = "en") -> str | None:
    """What ``column`` (its export name) of ``table`` means, in ``language``
    ("en" or "ro"), or None where the name says it all."""
    parts = [COLUMNS.get((table, column)) or COLUMNS.get(column), KINDS.get(kind)]
    said = list(dict.fromkeys(p.in_language(language) for p in parts if p is not None))
    return "; ".join(said) or None


def table_description(table: str, language: str = "en") -> str | None:
    text = TABLES.get(table)
    return None if text is None else text.in_language(language)
