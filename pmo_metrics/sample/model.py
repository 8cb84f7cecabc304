"""The sample PMO: who and what exists, and a seeded simulation of a year of its work.

A regional public administration's IT services provider runs a PMO over three operating services
(plus one planned), eight applications and three Scrum teams, from November 2025 to October 2026.
Everything here is plain Python data; :mod:`pmo_metrics.sample.formats` writes it in the formats
the real tools produce. The simulation keeps each record's full timeline (created, started,
resolved, sprints) so that a month-end export can show the record as it stood then.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

FIRST_MONTH = date(2025, 11, 1)
AS_OF = datetime(2026, 10, 31, 23, 59, 59)
MONTHS: tuple[date, ...] = tuple(
    date(2025 + (10 + i) // 12, (10 + i) % 12 + 1, 1) for i in range(12)
)

MANT = "Mantenimiento de aplicaciones"
CAU = "Centro de Atención a Usuarios"
TD = "Transformación digital"
DATA = "Analítica de datos"

# Which registry metric each indicator measures; kept in one place so that the sample follows
# the registry's names (see tests/sample: every one must exist once the registry has metrics).
METRIC = {
    "sla": "sla-compliance",
    "mttr": "mttr",
    "reopen": "reopen-rate",
    "say_do": "say-do",
    "lead_time": "lead-time",
    "budget": "budget-variance",
    "improvement": "on-time-rate",
}


def month_end(month: date) -> datetime:
    nxt = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return datetime.combine(nxt, time()) - timedelta(seconds=1)


@dataclass(frozen=True)
class Team:
    name: str
    prefix: str  # sprint names: "<prefix> Sprint <n>"
    tool: str  # jira | azure_devops
    projects: tuple[str, ...]  # Jira project keys / ADO projects
    first_sprint: int
    first_start: date
    capacity_points: int
    completion: float  # chance an item planned in a sprint is done in it
    points_field: str = "Custom field (Story Points)"


TEAMS: tuple[Team, ...] = (
    Team("Tramitación", "TRAM", "jira", ("SEDE", "REG", "EXP"), 31, date(2025, 11, 10), 40, 0.84),
    Team(
        "Ciudadanía Digital",
        "CDIG",
        "jira",
        ("CARP", "NOTIF", "PMO"),
        7,
        date(2025, 11, 3),
        32,
        0.77,
        "Custom field (Story point estimate)",
    ),
    Team(
        "Gestión Económica",
        "ECO",
        "azure_devops",
        ("Nominas", "Tributos"),
        18,
        date(2025, 11, 5),
        44,
        0.9,
    ),
)


@dataclass(frozen=True)
class App:
    name: str
    description: str
    services: tuple[str, ...]
    client_area: str
    criticality: str
    owner: str
    lifecycle: str
    project: str | None  # Jira key or ADO project
    tool: str | None
    ci: str
    team: str | None
    bac: float
    cost_overrun: float  # actual / budget
    spi: float  # EV / PV
    is_pmo: bool = False


APPS: tuple[App, ...] = (
    App(
        "Sede electrónica",
        "Portal de trámites y registro del ciudadano",
        (MANT, TD),
        "Atención ciudadana",
        "critical",
        "Subdirección de Administración Electrónica",
        "production",
        "SEDE",
        "jira",
        "SEDE-PRO",
        "Tramitación",
        520_000,
        1.12,
        0.93,
    ),
    App(
        "Registro electrónico",
        "Registro de entrada y salida",
        (MANT,),
        "Atención ciudadana",
        "high",
        "Servicio de Registro",
        "production",
        "REG",
        "jira",
        "REG-PRO",
        "Tramitación",
        240_000,
        1.01,
        1.0,
    ),
    App(
        "Gestión de expedientes",
        "Tramitación interna de expedientes",
        (MANT,),
        "Secretaría General",
        "high",
        "Secretaría General Técnica",
        "production",
        "EXP",
        "jira",
        "EXP-PRO",
        "Tramitación",
        310_000,
        0.97,
        0.98,
    ),
    App(
        "Carpeta ciudadana",
        "Área personal del ciudadano",
        (TD,),
        "Atención ciudadana",
        "medium",
        "Subdirección de Administración Electrónica",
        "development",
        "CARP",
        "jira",
        "CARP-PRE",
        "Ciudadanía Digital",
        380_000,
        1.06,
        0.86,
    ),
    App(
        "Notificaciones electrónicas",
        "Plataforma de notificaciones",
        (TD,),
        "Atención ciudadana",
        "high",
        "Servicio de Registro",
        "production",
        "NOTIF",
        "jira",
        "NOTIF-PRO",
        "Ciudadanía Digital",
        260_000,
        1.03,
        0.95,
    ),
    App(
        "Nóminas",
        "Gestión de nóminas del personal",
        (MANT,),
        "Recursos Humanos",
        "critical",
        "Dirección General de Función Pública",
        "production",
        "Nominas",
        "azure_devops",
        "NOM-PRO",
        "Gestión Económica",
        290_000,
        0.99,
        1.02,
    ),
    App(
        "Gestión tributaria",
        "Liquidación y recaudación de tributos",
        (MANT,),
        "Hacienda",
        "critical",
        "Dirección General de Tributos",
        "production",
        "Tributos",
        "azure_devops",
        "TRIB-PRO",
        "Gestión Económica",
        450_000,
        1.04,
        0.97,
    ),
    App(
        "Portal del empleado",
        "Intranet y autoservicio del empleado",
        (CAU,),
        "Recursos Humanos",
        "low",
        "Dirección General de Función Pública",
        "production",
        None,
        None,
        "PEMP-PRO",
        None,
        120_000,
        0.95,
        1.0,
    ),
    App(
        "Implantación PMO",
        "Despliegue de la Oficina de Gestión de Proyectos",
        (TD,),
        "Oficina PMO",
        "medium",
        "Responsable PMO",
        "development",
        "PMO",
        "jira",
        "PMO",
        "Ciudadanía Digital",
        180_000,
        1.0,
        0.96,
        is_pmo=True,
    ),
)
APP_BY_PROJECT = {a.project: a for a in APPS if a.project}

SERVICES: tuple[dict, ...] = (
    {
        "service": MANT,
        "description": "Mantenimiento correctivo, adaptativo y evolutivo de las "
        "aplicaciones en producción",
        "criteria": "Toda aplicación en producción con contrato de mantenimiento",
        "value_process": "Petición > análisis > desarrollo > pruebas > aceptación > despliegue",
        "roles": "Responsable de servicio; Scrum Master; Desarrollador",
        "profiles": "Jefe de proyecto; Analista; Analista programador; Programador",
        "state": "launched",
        "launch_date": date(2025, 3, 1),
    },
    {
        "service": CAU,
        "description": "Soporte de primer y segundo nivel a usuarios internos",
        "criteria": "Incidencias y peticiones de empleados públicos",
        "value_process": "Registro > clasificación > resolución > cierre",
        "roles": "Responsable de servicio; Técnico de soporte",
        "profiles": "Técnico de soporte; Técnico de sistemas",
        "state": "launched",
        "launch_date": date(2025, 12, 1),
    },
    {
        "service": TD,
        "description": "Nuevos servicios digitales para la ciudadanía",
        "criteria": "Proyectos del plan de transformación digital",
        "value_process": "Idea > MVP > piloto > lanzamiento",
        "roles": "Product Owner; Scrum Master; Desarrollador",
        "profiles": "Jefe de proyecto; Consultor; Analista programador",
        "state": "piloting",
        "launch_date": date(2026, 4, 15),
    },
    {
        "service": DATA,
        "description": "Cuadros de mando y analítica para la dirección",
        "criteria": "Demandas de información de los órganos directivos",
        "value_process": "Demanda > modelo de datos > cuadro de mando",
        "roles": "Responsable de servicio; Analista de datos",
        "profiles": "Consultor; Analista",
        "state": "planned",
        "launch_date": date(2027, 1, 15),
    },
)

# service -> (priority -> resolution target hours)
RESOLUTION_TARGETS = {
    MANT: {1: 4, 2: 8, 3: 24, 4: 72},
    CAU: {1: 2, 2: 4, 3: 16, 4: 40},
    TD: {1: 8, 2: 24, 3: 72, 4: 120},
}

# (service, indicator, metric key, target, direction, amber threshold)
INDICATORS: tuple[tuple[str, str, str, float, str, float], ...] = (
    (MANT, "Incidencias resueltas en plazo", "sla", 95, "higher", 90),
    (MANT, "Tiempo medio de resolución (h)", "mttr", 24, "lower", 36),
    (MANT, "Fiabilidad de la planificación (say/do)", "say_do", 0.85, "higher", 0.75),
    (MANT, "Plazo de entrega P85 (días)", "lead_time", 60, "lower", 80),
    (CAU, "Peticiones resueltas en plazo", "sla", 90, "higher", 85),
    (CAU, "Tiempo medio de resolución (h)", "mttr", 16, "lower", 24),
    (CAU, "Tasa de reapertura (%)", "reopen", 6, "lower", 8),
    (TD, "Incidencias resueltas en plazo", "sla", 90, "higher", 85),
    (TD, "Desviación presupuestaria (%)", "budget", 5, "lower", 10),
    (TD, "Fiabilidad de la planificación (say/do)", "say_do", 0.85, "higher", 0.75),
    (TD, "Acciones de mejora a tiempo (%)", "improvement", 80, "higher", 65),
    (DATA, "Peticiones resueltas en plazo", "sla", 90, "higher", 85),
)

# service -> chance that a resolved ticket met its SLA
SLA_RATE = {MANT: 0.925, CAU: 0.945, TD: 0.80}


@dataclass(frozen=True)
class Person:
    name: str
    role: str
    profile: str
    team: str | None
    service: str
    apps: tuple[str, ...]


PEOPLE: tuple[Person, ...] = (
    Person(
        "Lucía Fernández Ortega",
        "Scrum Master",
        "Jefe de proyecto",
        "Tramitación",
        MANT,
        ("Sede electrónica", "Registro electrónico", "Gestión de expedientes"),
    ),
    Person(
        "Javier Martín Rubio",
        "Desarrollador",
        "Analista programador",
        "Tramitación",
        MANT,
        ("Sede electrónica", "Registro electrónico"),
    ),
    Person(
        "Marta Sánchez Gil",
        "Desarrollador",
        "Analista programador",
        "Tramitación",
        MANT,
        ("Sede electrónica", "Gestión de expedientes"),
    ),
    Person(
        "Pablo Romero Díaz",
        "Desarrollador",
        "Programador",
        "Tramitación",
        MANT,
        ("Gestión de expedientes", "Registro electrónico"),
    ),
    Person(
        "Elena Navarro Castro",
        "Analista",
        "Analista funcional",
        "Tramitación",
        MANT,
        ("Sede electrónica", "Gestión de expedientes"),
    ),
    Person(
        "Sergio Moreno Vidal",
        "Scrum Master",
        "Jefe de proyecto",
        "Ciudadanía Digital",
        TD,
        ("Carpeta ciudadana", "Notificaciones electrónicas"),
    ),
    Person(
        "Nuria Jiménez Pascual",
        "Desarrollador",
        "Analista programador",
        "Ciudadanía Digital",
        TD,
        ("Carpeta ciudadana", "Notificaciones electrónicas"),
    ),
    Person(
        "Andrés Muñoz Herrero",
        "Desarrollador",
        "Programador",
        "Ciudadanía Digital",
        TD,
        ("Carpeta ciudadana",),
    ),
    Person(
        "Irene Ruiz Molina",
        "Desarrollador",
        "Analista programador",
        "Ciudadanía Digital",
        TD,
        ("Notificaciones electrónicas", "Carpeta ciudadana"),
    ),
    Person(
        "Carlos Alonso Prieto",
        "Scrum Master",
        "Jefe de proyecto",
        "Gestión Económica",
        MANT,
        ("Nóminas", "Gestión tributaria"),
    ),
    Person(
        "Beatriz López Serrano",
        "Desarrollador",
        "Analista programador",
        "Gestión Económica",
        MANT,
        ("Gestión tributaria", "Nóminas"),
    ),
    Person(
        "Raúl Domínguez Vega",
        "Desarrollador",
        "Programador",
        "Gestión Económica",
        MANT,
        ("Gestión tributaria",),
    ),
    Person(
        "Cristina Torres Blanco",
        "Analista",
        "Analista funcional",
        "Gestión Económica",
        MANT,
        ("Nóminas", "Gestión tributaria"),
    ),
    Person(
        "Miguel Á. Ramos Cano",
        "Técnico de soporte",
        "Técnico de soporte",
        None,
        CAU,
        ("Portal del empleado", "Sede electrónica", "Nóminas"),
    ),
    Person(
        "Laura Gómez Iglesias",
        "Técnico de soporte",
        "Técnico de soporte",
        None,
        CAU,
        ("Portal del empleado", "Gestión de expedientes"),
    ),
    Person(
        "David Castillo Peña",
        "Técnico de soporte",
        "Técnico de sistemas",
        None,
        CAU,
        ("Portal del empleado", "Gestión tributaria"),
    ),
    Person(
        "Rosa Delgado Marín", "Responsable PMO", "Jefe de proyecto", None, TD, ("Implantación PMO",)
    ),
    Person(
        "Óscar Herrera Soto",
        "Analista PMO",
        "Consultor",
        None,
        TD,
        ("Implantación PMO", "Sede electrónica"),
    ),
)

# Madrid's and national public holidays in the window (no timesheet hours on them).
HOLIDAYS = frozenset(
    {
        date(2025, 11, 10),
        date(2025, 12, 6),
        date(2025, 12, 8),
        date(2025, 12, 25),
        date(2026, 1, 1),
        date(2026, 1, 6),
        date(2026, 4, 2),
        date(2026, 4, 3),
        date(2026, 5, 1),
        date(2026, 5, 2),
        date(2026, 5, 15),
        date(2026, 8, 15),
        date(2026, 10, 12),
    }
)


# --------------------------------------------------------------------------- work items
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


STORY_THEMES = {
    "SEDE": [
        "pago telemático",
        "cita previa",
        "formulario de solicitud",
        "justificante PDF",
        "accesibilidad WCAG",
        "firma con Cl@ve",
        "buscador de trámites",
    ],
    "REG": [
        "asiento registral",
        "digitalización de documentos",
        "interoperabilidad SIR",
        "sello de tiempo",
        "libro de registro",
    ],
    "EXP": [
        "bandeja de tramitación",
        "plantillas de resolución",
        "foliado del expediente",
        "plazos administrativos",
        "archivo electrónico",
    ],
    "CARP": [
        "mis expedientes",
        "mis notificaciones",
        "datos personales",
        "representación",
        "alertas por SMS",
    ],
    "NOTIF": [
        "comparecencia en sede",
        "aviso por correo",
        "acuse de recibo",
        "envío masivo",
        "integración con Notific@",
    ],
    "Nominas": [
        "cálculo de IRPF",
        "trienios",
        "paga extraordinaria",
        "embargos",
        "fichero SEPA",
        "certificado de retenciones",
    ],
    "Tributos": [
        "autoliquidación",
        "padrón IBI",
        "recargo de apremio",
        "fraccionamiento",
        "modelo 600",
        "cartas de pago",
    ],
}
STORY_VERBS = ["Mejorar", "Permitir", "Añadir", "Validar", "Rediseñar", "Automatizar", "Exportar"]
BUG_VERBS = [
    "Error al guardar",
    "Fallo en",
    "Texto incorrecto en",
    "Tiempo de espera en",
    "Cálculo erróneo de",
]
PMO_DELIVERABLES = [
    "Plan de implantación de la PMO",
    "Metodología de gestión de la demanda",
    "Catálogo de servicios v1",
    "Cuadro de mando de indicadores",
    "Procedimiento de gestión de riesgos",
    "Plan de comunicación",
    "Registro de interesados",
    "Plantillas de seguimiento",
    "Informe de madurez de la organización",
    "Procedimiento de mejora continua",
    "Acuerdos de nivel de servicio",
    "Catálogo de servicios v2",
    "Guía de estimación ágil",
    "Modelo de costes por aplicación",
    "Plan de formación",
    "Memoria anual de la PMO",
]
PMO_LAUNCHES = [
    f"Lanzamiento del servicio: {CAU}",
    f"Piloto del servicio: {TD}",
    f"Lanzamiento del servicio: {TD}",
    f"Diseño del servicio: {DATA}",
]


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
        self, team: Team, project: str, item_type: str, summary: str, created: datetime, **kw
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
                    ["frontend", "backend", "accesibilidad", "seguridad", "rendimiento"],
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
                assignee="Rosa Delgado Marín",
            )
            plan.append((s, item))
        for s, title in zip((1, 9, 12, 23), PMO_LAUNCHES, strict=True):
            item = self._new(
                team,
                "PMO",
                "Task",
                title,
                self._moment(sprints[s].start - timedelta(days=20)),
                estimate=5.0,
                parent=launch_epic,
                labels=("lanzamiento-servicio",),
                assignee="Óscar Herrera Soto",
            )
            plan.append((s, item))
        return plan

    def _subtasks(self, team: Team, story: Item) -> None:
        for j in range(self.rng.choice([1, 2, 3])):
            sub = self._new(
                team,
                story.project,
                "Sub-task",
                f"{['Análisis', 'Desarrollo', 'Pruebas'][j]}: {story.summary.lower()}",
                story.created + timedelta(hours=2 + j),
                assignee=self.rng.choice(self._members(team)),
                parent=story,
                # a few sub-tasks carry points: the velocity must ignore them
                estimate=1.0 if self.rng.random() < 0.1 else None,
            )
            sub.sprints = story.sprints  # same list object: a sub-task follows its parent
            sub._offset = j  # type: ignore[attr-defined]

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
            while points < team.capacity_points and len(planned) < 16:
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
                j = getattr(item, "_offset", 0)
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
                epic.resolved = max(ends) + timedelta(days=1)

    def rows_for_month(self, team: Team, month: date) -> list[Item]:
        """Items a month-end export holds: created by then and not resolved before the month."""
        start, end = datetime.combine(month, time()), month_end(month)
        return [
            i
            for i in self.items
            if i.team is team and i.created <= end and (i.resolved is None or i.resolved >= start)
        ]


# --------------------------------------------------------------------------- tickets
@dataclass
class Ticket:
    number: str
    kind: str  # incident | request
    service: str
    ci: str
    priority: int
    opened: datetime
    resolved: datetime | None
    closed: datetime | None
    made_sla: bool | None
    reopen_count: int
    group: str
    description: str
    on_hold: bool = False

    def state_as_of(self, moment: datetime) -> str:
        if self.closed and self.closed <= moment:
            return "Closed"
        if self.resolved and self.resolved <= moment:
            return "Resolved"
        if self.on_hold:
            return "On Hold"
        if moment - self.opened > timedelta(hours=1):
            return "In Progress"
        return "New"


INCIDENT_TEXTS = [
    "No carga la página de",
    "Error 500 en",
    "Lentitud en",
    "No llega el correo de",
    "Usuario bloqueado en",
    "Caída del servicio de",
    "Datos incorrectos en",
    "No se puede firmar en",
]
REQUEST_TEXTS = [
    "Alta de usuario en",
    "Cambio de perfil en",
    "Restablecer contraseña de",
    "Acceso a informes de",
    "Baja de usuario en",
    "Instalación de certificado para",
]
PRIORITY_WEIGHTS = {"incident": [3, 12, 55, 30], "request": [0, 6, 54, 40]}


def simulate_tickets(rng: random.Random) -> list[Ticket]:
    """About 2,000 incidents and 1,500 requests over the year, with SLA outcomes and reopens."""
    tickets: list[Ticket] = []
    by_service = {
        MANT: [a for a in APPS if MANT in a.services and not a.is_pmo],
        TD: [a for a in APPS if TD in a.services and not a.is_pmo],
        CAU: [a for a in APPS if not a.is_pmo],
    }
    counters = {"incident": 10230, "request": 20870}
    day = date(2025, 11, 1)
    while day <= AS_OF.date():
        weekday = day.weekday() < 5 and day not in HOLIDAYS
        for kind, service, per_day in (
            ("incident", MANT, 3.6),
            ("incident", TD, 1.3),
            ("incident", CAU, 1.3),
            ("request", CAU, 5.2),
        ):
            mean = per_day if weekday else per_day * 0.12
            for _ in range(_poisson(rng, mean)):
                counters[kind] += 1
                tickets.append(
                    _ticket(rng, kind, service, by_service[service], day, counters[kind])
                )
        day += timedelta(days=1)
    return tickets


def _poisson(rng: random.Random, mean: float) -> int:
    n, limit, product = 0, pow(2.718281828459045, -mean), rng.random()
    while product > limit:
        n += 1
        product *= rng.random()
    return n


def _ticket(
    rng: random.Random, kind: str, service: str, apps: list[App], day: date, n: int
) -> Ticket:
    app = rng.choice(apps)
    priority = rng.choices([1, 2, 3, 4], PRIORITY_WEIGHTS[kind])[0]
    opened = datetime.combine(day, time(rng.randint(7, 18), rng.randint(0, 59), rng.randint(0, 59)))
    target = RESOLUTION_TARGETS[service][priority]
    met = rng.random() < SLA_RATE[service] + (0.02 if priority >= 3 else -0.05)
    hours = target * (rng.uniform(0.05, 0.95) if met else rng.uniform(1.05, 3.5))
    on_hold = rng.random() < 0.015
    resolved = None if on_hold else opened + timedelta(hours=hours)
    if resolved and resolved > AS_OF:
        resolved = None
    closed = resolved + timedelta(days=3) if resolved else None
    reopen = rng.choices([0, 1, 2], [95, 4.2, 0.8])[0] if resolved else 0
    texts = INCIDENT_TEXTS if kind == "incident" else REQUEST_TEXTS
    group = {MANT: "Mantenimiento N2", TD: "Transformación Digital N2", CAU: "CAU N1"}[service]
    prefix = "INC" if kind == "incident" else "RITM"
    return Ticket(
        number=f"{prefix}{n:07d}",
        kind=kind,
        service=service,
        ci=app.ci,
        priority=priority,
        opened=opened,
        resolved=resolved,
        closed=closed,
        made_sla=(met if resolved else None),
        reopen_count=reopen,
        group=group,
        description=f"{rng.choice(texts)} {app.name}",
        on_hold=on_hold,
    )


def rows_for_month(tickets: list[Ticket], kind: str, month: date) -> list[Ticket]:
    """Tickets a month's export holds: opened by its end and not closed before it started."""
    start, end = datetime.combine(month, time()), month_end(month)
    return [
        t
        for t in tickets
        if t.kind == kind and t.opened <= end and (t.closed is None or t.closed >= start)
    ]


# --------------------------------------------------------------------------- effort
def working_days(month: date) -> list[date]:
    end = month_end(month).date()
    days, d = [], month
    while d <= end:
        if d.weekday() < 5 and d not in HOLIDAYS:
            days.append(d)
        d += timedelta(days=1)
    return days


def vacations(rng: random.Random) -> dict[str, set[date]]:
    """Two weeks in August (or July) and a few days at Christmas for each person."""
    out: dict[str, set[date]] = {}
    for p in PEOPLE:
        first = date(2026, rng.choice([7, 8, 8]), rng.choice([1, 10, 16]))
        days = {first + timedelta(days=i) for i in range(14)}
        xmas = date(2025, 12, rng.choice([22, 26, 29]))
        days |= {xmas + timedelta(days=i) for i in range(4)}
        out[p.name] = days
    return out


def simulate_effort(rng: random.Random, holidays_off: dict[str, set[date]]) -> list[dict]:
    """Daily timesheet lines: each person's day split over one or two of their applications."""
    rows = []
    for month in MONTHS:
        for day in working_days(month):
            summer = day.month in (7, 8)  # jornada intensiva: 7 h days in summer
            for p in PEOPLE:
                if day in holidays_off[p.name]:
                    continue
                total = 7.0 if summer or day.weekday() == 4 else 8.0
                if rng.random() < 0.08:
                    total -= rng.choice([0.5, 1.0, 1.5])
                if len(p.apps) > 1 and rng.random() < 0.45:
                    first = rng.choice([2.5, 3.0, 4.0, 5.5])
                    split = [(p.apps[0], first), (rng.choice(p.apps[1:]), total - first)]
                else:
                    split = [(p.apps[0] if rng.random() < 0.7 else rng.choice(p.apps), total)]
                for app_name, hours in split:
                    app = next(a for a in APPS if a.name == app_name)
                    service = (
                        p.service
                        if p.service in app.services or p.service == CAU
                        else app.services[0]
                    )
                    rows.append(
                        {
                            "person": p.name,
                            "role": p.role,
                            "profile": p.profile,
                            "work_date": day,
                            "hours": hours,
                            "service": service,
                            "application": app_name,
                        }
                    )
    return rows


def capacity_rows(holidays_off: dict[str, set[date]]) -> list[dict]:
    rows = []
    for month in MONTHS:
        days = working_days(month)
        for p in PEOPLE:
            available = [d for d in days if d not in holidays_off[p.name]]
            hours = sum(7.0 if d.month in (7, 8) or d.weekday() == 4 else 8.0 for d in available)
            rows.append({"person": p.name, "month": month, "hours_available": hours})
    return rows


# --------------------------------------------------------------------------- PMO registers
def cost_rows(rng: random.Random) -> list[dict]:
    """Per application and month: the month's budget and actual cost; planned value and
    earned value cumulative to date; BAC for the year. Half the applications report earned
    value, the others % complete (EV = % x BAC).
    """
    rows = []
    for n, app in enumerate(APPS):
        weights = [rng.uniform(0.85, 1.15) for _ in MONTHS]
        total = sum(weights)
        planned = 0.0
        for i, month in enumerate(MONTHS):
            budget = app.bac * weights[i] / total
            planned += budget
            actual = budget * app.cost_overrun * rng.uniform(0.96, 1.04)
            earned = planned * app.spi * rng.uniform(0.98, 1.02)
            row = {
                "application": app.name,
                "month": month,
                "budget": round(budget, 2),
                "actual": round(actual, 2),
                "planned_value": round(planned, 2),
                "bac": float(app.bac),
            }
            if n % 2 == 0:
                row["earned_value"] = round(earned, 2)
            else:
                row["pct_complete"] = round(100 * earned / app.bac, 1)
            rows.append(row)
    return rows


RISKS = (
    # title, app, service, probability, impact, status, raised, due, closed
    (
        "Rotación de personal clave en el equipo de Tramitación",
        "Sede electrónica",
        MANT,
        4,
        4,
        "open",
        date(2025, 11, 12),
        date(2026, 9, 30),
        None,
    ),
    (
        "Retraso en la integración con Cl@ve 2.0",
        "Sede electrónica",
        TD,
        4,
        5,
        "open",
        date(2026, 2, 3),
        date(2026, 10, 15),
        None,
    ),
    (
        "Obsolescencia del framework de Registro",
        "Registro electrónico",
        MANT,
        3,
        4,
        "open",
        date(2025, 12, 1),
        date(2026, 12, 31),
        None,
    ),
    (
        "Cambios normativos en el cálculo del IRPF",
        "Nóminas",
        MANT,
        3,
        5,
        "open",
        date(2026, 1, 8),
        date(2026, 11, 30),
        None,
    ),
    (
        "Campaña de IBI concentra incidencias",
        "Gestión tributaria",
        MANT,
        4,
        3,
        "open",
        date(2026, 3, 2),
        date(2026, 5, 31),
        None,
    ),
    (
        "Dependencia de un único proveedor de SMS",
        "Carpeta ciudadana",
        TD,
        2,
        3,
        "open",
        date(2026, 4, 20),
        date(2026, 12, 15),
        None,
    ),
    (
        "Baja adopción de la Carpeta ciudadana",
        "Carpeta ciudadana",
        TD,
        3,
        3,
        "open",
        date(2026, 5, 5),
        date(2026, 9, 1),
        None,
    ),
    (
        "Capacidad insuficiente del CAU en campaña de renta",
        "Portal del empleado",
        CAU,
        3,
        2,
        "closed",
        date(2026, 2, 10),
        date(2026, 4, 1),
        date(2026, 3, 28),
    ),
    (
        "Pérdida de notificaciones por caducidad de certificado",
        "Notificaciones electrónicas",
        TD,
        2,
        5,
        "open",
        date(2026, 6, 1),
        date(2026, 7, 15),
        None,
    ),
    (
        "Deuda técnica en Gestión de expedientes",
        "Gestión de expedientes",
        MANT,
        3,
        3,
        "open",
        date(2025, 11, 20),
        date(2027, 3, 31),
        None,
    ),
    (
        "Resistencia al cambio en las unidades tramitadoras",
        None,
        TD,
        3,
        4,
        "open",
        date(2025, 12, 15),
        date(2026, 6, 30),
        None,
    ),
    (
        "Presupuesto 2027 no aprobado a tiempo",
        "Implantación PMO",
        TD,
        2,
        4,
        "open",
        date(2026, 9, 10),
        date(2026, 12, 20),
        None,
    ),
    (
        "Indisponibilidad del entorno de preproducción",
        "Nóminas",
        MANT,
        2,
        2,
        "closed",
        date(2025, 11, 5),
        date(2026, 1, 31),
        date(2026, 1, 20),
    ),
    (
        "Vulnerabilidad en librería de firma",
        "Sede electrónica",
        MANT,
        2,
        4,
        "closed",
        date(2026, 3, 18),
        date(2026, 4, 15),
        date(2026, 4, 10),
    ),
    (
        "Falta de datos maestros para cuadros de mando",
        None,
        DATA,
        3,
        2,
        "open",
        date(2026, 8, 3),
        date(2026, 12, 31),
        None,
    ),
    (
        "Saturación de la cola de peticiones de alta",
        "Portal del empleado",
        CAU,
        2,
        2,
        "open",
        date(2026, 7, 7),
        date(2026, 10, 1),
        None,
    ),
    (
        "Migración de base de datos de Tributos",
        "Gestión tributaria",
        MANT,
        2,
        3,
        "closed",
        date(2026, 1, 12),
        date(2026, 6, 30),
        date(2026, 7, 20),
    ),
    (
        "Accesibilidad: auditoría del Observatorio",
        "Sede electrónica",
        TD,
        3,
        2,
        "open",
        date(2026, 9, 1),
        date(2026, 11, 15),
        None,
    ),
    (
        "Conocimiento concentrado en una persona (Nóminas)",
        "Nóminas",
        MANT,
        1,
        4,
        "open",
        date(2026, 4, 14),
        date(2026, 12, 31),
        None,
    ),
    (
        "Retraso en la firma del convenio con la AEAT",
        "Gestión tributaria",
        MANT,
        1,
        2,
        "closed",
        date(2025, 12, 2),
        date(2026, 2, 28),
        date(2026, 2, 12),
    ),
)

OWNERS = (
    "Rosa Delgado Marín",
    "Lucía Fernández Ortega",
    "Sergio Moreno Vidal",
    "Carlos Alonso Prieto",
    "Óscar Herrera Soto",
)


def risk_rows() -> list[dict]:
    rows = []
    for n, (title, app, service, p, i, status, raised, due, closed) in enumerate(RISKS, 1):
        rows.append(
            {
                "risk_id": f"R-{n:03d}",
                "title": title,
                "application": app,
                "service": service,
                "probability": p,
                "impact": i,
                "owner": OWNERS[n % len(OWNERS)],
                "status": status,
                "raised": raised,
                "mitigation": "Plan de mitigación acordado en comité de seguimiento",
                "mitigation_due": due,
                "closed": closed,
            }
        )
    return rows


ACTIONS = (
    # title, service, app, status, opened, due, closed, expected, realised, unit
    (
        "Automatizar la exportación mensual de Jira",
        TD,
        "Implantación PMO",
        "closed",
        date(2025, 11, 4),
        date(2025, 12, 15),
        date(2025, 12, 10),
        12,
        14,
        "horas/mes",
    ),
    (
        "Plantilla única de peticiones de cambio",
        MANT,
        None,
        "closed",
        date(2025, 11, 18),
        date(2026, 1, 31),
        date(2026, 1, 27),
        10,
        8,
        "horas/mes",
    ),
    (
        "Base de conocimiento del CAU",
        CAU,
        "Portal del empleado",
        "closed",
        date(2025, 12, 1),
        date(2026, 2, 28),
        date(2026, 3, 20),
        15,
        11,
        "% tickets N1",
    ),
    (
        "Definition of Ready común a los equipos",
        MANT,
        None,
        "closed",
        date(2026, 1, 12),
        date(2026, 2, 15),
        date(2026, 2, 13),
        5,
        6,
        "% say/do",
    ),
    (
        "Pruebas automáticas de regresión en Nóminas",
        MANT,
        "Nóminas",
        "closed",
        date(2026, 1, 20),
        date(2026, 4, 30),
        date(2026, 6, 12),
        20,
        18,
        "horas/mes",
    ),
    (
        "Autoservicio de restablecimiento de contraseñas",
        CAU,
        "Portal del empleado",
        "closed",
        date(2026, 2, 2),
        date(2026, 4, 15),
        date(2026, 4, 14),
        25,
        31,
        "% peticiones",
    ),
    (
        "Revisión del flujo de aprobación de expedientes",
        MANT,
        "Gestión de expedientes",
        "closed",
        date(2026, 2, 16),
        date(2026, 5, 31),
        date(2026, 7, 3),
        3,
        2,
        "días de plazo",
    ),
    (
        "Tablero Kanban para peticiones urgentes",
        MANT,
        "Sede electrónica",
        "closed",
        date(2026, 3, 9),
        date(2026, 4, 30),
        date(2026, 4, 21),
        4,
        4,
        "días de plazo",
    ),
    (
        "Encuesta de satisfacción tras cierre de ticket",
        CAU,
        None,
        "closed",
        date(2026, 3, 23),
        date(2026, 5, 15),
        date(2026, 5, 14),
        1,
        1,
        "encuesta",
    ),
    (
        "Reducir reaperturas: checklist de cierre",
        CAU,
        None,
        "in progress",
        date(2026, 5, 4),
        date(2026, 9, 30),
        None,
        2,
        None,
        "% reaperturas",
    ),
    (
        "Catálogo de datos para Analítica",
        DATA,
        None,
        "open",
        date(2026, 6, 1),
        date(2026, 12, 31),
        None,
        10,
        None,
        "horas/mes",
    ),
    (
        "Estimación por tallas en Ciudadanía Digital",
        TD,
        "Carpeta ciudadana",
        "open",
        date(2026, 6, 15),
        date(2026, 8, 31),
        None,
        10,
        None,
        "% say/do",
    ),
    (
        "Monitorización sintética de la Sede",
        MANT,
        "Sede electrónica",
        "in progress",
        date(2026, 7, 1),
        date(2026, 11, 30),
        None,
        30,
        None,
        "% MTTR",
    ),
    (
        "Revisión de acuerdos de nivel de servicio",
        CAU,
        None,
        "open",
        date(2026, 7, 20),
        date(2026, 10, 15),
        None,
        5,
        None,
        "% SLA",
    ),
    (
        "Pipeline de despliegue continuo en Tributos",
        MANT,
        "Gestión tributaria",
        "closed",
        date(2026, 4, 6),
        date(2026, 7, 31),
        date(2026, 9, 18),
        16,
        12,
        "horas/mes",
    ),
    (
        "Comité de cambios quincenal",
        MANT,
        None,
        "cancelled",
        date(2026, 3, 2),
        date(2026, 5, 31),
        None,
        4,
        None,
        "horas/mes",
    ),
    (
        "Informe mensual automático para la dirección",
        TD,
        "Implantación PMO",
        "in progress",
        date(2026, 9, 7),
        date(2026, 11, 30),
        None,
        8,
        None,
        "horas/mes",
    ),
    (
        "Formación en gestión de riesgos",
        TD,
        "Implantación PMO",
        "closed",
        date(2026, 8, 3),
        date(2026, 9, 30),
        date(2026, 9, 25),
        0,
        0,
        "horas/mes",
    ),
)


def action_rows() -> list[dict]:
    rows = []
    for n, (title, service, app, status, opened, due, closed, exp, real, unit) in enumerate(
        ACTIONS, 1
    ):
        rows.append(
            {
                "action_id": f"AM-{n:03d}",
                "title": title,
                "service": service,
                "application": app,
                "owner": OWNERS[(n + 2) % len(OWNERS)],
                "status": status,
                "opened": opened,
                "due": due,
                "closed": closed,
                "benefit_expected": float(exp),
                "benefit_realised": None if real is None else float(real),
                "benefit_unit": unit,
            }
        )
    return rows


STAKEHOLDERS = (
    # name, organisation, role, service, app, power, interest, current, desired, last, every
    (
        "Viceconsejería de Hacienda",
        "Consejería de Hacienda",
        "Patrocinador",
        None,
        None,
        5,
        4,
        4,
        5,
        date(2026, 10, 20),
        30,
    ),
    (
        "D.G. de Transformación Digital",
        "Consejería de Hacienda",
        "Product Owner",
        TD,
        None,
        5,
        5,
        4,
        5,
        date(2026, 10, 27),
        14,
    ),
    (
        "Subdirección de Administración Electrónica",
        "Consejería de Hacienda",
        "Responsable",
        TD,
        "Sede electrónica",
        4,
        5,
        5,
        5,
        date(2026, 10, 23),
        14,
    ),
    (
        "Servicio de Registro",
        "Secretaría General",
        "Usuario clave",
        MANT,
        "Registro electrónico",
        2,
        4,
        3,
        4,
        date(2026, 9, 2),
        30,
    ),
    (
        "D.G. de Función Pública",
        "Consejería de Hacienda",
        "Responsable",
        MANT,
        "Nóminas",
        4,
        3,
        3,
        4,
        date(2026, 8, 12),
        30,
    ),
    (
        "D.G. de Tributos",
        "Consejería de Hacienda",
        "Responsable",
        MANT,
        "Gestión tributaria",
        4,
        4,
        4,
        4,
        date(2026, 10, 8),
        30,
    ),
    (
        "Unidades tramitadoras",
        "Varias consejerías",
        "Usuarios",
        MANT,
        "Gestión de expedientes",
        2,
        3,
        2,
        4,
        date(2026, 6, 18),
        60,
    ),
    (
        "Intervención General",
        "Consejería de Hacienda",
        "Control",
        None,
        None,
        4,
        2,
        3,
        3,
        date(2026, 7, 1),
        90,
    ),
    (
        "Asociación de vecinos (panel ciudadano)",
        "Ciudadanía",
        "Usuarios",
        TD,
        "Carpeta ciudadana",
        1,
        4,
        3,
        4,
        date(2026, 10, 1),
        60,
    ),
    (
        "Delegado de Protección de Datos",
        "Consejería de Hacienda",
        "Asesor",
        None,
        None,
        3,
        3,
        3,
        4,
        date(2026, 5, 20),
        90,
    ),
    (
        "Empleados públicos",
        "Consejería de Hacienda",
        "Usuarios",
        CAU,
        "Portal del empleado",
        1,
        3,
        3,
        4,
        date(2026, 10, 5),
        30,
    ),
    (
        "Proveedor de mensajería SMS",
        "Externo",
        "Proveedor",
        TD,
        "Carpeta ciudadana",
        2,
        2,
        2,
        3,
        date(2026, 8, 28),
        45,
    ),
    (
        "Comité de Dirección TIC",
        "Consejería de Hacienda",
        "Gobierno",
        None,
        None,
        5,
        3,
        1,
        4,
        date(2026, 3, 15),
        90,
    ),
    (
        "Oficina de Calidad",
        "Secretaría General",
        "Asesor",
        CAU,
        None,
        2,
        2,
        4,
        4,
        date(2026, 10, 14),
        60,
    ),
)


def stakeholder_rows() -> list[dict]:
    cols = (
        "stakeholder",
        "organisation",
        "role",
        "service",
        "application",
        "power",
        "interest",
        "current_engagement",
        "desired_engagement",
        "last_contact",
        "contact_frequency_days",
    )
    return [dict(zip(cols, s, strict=True)) for s in STAKEHOLDERS]


def application_rows() -> list[dict]:
    return [
        {
            "application": a.name,
            "description": a.description,
            "services": list(a.services),
            "client_area": a.client_area,
            "criticality": a.criticality,
            "owner": a.owner,
            "lifecycle": a.lifecycle,
            "jira_project": a.project if a.tool == "jira" else None,
            "ado_project": a.project if a.tool == "azure_devops" else None,
            "itsm_ci": a.ci,
            "team": a.team,
            "is_pmo": a.is_pmo,
        }
        for a in APPS
    ]


def indicator_rows(metric_names: dict[str, str] | None = None) -> list[dict]:
    names = metric_names or METRIC
    return [
        {
            "service": s,
            "indicator": ind,
            "metric": names[key],
            "target": float(t),
            "direction": d,
            "amber_threshold": float(a),
        }
        for s, ind, key, t, d, a in INDICATORS
    ]


def resolution_target_rows() -> list[dict]:
    return [
        {"service": s, "priority": p, "target_hours": float(h)}
        for s, targets in RESOLUTION_TARGETS.items()
        for p, h in targets.items()
    ]


def sprint_rows(sim: WorkSimulation) -> list[dict]:
    """The calendar. Gestión Económica (Azure DevOps, which keeps only an item's last
    iteration) records its commitment at sprint start; Tramitación from April on."""
    rows = []
    for team in TEAMS:
        for s in sim.sprints[team.name]:
            give = team.tool == "azure_devops" or (
                team.prefix == "TRAM" and s.start >= date(2026, 4, 1)
            )
            rows.append(
                {
                    "team": team.name,
                    "sprint": s.name,
                    "start_date": s.start,
                    "end_date": s.end,
                    "committed_points": s.committed_at_start if give else None,
                    "goal": s.goal,
                }
            )
    return rows
