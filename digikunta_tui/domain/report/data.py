"""What a report for decision makers holds, gathered from the records (pure: no I/O, no HTML).

One rule for every figure: totals, per organisation and per theme are each the domain's
impact sum (:func:`~digikunta_tui.domain.impact.add_up`, what ``compute_impact`` runs) over the
stories in the report, each indicator read once, so the report's totals are the domain's
impact figures (the dashboard's) for the same stories.

- **Scope**: the whole network, one organisation's stories, or the stories of one theme.
- **Period** (``start``, ``end``, both optional): a story is in it when its own dates overlap it
  (a story without dates always is); measurements after ``end`` are left out, so the figures
  are those known at ``end``; webinars are those that started within it.
- **Publication consent**: a story whose ``publication_consent`` is not ``true`` is left out
  (figures too) unless the report is ``internal``; the report says how many were left out.
- **Provenance**: each indicator carries the method of its latest measurement, its baseline
  date and its € calculation text; the totals name how many indicators of each method they sum.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from digikunta_tui.domain.finnish import fold, sort_key
from digikunta_tui.domain.impact import ZERO, Impact, add_up
from digikunta_tui.domain.indicators import LEVELS, Figure, IndicatorFigures, figures_of, saving
from digikunta_tui.domain.stored import (
    Invalid,
    ids_in,
    is_blank,
    objects_of,
    read_bool,
    read_date,
    read_decimal,
    read_int,
    read_list,
    read_moment,
    text_of,
)

ScopeKind = Literal["network", "organization", "theme"]
Fields = Mapping[str, Any]

METHODS = ("measured", "estimated", "survey", "self_reported")


@dataclass(frozen=True)
class Scope:
    """What a report covers.

    Attributes:
        kind: ``network``, ``organization`` or ``theme``.
        key: the organisation's id, or the theme as written in a story.
        label: the name shown (organisation name or theme).
    """

    kind: ScopeKind = "network"
    key: str = ""
    label: str = ""


@dataclass(frozen=True)
class Point:
    """One measurement of an indicator."""

    when: date
    value: Decimal
    method: str | None


@dataclass(frozen=True)
class Series:
    """An indicator of a story as the report shows it."""

    id: str
    name: str
    unit: str
    level: str
    category: str
    direction: str
    recurrence: str
    calculation: str
    baseline: Decimal | None
    baseline_date: date | None
    target: Decimal | None
    target_date: date | None
    points: list[Point]
    """The measurements up to the report's end, oldest first."""
    progress: Decimal | None
    saving: Decimal | None
    """The € or hours it adds to the totals (``savings_eur``/``time_saved_h``), else None."""
    unreadable: bool
    """Some stored value of it could not be read (it then counts only what could)."""
    note: int = 0
    """Its footnote's number in the report."""

    @property
    def method(self) -> str | None:
        """The method of the latest measurement (the one the figures rest on)."""
        return self.points[-1].method if self.points else None


@dataclass(frozen=True)
class StoryPart:
    """A story of the report with its logic chain."""

    id: str
    title: str
    organization: str
    unit: str
    stage: str
    start: date | None
    end: date | None
    themes: list[str]
    problem: str
    goal: str
    what_was_done: str
    lessons: str
    spread_to: list[str]
    consent: bool
    series: list[Series]

    @property
    def chain(self) -> list[tuple[str, list[Series]]]:
        """Input → output → outcome → impact: each level with its indicators."""
        return [(level, [s for s in self.series if s.level == level]) for level in LEVELS]

    @property
    def unlevelled(self) -> list[Series]:
        """Indicators whose level is missing or unreadable (shown apart, never dropped)."""
        return [s for s in self.series if s.level not in LEVELS]


@dataclass(frozen=True)
class GroupRow:
    """Totals of one organisation or theme."""

    label: str
    stories: int
    per_year: Decimal
    one_off: Decimal
    hours: Decimal

    @property
    def first_year(self) -> Decimal:
        """Per-year savings once plus one-off savings (the domain's ``total_savings_eur``)."""
        return self.per_year + self.one_off


@dataclass(frozen=True)
class WebinarPart:
    """A webinar held in the period, with its attendance."""

    title: str
    starts: date | None
    theme: str
    registered: int
    attended: int
    attended_hours: Decimal


@dataclass(frozen=True)
class Spread:
    """An experiment taken up by other organisations."""

    story: str
    organization: str
    to: list[str]


@dataclass
class Report:
    """Everything a report shows, in the order it shows it."""

    scope: Scope
    start: date | None
    end: date | None
    internal: bool
    made_on: date
    impact: Impact
    methods: dict[str, int]
    """How many of the summed indicators rest on each method (``""``: none recorded)."""
    per_organization: list[GroupRow]
    per_theme: list[GroupRow]
    stories: list[StoryPart]
    left_out: int
    spread: list[Spread]
    webinars: list[WebinarPart]
    unreadable: int = 0
    """Indicators with a value that could not be read."""
    sources: list[tuple[StoryPart, Series]] = field(default_factory=list)
    """Every indicator that adds to the totals, with its story (the provenance table)."""


@dataclass(frozen=True)
class Sources:
    """The records a report is made from (each ``(id, fields)``, live ones only)."""

    organizations: Mapping[str, Fields]
    stories: Mapping[str, Fields]
    indicators: list[tuple[str, Fields]]
    webinars: list[tuple[str, Fields]]
    registrations: list[tuple[Any, Any, Any]]
    """``(webinar id, person id, attended minutes)`` of each registration."""
    person_organization: Mapping[str, str] = field(default_factory=dict)
    """Person id → organisation id (needed only for an organisation's report)."""


DayReader = Callable[[Any], "date | Invalid | None"]
"""How a stored date is read (:func:`read_date`, or a report's :func:`_day_reader`)."""


def _day_reader() -> DayReader:
    """:func:`read_date` that reads each stored text once: a report reads some 40 000 dates
    at 5 000 stories (measurements, baselines, targets, stories), most of them the same few
    hundred days."""
    seen: dict[str, date | Invalid | None] = {}

    def read(value: Any) -> date | Invalid | None:
        if type(value) is not str:
            return read_date(value)
        try:
            return seen[value]
        except KeyError:
            found = seen[value] = read_date(value)
            return found

    return read


def _text(value: Any) -> str:
    return " ".join(text_of(value).split()) if value is not None else ""


def _date(value: Any, read_day: DayReader = read_date) -> date | None:
    found = read_day(value)
    return found if isinstance(found, date) else None


def _overlaps(fields: Fields, start: date | None, end: date | None, read_day: DayReader) -> bool:
    if start is None and end is None:
        return True  # no period: every story is in it (its dates are not read for this)
    began = _date(fields.get("start"), read_day) if end is not None else None
    ended = _date(fields.get("end"), read_day) if start is not None else None
    if end is not None and began is not None and began > end:
        return False
    return not (start is not None and ended is not None and ended < start)


def _themes(fields: Fields) -> list[str]:
    found = read_list(fields.get("themes"))
    return [" ".join(th.split()) for th in found if th.strip()] if isinstance(found, list) else []


def _in_scope(scope: Scope, fields: Fields) -> bool:
    if scope.kind == "organization":
        return scope.key in ids_in(fields.get("organization"))
    if scope.kind == "theme":
        return fold(scope.key) in {fold(theme) for theme in _themes(fields)}
    return True


def _cut(fields: Fields, end: date | None, read_day: DayReader) -> Fields:
    """The indicator's fields without measurements dated after ``end`` (odd ones stay: the
    domain's rules then count nothing from them, as they do everywhere)."""
    if end is None:
        return fields
    items = objects_of(fields.get("measurements"))
    if not isinstance(items, list):
        return fields
    kept = [
        m
        for m in items
        if not ((when := _date(m.get("date"), read_day)) is not None and when > end)
    ]
    return {**fields, "measurements": kept}


def _points(fields: Fields, read_day: DayReader = read_date) -> tuple[list[Point], bool, Figure]:
    """The measurements as points (oldest first), whether any could not be read, and the
    latest value by the rule of :mod:`~digikunta_tui.domain.indicators` (``Invalid`` when one
    could not be read): each measurement read once for the chart and the figures alike."""
    items = objects_of(fields.get("measurements"))
    if items is None:
        return [], False, None
    if isinstance(items, Invalid):
        return [], True, items
    points: list[Point] = []
    odd: Invalid | None = None
    for item in items:
        when, value = read_day(item.get("date")), read_decimal(item.get("value"))
        if not isinstance(when, date) or not isinstance(value, Decimal):
            odd = odd or Invalid(item, "number")
            continue
        method = item.get("method")
        points.append(Point(when, value, method if method in METHODS else None))
    points.sort(key=lambda p: p.when)  # stable: the later one in the list stays last on a tie
    latest = odd if odd is not None else points[-1].value if points else None
    return points, odd is not None, latest


def _dated(
    value: Any, figure: Figure, read_day: DayReader = read_date
) -> tuple[Decimal | None, date | None, bool]:
    """A baseline or a target as a chart shows it: its value (``figure``, as the indicator's
    figures read it), its date, and whether something stored in it could not be read."""
    if value is None or value == {} or value == "":
        return None, None, False
    if not isinstance(value, dict):
        return None, None, True
    when = _date(value.get("date"), read_day)
    if isinstance(figure, Decimal):
        return figure, when, False
    return None, when, not is_blank(value.get("value"))


def series_of(rid: str, fields: Fields, figures: IndicatorFigures | None = None) -> Series:
    """An indicator as a report (or a chart) shows it, read from any stored fields
    (``figures``: what :func:`read_indicator` made of them, when already read)."""
    points, odd, latest = _points(fields)
    return _series(rid, fields, figures or figures_of(fields, latest), points, odd)


def _series(
    rid: str,
    fields: Fields,
    figures: IndicatorFigures,
    points: list[Point],
    odd_points: bool,
    note: int = 0,
    name: str | None = None,
    read_day: DayReader = read_date,
) -> Series:
    baseline, baseline_date, odd_base = _dated(fields.get("baseline"), figures.baseline, read_day)
    target, target_date, odd_target = _dated(fields.get("target"), figures.target, read_day)
    amount = saving(figures) if figures.category in ("savings_eur", "time_saved_h") else None
    odd = odd_points or odd_base or odd_target
    odd = odd or isinstance(figures.category, Invalid) or isinstance(figures.direction, Invalid)
    return Series(
        id=rid,
        name=_text(fields.get("name")) if name is None else name,
        unit=_text(fields.get("unit")),
        level=level if isinstance(level := fields.get("level"), str) and level in LEVELS else "",
        category=figures.category if isinstance(figures.category, str) else "",
        direction=figures.direction if isinstance(figures.direction, str) else "",
        recurrence=figures.recurrence if isinstance(figures.recurrence, str) else "",
        calculation=_text(fields.get("calculation")),
        baseline=baseline,
        baseline_date=baseline_date,
        target=target,
        target_date=target_date,
        points=points,
        progress=figures.progress,
        saving=amount,
        unreadable=odd,
        note=note,
    )


Read = tuple[str, IndicatorFigures]
"""An indicator id with its figures, read once."""
_Read = tuple[tuple[str, str], str, str, Fields, IndicatorFigures, list[Point], bool]
"""An indicator read for its story's page: (sort key of its name, id, name, fields, figures,
points, some measurement unreadable)."""


def _group_rows(
    groups: Mapping[str, tuple[str, list[str]]], by_story: Mapping[str, list[Read]]
) -> list[GroupRow]:
    """One :class:`GroupRow` per group key → (label, story ids), by the domain's rule.

    One :func:`add_up` over every group, each group's indicators keyed apart by whether they
    recur per year (``add_up`` sums euros and hours per key): its per-year and one-off sums.
    """

    def keyed() -> Iterator[tuple[str, IndicatorFigures, str]]:
        for key, (_label, story_ids) in groups.items():
            for sid in story_ids:
                for rid, figures in by_story.get(sid, ()):
                    yearly = "y" if figures.recurrence == "per_year" else "o"
                    yield rid, figures, yearly + key

    summed = add_up(keyed(), {}, progress=False).per_organization
    sums = {key: (euros, hours) for key, _, euros, hours in summed}
    rows = []
    none = (ZERO, ZERO)
    for key, (label, story_ids) in groups.items():
        yearly, other = sums.get("y" + key, none), sums.get("o" + key, none)
        rows.append(GroupRow(label, len(story_ids), yearly[0], other[0], yearly[1] + other[1]))
    rows.sort(key=lambda row: sort_key(row.label))
    return rows


def _webinars(
    sources: Sources, scope: Scope, start: date | None, end: date | None
) -> list[WebinarPart]:
    by_webinar: dict[str, list[Any]] = {}
    for wid, person, minutes in sources.registrations:
        if scope.kind == "organization" and (
            not isinstance(person, str) or sources.person_organization.get(person) != scope.key
        ):
            continue
        if isinstance(wid, str):
            by_webinar.setdefault(wid, []).append(minutes)
    parts = []
    for wid, fields in sources.webinars:
        if fields.get("status") != "held":
            continue
        moment = read_moment(fields.get("starts_at"))
        starts = moment.date() if not isinstance(moment, Invalid) and moment else None
        if starts is not None and (
            (start is not None and starts < start) or (end is not None and starts > end)
        ):
            continue
        theme = _text(fields.get("theme"))
        if scope.kind == "theme" and fold(theme) != fold(scope.key):
            continue
        regs = by_webinar.get(wid, [])
        minutes = [m for m in regs if isinstance(m, int) and not isinstance(m, bool)]
        parts.append(
            WebinarPart(
                _text(fields.get("title")),
                starts,
                theme,
                len(regs),
                sum(1 for m in minutes if m > 0),
                Decimal(sum(m for m in minutes if m > 0)) / 60,
            )
        )
    parts.sort(key=lambda w: (w.starts or date.min, sort_key(w.title)))
    return parts


def build_report(
    sources: Sources,
    *,
    scope: Scope | None = None,
    start: date | None = None,
    end: date | None = None,
    internal: bool = False,
    made_on: date,
) -> Report:
    """Gather a report from ``sources`` (see the module's rules).

    Args:
        sources: the live records.
        scope: what the report covers (default: the whole network).
        start, end: the period (inclusive), each optional.
        internal: include stories without publication consent.
        made_on: the day the report is made (printed on it).
    """
    scope = scope or Scope()
    read_day = _day_reader()
    org_names = {rid: _text(f.get("name")) for rid, f in sources.organizations.items()}
    chosen: dict[str, Fields] = {}
    left_out = 0
    for sid, fields in sources.stories.items():
        if not _in_scope(scope, fields) or not _overlaps(fields, start, end, read_day):
            continue
        if read_bool(fields.get("publication_consent")) is not True and not internal:
            left_out += 1
            continue
        chosen[sid] = fields
    by_story: dict[str, list[Read]] = {}
    read: dict[str, list[_Read]] = {}
    for rid, fields in sources.indicators:
        story = fields.get("story")
        if isinstance(story, str) and story in chosen:
            cut = _cut(fields, end, read_day)
            points, odd, latest = _points(cut, read_day)
            figures = figures_of(cut, latest)
            by_story.setdefault(story, []).append((rid, figures))
            name = _text(cut.get("name"))
            read.setdefault(story, []).append(
                (sort_key(name), rid, name, cut, figures, points, odd)
            )
    story_org = {sid: next(iter(ids_in(f.get("organization"))), "") for sid, f in chosen.items()}
    story_themes = {sid: _themes(f) for sid, f in chosen.items()}
    impact = add_up(
        ((rid, fig, story_org[sid]) for sid, items in by_story.items() for rid, fig in items),
        org_names,
    )
    stories = _story_parts(chosen, story_org, story_themes, org_names, read_day)
    notes = 0
    for story in stories:  # each indicator's footnote numbered in the report's order
        items = read.get(story.id, [])
        items.sort(key=lambda item: (item[0], item[1]))
        for _key, rid, name, cut, figures, points, odd in items:
            notes += 1
            story.series.append(_series(rid, cut, figures, points, odd, notes, name, read_day))
    sources_rows = [(st, se) for st in stories for se in st.series if se.saving is not None]
    methods: dict[str, int] = {}
    for _story, series in sources_rows:
        methods[series.method or ""] = methods.get(series.method or "", 0) + 1
    orgs: dict[str, tuple[str, list[str]]] = {}
    themes: dict[str, tuple[str, list[str]]] = {}
    for sid, org in story_org.items():
        orgs.setdefault(org, (org_names.get(org, ""), []))[1].append(sid)
        spellings: dict[str, str] = {}
        for theme in story_themes[sid]:  # "Työnilo" and "työnilo" are one theme
            spellings.setdefault(fold(theme), theme)
        for key, theme in spellings.items():
            themes.setdefault(key, (theme, []))[1].append(sid)
    spread = [Spread(st.title, st.organization, st.spread_to) for st in stories if st.spread_to]
    return Report(
        scope=scope,
        start=start,
        end=end,
        internal=internal,
        made_on=made_on,
        impact=impact,
        methods=methods,
        per_organization=_group_rows(orgs, by_story),
        per_theme=_group_rows(themes, by_story),
        stories=stories,
        left_out=left_out,
        spread=spread,
        webinars=_webinars(sources, scope, start, end),
        unreadable=sum(1 for st in stories for se in st.series if se.unreadable),
        sources=sources_rows,
    )


def _story_parts(
    chosen: Mapping[str, Fields],
    story_org: Mapping[str, str],
    story_themes: Mapping[str, list[str]],
    org_names: Mapping[str, str],
    read_day: DayReader,
) -> list[StoryPart]:
    """The stories in the report's order (Finnish order of title), their series still empty."""
    parts = []
    for sid, fields in chosen.items():
        parts.append(
            StoryPart(
                id=sid,
                title=_text(fields.get("title")),
                organization=org_names.get(story_org[sid], ""),
                unit=_text(fields.get("unit")),
                stage=_text(fields.get("stage")),
                start=_date(fields.get("start"), read_day),
                end=_date(fields.get("end"), read_day),
                themes=story_themes[sid],
                problem=text_of(fields.get("problem")).strip(),
                goal=text_of(fields.get("goal")).strip(),
                what_was_done=text_of(fields.get("what_was_done")).strip(),
                lessons=text_of(fields.get("lessons")).strip(),
                spread_to=sorted(
                    (org_names.get(o, o) for o in ids_in(fields.get("spread_to"))), key=sort_key
                ),
                consent=read_bool(fields.get("publication_consent")) is True,
                series=[],
            )
        )
    parts.sort(key=lambda p: (sort_key(p.title), p.id))
    return parts


def sources_of(records: Iterable[tuple[str, str, Fields]]) -> Sources:
    """Sources from ``(kind, id, fields)`` of live records (tests and small data sets)."""
    by_kind: dict[str, list[tuple[str, Fields]]] = {}
    for kind, rid, fields in records:
        by_kind.setdefault(kind, []).append((rid, fields))
    return Sources(
        organizations=dict(by_kind.get("organization", [])),
        stories=dict(by_kind.get("story", [])),
        indicators=by_kind.get("indicator", []),
        webinars=by_kind.get("webinar", []),
        registrations=[
            (f.get("webinar"), f.get("person"), read_int(f.get("attended_minutes")))
            for _, f in by_kind.get("registration", [])
        ],
        person_organization={
            rid: next(iter(ids_in(f.get("organization"))), "")
            for rid, f in by_kind.get("person", [])
        },
    )
