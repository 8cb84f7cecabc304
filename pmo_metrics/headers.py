"""What a table's columns are called, on screen and in the report, in English and Spanish.

Metric tables name their columns for code (``p85_sprints``, ``amber_threshold``); a reader sees
these labels. Every column of every metric of the registry has one (tests/test_locale.py), and
so do the columns of the Data page's tables (loads, problems, the audit log). A column not
listed here (a query's own alias in Explore) is shown as its name made readable.
"""

from __future__ import annotations

# name: (English, Spanish)
LABELS: dict[str, tuple[str, str]] = {
    # who and where
    "service": ("Service", "Servicio"),
    "application": ("Application", "Aplicación"),
    "applications": ("Applications", "Aplicaciones"),  # a count (the report's health by status)
    "team": ("Team", "Equipo"),
    "person": ("Person", "Persona"),
    "role": ("Role", "Rol"),
    "profile": ("Profile", "Perfil"),
    "owner": ("Owner", "Responsable"),
    "organisation": ("Organisation", "Organización"),
    "stakeholder": ("Stakeholder", "Interesado"),
    "stakeholders": ("Stakeholders", "Interesados"),
    # indicators, targets, statuses
    "indicator": ("Indicator", "Indicador"),
    "indicators": ("Indicators", "Indicadores"),
    "metric": ("Metric", "Métrica"),
    "value": ("Value", "Valor"),
    "unit": ("Unit", "Unidad"),
    "target": ("Target", "Objetivo"),
    # the report preview's key figures
    "pillar": ("Pillar", "Pilar"),
    "previous": ("Previous month", "Mes anterior"),
    "change": ("Change", "Cambio"),
    "target_pct": ("Target %", "Objetivo %"),
    "direction": ("Better when", "Mejor si"),
    "amber_threshold": ("Amber threshold", "Umbral ámbar"),
    "status": ("Status", "Estado"),
    "service_status": ("Service status", "Estado del servicio"),
    # explained statuses and published months (issue 15)
    "kind": ("Kind", "Tipo"),
    "subject": ("Status of", "Estado de"),
    "explanation": ("Explanation", "Explicación"),
    "version": ("Version", "Versión"),
    "published_by": ("Published by", "Publicada por"),
    "published_at": ("Published at", "Publicada el"),
    "figures": ("Figures", "Cifras"),
    "notes": ("Explanations", "Explicaciones"),
    "figure": ("Figure", "Cifra"),
    "before": ("Published", "Publicada"),
    "after": ("Now", "Ahora"),
    "status_before": ("Status published", "Estado publicado"),
    "status_after": ("Status now", "Estado ahora"),
    "judged": ("Judged", "Evaluados"),
    "on_target": ("On target", "En objetivo"),
    "on_target_pct": ("On target %", "En objetivo %"),
    "reason": ("Reason", "Motivo"),
    "note": ("Note", "Nota"),
    "month": ("Month", "Mes"),
    "week": ("Week", "Semana"),
    "measured_at": ("Measured on", "Medido el"),
    # portfolio health dimensions and their statuses
    "open_demand": ("Open demand", "Demanda abierta"),
    "open_demand_status": ("Open demand status", "Estado demanda abierta"),
    "throughput": ("Throughput", "Rendimiento"),
    "throughput_status": ("Throughput status", "Estado rendimiento"),
    "lead_time_p85": ("Lead time P85", "Tiempo de entrega P85"),
    "lead_time_p85_status": ("Lead time P85 status", "Estado tiempo de entrega P85"),
    "say_do": ("Say/do", "Say/do"),
    "say_do_status": ("Say/do status", "Estado say/do"),
    "incidents_opened": ("Incidents opened", "Incidencias abiertas"),
    "incidents_opened_status": ("Incidents opened status", "Estado incidencias abiertas"),
    "sla_compliance": ("SLA compliance", "Cumplimiento ANS"),
    "sla_compliance_status": ("SLA compliance status", "Estado cumplimiento ANS"),
    "effort_hours": ("Effort (h)", "Esfuerzo (h)"),
    "effort_hours_status": ("Effort status", "Estado esfuerzo"),
    "cost_variance_pct": ("Cost variance %", "Desviación de coste %"),
    "cost_variance_pct_status": ("Cost variance status", "Estado desviación de coste"),
    "open_high_risks": ("Open high risks", "Riesgos altos abiertos"),
    "open_high_risks_status": ("Open high risks status", "Estado riesgos altos abiertos"),
    # delivery
    "sprint": ("Sprint", "Sprint"),
    "sprints": ("Sprints", "Sprints"),
    "sprint_order": ("Sprint order", "Orden del sprint"),
    "sprint_dates": ("Sprint dates from", "Fechas del sprint según"),
    "sprint_days": ("Sprint days", "Días de sprint"),
    "start_date": ("Start", "Inicio"),
    "end_date": ("End", "Fin"),
    "committed_points": ("Committed points", "Puntos comprometidos"),
    "completed_points": ("Completed points", "Puntos completados"),
    "committed_items": ("Committed items", "Elementos comprometidos"),
    "completed_items": ("Completed items", "Elementos completados"),
    "carry_over_points": ("Carried over points", "Puntos arrastrados"),
    "say_do_ratio": ("Say/do ratio", "Ratio say/do"),
    "velocity_mean": ("Mean velocity (pts)", "Velocidad media (pts)"),
    "velocity_median": ("Median velocity (pts)", "Velocidad mediana (pts)"),
    "velocity_items_mean": ("Mean velocity (items)", "Velocidad media (elementos)"),
    "stability_cv": ("Variation (CV)", "Variación (CV)"),
    "closed_sprints": ("Closed sprints", "Sprints cerrados"),
    "unestimated_items": ("Unestimated items", "Elementos sin estimar"),
    "unestimated_remaining": ("Unestimated remaining", "Pendientes sin estimar"),
    "remaining_points": ("Remaining points", "Puntos pendientes"),
    "remaining_items": ("Remaining items", "Elementos pendientes"),
    "backlog_as_of": ("Backlog as of", "Backlog a fecha"),
    "backlog_from": ("Backlog from", "Backlog según"),
    "sample_window": ("Sprints asked", "Sprints pedidos"),
    "sample_sprints": ("Sprints sampled", "Sprints de muestra"),
    "sample_points": ("Points sampled", "Puntos de muestra"),
    "p50_sprints": ("Sprints (50%)", "Sprints (50 %)"),
    "p85_sprints": ("Sprints (85%)", "Sprints (85 %)"),
    "p95_sprints": ("Sprints (95%)", "Sprints (95 %)"),
    "p50_date": ("Date (50%)", "Fecha (50 %)"),
    "p85_date": ("Date (85%)", "Fecha (85 %)"),
    "p95_date": ("Date (95%)", "Fecha (95 %)"),
    # flow
    "item_key": ("Item", "Elemento"),
    "item_type": ("Type", "Tipo"),
    "items": ("Items", "Elementos"),
    "state": ("State", "Estado"),
    "status_category": ("Status category", "Categoría de estado"),
    "created": ("Created", "Creado"),
    "started_or_created": ("Started (or created)", "Iniciado (o creado)"),
    "done": ("Done", "Hecho"),
    "done_items": ("Done items", "Elementos hechos"),
    "done_cumulative": ("Done (cumulative)", "Hechos (acumulado)"),
    "open_items": ("Open items", "Elementos abiertos"),
    "net_flow": ("Net flow", "Flujo neto"),
    "lead_time_days": ("Lead time (days)", "Tiempo de entrega (días)"),
    "age_days": ("Age (days)", "Antigüedad (días)"),
    "mean_age_days": ("Mean age (days)", "Antigüedad media (días)"),
    "p90_age_days": ("Age P90 (days)", "Antigüedad P90 (días)"),
    "mean_days": ("Mean (days)", "Media (días)"),
    "median_days": ("Median (days)", "Mediana (días)"),
    "p50_days": ("P50 (days)", "P50 (días)"),
    "p85_days": ("P85 (days)", "P85 (días)"),
    "p95_days": ("P95 (days)", "P95 (días)"),
    "overall_p85_days": ("Overall P85 (days)", "P85 global (días)"),
    "p85_reference_days": ("Reference P85 (days)", "P85 de referencia (días)"),
    "reference": ("Reference", "Referencia"),
    "beyond_reference": ("Beyond the reference", "Por encima de la referencia"),
    # service levels
    "tickets": ("Tickets", "Tickets"),
    "open_tickets": ("Open tickets", "Tickets abiertos"),
    "priority": ("Priority", "Prioridad"),
    "opened": ("Opened", "Abiertos"),
    "resolved": ("Resolved", "Resueltos"),
    "reopened": ("Reopened", "Reabiertos"),
    "reopen_rate_pct": ("Reopen rate %", "Tasa de reapertura %"),
    "met_sla": ("Met SLA", "Cumplen ANS"),
    "unjudged": ("Not judged", "Sin evaluar"),
    "compliance_pct": ("Compliance %", "Cumplimiento %"),
    "mttr_hours": ("Mean time to resolve (h)", "Tiempo medio de resolución (h)"),
    "p90_hours": ("P90 (h)", "P90 (h)"),
    "resolved_before_opened": ("Resolved before opened", "Resueltos antes de abrirse"),
    # effort
    "hours": ("Hours", "Horas"),
    "hours_available": ("Hours available", "Horas disponibles"),
    "share_pct": ("Share %", "Porcentaje %"),
    "utilisation_pct": ("Utilisation %", "Utilización %"),
    # finance (earned value)
    "budget": ("Budget", "Presupuesto"),
    "actual": ("Actual", "Real"),
    "variance_pct": ("Variance %", "Desviación %"),
    # The PMBOK acronyms, as the Spanish edition writes them too.
    "bac": ("BAC", "BAC"),
    "pv": ("PV", "PV"),
    "ev": ("EV", "EV"),
    "ac": ("AC", "AC"),
    "cv": ("CV", "CV"),
    "sv": ("SV", "SV"),
    "cpi": ("CPI", "CPI"),
    "spi": ("SPI", "SPI"),
    "eac": ("EAC", "EAC"),
    "etc": ("ETC", "ETC"),
    "vac": ("VAC", "VAC"),
    "tcpi": ("TCPI", "TCPI"),
    "tcpi_basis": ("TCPI basis", "Base del TCPI"),
    # risks
    "risk_id": ("Risk", "Riesgo"),
    "risks": ("Risks", "Riesgos"),
    "open_risks": ("Open risks", "Riesgos abiertos"),
    "high_or_critical": ("High or critical", "Altos o críticos"),
    "title": ("Title", "Título"),
    "probability": ("Probability", "Probabilidad"),
    "impact": ("Impact", "Impacto"),
    "score": ("Score", "Puntuación"),
    "total_score": ("Total score", "Puntuación total"),
    "band": ("Band", "Nivel"),  # as the Risks page filter says it
    "raised": ("Raised", "Identificado"),
    "mitigation": ("Mitigation", "Mitigación"),
    "mitigation_due": ("Mitigation due", "Mitigación prevista"),
    "overdue": ("Overdue", "Vencido"),
    "days_overdue": ("Days overdue", "Días de retraso"),
    # improvement
    "action_id": ("Action", "Acción"),
    "actions": ("Actions", "Acciones"),
    "due": ("Due", "Vence"),
    "closed": ("Closed", "Cerradas"),
    "closed_on_time": ("Closed on time", "Cerradas a tiempo"),
    "on_time_pct": ("On time %", "A tiempo %"),
    "expected": ("Expected", "Esperado"),
    "realised": ("Realised", "Obtenido"),
    "realised_pct": ("Realised %", "Obtenido %"),
    "shortfall": ("Shortfall", "Déficit"),
    "from_date": ("From", "Desde"),
    # PMO rollout
    "planned": ("Planned", "Planificado"),
    "launched": ("Launched", "Lanzado"),
    "launch_date": ("Launch date", "Fecha de lanzamiento"),
    "cumulative_launched": ("Launched (cumulative)", "Lanzados (acumulado)"),
    # stakeholders
    "power": ("Power", "Poder"),
    "interest": ("Interest", "Interés"),
    "quadrant": ("Quadrant", "Cuadrante"),
    "current": ("Current engagement", "Compromiso actual"),
    "desired": ("Desired engagement", "Compromiso deseado"),
    "gap": ("Gap", "Brecha"),
    "contact_frequency_days": ("Contact every (days)", "Contacto cada (días)"),
    "last_contact": ("Last contact", "Último contacto"),
    "next_contact_due": ("Next contact due", "Próximo contacto"),
    # a health status drawn as icon and word (helper columns, hidden on screen)
    "icon": ("Icon", "Icono"),
    "word": ("Word", "Palabra"),
    # the Data page: loads, problems, the audit log
    "load_id": ("Load", "Carga"),
    "started_at": ("Started", "Iniciada"),
    "loaded_by": ("Loaded by", "Cargada por"),
    "period": ("Period", "Periodo"),
    "undone_at": ("Undone", "Deshecha"),
    "files": ("Files", "Archivos"),
    "rows_read": ("Rows read", "Filas leídas"),
    "severity": ("Severity", "Gravedad"),
    "file": ("File", "Archivo"),
    "sheet": ("Sheet", "Hoja"),
    "row": ("Row", "Fila"),
    "column": ("Column", "Columna"),
    "happened_at": ("When", "Cuándo"),
    "username": ("User", "Usuario"),
    "action": ("Action", "Acción"),
    "detail": ("Detail", "Detalle"),
    # the expected-sources register and its checklist
    "source": ("Source", "Fuente"),
    "identifier": ("Project or file", "Proyecto o archivo"),
    "due_day": ("Due day", "Día límite"),
    "first_month": ("Expected from", "Esperada desde"),
    "loaded_at": ("Loaded", "Cargada"),
    "loads": ("Loads", "Cargas"),
    "rows": ("Rows", "Filas"),
}

# Columns that only serve the screen's drawing or ordering (a health status' icon and word are
# drawn in the status column itself; sprints are listed in their order). Downloads keep them.
HIDDEN = frozenset({"icon", "word", "sprint_order"})


def column_label(name: str, lang: str) -> str:
    """The header of column ``name`` in ``lang`` ("en" or "es"), on screen and in the report."""
    labels = LABELS.get(name)
    if labels is not None:
        return labels[1] if lang == "es" else labels[0]
    return readable(name)


def readable(name: str) -> str:
    """A column's own name made readable (``compliance_pct`` -> ``Compliance %``): for a column
    this table does not list, such as a query's own alias in Explore."""
    text = str(name)
    for suffix, unit in (("_pct", " %"), ("_days", " (days)"), ("_hours", " (h)")):
        if text.endswith(suffix):
            text = text[: -len(suffix)] + unit
    text = text.replace("_", " ").strip()
    return text[:1].upper() + text[1:]
