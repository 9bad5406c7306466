"""Share cards: text drawn from the glyph outlines shipped with the package, the same on
every machine, and as text where the outlines lack a character."""

from __future__ import annotations

import re
import struct

from builder.present import cards


def _card(name: str) -> str:
    return cards.model_card(name, "Meta", 11028.4, 2323.1, 15049.2, "hardware-time", "Site")


def test_a_card_draws_each_line_as_one_path_of_outlines() -> None:
    svg = _card("Llama 3.1 405B")
    assert "<text" not in svg
    # the name, the figure, three lines and the site's name: one path each
    assert len(re.findall(r"<path ", svg)) == 6
    assert 'fill="#1f6f4a"' in svg  # the figure in the accent colour


def test_a_character_the_outlines_lack_is_drawn_as_text() -> None:
    svg = _card("文心一言 4.0")
    assert re.search(r"<text [^>]*>文心一言 4.0</text>", svg)
    assert len(re.findall(r"<path ", svg)) == 5  # the other lines stay outlines


def test_the_outlines_cover_printable_ascii_and_the_signs_cards_write() -> None:
    glyphs = cards._glyphs()
    for weight in ("400", "700"):
        missing = [c for c in map(chr, range(0x20, 0x7F)) if c not in glyphs[weight]]
        assert missing == [], weight
        assert all(c in glyphs[weight] for c in "–×…²Üü"), weight


def test_a_long_name_is_made_smaller_then_cut_within_the_card() -> None:
    name = "An Extraordinarily Long Model Name That Goes On " * 3
    text, size = cards._fit(name, 64, "700")
    assert size == 48 and text.endswith("…") and len(text) < len(name)
    assert cards._width(text, size, "700") <= cards.TEXT_WIDTH
    short, same = cards._fit("T5", 64, "700")
    assert (short, same) == ("T5", 64)


def test_the_card_is_a_png_of_half_the_open_graph_size() -> None:
    data = cards.png(_card("Llama 3.1 405B"))
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (600, 315)
