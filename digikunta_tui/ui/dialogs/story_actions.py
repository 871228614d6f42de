"""Indicators from a story: ``ctrl+t`` lists the story's indicators to edit, or adds a new one."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, OptionList
from textual.widgets.option_list import Option

from digikunta_tui.domain.stored import text_of
from digikunta_tui.i18n import t
from digikunta_tui.ui.bindings import bind
from digikunta_tui.ui.dialogs.base import Dialog
from digikunta_tui.ui.text import literal

if TYPE_CHECKING:
    from digikunta_tui.ui.app import DigikuntaApp

    pass

STORY_BINDINGS: list[Binding] = [bind("ctrl+t", "story_indicators", "story-indicators", show=False)]
"""Add to the Stories view's ``BINDINGS`` with :class:`StoryActions` as a base (listed under ``?``;
the footer keeps its room for help and quit)."""

NEW = "new"
"""The option that adds an indicator."""


class ChooseDialog(Dialog[str]):
    """A title and a list of options; dismisses with the chosen option's id (None: Esc)."""

    BINDINGS: ClassVar[list[BindingType]] = [bind("ctrl+o", "choose", "choose-option")]

    def __init__(self, title: str, options: list[tuple[str, str]]) -> None:
        """Args: title; options: (id, label shown literally) in display order."""
        super().__init__()
        self.title_text = title
        self.options = options

    def compose(self) -> ComposeResult:
        """Title, the options, a cancel button."""
        with Vertical(classes="dialog-box"):
            yield Label(self.title_text, classes="dialog-title", markup=False)
            yield OptionList(
                *(Option(literal(label), id=option) for option, label in self.options),
                id="choose-list",
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("forms.cancel"), id="choose-cancel")

    def on_mount(self) -> None:
        """Focus the list on its first option."""
        listing = self.query_one(OptionList)
        listing.highlighted = 0
        listing.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on an option answers with it."""
        event.stop()
        self.dismiss(event.option.id)

    def action_choose(self) -> None:
        """``ctrl+o``: the highlighted option."""
        listing = self.query_one(OptionList)
        if listing.highlighted is not None:
            self.dismiss(listing.get_option_at_index(listing.highlighted).id)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Cancel."""
        event.stop()
        self.dismiss(None)


class StoryActions:
    """Mixin for the Stories view (needs ``current``: the story id shown)."""

    if TYPE_CHECKING:  # provided by the view (ViewScreen) this is mixed into

        @property
        def digikunta(self) -> DigikuntaApp: ...

    current: str | None  # the story shown (StoriesScreen)

    def action_story_indicators(self) -> None:
        """Edit one of the story's indicators, or add one (the story filled in)."""
        from digikunta_tui.ui.forms.flows import open_form
        from digikunta_tui.ui.index_work import lists_ready

        if not lists_ready(self.digikunta):
            return
        repo = self.digikunta.repo
        story_id = self.current
        story = repo.get("story", story_id) if story_id else None
        if story_id is None or story is None:
            self.digikunta.notify(t("forms.nothing_selected"), severity="warning", markup=False)
            return
        options = [(NEW, t("people.new_indicator"))]
        options += [
            (rid, text_of(fields.get("name")) or rid)
            for rid, fields in repo.indicators_of(story_id)
        ]

        def chosen(option: str | None) -> None:
            if option == NEW:
                open_form(self.digikunta, "indicator", defaults={"story": story_id}, screen=self)
            elif option:
                open_form(self.digikunta, "indicator", option, screen=self)

        title = t("people.indicators_title", title=text_of(story.get("title")))
        self.digikunta.push_screen(ChooseDialog(title, options), chosen)
