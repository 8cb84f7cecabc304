"""Header synonyms (English and Spanish, tool labels and field names) for every canonical table.

A header is normalised (case, accents, spaces and punctuation ignored) and looked up in the
table's synonyms. The canonical column name itself is always a synonym. Where several headers
of a file match one scalar column, the first non-empty value wins, in the order the synonyms are
listed here (so `Custom field (Story Points)` beats `Custom field (Story point estimate)`);
list columns (sprints, labels, services) collect every matching header, in file order.

Columns whose name starts with ``_`` are intermediate inputs that a table's finisher turns into
canonical columns (e.g. an Azure DevOps `Area Path` gives `project` and `team`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import cache

from pmo_metrics.schema.tables import table_specs

SYNONYMS: dict[str, dict[str, list[str]]] = {
    "work_items": {
        "item_key": [
            "Issue key",
            "Key",
            "Clave",
            "Clave de incidencia",
            "Clave de la incidencia",
            "ID",
            "Work Item ID",
            "Id",
            "Identificador",
            "Código",
        ],
        "project": ["Project key", "Team Project", "Clave del proyecto", "Proyecto", "Project"],
        "team": ["Custom field (Team)", "Team", "Equipo", "Campo personalizado (Team)"],
        "item_type": [
            "Issue Type",
            "Work Item Type",
            "Type",
            "Tipo de incidencia",
            "Tipo de elemento de trabajo",
            "Tipo",
        ],
        "summary": ["Summary", "Title", "Resumen", "Título", "Titulo"],
        "status": ["Status", "State", "Estado"],
        "status_category": ["Status Category", "Categoría de estado", "Categoria de estado"],
        "estimate": [
            "Custom field (Story Points)",
            "Custom field (Story point estimate)",
            "Story Points",
            "Story point estimate",
            "Effort",
            "Size",
            "Puntos de historia",
            "Puntos",
            "Estimación",
            "Estimacion",
            "Campo personalizado (Story Points)",
            "Campo personalizado (Story point estimate)",
            "Esfuerzo",
        ],
        "created": ["Created", "Created Date", "Creada", "Creado", "Fecha de creación"],
        "resolved": [
            "Resolved",
            "Closed Date",
            "Resolved Date",
            "Resuelta",
            "Resuelto",
            "Fecha de resolución",
            "Fecha de cierre",
        ],
        "started": ["Activated Date", "Fecha de activación", "Started"],
        "status_changed": [
            "Status Category Changed",
            "State Change Date",
            "Cambio de categoría de estado",
            "Fecha de cambio de estado",
        ],
        "parent_key": [
            "Parent key",
            "Parent",
            "Clave principal",
            "Principal",
            "Elemento principal",
            "Padre",
            "Parent id",
        ],
        "sprints": ["Sprint", "Sprints", "Iteración", "Iteracion"],
        "labels": ["Labels", "Tags", "Etiquetas", "Etiqueta"],
        "assignee": [
            "Assignee",
            "Assigned To",
            "Responsable",
            "Persona asignada",
            "Asignado a",
            "Asignado",
        ],
        "priority": ["Priority", "Prioridad"],
        "_area_path": ["Area Path", "Ruta de área", "Ruta de area"],
        "_iteration_path": ["Iteration Path", "Ruta de iteración", "Ruta de iteracion"],
    },
    "tickets": {
        "ticket_id": [
            "Number",
            "number",
            "Número",
            "Numero",
            "Ticket",
            "Ticket ID",
            "Incident",
            "ID",
            "Id",
            "Nº",
            "Incidencia",
        ],
        "ticket_type": ["Type", "Ticket type", "sys_class_name", "Task type", "Tipo"],
        "service": [
            "Business service",
            "business_service",
            "Service",
            "Servicio",
            "Servicio de negocio",
        ],
        "configuration_item": [
            "Configuration item",
            "cmdb_ci",
            "CI",
            "Elemento de configuración",
            "Aplicación",
            "Application",
        ],
        "priority": ["Priority", "Prioridad"],
        "state": ["State", "Incident state", "incident_state", "Status", "Estado"],
        "opened": [
            "Opened",
            "opened_at",
            "Created",
            "sys_created_on",
            "Abierto",
            "Abierta",
            "Fecha de apertura",
            "Creado",
            "Creada",
            "Apertura",
        ],
        "resolved": ["Resolved", "resolved_at", "Resuelto", "Resuelta", "Fecha de resolución"],
        "closed": ["Closed", "closed_at", "Cerrado", "Cerrada", "Fecha de cierre"],
        "made_sla": ["Made SLA", "made_sla", "SLA cumplido", "Cumple SLA", "En plazo"],
        "reopen_count": ["Reopen count", "reopen_count", "Reaperturas", "Número de reaperturas"],
        "assignment_group": [
            "Assignment group",
            "assignment_group",
            "Grupo de asignación",
            "Grupo asignado",
            "Grupo",
        ],
        "short_description": [
            "Short description",
            "short_description",
            "Descripción breve",
            "Descripción corta",
            "Descripción",
            "Resumen",
            "Asunto",
        ],
        "_has_breached": ["Has breached", "has_breached", "Incumplido"],
        "_updated": ["Updated", "sys_updated_on", "Actualizado", "Última actualización"],
    },
    "applications": {
        "application": ["Application", "Aplicación", "App", "Nombre", "Name", "Sistema"],
        "description": ["Description", "Descripción"],
        "services": ["Services", "Service", "Servicios", "Servicio"],
        "client_area": ["Client area", "Área cliente", "Área", "Area"],
        "criticality": ["Criticality", "Criticidad"],
        "owner": ["Owner", "Responsable", "Propietario"],
        "lifecycle": ["Lifecycle", "Ciclo de vida", "Estado"],
        "jira_project": ["Jira project", "Proyecto Jira"],
        "ado_project": [
            "Azure DevOps project",
            "ADO project",
            "Proyecto Azure DevOps",
            "ADO area",
            "Azure DevOps area",
        ],
        "itsm_ci": ["ITSM CI", "Configuration item", "Elemento de configuración", "CI"],
        "team": ["Team", "Equipo"],
        "is_pmo": ["Is PMO", "PMO", "Es PMO"],
    },
    "services": {
        "service": ["Service", "Servicio", "Nombre", "Name"],
        "description": ["Description", "Descripción"],
        "criteria": ["Criteria", "Criterios"],
        "value_process": ["Value process", "Proceso de valor"],
        "roles": ["Roles"],
        "profiles": ["Profiles", "Perfiles"],
        "state": ["State", "Status", "Estado"],
        "launch_date": ["Launch date", "Fecha de lanzamiento", "Lanzamiento"],
    },
    "indicators": {
        "service": ["Service", "Servicio"],
        "indicator": ["Indicator", "Indicador", "Nombre"],
        "metric": ["Metric", "Métrica"],
        "target": ["Target", "Objetivo", "Meta"],
        "direction": ["Direction", "Dirección", "Sentido"],
        "amber_threshold": ["Amber threshold", "Umbral ámbar", "Umbral amarillo", "Umbral"],
    },
    "resolution_targets": {
        "service": ["Service", "Servicio"],
        "priority": ["Priority", "Prioridad"],
        "target_hours": ["Target hours", "Horas objetivo", "Objetivo (horas)", "Horas"],
    },
    "sprints": {
        "team": ["Team", "Equipo"],
        "sprint": ["Sprint", "Iteración", "Iteration"],
        "start_date": ["Start date", "Start", "Inicio", "Fecha de inicio"],
        "end_date": ["End date", "End", "Fin", "Fecha de fin"],
        "committed_points": [
            "Committed points",
            "Commitment",
            "Puntos comprometidos",
            "Compromiso",
        ],
        "goal": ["Goal", "Sprint goal", "Objetivo"],
    },
    "effort": {
        "person": ["Person", "Persona", "Recurso", "Empleado", "Name", "Nombre"],
        "role": ["Role", "Rol"],
        "profile": ["Profile", "Perfil"],
        "work_date": ["Work date", "Date", "Fecha", "Día", "Dia"],
        "hours": ["Hours", "Horas", "Time", "Tiempo"],
        "service": ["Service", "Servicio"],
        "application": ["Application", "Aplicación"],
    },
    "capacity": {
        "person": ["Person", "Persona", "Recurso"],
        "month": ["Month", "Mes"],
        "hours_available": [
            "Hours available",
            "Horas disponibles",
            "Capacidad",
            "Capacity",
            "Horas",
        ],
    },
    "costs": {
        "application": ["Application", "Aplicación", "Proyecto", "Project"],
        "month": ["Month", "Mes"],
        "budget": ["Budget", "Presupuesto"],
        "actual": ["Actual", "Actual cost", "AC", "Coste real", "Costo real", "Real", "Gasto"],
        "planned_value": ["Planned value", "PV", "Valor planificado"],
        "earned_value": ["Earned value", "EV", "Valor ganado"],
        "pct_complete": [
            "% complete",
            "Pct complete",
            "Percent complete",
            "% completado",
            "% avance",
            "Avance",
        ],
        "bac": ["BAC", "Budget at completion", "Presupuesto a la conclusión", "Presupuesto total"],
    },
    "risks": {
        "risk_id": ["Risk ID", "ID", "Id", "Código", "Riesgo ID", "Nº"],
        "title": ["Title", "Risk", "Riesgo", "Título", "Descripción", "Description"],
        "application": ["Application", "Aplicación"],
        "service": ["Service", "Servicio"],
        "probability": ["Probability", "Probabilidad"],
        "impact": ["Impact", "Impacto"],
        "owner": ["Owner", "Responsable", "Propietario"],
        "status": ["Status", "Estado"],
        "raised": ["Raised", "Identified", "Fecha de alta", "Identificado", "Fecha"],
        "mitigation": ["Mitigation", "Mitigación", "Plan de mitigación"],
        "mitigation_due": ["Mitigation due", "Due", "Fecha límite", "Vencimiento"],
        "closed": ["Closed", "Cerrado", "Fecha de cierre"],
    },
    "improvement_actions": {
        "action_id": ["Action ID", "ID", "Id", "Código", "Acción ID", "Nº"],
        "title": ["Title", "Action", "Acción", "Título", "Descripción"],
        "service": ["Service", "Servicio"],
        "application": ["Application", "Aplicación"],
        "owner": ["Owner", "Responsable"],
        "status": ["Status", "Estado"],
        "opened": ["Opened", "Abierta", "Fecha de apertura", "Alta", "Fecha"],
        "due": ["Due", "Due date", "Fecha límite", "Vencimiento", "Fecha prevista"],
        "closed": ["Closed", "Cerrada", "Fecha de cierre"],
        "benefit_expected": ["Benefit expected", "Expected benefit", "Beneficio esperado"],
        "benefit_realised": [
            "Benefit realised",
            "Benefit realized",
            "Realised benefit",
            "Beneficio obtenido",
            "Beneficio real",
        ],
        "benefit_unit": ["Benefit unit", "Unit", "Unidad"],
    },
    "stakeholders": {
        "stakeholder": ["Stakeholder", "Name", "Interesado", "Parte interesada", "Nombre"],
        "organisation": ["Organisation", "Organization", "Organización", "Organismo"],
        "role": ["Role", "Rol", "Cargo"],
        "service": ["Service", "Servicio"],
        "application": ["Application", "Aplicación"],
        "power": ["Power", "Poder", "Influencia"],
        "interest": ["Interest", "Interés"],
        "current_engagement": ["Current engagement", "Compromiso actual", "Implicación actual"],
        "desired_engagement": ["Desired engagement", "Compromiso deseado", "Implicación deseada"],
        "last_contact": ["Last contact", "Último contacto"],
        "contact_frequency_days": [
            "Contact frequency days",
            "Contact frequency (days)",
            "Frecuencia de contacto (días)",
            "Frecuencia de contacto",
        ],
    },
    "expected_sources": {
        "source": ["Source", "Fuente", "Origen", "Nombre"],
        "kind": ["Kind", "Type", "Tipo", "Clase"],
        "identifier": ["Identifier", "Project key", "File pattern", "Identificador", "Patrón"],
        "services": ["Services", "Servicios"],
        "applications": ["Applications", "Aplicaciones"],
        "due_day": ["Due day", "Due", "Día límite", "Día de entrega", "Vence el día"],
        "first_month": ["First month", "Since", "Desde", "Primer mes"],
        "owner": ["Owner", "Responsable"],
    },
}

# Sheet names a workbook may use for each table (the canonical name always works).
SHEET_NAMES: dict[str, list[str]] = {
    "applications": [
        "Applications",
        "Portfolio",
        "Aplicaciones",
        "Portfolio de aplicaciones",
        "Cartera",
    ],
    "services": ["Services", "Catalog", "Servicios", "Catálogo", "Catalogo de servicios"],
    "indicators": ["Indicators", "Indicadores"],
    "resolution_targets": [
        "Resolution targets",
        "SLA targets",
        "Objetivos de resolución",
        "Objetivos SLA",
    ],
    "sprints": ["Sprints", "Sprint calendar", "Calendario de sprints", "Calendario"],
    "effort": ["Effort", "Timesheets", "Esfuerzo", "Horas", "Imputaciones"],
    "capacity": ["Capacity", "Capacidad"],
    "costs": ["Costs", "Budget", "Costes", "Costos", "Presupuesto"],
    "risks": ["Risks", "Risk register", "Riesgos", "Registro de riesgos"],
    "improvement_actions": [
        "Improvement actions",
        "Improvements",
        "Acciones de mejora",
        "Mejoras",
        "Mejora continua",
    ],
    "stakeholders": ["Stakeholders", "Interesados", "Partes interesadas"],
    "expected_sources": ["Expected sources", "Sources", "Fuentes esperadas", "Fuentes"],
    "work_items": ["Work items", "Backlog", "Elementos de trabajo"],
    "tickets": ["Tickets", "Incidents", "Incidencias", "Tiques"],
}
IGNORED_SHEETS = {"instructions", "instrucciones", "readme", "leeme", "lists", "listas"}


def normalise(text: object) -> str:
    """Case, accents, spaces and punctuation do not matter: `Aplicación ` == `aplicacion`."""
    decomposed = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore")
    return re.sub(r"[^a-z0-9%]", "", decomposed.decode("ascii").lower())


@cache
def synonym_index(table: str) -> dict[str, tuple[str, int]]:
    """normalised header -> (column, priority): the canonical name first, then the synonyms."""
    index: dict[str, tuple[str, int]] = {}
    for col in table_specs()[table].columns:
        index.setdefault(normalise(col), (col, 0))
    for col, names in SYNONYMS.get(table, {}).items():
        for rank, name in enumerate(names, start=1):
            index.setdefault(normalise(name), (col, rank))
    return index


def table_for_sheet(name: str) -> str | None:
    key = normalise(name)
    for table, names in SHEET_NAMES.items():
        if key == normalise(table) or key in {normalise(n) for n in names}:
            return table
    return None


def match_headers(
    headers: list[str], table: str, mapping: dict[str, str] | None = None
) -> tuple[dict[str, list[int]], list[str]]:
    """Which file columns feed which canonical column, and the headers nothing uses.

    Returns ({column: [positions, best first]}, unknown headers). ``mapping`` ({header:
    column}) wins over the synonyms; a header mapped to "" or "-" is deliberately ignored.
    """
    index = synonym_index(table)
    given = {normalise(h): c for h, c in (mapping or {}).items()}
    ranked: dict[str, list[tuple[int, int]]] = {}
    unknown: list[str] = []
    for pos, header in enumerate(headers):
        key = normalise(header)
        if not key:
            continue
        if key in given:
            col = given[key]
            if col and col != "-":
                ranked.setdefault(col, []).append((-1, pos))
            continue
        bare = normalise(re.sub(r"\(.*?\)|\[.*?\]|\*", "", str(header)))
        if key in index or bare in index:
            col, rank = index[key] if key in index else index[bare]
            ranked.setdefault(col, []).append((rank, pos))
        else:
            unknown.append(header)
    lists = set(table_specs()[table].list_columns)
    matched = {
        col: [p for _, p in (sorted(found, key=lambda x: x[1]) if col in lists else sorted(found))]
        for col, found in ranked.items()
    }
    return matched, unknown


def wanted_headers(mapping: dict[str, str] | None) -> Callable[[str], bool]:
    """Headers worth converting: any table's column or synonym, or a header the mapping names."""
    known = {key for table in table_specs() for key in synonym_index(table)}
    known |= {normalise(h) for h in (mapping or {})}

    def wanted(header: str) -> bool:
        bare = normalise(re.sub(r"\(.*?\)|\[.*?\]|\*", "", header))
        return normalise(header) in known or bare in known

    return wanted


def suggest_mapping(headers: list[str], target: str) -> tuple[dict[str, str], list[str]]:
    """A starting mapping {header: canonical column} for ``target``, and the unknown headers."""
    matched, unknown = match_headers(list(headers), target)
    mapping = {headers[p]: col for col, positions in matched.items() for p in positions}
    return mapping, unknown
