"""The repository's outputs: the newsletter of a webinar, the mailing list, a report's records.

A part of :class:`~digikunta_tui.domain.repository.Repository` (a base class of it): what the
app and the CLI hand out of the data, gathered in one place so both produce the same thing (the
CSV writers on top of these are in :mod:`spreadsheet`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from digikunta_tui.domain import consent
from digikunta_tui.domain.finnish import fold, sort_key
from digikunta_tui.domain.stored import ids_in, items_of, read_list, read_text, text_of
from sync import Replica

if TYPE_CHECKING:
    from digikunta_tui.domain.report.data import Sources
    from digikunta_tui.domain.repository_parts import RepositoryParts as _Parts
else:
    _Parts = object


class Outputs(_Parts):
    """The newsletter's inputs and text, the mailing list, and what a report is made of."""

    replica: Replica

    def newsletter_inputs(
        self, newsletter: Mapping[str, Any], webinar: Mapping[str, Any]
    ) -> tuple[list[dict[str, Any]], dict[str, str]]:
        """What :func:`newsletter.render_newsletter` needs besides the two records.

        Returns:
            The newsletter's live stories in its order, each with an extra ``"indicators"``
            list of its indicators' fields; and record id → display name for the webinar's
            presenters and the stories' organisations and authors.
        """
        stories: list[dict[str, Any]] = []
        for story_id in ids_in(newsletter.get("stories")):
            story = self.replica.get("story", story_id)
            if story is not None:
                indicators = [fields for _, fields in self.indicators_of(story_id)]
                stories.append({**story, "indicators": indicators})
        ids = set(items_of(webinar.get("presenters")))
        for story in stories:
            ids.update(ids_in(story.get("organization")), ids_in(story.get("authors")))
        names: dict[str, str] = {}
        for rid in ids:
            if (person := self.person_name(rid)) is not None:
                names[rid] = person
            elif (org := self.replica.get("organization", rid)) is not None:
                names[rid] = text_of(org.get("name"))
        return stories, names

    def newsletter_markdown(self, webinar_id: str, *, lang: str) -> str:
        """The webinar's newsletter as Markdown (:func:`newsletter.render_newsletter`): its
        heading, the webinar's facts, the newsletter's own ``body`` (the summary people write)
        and its stories, each once. Without a newsletter record, the webinar alone.

        Raises:
            NotFound: no such webinar.
        """
        from digikunta_tui.domain.newsletter import render_newsletter

        webinar = self.require("webinar", webinar_id)
        found = self.newsletter_of(webinar_id)
        newsletter = found[1] if found else None
        stories, names = self.newsletter_inputs(newsletter or {}, webinar)
        return render_newsletter(newsletter, webinar, stories, lang=lang, names=names)

    def _newsletter_states(self) -> dict[str, consent.PurposeState]:
        found = self.replica.records_with_stamps("consent")
        events = (consent.event_from_record(*item) for item in found)
        return consent.states_by_person(events, consent.NEWSLETTER)

    def _mailing_entry(self, person_id: str, fields: Mapping[str, Any]) -> dict[str, Any]:
        org_id = fields.get("organization")
        org = self.replica.get("organization", org_id) if isinstance(org_id, str) else None
        title = text_of(org.get("name")) if org else None
        return {
            "id": person_id,
            "given_name": text_of(fields.get("given_name")),
            "family_name": text_of(fields.get("family_name")),
            "email": fields["email"],
            "organization": title or "",
        }

    def _mailing_people(self, person_ids: set[str]) -> list[dict[str, Any]]:
        result = []
        for person_id in person_ids:
            fields = self.replica.get("person", person_id)
            email = read_text(fields.get("email")) if fields else None
            if fields and isinstance(email, str) and "@" in email:  # odd synced data: no address
                result.append(self._mailing_entry(person_id, fields))
        result.sort(key=lambda p: (sort_key(p["family_name"]), sort_key(p["given_name"]), p["id"]))
        return result

    def mailing_list(self) -> list[dict[str, Any]]:
        """People whose newsletter consent is unambiguously ``granted`` and who have an e-mail.

        Each item: ``id``, ``given_name``, ``family_name``, ``email``, ``organization`` (name).
        In Finnish order of family name, given name. People whose newsletter consent is in
        conflict are left out (see :meth:`mailing_list_conflicts`).
        """
        states = self._newsletter_states()
        return self._mailing_people({pid for pid, state in states.items() if state.granted})

    def mailing_list_conflicts(self) -> list[dict[str, Any]]:
        """People left off the mailing list because their newsletter consent is in conflict.

        Those with an e-mail whose current newsletter events include a ``granted`` one; items
        and order as in :meth:`mailing_list`.
        """
        left_out = {
            pid
            for pid, state in self._newsletter_states().items()
            if state.conflict and any(head.action == consent.GRANTED for head in state.heads)
        }
        return self._mailing_people(left_out)

    def report_sources(self, *, people: bool = False) -> Sources:
        """The live records an impact report is made from (:mod:`report.data`).

        Args:
            people: also each person's organisation and each registration's person (an
                organisation's report counts the webinar attendance of its own people).
        """
        from digikunta_tui.domain.replica_reads import registration_facts
        from digikunta_tui.domain.report.data import Sources

        records = self.replica.records
        person_organization = (
            {rid: next(iter(ids_in(f.get("organization"))), "") for _, rid, f in records("person")}
            if people
            else {}
        )
        return Sources(
            organizations={rid: f for _, rid, f in records("organization")},
            stories={rid: f for _, rid, f in records("story")},
            indicators=[(rid, f) for _, rid, f in records("indicator")],
            webinars=[(rid, f) for _, rid, f in records("webinar")],
            registrations=registration_facts(self.replica, people=people),
            person_organization=person_organization,
        )

    def organization_named(self, text: str) -> tuple[str, str] | None:
        """The live organisation whose id is ``text`` or whose name is ``text`` (case and
        accents ignored; the only one of that name), as ``(id, name)``; else None."""
        found = self.replica.get("organization", text)
        if found is not None:
            return text, text_of(found.get("name"))
        wanted = fold(text.strip())
        named = [
            (rid, text_of(f.get("name")))
            for _, rid, f in self.replica.records("organization")
            if fold(text_of(f.get("name")).strip()) == wanted
        ]
        return named[0] if len(named) == 1 else None

    def theme_named(self, text: str) -> str | None:
        """A theme of some live story that reads as ``text`` (case and accents ignored), as
        the first story (in Finnish order) writes it; else None."""
        wanted = fold(" ".join(text.split()))
        spellings = {
            " ".join(theme.split())
            for _, _rid, f in self.replica.records("story")
            if isinstance(themes := read_list(f.get("themes")), list)
            for theme in themes
            if fold(" ".join(theme.split())) == wanted
        }
        return min(spellings, key=sort_key) if spellings else None
