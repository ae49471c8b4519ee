"""Synthetic projects in the seed format, as many as a benchmark needs.

Each project looks like the real seeds: a press release of about 3 KB in
Romanian, and a seed transcribed from it with three funding rows (FSE 85 %,
national budget 13 %, the beneficiary's 2 %), one general and three specific
objectives, one programme-level and two project-level results with
indicators, a contact, and some thirty evidence quotes that occur in the
release. The figures agree with each other, so a load prints no warnings. The
output depends only on N and the random seed.

    python bench/generate.py 1000 /tmp/bench-seeds [--seed 7]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from decimal import Decimal
from pathlib import Path

PROGRAMMES = {
    "POCA": "Programul Operațional Capacitate Administrativă 2014-2020",
    "POCU": "Programul Operațional Capital Uman 2014-2020",
    "POR": "Programul Operațional Regional 2014-2020",
    "POIM": "Programul Operațional Infrastructură Mare 2014-2020",
}
FUND_OF = {"POCA": "FSE", "POCU": "FSE", "POR": "FEDR", "POIM": "FC"}
AXES = [
    "Administrație publică și sistem judiciar eficiente",
    "Administrație publică și sistem judiciar accesibile și transparente",
    "Incluziunea socială și combaterea sărăciei",
    "Educație și competențe",
]
SPECIFIC_OBJECTIVE_TITLES = [
    "Introducerea de sisteme și standarde comune în administrația publică locală",
    "Creșterea transparenței, eticii și integrității în cadrul autorităților publice",
    "Dezvoltarea și introducerea de sisteme și standarde comune în administrația publică",
    "Îmbunătățirea competențelor personalului din autoritățile publice locale",
]
PLACES = [
    "Cluj", "Calafat", "Alba Iulia", "Bistrița", "Dej", "Turda", "Zalău", "Sibiu", "Mediaș", "Brașov",
    "Făgăraș", "Craiova", "Băilești", "Slatina", "Caracal", "Pitești", "Curtea de Argeș", "Târgoviște",
    "Ploiești", "Buzău", "Focșani", "Galați", "Brăila", "Tulcea", "Constanța", "Medgidia", "Iași",
    "Pașcani", "Suceava", "Rădăuți", "Botoșani", "Piatra Neamț", "Bacău", "Vaslui", "Bârlad", "Arad",
    "Timișoara", "Lugoj", "Reșița", "Deva", "Hunedoara", "Oradea", "Satu Mare", "Baia Mare", "Sighișoara",
]  # fmt: skip
KINDS = ["Municipiul", "Orașul", "Comuna", "Județul"]
TOPICS = [
    "Politici publice", "Planificare bugetară", "Control managerial intern", "Comunicare profesională",
    "Management în administrația publică locală", "Utilizarea TIC în administrația publică",
    "Achiziții publice", "Etică și integritate", "Managementul proiectelor",
]  # fmt: skip
FIRST = ["Ion", "Maria", "Alin", "Elena", "Mihai", "Ioana", "Vasile", "Ana", "Gheorghe", "Cristina"]
LAST = ["Popescu", "Ionescu", "Pop", "Tișe", "Dumitru", "Stan", "Stoica", "Gheorghe", "Rusu", "Munteanu"]


def lei(amount: Decimal) -> str:
    """624995.52 → "624.995,52", as Romanian releases print money."""
    whole, cents = f"{amount:.2f}".split(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return ".".join(groups) + "," + cents


def ro_date(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


def yaml_text(value: str) -> str:
    """A double-quoted YAML scalar (safe for any text the generator makes)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def make_project(index: int, rng: random.Random) -> tuple[str, str, str, str]:
    """(slug, seed file name, seed YAML, release text) of project ``index``."""
    place = rng.choice(PLACES)
    kind = rng.choice(KINDS)
    # About 3 000 distinct beneficiaries, like Romania's local authorities.
    beneficiary = f"{kind} {place} {index % 67 + 1}" if kind != "Județul" else f"Județul {place}"
    programme = rng.choice(list(PROGRAMMES))
    axis = rng.randint(1, 4)
    objective_code = f"{axis}.{rng.randint(1, 3)}"
    topic_list = rng.sample(TOPICS, 6)
    people = rng.randint(10, 400)
    courses = rng.randint(2, 12)
    workshops = rng.randint(1, 6)
    eligible = Decimal(rng.randint(10_000_000, 900_000_000)) / 100
    eu = (eligible * Decimal("0.85")).quantize(Decimal("0.01"))
    national = (eligible * Decimal("0.13")).quantize(Decimal("0.01"))
    own = eligible - eu - national
    # Days 1-28 exist in every month, so "same day, N months later, minus one"
    # is always a date: exactly N months, as the consistency check computes.
    start = dt.date(rng.randint(2015, 2021), rng.randint(1, 12), rng.randint(1, 28))
    months = rng.randint(6, 36)
    end = months_later(start, months) - dt.timedelta(days=1)
    published = end - dt.timedelta(days=rng.randint(0, 20))
    title = f"Modernizarea serviciilor publice în {beneficiary} prin {rng.choice(TOPICS).lower()} ({index})"
    slug = f"bench-{index:07d}"
    acronym = f"MSP{index}"
    person = f"{rng.choice(FIRST).upper()} {rng.choice(LAST).upper()}"
    email = f"contact{index}@{place.lower().replace(' ', '').replace('ș', 's').replace('ț', 't')}.ro"
    email = email.encode("ascii", "ignore").decode()
    phone = f"02{rng.randint(10, 69)} {rng.randint(100000, 999999)}"
    sipoca, mysmis = str(100 + index), str(100000 + index)
    fund = FUND_OF[programme]
    # A programme's specific objective has one title wherever it is cited.
    so_title = SPECIFIC_OBJECTIVE_TITLES[(sum(map(ord, programme)) + axis * 3 + int(objective_code[-1])) % 4]

    quotes: dict[str, str] = {}
    paragraphs = [
        f"Comunicat de presă - Finalizare proiect „{title}”",
        f"Data: {ro_date(published)}",
        f"{beneficiary}, în calitate de beneficiar, anunță finalizarea proiectului „{title}” ({acronym}), "
        f"cod SIPOCA {sipoca}/cod MySMIS {mysmis}, finanțat din {fund_name(fund)}, în cadrul "
        f"{PROGRAMMES[programme]}, Axa prioritară {axis} {AXES[axis - 1]}, "
        f"Obiectiv Specific {objective_code}: {so_title}.",
        f"Obiectivul general al proiectului: creșterea calității serviciilor publice oferite de "
        f"{beneficiary} cetățenilor, prin introducerea unor instrumente moderne de management"
        f"și prin dezvoltarea competențelor personalului propriu.",
        "Primul obiectiv specific (OS1) a constat în introducerea unui sistem de management al calității "
        "conform standardului ISO 9001/2015 și a fost atins prin certificarea sistemului.",
        f"Al doilea obiectiv specific (OS2) a constat în organizarea de schimburi de experiență și a fost "
        f"atins prin organizarea a {workshops} workshopuri cu autorități din alte state membre UE.",
        f"Al treilea obiectiv specific (OS3) a constat în dezvoltarea abilităților personalului și a fost "
        f"atins prin organizarea de {courses} cursuri specializate în următoarele domenii: "
        + ", ".join(topic_list)
        + ".",
        f"Valoarea totală a proiectului a fost de {lei(eligible)} lei.",
        f"Valoarea totală eligibilă a fost de {lei(eligible)} lei din care:",
        f"• {lei(eu)} lei finanțare nerambursabilă din {fund_name(fund)} (85%),",
        f"• {lei(national)} lei finanțare nerambursabilă din bugetul național (13%),",
        f"• {lei(own)} lei cofinanțare eligibilă de la {beneficiary} (2%).",
        f"Proiectul s-a desfășurat pe o perioadă de {months} luni, începând cu data de {ro_date(start)}, "
        f"până în data de {ro_date(end)}.",
        f"Grupul țintă al proiectului a fost format din {people} de persoane, funcționari publici, "
        f"personal de conducere și de execuție din cadrul {beneficiary}.",
        f"Proiectul a fost implementat la nivelul Unității Administrativ-Teritoriale {beneficiary}.",
        "Rezultat program 1 - Sisteme de management al performanței și calității implementate în "
        "administrația publică locală;",
        "Rezultat proiect 1 - Sistem de management al calității certificat conform standardului "
        "ISO 9001/2015;",
        f"Rezultat proiect 2 - Dezvoltarea competențelor a {people} de angajați prin participarea la "
        f"{courses} cursuri specializate.",
        "Proiectul a contribuit la îmbunătățirea proceselor interne, la reducerea timpului de răspuns "
        "la solicitările cetățenilor și la creșterea transparenței actului administrativ. Echipa de "
        "implementare a urmărit respectarea principiilor orizontale privind egalitatea de șanse, "
        "nediscriminarea și dezvoltarea durabilă pe toată durata proiectului.",
        f"Persoană de contact: {person}, manager de proiect, {beneficiary.upper()}, "
        f"Tel.: {phone}, E-mail: {email}",
    ]
    text = "\n\n".join(paragraphs) + "\n"
    quotes = {
        "title": f"Finalizare proiect „{title}”",
        "acronym": f"„{title}” ({acronym})",
        "codes.sipoca": f"cod SIPOCA {sipoca}/cod MySMIS {mysmis}",
        "codes.mysmis": f"cod SIPOCA {sipoca}/cod MySMIS {mysmis}",
        "status": "anunță finalizarea proiectului",
        "beneficiary.name": f"{beneficiary}, în calitate de beneficiar",
        "programme.name": PROGRAMMES[programme],
        "priority_axis.number": f"Axa prioritară {axis} {AXES[axis - 1]}",
        "specific_objective.code": f"Obiectiv Specific {objective_code}: {so_title}",
        "funds": f"finanțat din {fund_name(fund)}",
        "total_value": f"Valoarea totală a proiectului a fost de {lei(eligible)} lei.",
        "eligible_value": f"Valoarea totală eligibilă a fost de {lei(eligible)} lei",
        "funding[0].amount": f"{lei(eu)} lei finanțare nerambursabilă din {fund_name(fund)} (85%)",
        "funding[1].amount": f"{lei(national)} lei finanțare nerambursabilă din bugetul național (13%)",
        "funding[2].amount": f"{lei(own)} lei cofinanțare eligibilă de la {beneficiary} (2%)",
        "start_date": f"începând cu data de {ro_date(start)}",
        "end_date": f"până în data de {ro_date(end)}",
        "duration_months": f"pe o perioadă de {months} luni",
        "target_group.size": f"format din {people} de persoane",
        "location": f"Unității Administrativ-Teritoriale {beneficiary}",
        "objectives[0].text": "Obiectivul general al proiectului: creșterea calității serviciilor publice",
        "objectives[1].achieved": "a fost atins prin certificarea sistemului",
        "objectives[2].achieved": f"organizarea a {workshops} workshopuri",
        "objectives[3].achieved": f"organizarea de {courses} cursuri specializate",
        "results[0].text": "Rezultat program 1 - Sisteme de management al performanței și calității",
        "results[1].text": "Rezultat proiect 1 - Sistem de management al calității certificat",
        "results[2].text": f"Rezultat proiect 2 - Dezvoltarea competențelor a {people} de angajați",
        "contacts[0].name": person,
        "contacts[0].phone": f"Tel.: {phone}",
        "contacts[0].email": f"E-mail: {email}",
        "sources[0].published": f"Data: {ro_date(published)}",
    }
    for quote in quotes.values():
        assert quote in text, quote
    text_file = f"{slug}.txt"
    seed = f"""# Synthetic benchmark project {index}; generated by bench/generate.py.
slug: {slug}
title: {yaml_text(title)}
acronym: {acronym}
codes:
  sipoca: "{sipoca}"
  mysmis: "{mysmis}"
status: completed
beneficiary:
  name: {yaml_text(beneficiary)}
  acting_through: null
partners: []
contacts:
  - name: {yaml_text(person)}
    position: manager de proiect
    organisation: {yaml_text(beneficiary.upper())}
    phone: "{phone}"
    fax: null
    email: {email}
programme:
  code: {programme}
  name: {yaml_text(PROGRAMMES[programme])}
priority_axis:
  number: "{axis}"
  title: {yaml_text(AXES[axis - 1])}
specific_objective:
  code: "{objective_code}"
  title: {yaml_text(so_title)}
funds: [{fund}]
currency: RON
total_value: {eligible}
eligible_value: {eligible}
funding:
  - source: {fund}
    amount: {eu}
    share_pct: 85
    description: finanțare nerambursabilă din {fund_name(fund)}
    contributor: null
  - source: national_budget
    amount: {national}
    share_pct: 13
    description: finanțare nerambursabilă din bugetul național
    contributor: null
  - source: beneficiary
    amount: {own}
    share_pct: 2
    description: cofinanțare eligibilă
    contributor: {yaml_text(beneficiary)}
start_date: {start.isoformat()}
end_date: {end.isoformat()}
duration_months: {months}
target_group:
  size: {people}
  description: funcționari publici, personal de conducere și de execuție
location: {yaml_text("Unității Administrativ-Teritoriale " + beneficiary)}
objectives:
  - kind: general
    code: null
    text: {yaml_text("creșterea calității serviciilor publice oferite de " + beneficiary + " cetățenilor")}
    achieved: null
  - kind: specific
    code: OS1
    text: introducerea unui sistem de management al calității conform standardului ISO 9001/2015
    achieved: prin certificarea sistemului
  - kind: specific
    code: OS2
    text: organizarea de schimburi de experiență
    achieved: prin organizarea a {workshops} workshopuri cu autorități din alte state membre UE
    indicators:
      - {{value: {workshops}, unit: workshopuri, what: cu autorități din alte state membre UE}}
  - kind: specific
    code: OS3
    text: dezvoltarea abilităților personalului
    achieved: prin organizarea de {courses} cursuri specializate
    indicators:
      - value: {courses}
        unit: cursuri specializate
        what: null
        topics:
{"".join(f"          - {yaml_text(t)}{chr(10)}" for t in topic_list)}results:
  - level: programme
    code: "1"
    text: Sisteme de management al performanței și calității implementate în administrația publică locală
    serves: null
  - level: project
    code: "1"
    text: Sistem de management al calității certificat conform standardului ISO 9001/2015
    serves: "1"
  - level: project
    code: "2"
    text: Dezvoltarea competențelor a {people} de angajați prin participarea la {courses} cursuri specializate
    serves: "1"
    indicators:
      - {{value: {people}, unit: angajați, what: null}}
sources:
  - file: {text_file}
    kind: end
    published: {published.isoformat()}
    publisher: null
    issuer: {yaml_text(beneficiary)}
    title: {yaml_text("Finalizare proiect „" + title + "”")}
evidence:
{"".join(f"  {key}: {yaml_text(quote)}{chr(10)}" for key, quote in quotes.items())}notes: null
"""
    return slug, text_file, seed, text


def months_later(start: dt.date, months: int) -> dt.date:
    month = start.month - 1 + months
    return dt.date(start.year + month // 12, month % 12 + 1, start.day)


def fund_name(code: str) -> str:
    return {
        "FSE": "Fondul Social European",
        "FEDR": "Fondul European de Dezvoltare Regională",
        "FC": "Fondul de Coeziune",
    }[code]


def generate(count: int, folder: Path, *, seed: int = 7) -> Path:
    """Write ``count`` seeds and their releases into ``folder`` (made if needed)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    for index in range(count):
        slug, text_file, seed_yaml, text = make_project(index, rng)
        (folder / f"{slug}.yaml").write_text(seed_yaml, encoding="utf-8")
        (folder / text_file).write_text(text, encoding="utf-8")
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int, help="number of projects")
    parser.add_argument("folder", type=Path, help="folder to write seeds and texts into")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    args = parser.parse_args(argv)
    generate(args.count, args.folder, seed=args.seed)
    print(f"{args.count} projects written to {args.folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
