"""The release found in web pages shaped as the sites that publish releases
build them: page builders, theme frameworks, wrappers named for their layout."""

from __future__ import annotations

from eufunds.intake.html import html_main_text

RELEASE = (
    "<p>Comuna Șipote, în calitate de beneficiar, anunță lansarea proiectului „Modernizarea "
    "serviciilor publice în Comuna Șipote”, cod SIPOCA 902, cod MySMIS 130455.</p>"
    "<p>Valoarea totală a proiectului este de 624.995,52 lei, din care 531.246,19 lei "
    "finanțare nerambursabilă din Fondul Social European.</p>"
)
VALUE = "Valoarea totală a proiectului este de 624.995,52 lei"


def _page(body: str) -> str:
    return (
        '<!DOCTYPE html><html lang="ro"><head><meta charset="utf-8"><title>Comunicat</title></head>'
        f'<body><header class="site-header"><nav><a href="/">Acasă</a></nav></header>{body}'
        '<footer class="site-footer"><p>© 2024 Primăria Comunei Șipote. Toate drepturile rezervate.</p>'
        "</footer></body></html>"
    )


def test_a_page_builders_blocks_called_widgets_keep_the_release() -> None:
    # Elementor, on many a town hall's site, calls the post's text a widget.
    page = _page(
        '<div class="elementor elementor-location-single"><div class="elementor-widget-wrap">'
        '<div class="elementor-element elementor-widget elementor-widget-theme-post-content">'
        f'<div class="elementor-widget-container">{RELEASE}</div></div></div></div>'
    )
    assert VALUE in html_main_text(page)


def test_share_buttons_among_the_page_builders_widgets_still_go() -> None:
    page = _page(
        '<div class="elementor-widget-wrap">'
        f'<div class="elementor-widget elementor-widget-theme-post-content">{RELEASE}</div>'
        '<div class="elementor-widget elementor-widget-share-buttons"><p>Distribuie pe Facebook și '
        "pe Twitter acest comunicat de presă</p></div></div>"
    )
    text = html_main_text(page)
    assert VALUE in text
    assert "Distribuie" not in text


def test_a_wrapper_named_for_a_content_and_sidebar_layout_keeps_the_release() -> None:
    page = _page(
        f'<div class="content-sidebar-wrap"><main class="content"><div class="entry-content">{RELEASE}'
        '</div></main><div class="sidebar sidebar-primary"><p>Articole recente: alt comunicat de '
        "presă al primăriei, publicat ieri</p></div></div>"
    )
    text = html_main_text(page)
    assert VALUE in text
    assert "Articole recente" not in text


def test_a_site_wrapper_named_no_sidebar_keeps_the_release() -> None:
    page = _page(f'<div id="page" class="site no-sidebar"><div class="post-body">{RELEASE}</div></div>')
    assert VALUE in html_main_text(page)


def test_a_comment_section_shorter_than_the_release_still_goes() -> None:
    page = _page(
        f'<div class="post">{RELEASE}</div><div id="comments" class="comments-area">'
        "<p>Felicitări pentru proiect, așteptăm rezultatele!</p></div>"
    )
    text = html_main_text(page)
    assert VALUE in text
    assert "Felicitări" not in text


# An older town hall's page: laid out as a table, the menu in one cell, the
# release in the next, its paragraphs parted by blank lines of <br>.
TABLE_LAYOUT = (
    '<table width="100%"><tr><td width="200"><a href="/">Acasă</a><br><a href="/consiliu">Consiliul '
    'local</a><br><a href="/proiecte">Proiecte</a><br><a href="/anunturi">Anunțuri</a></td><td>'
    "<b>COMUNICAT DE PRESĂ</b><br><br>Comuna Șipote, în calitate de beneficiar, anunță lansarea "
    "proiectului „Modernizarea serviciilor publice în Comuna Șipote”, cod SIPOCA 902.<br>\n<br>"
    "Valoarea totală a proiectului este de 624.995,52 lei, din care 531.246,19 lei finanțare "
    "nerambursabilă din Fondul Social European.</td></tr></table>"
)


def test_a_page_laid_out_as_a_table_gives_the_releases_cell_without_the_menus() -> None:
    text = html_main_text(_page(TABLE_LAYOUT))
    assert text.startswith("COMUNICAT DE PRESĂ")
    assert "Anunțuri" not in text


def test_a_blank_line_of_br_parts_paragraphs() -> None:
    text = html_main_text(_page(TABLE_LAYOUT))
    assert "cod SIPOCA 902.\n\nValoarea totală" in text
    assert "COMUNICAT DE PRESĂ\n\nComuna Șipote" in text


def test_related_posts_longer_than_the_release_still_go() -> None:
    teasers = "".join(
        f"<p>Alt proiect al primăriei, numărul {n}, finanțat prin PNRR, cu o valoare de {n}00.000 lei, "
        "a fost și el semnat săptămâna trecută la sediul instituției.</p>"
        for n in range(1, 6)
    )
    page = _page(f'<div class="post">{RELEASE}</div><div class="related-posts">{teasers}</div>')
    text = html_main_text(page)
    assert VALUE in text
    assert "PNRR" not in text


def test_a_hidden_cookie_policy_longer_than_the_release_still_goes() -> None:
    policy = "".join(
        f"<p>Politica de cookie-uri, secțiunea {n}: prelucrăm datele dumneavoastră conform "
        "Regulamentului (UE) 2016/679, iar operatorul este Asociația Exemplu.</p>"
        for n in range(6)
    )
    page = _page(
        f'<div class="cmplz-cookiebanner" aria-hidden="true">{policy}</div><div class="post">{RELEASE}</div>'
    )
    text = html_main_text(page)
    assert VALUE in text
    assert "cookie" not in text


def test_a_layout_wrapper_on_a_page_written_without_spaces_between_tags_is_kept() -> None:
    # Minified: "…lei.</p><p>Comuna" has no space between two paragraphs' words,
    # which must not make the wrapper's 90 words of 170 look like fewer than half.
    stages = "".join(
        f"<p>Comuna Lazuri modernizează școala, etapa {n}, cu 100.000 lei.</p>" for n in range(10)
    )
    notices = "".join(
        f"<p>Anunțul {n} al primăriei despre programul de lucru cu publicul, ghișeul unic și taxele locale.</p>"
        for n in range(5)
    )
    page = _page(
        f'<div class="content-sidebar-wrap"><div class="entry">{stages}</div></div><div>{notices}</div>'
    )
    assert "etapa 9, cu 100.000 lei" in html_main_text(page)


def test_the_releases_paragraphs_beside_a_table_of_one_long_cell_are_kept() -> None:
    aim = "Obiectivul general al proiectului constă în creșterea calității infrastructurii educaționale. " * 5
    page = _page(
        f'<div class="continut">{RELEASE}<table><tr><td>Obiectiv</td><td>{aim}</td></tr></table></div>'
    )
    text = html_main_text(page)
    assert VALUE in text
    assert "Obiectivul general" in text
