"""The share cards of a build, drawn in a helper process while this one renders the pages.

Rasterizing a card holds the interpreter's lock for about 12 ms; the "svg" helper process
already has vl-convert loaded for the charts' static images, so the cards go there, in
one batch, once the output says which of them it does not hold already (a card is keyed
by its entry's file: a rebuild draws the changed entries' cards only).
"""

from __future__ import annotations

from concurrent.futures import Future

from builder.present.cards import png
from builder.present.site import Card
from builder.workers import Workers
from builder.write import Output


def draw(svgs: list[tuple[str, str]]) -> dict[str, bytes]:
    """Each card's PNG by its path (in the helper process)."""
    return {path: png(svg) for path, svg in svgs}


class CardWork:
    """The cards this build must draw, and the job drawing them."""

    def __init__(self, card_list: list[Card], output: Output, workers: Workers) -> None:
        self.todo = [
            card
            for card in card_list
            if card.inputs_hash is None or not output.unchanged(card.path, card.inputs_hash)
        ]
        self.job: Future[dict[str, bytes]] | None = None
        if self.todo:
            self.job = workers.submit("svg", draw, [(c.path, c.svg()) for c in self.todo])

    def finish(self, output: Output) -> None:
        """Put the drawn cards into the output."""
        if self.job is None:
            return
        drawn = self.job.result()
        for card in self.todo:
            output.put(card.path, drawn[card.path], card.inputs_hash)
