"""A seeded simulation of the sample teams' year of sprints: every work item with its timeline.

Each item keeps its full history (created, started, resolved, sprints) so that a month-end export
can show the item as it stood then (:meth:`Item.as_of`); :mod:`pmo_metrics.sample.formats`
writes those exports in Jira's and Azure DevOps's formats.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, cast

from pmo_metrics.sample.catalog import PEOPLE, TEAMS, TEXTS, Team, person_with_role
from pmo_metrics.sample.year import month_end

# Sprint to sprint: the plan's size against the team's capacity, and the share of the usual
# completion a sprint reaches (its weights: most sprints near the usual, a few far off). Their
# spread is what gives the delivery forecast its spread between P50, P85 and P95.
PLAN_RANGE = (0.8, 1.2)
LUCK = (0.45, 0.65, 0.9, 1.05, 1.2, 1.35)
LUCK_WEIGHTS = (1, 2, 3, 3, 2, 1)
HOLIDAY_LUCK = 0.8
MAX_CHANCE = 0.97  # even a quiet sprint leaves something unfinished now and then
# The pools summaries, labels and the PMO's rollout are drawn from (data/texts.json).
STORY_THEMES: dict[str, list[str]] = TEXTS["story_themes"]
STORY_VERBS: list[str] = TEXTS["story_verbs"]
BUG_VERBS: list[str] = TEXTS["bug_verbs"]
LABELS: list[str] = TEXTS["labels"]
SUBTASK_STEPS: list[str] = TEXTS["subtask_steps"]
PMO_DELIVERABLES: list[str] = TEXTS["pmo_deliverables"]
PMO_LAUNCHES: list[tuple[int, str]] = [(x["sprint"], x["title"]) for x in TEXTS["pmo_launches"]]
# The PMO's own people own its rollout: deliverables the lead, service launches the analyst.
PMO_LEAD = person_with_role("Responsable PMO")
PMO_ANALYST = person_with_role("Analista PMO")


@dataclass
class Item:
    key: str
    issue_id: int
    team: Team
    project: str
    item_type: str  # Story | Bug | Task | Sub-task | Epic (Jira names; ADO mapped on write)
    summary: str
    created: datetime
    estimate: float | None = None
    priority: str = "Medium"
    assignee: str | None = None
    labels: tuple[str, ...] = ()
    parent: Item | None = None
    sprints: list[int] = field(default_factory=list)  # sprint indexes, in order
    started: datetime | None = None
    resolved: datetime | None = None
    review_days: float = 1.0  # In Review for this long before resolved
    step: int = 0  # a sub-task's place among its story's (analysis, development, tests)

    def as_of(self, moment: datetime) -> tuple[str, str]:
        """(status, status category) the item had at ``moment``."""
        if self.resolved and self.resolved <= moment:
            return "Done", "Done"
        if self.started and self.started <= moment:
            if self.resolved and self.resolved - timedelta(days=self.review_days) <= moment:
                return "In Review", "In Progress"
            return "In Progress", "In Progress"
        return ("Backlog" if not self.sprints else "To Do"), "To Do"


@dataclass
class Sprint:
    team: Team
    index: int
    start: date
    end: date
    committed_at_start: float = 0.0
    goal: str = ""

    @property
    def name(self) -> str:
        return f"{self.team.prefix} Sprint {self.team.first_sprint + self.index}"


def sprints_of(team: Team) -> list[Sprint]:
    """26 two-week sprints (Monday-start teams end on the Friday of the second week)."""
    out = []
    for i in range(26):
        start = team.first_start + timedelta(days=14 * i)
        out.append(
            Sprint(team, i, start, start + timedelta(days=11 if start.weekday() == 0 else 13))
        )
    return out


class WorkSimulation:
    """Plans and runs every team's sprints, producing items with their full timeline."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.items: list[Item] = []
        self.sprints: dict[str, list[Sprint]] = {}
        self._next_id = 10400
        self._counters: dict[str, int] = {}
        self._ado_id = 4100

    def run(self) -> WorkSimulation:
        for team in TEAMS:
            self._run_team(team)
        return self

    # -- creation helpers
    def _key(self, team: Team, project: str) -> tuple[str, int]:
        self._next_id += 1
        if team.tool == "azure_devops":
            self._ado_id += self.rng.randint(1, 3)
            return str(self._ado_id), self._ado_id
        n = self._counters.get(project, self.rng.randint(120, 400)) + 1
        self._counters[project] = n
        return f"{project}-{n}", self._next_id

    def _new(
        self, team: Team, project: str, item_type: str, summary: str, created: datetime, **kw: Any
    ) -> Item:
        key, issue_id = self._key(team, project)
        item = Item(key, issue_id, team, project, item_type, summary, created, **kw)
        self.items.append(item)
        return item

    def _members(self, team: Team) -> list[str]:
        return [p.name for p in PEOPLE if p.team == team.name]

    def _moment(self, day: date, lo: int = 8, hi: int = 18) -> datetime:
        return datetime.combine(day, time(self.rng.randint(lo, hi - 1), self.rng.randint(0, 59)))

    def _summary(self, project: str, item_type: str) -> str:
        theme = self.rng.choice(STORY_THEMES[project])
        if item_type == "Bug":
            return f"{self.rng.choice(BUG_VERBS)} {theme}"
        return f"{self.rng.choice(STORY_VERBS)} {theme}"

    def _estimate(self, item_type: str) -> float | None:
        r = self.rng.random()
        if item_type == "Bug":
            return None if r < 0.5 else float(self.rng.choice([1, 2, 3]))
        if item_type == "Story" and r < 0.06:
            return None  # unestimated story: a warning on import, counted in the metric
        return float(self.rng.choices([1, 2, 3, 5, 8, 13], [8, 18, 26, 26, 15, 7])[0])

    def _epics(self, team: Team, project: str) -> list[Item]:
        epics = []
        for i in range(4):
            created = self._moment(date(2025, 10, 1) + timedelta(days=90 * i))
            theme = STORY_THEMES.get(project, ["implantación"])[
                i % len(STORY_THEMES.get(project, ["implantación"]))
            ]
            epic = self._new(team, project, "Epic", f"Épica: {theme}", created, priority="High")
            epics.append(epic)
        return epics

    def _backlog_item(self, team: Team, before: date, epics: dict[str, list[Item]]) -> Item:
        project = self.rng.choice([p for p in team.projects if p != "PMO"])
        item_type = self.rng.choices(["Story", "Bug", "Task"], [60, 25, 15])[0]
        lag = self.rng.randint(0, 12) if item_type == "Bug" else self.rng.randint(5, 75)
        created = self._moment(before - timedelta(days=lag))
        created = max(created, datetime(2025, 9, 15, 9, 30))
        live = [e for e in epics[project] if e.created <= created] or epics[project][:1]
        return self._new(
            team,
            project,
            item_type,
            self._summary(project, item_type),
            created,
            estimate=self._estimate(item_type),
            priority=self.rng.choices(["Highest", "High", "Medium", "Low"], [3, 20, 60, 17])[0],
            assignee=self.rng.choice(self._members(team)),
            labels=tuple(
                self.rng.sample(
                    LABELS,
                    self.rng.choice([0, 0, 1, 1, 2]),
                )
            ),
            parent=self.rng.choice(live) if item_type != "Bug" else None,
        )

    def _pmo_items(self, team: Team, sprints: list[Sprint]) -> list[tuple[int, Item]]:
        """The PMO's rollout: a deliverable planned every sprint or two, launches on schedule."""
        plan: list[tuple[int, Item]] = []
        epic = self._new(
            team,
            "PMO",
            "Epic",
            "Épica: Implantación de la PMO",
            self._moment(date(2025, 10, 6)),
            priority="High",
        )
        launch_epic = self._new(
            team,
            "PMO",
            "Epic",
            "Épica: Lanzamiento de servicios",
            self._moment(date(2025, 10, 6)),
            priority="High",
        )
        for n, title in enumerate(PMO_DELIVERABLES):
            s = min(int(n * 1.55), len(sprints) - 1)
            item = self._new(
                team,
                "PMO",
                "Task",
                f"Entregable: {title}",
                self._moment(sprints[s].start - timedelta(days=10)),
                estimate=float(self.rng.choice([3, 5, 8])),
                parent=epic,
                labels=("entregable",),
                assignee=PMO_LEAD,
            )
            plan.append((s, item))
        for s, title in PMO_LAUNCHES:
            item = self._new(
                team,
                "PMO",
                "Task",
                title,
                self._moment(sprints[s].start - timedelta(days=20)),
                estimate=5.0,
                parent=launch_epic,
                labels=("lanzamiento-servicio",),
                assignee=PMO_ANALYST,
            )
            plan.append((s, item))
        return plan

    def _subtasks(self, team: Team, story: Item) -> None:
        for j in range(self.rng.choice([1, 2, 3])):
            sub = self._new(
                team,
                story.project,
                "Sub-task",
                f"{SUBTASK_STEPS[j]}: {story.summary.lower()}",
                story.created + timedelta(hours=2 + j),
                assignee=self.rng.choice(self._members(team)),
                parent=story,
                # a few sub-tasks carry points: the velocity must ignore them
                estimate=1.0 if self.rng.random() < 0.1 else None,
            )
            sub.sprints = story.sprints  # same list object: a sub-task follows its parent
            sub.step = j

    def _luck(self, s: Sprint) -> float:
        """How much of its plan a sprint gets done, relative to the team's usual completion: a
        major incident, sick leave or an unclear story sinks one sprint, a quiet one beats the
        average; a sprint with holidays in it (August, Christmas) gets less done."""
        luck = self.rng.choices(LUCK, LUCK_WEIGHTS)[0]
        holidays = (
            s.start.month == 8
            or (s.start.month, s.start.day) >= (12, 15)
            or (s.end.month == 1 and s.end.day <= 7)
        )
        return luck * (HOLIDAY_LUCK if holidays else 1.0)

    def _run_team(self, team: Team) -> None:
        rng = self.rng
        sprints = sprints_of(team)
        self.sprints[team.name] = sprints
        epics = {p: self._epics(team, p) for p in team.projects if p != "PMO"}
        pmo_plan = self._pmo_items(team, sprints) if "PMO" in team.projects else []
        carried: list[Item] = []
        stories: list[Item] = []
        for s in sprints:
            sprint_start = datetime.combine(s.start, time(9))
            planned = list(carried)
            planned += [item for idx, item in pmo_plan if idx == s.index and not item.sprints]
            points = sum(i.estimate or 0 for i in planned)
            # the plan follows who is in that sprint: a little under or over the usual capacity
            capacity = team.capacity_points * rng.uniform(*PLAN_RANGE)
            luck = self._luck(s)
            while points < capacity and len(planned) < 16:
                item = self._backlog_item(team, s.start, epics)
                planned.append(item)
                points += item.estimate or 0
            for item in planned:
                item.sprints.append(s.index)
            s.committed_at_start = sum(i.estimate or 0 for i in planned)
            # scope added after the sprint started: urgent bugs (in Jira's commitment, not in
            # the calendar's)
            for _ in range(rng.choice([0, 1, 1, 2, 3])):
                day = s.start + timedelta(days=rng.randint(1, 6))
                bug = self._new(
                    team,
                    rng.choice([p for p in team.projects if p != "PMO"]),
                    "Bug",
                    self._summary(team.projects[0], "Bug"),
                    self._moment(day),
                    estimate=float(rng.choice([1, 2])),
                    priority="Highest",
                    assignee=rng.choice(self._members(team)),
                )
                bug.sprints.append(s.index)
                planned.append(bug)
            s.goal = f"Sprint {team.first_sprint + s.index}: " + (
                planned[0].summary if planned else ""
            )
            carried = []
            for item in planned:
                if item.started is None:
                    item.started = sprint_start + timedelta(
                        days=rng.randint(0, 4), hours=rng.randint(0, 7)
                    )
                big = (item.estimate or 3) >= 8
                chance = team.completion - (0.15 if big else 0) + 0.08 * (len(item.sprints) - 1)
                chance = min(chance * luck, MAX_CHANCE)
                if rng.random() < chance:
                    done_day = s.start + timedelta(days=rng.randint(3, (s.end - s.start).days))
                    item.resolved = max(
                        self._moment(done_day, 9, 19), item.started + timedelta(hours=3)
                    )
                    item.review_days = rng.choice([0.2, 0.5, 1, 2])
                elif len(item.sprints) >= 3 and rng.random() < 0.5:
                    item.started = None  # back to the backlog, sprints kept as Jira does
                else:
                    carried.append(item)
                if item.item_type == "Story" and item not in stories:
                    stories.append(item)
        for story in stories:
            if rng.random() < 0.5:
                self._subtasks(team, story)
        # the backlog beyond the last sprint: what the forecast has to burn
        last = sprints[-1].end
        for _ in range(rng.randint(36, 48)):
            self._backlog_item(team, last - timedelta(days=rng.randint(0, 40)), epics)
        self._finish_subtasks_and_epics(team)

    def _finish_subtasks_and_epics(self, team: Team) -> None:
        for item in self.items:
            if item.team is not team:
                continue
            if item.item_type == "Sub-task" and item.parent is not None:
                p = item.parent
                j = item.step
                item.started = p.started and p.started + timedelta(hours=4 * j)
                item.resolved = p.resolved and p.resolved - timedelta(hours=6 * (2 - j))
                if item.resolved and item.started and item.resolved < item.started:
                    item.resolved = item.started + timedelta(hours=1)
        for epic in [i for i in self.items if i.team is team and i.item_type == "Epic"]:
            children = [i for i in self.items if i.parent is epic]
            if not children:
                continue
            starts = [c.started for c in children if c.started]
            epic.started = min(starts) if starts else None
            ends = [c.resolved for c in children]
            # an epic closes when its work is done and it is old enough to be complete
            if all(ends) and epic.created < datetime(2026, 6, 1):
                done = cast(list[datetime], ends)  # all(ends): every child is resolved
                epic.resolved = max(done) + timedelta(days=1)

    def rows_for_month(self, team: Team, month: date) -> list[Item]:
        """Items a month-end export holds: created by then and not resolved before the month."""
        start, end = datetime.combine(month, time()), month_end(month)
        return [
            i
            for i in self.items
            if i.team is team and i.created <= end and (i.resolved is None or i.resolved >= start)
        ]
