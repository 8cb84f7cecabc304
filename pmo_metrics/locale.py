"""Every word the project shows, in English and Spanish, and numbers, dates and months written
the way each language reads them: the dashboard's text, the monthly report's, status words and
units. No Streamlit here: the dashboard's :mod:`ui.i18n` adds only where the current language
comes from (the session), and the report passes its language.

One table, :data:`STRINGS` (``key -> (English, Spanish)``, placeholders in ``str.format``
names), read with :func:`t`. The dashboard's keys are bare (``"page_overview"``); the report's
carry its prefix (``"report.title"``). A metric's English label and its definition come from
the metric registry; its Spanish label is in :data:`METRIC_LABELS`, read with
:func:`metric_label`; its Spanish definition in
:data:`~pmo_metrics.locale_metrics.METRIC_DEFINITIONS`, read with :func:`metric_definition`.
"""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

from pmo_metrics.locale_metrics import METRIC_DEFINITIONS
from pmo_metrics.periods import Comparison

LANGUAGES = {"en": "English", "es": "Español"}
DEFAULT_LANG = "en"


def language(value: object) -> str:
    """``value`` if it is a language of :data:`LANGUAGES`, else the default (English)."""
    return value if isinstance(value, str) and value in LANGUAGES else DEFAULT_LANG


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "es" else pair[0]


# --- text -------------------------------------------------------------------------------------

# key -> (English, Spanish). Placeholders use str.format names.
STRINGS: dict[str, tuple[str, str]] = {
    # shell
    "app_title": ("PMO metrics", "Métricas de la PMO"),
    "filters": ("Filters", "Filtros"),
    "period": ("Months", "Meses"),
    "period_help": (
        "Drag both ends onto one month to see that month, or apart for a range.",
        "Arrastre ambos extremos al mismo mes para ver ese mes, o sepárelos para un rango.",
    ),
    "service": ("Service", "Servicio"),
    "application": ("Application", "Aplicación"),
    "team": ("Team", "Equipo"),
    "all": ("All", "Todos"),
    "clear_filters": ("Clear filters", "Quitar filtros"),
    "active_filters": ("Showing {what}", "Mostrando {what}"),
    "no_filters": (
        "all services, applications and teams",
        "todos los servicios, aplicaciones y equipos",
    ),
    "demo_banner": (
        "Demo mode: no login, full access",
        "Modo demostración: sin inicio de sesión, acceso completo",
    ),
    "demo_loaded": (
        "Sample data: the database holds the sample only, to look around. Import your own "
        "exports on the Data page.",
        "Datos de ejemplo: la base de datos solo contiene la muestra, para explorar. Importe sus "
        "propias exportaciones en la página Datos.",
    ),
    "no_months": (
        "No dated data yet: upload exports on the Data page.",
        "Aún no hay datos con fecha: suba exportaciones en la página Datos.",
    ),
    # page titles
    "page_overview": ("Overview", "Resumen"),
    "page_services": ("Services", "Servicios"),
    "page_applications": ("Applications", "Aplicaciones"),
    "page_delivery": ("Delivery", "Entrega"),
    "page_flow": ("Flow", "Flujo"),
    "page_risks": ("Risks & stakeholders", "Riesgos e interesados"),
    "page_improvement": ("Improvement", "Mejora continua"),
    "page_data": ("Data", "Datos"),
    "page_explore": ("Explore", "Explorar"),
    "page_report": ("Report", "Informe"),
    # components
    "no_data": ("No data", "Sin datos"),
    # completeness: the line under every page's header, the Data page's checklist
    "completeness_sources": (
        "{loaded} of {expected} sources loaded",
        "{loaded} de {expected} fuentes cargadas",
    ),
    "completeness_late_count": ("{n} late", "{n} con retraso"),
    "completeness_last": ("last {date}", "la última el {date}"),
    "completeness_late": ("late: {names}", "con retraso: {names}"),
    "completeness_missing": ("not loaded: {names}", "sin cargar: {names}"),
    "completeness_not_due": ("due by {date}: {names}", "vencen el {date}: {names}"),
    "completeness_people": (
        "timesheets: {n} people missing",
        "partes de horas: faltan {n} personas",
    ),
    "completeness_person": ("timesheets: 1 person missing", "partes de horas: falta 1 persona"),
    "completeness_none": (
        "no sources expected (the register is on the Data page)",
        "no se espera ninguna fuente (el registro está en la página Datos)",
    ),
    "completeness_more": ("{names} and {n} more", "{names} y {n} más"),
    "completeness_cell_late": ("! late {date}", "! con retraso {date}"),
    "completeness_cell_missing": ("✗ not loaded", "✗ sin cargar"),
    "completeness_cell_not_due": ("… due {date}", "… vence el {date}"),
    # alerts (pmo_metrics/notify): the messages, the Data page's outbox, the steering pack's mail
    "alert_turns_red_title": (
        "{subject} turned red in {month}",
        "{subject} pasó a rojo en {month}",
    ),
    "alert_turns_red_body": (
        "{subject} is red (off target) in {month}; in {previous} it was {before}.",
        "{subject} está en rojo (fuera de objetivo) en {month}; en {previous} estaba {before}.",
    ),
    "alert_amber_twice_title": (
        "{subject} amber two months running",
        "{subject} en ámbar dos meses seguidos",
    ),
    "alert_amber_twice_body": (
        "{subject} is amber (at risk) in {previous} and in {month}.",
        "{subject} está en ámbar (en riesgo) en {previous} y en {month}.",
    ),
    "alert_p1_sla_title": (
        "{service}: P1 SLA below target in {month}",
        "{service}: ANS de P1 por debajo del objetivo en {month}",
    ),
    "alert_p1_sla_body": (
        "Priority 1 tickets resolved in {month} met their SLA {value} % of the time ({met} of "
        "{resolved}); the service's SLA target is {target} %.",
        "Las incidencias de prioridad 1 resueltas en {month} cumplieron su ANS el {value} % de "
        "las veces ({met} de {resolved}); el objetivo de ANS del servicio es {target} %.",
    ),
    "alert_mitigation_overdue_title": (
        "Risk {risk}: mitigation overdue",
        "Riesgo {risk}: mitigación vencida",
    ),
    "alert_mitigation_overdue_body": (
        "Risk {risk} '{title}' (owner {owner}): its mitigation was due on {due}, {days} days ago.",
        "Riesgo {risk} '{title}' (responsable {owner}): su mitigación vencía el {due}, hace "
        "{days} días.",
    ),
    "alert_source_late_title": (
        "{source} not loaded for {month}",
        "{source} sin cargar para {month}",
    ),
    "alert_source_late_body": (
        "The {month} export {source} was due by {due} and has not been loaded.",
        "La exportación {source} de {month} vencía el {due} y no se ha cargado.",
    ),
    "alert_open": ("Open in the dashboard: {link}", "Abrir en el panel: {link}"),
    "outbox": ("Alerts not sent", "Alertas sin enviar"),
    "outbox_help": (
        "Alerts wait here until they are sent; a failed attempt is retried by the next "
        "`python -m pmo_metrics notify` (each later, up to 10 attempts; then failed, until "
        "`notify --retry-failed`).",
        "Las alertas esperan aquí hasta enviarse; un intento fallido se repite en el siguiente "
        "`python -m pmo_metrics notify` (cada vez más tarde, hasta 10 intentos; después queda "
        "fallida, hasta `notify --retry-failed`).",
    ),
    "outbox_empty": ("Every alert has been sent.", "Todas las alertas se han enviado."),
    "outbox_run_failed": (
        "The alert rules could not be evaluated ({trigger}, {when}): {error}",
        "No se pudieron evaluar las reglas de alerta ({trigger}, {when}): {error}",
    ),
    "outbox_pending": ("pending", "pendiente"),
    "outbox_failed": ("failed", "fallida"),
    "outbox_email": ("e-mail", "correo"),
    "outbox_webhook": ("webhook", "enlace web (webhook)"),
    "outbox_created_at": ("Raised", "Generada"),
    "outbox_channel": ("Channel", "Canal"),
    "outbox_rule": ("Rule", "Regla"),
    "outbox_month": ("Month", "Mes"),
    "outbox_title": ("Alert", "Alerta"),
    "outbox_status": ("State", "Situación"),
    "outbox_attempts": ("Attempts", "Intentos"),
    "outbox_next_attempt_at": ("Next attempt", "Próximo intento"),
    "outbox_last_error": ("Last error", "Último error"),
    "distribute_subject": ("Steering pack, {month}", "Informe para el comité, {month}"),
    "distribute_body": (
        "The steering pack of {month} (published version {version}) is attached.\n\n"
        "Open the dashboard: {link}",
        "Se adjunta el informe para el comité de {month} (versión publicada {version}).\n\n"
        "Abrir el panel: {link}",
    ),
    "not_loaded": ("Not loaded", "Sin cargar"),
    "not_loaded_sources": ("not loaded: {names}", "sin cargar: {names}"),
    "partial_sources": ("partial: {names} not loaded", "parcial: {names} sin cargar"),
    "checklist": ("Expected sources by month", "Fuentes esperadas por mes"),
    "checklist_help": (
        "Each source of the expected-sources register (edited below, with the catalog) for the "
        "12 months up to the selected one, newest first: ✓ loaded on time (the day of the first "
        "load), ! late, ✗ not loaded after its due day, … not yet due.",
        "Cada fuente del registro de fuentes esperadas (se edita más abajo, con el catálogo) en "
        "los 12 meses hasta el elegido, del más reciente al más antiguo: ✓ cargada a tiempo (el "
        "día de la primera carga), ! con retraso, ✗ sin cargar pasado su día límite, … aún no "
        "vence.",
    ),
    "checklist_month": ("Sources of {month}", "Fuentes de {month}"),
    "checklist_empty": (
        "The expected-sources register is empty: list the sources the PMO expects each month in "
        "the PMO workbook's expected_sources sheet or in the catalog editor below.",
        "El registro de fuentes esperadas está vacío: indique las fuentes que la PMO espera cada "
        "mes en la hoja expected_sources del libro de la PMO o en el editor del catálogo.",
    ),
    "last_value_in": ("{month}: latest with data", "{month}: último con datos"),
    "empty_missing": (
        "No data: {why}.",
        "Sin datos: {why}.",
    ),
    "empty_generic": (
        "Nothing recorded in this period for this selection.",
        "Nada registrado en este periodo para esta selección.",
    ),
    "vs_prev": ("vs {period}", "vs {period}"),
    "no_previous": (
        "no data for {period} to compare with",
        "sin datos de {period} para comparar",
    ),
    "download_csv": ("CSV", "CSV"),
    "download_xlsx": ("Excel", "Excel"),
    "target": ("Target", "Objetivo"),
    "actual": ("Actual", "Real"),
    # overview
    "overview_caption": (
        "The state of every service and application; each change is against the previous "
        "period of the same length.",
        "El estado de cada servicio y aplicación; cada cambio, frente al periodo anterior de la "
        "misma duración.",
    ),
    "pillar_services": ("Services", "Servicios"),
    "pillar_portfolio": ("Portfolio", "Cartera"),
    "pillar_delivery": ("Delivery", "Entrega"),
    "pillar_improvement": ("Improvement", "Mejora"),
    "pillar_stakeholders": ("Stakeholders & risks", "Interesados y riesgos"),
    "scorecard": ("Services scorecard", "Cuadro de mando de servicios"),
    "on_target": ("On target", "En objetivo"),
    "portfolio_heatmap": ("Portfolio health", "Salud de la cartera"),
    "planned_service": ("○ planned", "○ planificado"),
    "service_planned": (
        "A planned service (launch: {launch}): its indicators and targets are set; tickets, "
        "applications and effort are measured once it is launched.",
        "Servicio planificado (lanzamiento: {launch}): tiene indicadores y objetivos; los "
        "tickets, aplicaciones y esfuerzo se miden cuando se lance.",
    ),
    "heatmap_no_target": (
        "No target on {names}: values shown without a status.",
        "Sin objetivo en {names}: valores mostrados sin estado.",
    ),
    "heatmap_unjudged": (
        "Not shown, no data for any application in this period: {names}.",
        "No se muestran, sin datos para ninguna aplicación en este periodo: {names}.",
    ),
    "trends": ("Trends", "Tendencias"),
    "top_risks": ("Top risks", "Principales riesgos"),
    "rollout": ("PMO rollout", "Despliegue de la PMO"),
    "drill_service": ("Open a service", "Abrir un servicio"),
    "drill_application": ("Open an application", "Abrir una aplicación"),
    # services / applications
    "choose_service": ("Service", "Servicio"),
    "choose_application": ("Application", "Aplicación"),
    "indicators": ("Indicators against targets", "Indicadores frente a objetivos"),
    "indicator_trend": ("Indicators, last 12 months", "Indicadores, últimos 12 meses"),
    "its_applications": ("Its applications", "Sus aplicaciones"),
    "priority_tickets": (
        "Priority {priority} · {tickets} tickets",
        "Prioridad {priority} · {tickets} tickets",
    ),
    "tickets": ("Tickets", "Tickets"),
    "effort": ("Effort", "Esfuerzo"),
    "health": ("Health", "Salud"),
    "health_reason": ("Why this colour: {reason}", "Por qué este color: {reason}"),
    "delivery_flow": ("Delivery and flow", "Entrega y flujo"),
    "incidents": ("Incidents", "Incidencias"),
    "cost_ev": ("Cost and earned value", "Coste y valor ganado"),
    "risks": ("Risks", "Riesgos"),
    "no_services": (
        "No services in the catalog yet: upload the catalog template on the Data page.",
        "Aún no hay servicios en el catálogo: suba la plantilla del catálogo en la página Datos.",
    ),
    "no_applications": (
        "No applications yet: upload the portfolio template or a Jira export on the Data page.",
        "Aún no hay aplicaciones: suba la plantilla de cartera o una exportación de Jira en Datos.",
    ),
    # delivery / flow
    "velocity_chart": ("Velocity", "Velocidad"),
    "burnup": ("Burnup and forecast", "Burnup y previsión"),
    "forecast_sample_window": ("Closed sprints sampled", "Sprints cerrados muestreados"),
    "forecast_sample_window_help": (
        "The forecast draws each sprint's completed points from the team's last N sprints "
        "closed by the end of the period.",
        "La previsión toma los puntos completados de cada sprint de los últimos N sprints del "
        "equipo cerrados al final del periodo.",
    ),
    "forecast_basis": (
        "Backlog as of {day} ({source}): {points} pts in {items} items. Sampled: the last "
        "{found} closed sprint(s) ({samples} pts).",
        "Backlog a {day} ({source}): {points} pts en {items} elementos. Muestra: los últimos "
        "{found} sprint(s) cerrado(s) ({samples} pts).",
    ),
    "forecast_from_snapshot": ("the month-end snapshot", "la foto de fin de mes"),
    "forecast_from_items": ("from the items' dates", "según las fechas de los elementos"),
    "forecast_few_sprints": (
        "Only {found} closed sprint(s) by {day} to sample, of the {asked} asked: the forecast "
        "is less reliable.",
        "Solo {found} sprint(s) cerrado(s) a {day} para muestrear, de los {asked} pedidos: la "
        "previsión es menos fiable.",
    ),
    "delivery_undated_sprints": (
        "Sprints without dates (no calendar entry, nothing completed in them), left out of "
        "every period's figures: {names}.",
        "Sprints sin fechas (sin entrada en el calendario ni nada completado en ellos), fuera "
        "de las cifras de todo periodo: {names}.",
    ),
    "forecast_caption": (
        "Monte Carlo over the last sprints: 50% / 85% / 95% likely to finish by these dates.",
        "Monte Carlo sobre los últimos sprints: 50 % / 85 % / 95 % de probabilidad de terminar "
        "en estas fechas.",
    ),
    "committed": ("Committed", "Comprometido"),
    "completed": ("Completed", "Completado"),
    "average": ("Average", "Media"),
    "done": ("Done", "Hecho"),
    "scope": ("Scope", "Alcance"),
    "throughput": ("Throughput", "Rendimiento"),
    "lead_time": ("Lead time", "Tiempo de entrega"),
    "aging_wip": ("Aging work in progress", "Antigüedad del trabajo en curso"),
    "cfd": ("Cumulative flow", "Flujo acumulado"),
    "net_flow": ("Net flow", "Flujo neto"),
    # flow: items whose dates contradict each other (resolved-before-created)
    "flow_resolved_before_created": (
        "{count} item(s) resolved before they were created were left out of lead time, cycle "
        "time and aging: their dates contradict each other.",
        "{count} elemento(s) resuelto(s) antes de su creación se han excluido del tiempo de "
        "entrega, el tiempo de ciclo y la antigüedad: sus fechas se contradicen.",
    ),
    "flow_resolved_before_created_list": (
        "Items resolved before they were created",
        "Elementos resueltos antes de su creación",
    ),
    "choose_team": ("Team", "Equipo"),
    "no_teams": (
        "No teams yet: upload a Jira or Azure DevOps export on the Data page.",
        "Aún no hay equipos: suba una exportación de Jira o Azure DevOps en la página Datos.",
    ),
    # risks / improvement
    "risk_heatmap": ("Risk heat map", "Mapa de calor de riesgos"),
    "risk_register": ("Risk register", "Registro de riesgos"),
    "risk_status": ("Status", "Estado"),
    "risk_band": ("Band", "Nivel"),
    "engagement_gaps": ("Engagement gaps", "Brechas de compromiso"),
    "overdue_comms": ("Overdue communications", "Comunicaciones atrasadas"),
    "power_interest": ("Power / interest", "Poder / interés"),
    "actions_by_status": ("Actions opened and closed", "Acciones abiertas y cerradas"),
    "opened": ("Opened", "Abiertas"),
    "closed": ("Closed", "Cerradas"),
    "expected": ("Expected", "Esperado"),
    "realised": ("Realised", "Obtenido"),
    "share_of_expected": ("% of expected", "% de lo esperado"),
    "health_miss": (
        "{dimension} {value} {op} target {target}",
        "{dimension} {value} {op} objetivo {target}",
    ),
    "health_on_target": (
        "all {n} dimension(s) with a target on target",
        "las {n} dimensiones con objetivo, en objetivo",
    ),
    "health_no_indicator": (
        "not judged: its services have no indicator on these dimensions",
        "sin evaluar: sus servicios no tienen indicadores en estas dimensiones",
    ),
    "health_no_data": (
        "not judged: no data for the dimensions with a target",
        "sin evaluar: sin datos en las dimensiones con objetivo",
    ),
    "p85_cycle_time": ("P85 cycle time", "P85 del tiempo de ciclo"),
    "p85_lead_time": ("P85 lead time", "P85 del tiempo de entrega"),
    "current": ("Current", "Actual"),
    "desired": ("Desired", "Deseado"),
    "services_launched": ("Services launched", "Servicios lanzados"),
    "deliverables": ("Deliverables per iteration", "Entregables por iteración"),
    "overdue_actions": ("Overdue actions", "Acciones vencidas"),
    "benefits": ("Benefits, expected vs realised", "Beneficios, esperados frente a obtenidos"),
    # data page
    "data_caption": (
        "Upload the month's exports, check them, import them; undo a wrong load.",
        "Suba las exportaciones del mes, revíselas, impórtelas; deshaga una carga errónea.",
    ),
    "upload": ("Upload files", "Subir archivos"),
    "upload_help": (
        "Jira or Azure DevOps CSV, ServiceNow xlsx/csv, the PMO templates. Several at once.",
        "CSV de Jira o Azure DevOps, xlsx/csv de ServiceNow, las plantillas de la PMO. Varios a "
        "la vez.",
    ),
    "detected": ("Detected", "Detectado"),
    "rows": ("rows", "filas"),
    "problems": ("Problems", "Problemas"),
    "no_problems": ("No problems found.", "No se encontraron problemas."),
    "preview": ("Preview", "Vista previa"),
    "import": ("Import", "Importar"),
    "importing": ("Importing…", "Importando…"),
    "import_done": ("Imported: load {load_id}.", "Importado: carga {load_id}."),
    "import_nothing": (
        "Nothing new: every file was already loaded.",
        "Nada nuevo: todos los archivos ya estaban cargados.",
    ),
    "import_rejected": (
        "Nothing was loaded: fix the problems below and upload again.",
        "No se cargó nada: corrija los problemas siguientes y vuelva a subir.",
    ),
    "mapping": ("Column mapping", "Mapeo de columnas"),
    "mapping_help": (
        "This file's columns were not recognised. Say which canonical column each one feeds, then "
        "save the mapping as a profile to reuse next month.",
        "No se reconocieron las columnas de este archivo. Indique a qué columna canónica va cada "
        "una y guarde el mapeo como perfil para reutilizarlo el mes próximo.",
    ),
    "mapping_target": ("Target table", "Tabla de destino"),
    "mapping_name": ("Profile name", "Nombre del perfil"),
    "mapping_save": ("Save profile", "Guardar perfil"),
    "mapping_saved": ("Profile '{name}' saved.", "Perfil '{name}' guardado."),
    "mapping_profile": ("Mapping profile", "Perfil de mapeo"),
    "load_history": ("Load history", "Historial de cargas"),
    "audit_log": ("Audit log", "Registro de auditoría"),
    "audit_intact": (
        "Chain verified: {n} entries, none edited, removed or inserted.",
        "Cadena verificada: {n} entradas, ninguna editada, eliminada ni insertada.",
    ),
    "audit_broken": (
        "The audit log was altered from entry {seq} on ({reason}): those entries cannot be "
        "trusted. Compare with a backup.",
        "El registro de auditoría fue alterado a partir de la entrada {seq} ({reason}): esas "
        "entradas no son fiables. Compárelo con una copia de seguridad.",
    ),
    "undo": ("Undo load {load_id}", "Deshacer carga {load_id}"),
    "undo_done": ("Load {load_id} undone: {detail}.", "Carga {load_id} deshecha: {detail}."),
    "redo": ("Redo load {load_id}", "Rehacer carga {load_id}"),
    "redo_done": ("Load {load_id} redone.", "Carga {load_id} rehecha."),
    "no_loads": ("No loads yet.", "Aún no hay cargas."),
    "templates": ("Templates", "Plantillas"),
    "templates_help": (
        "The PMO workbook: portfolio, catalog, indicators, sprints, effort, costs, risks, actions, "
        "stakeholders.",
        "El libro de la PMO: cartera, catálogo, indicadores, sprints, esfuerzo, costes, riesgos, "
        "acciones, interesados.",
    ),
    "download_templates": ("Download the templates (.xlsx)", "Descargar las plantillas (.xlsx)"),
    "catalog": ("Catalog and portfolio", "Catálogo y cartera"),
    "catalog_help": (
        "Edit in place and save (the catalog, the portfolio and the expected-sources register): "
        "the change is a load of its own, audited and undoable.",
        "Edite y guarde (el catálogo, la cartera y el registro de fuentes esperadas): el cambio "
        "es una carga propia, auditada y reversible.",
    ),
    "save_changes": ("Save {table}", "Guardar {table}"),
    "no_changes": ("No changes to save.", "No hay cambios que guardar."),
    "saved_as_load": ("Saved as load {load_id}.", "Guardado como carga {load_id}."),
    "not_allowed": ("Your role may not do this.", "Su rol no permite esta acción."),
    # explore
    "explore_caption": (
        "Any metric or table: pivot it, chart it, download it; or ask in SQL.",
        "Cualquier métrica o tabla: pivótela, grafíquela, descárguela; o consulte en SQL.",
    ),
    "explore_table": ("{name} (table)", "{name} (tabla)"),
    "dataset": ("Metric or table", "Métrica o tabla"),
    "pivot": ("Pivot", "Tabla dinámica"),
    "rows_by": ("Rows", "Filas"),
    "columns_by": ("Columns", "Columnas"),
    "values": ("Values", "Valores"),
    "aggregate": ("Aggregate", "Agregación"),
    "chart_type": ("Chart", "Gráfico"),
    "sql_console": ("SQL console (read-only)", "Consola SQL (solo lectura)"),
    "sql_run": ("Run", "Ejecutar"),
    "sql_refused": ("Refused: {why}", "Rechazada: {why}"),
    # report
    "report_caption": (
        "The monthly report as one Excel workbook a sponsor can forward.",
        "El informe mensual como un libro de Excel que se puede reenviar.",
    ),
    # stakeholders: engagement levels and Mendelow's quadrants (the metrics' own words)
    "level_1": ("unaware", "desconoce"),
    "level_2": ("resistant", "se resiste"),
    "level_3": ("neutral", "neutral"),
    "level_4": ("supportive", "apoya"),
    "level_5": ("leading", "lidera"),
    "manage closely": ("manage closely", "gestionar de cerca"),
    "keep satisfied": ("keep satisfied", "mantener satisfecho"),
    "keep informed": ("keep informed", "mantener informado"),
    "monitor": ("monitor", "supervisar"),
    "report_month": ("Month", "Mes"),
    "report_preview": (
        "The summary, as the sponsor will read it",
        "El resumen, como lo leerá el patrocinador",
    ),
    "report_preview_help": (
        "The report's first sheet, computed now from the loaded data: key figures against "
        "the previous month, the services scorecard, portfolio health and the top risks. "
        "Build the report for the workbook with every service and application.",
        "La primera hoja del informe, calculada ahora con los datos cargados: cifras clave "
        "frente al mes anterior, cuadro de servicios, salud de la cartera y principales "
        "riesgos. Genere el informe para obtener el libro con cada servicio y aplicación.",
    ),
    "report_key_figures": ("Key figures", "Cifras clave"),
    "report_build": ("Build the report", "Generar el informe"),
    "report_building": ("Building the report…", "Generando el informe…"),
    "report_ready": ("The report for {month} is ready.", "El informe de {month} está listo."),
    "report_download": ("Download {name}", "Descargar {name}"),
    # the monthly report (pmo_metrics.exports.report)
    "report.title": ("PMO monthly report", "Informe mensual de la PMO"),
    "report.summary": ("Summary", "Resumen"),
    "report.saving": ("Writing the workbook", "Escribiendo el libro"),
    "report.done": ("{sheets} sheets written", "{sheets} hojas escritas"),
    "report.generated": ("Generated {when}", "Generado el {when}"),
    "report.contents": ("Sheets in this report", "Hojas de este informe"),
    "report.key_figures": ("Key figures, {month}", "Cifras clave, {month}"),
    "report.pillar": ("Pillar", "Pilar"),
    "report.indicator": ("Indicator", "Indicador"),
    "report.value": ("Value", "Valor"),
    "report.unit": ("Unit", "Unidad"),
    "report.change": ("Change", "Cambio"),
    "report.status": ("Status", "Estado"),
    "report.target": ("Target", "Objetivo"),
    "report.definition": ("What it measures", "Qué mide"),
    "report.service": ("Service", "Servicio"),
    "report.pillar_services": ("Services", "Servicios"),
    "report.pillar_portfolio": ("Portfolio", "Cartera"),
    "report.pillar_delivery": ("Delivery", "Entrega"),
    "report.pillar_improvement": ("Improvement", "Mejora continua"),
    "report.pillar_stakeholders": ("Stakeholders and risks", "Interesados y riesgos"),
    "report.scorecard": ("Services scorecard, {month}", "Cuadro de mando de servicios, {month}"),
    "report.health": ("Portfolio health, {month}", "Salud de la cartera, {month}"),
    "report.top_risks": ("Top open risks, {month}", "Principales riesgos abiertos, {month}"),
    "report.risks": ("Open risks, {month}", "Riesgos abiertos, {month}"),
    "report.no_data": ("no data: {why}", "sin datos: {why}"),
    "report.no_rows": ("nothing in {month}", "nada en {month}"),
    "report.service_sheet": ("Svc {name}", "Serv {name}"),
    "report.app_sheet": ("App {name}", "Apl {name}"),
    "report.service_title": ("Service: {name}", "Servicio: {name}"),
    "report.app_title": ("Application: {name}", "Aplicación: {name}"),
    "report.indicators_month": (
        "Indicators against targets, {month}",
        "Indicadores frente a objetivos, {month}",
    ),
    "report.indicators_trend": (
        "Indicators over the 12 months to {month}",
        "Indicadores en los 12 meses hasta {month}",
    ),
    "report.no_indicators": (
        "the catalog gives this service no indicators (indicators sheet of the PMO workbook)",
        "el catálogo no da indicadores a este servicio (hoja de indicadores del libro de la PMO)",
    ),
    "report.sla_by_priority": ("SLA by priority, {month}", "ANS por prioridad, {month}"),
    "report.tickets_trend": (
        "Tickets over the 12 months to {month}",
        "Tickets en los 12 meses hasta {month}",
    ),
    "report.incidents": (
        "Incidents over the 12 months to {month}",
        "Incidencias en los 12 meses hasta {month}",
    ),
    "report.effort": ("Effort, {month}", "Esfuerzo, {month}"),
    "report.applications": (
        "Applications of the service, {month}",
        "Aplicaciones del servicio, {month}",
    ),
    "report.no_applications": (
        "the portfolio lists no application in this service",
        "la cartera no incluye ninguna aplicación en este servicio",
    ),
    "report.delivery": (
        "Delivery: sprints ending in the 12 months to {month}",
        "Entrega: sprints terminados en los 12 meses hasta {month}",
    ),
    # --- explained statuses and published months (issue 15) ---
    "note_line": (
        "{cause}. Action: {action} ({owner}, due {due})",
        "{cause}. Acción: {action} ({owner}, fecha {due})",
    ),
    "note_risk": ("risk {id}", "riesgo {id}"),
    "note_action": ("improvement action {id}", "acción de mejora {id}"),
    "top_exceptions": ("Top exceptions", "Principales excepciones"),
    "top_exceptions_help": (
        "Every amber or red status of the month (pillar figures, indicators, services, "
        "applications), reds first, each with the PMO lead's explanation: cause, action, owner "
        "and due date. An explanation applies from its month on until it is closed.",
        "Cada estado ámbar o rojo del mes (cifras de los pilares, indicadores, servicios, "
        "aplicaciones), primero los rojos, cada uno con la explicación de la oficina: causa, "
        "acción, responsable y fecha. Una explicación se aplica desde su mes hasta que se cierra.",
    ),
    "no_exceptions": (
        "Nothing is amber or red in {month}.",
        "Nada está en ámbar ni en rojo en {month}.",
    ),
    "month_only": (
        "Explanations and publications are per month: choose a single month to see them.",
        "Las explicaciones y las publicaciones son por mes: elija un solo mes para verlas.",
    ),
    "explain": ("Explain", "Explicar"),
    "explain_status": ("Explain a status", "Explicar un estado"),
    "explain_what": ("Status to explain", "Estado a explicar"),
    "explain_cause": ("Cause", "Causa"),
    "explain_action": ("Action", "Acción"),
    "explain_owner": ("Owner", "Responsable"),
    "explain_due": ("Due date", "Fecha límite"),
    "explain_risk": ("Related risk (optional)", "Riesgo relacionado (opcional)"),
    "explain_improvement": (
        "Related improvement action (optional)",
        "Acción de mejora relacionada (opcional)",
    ),
    "explain_save": ("Save explanation", "Guardar explicación"),
    "explain_saved": (
        "Explanation saved: it applies from {month} until it is closed.",
        "Explicación guardada: se aplica desde {month} hasta que se cierre.",
    ),
    "explain_close": ("Close the explanation", "Cerrar la explicación"),
    "explain_closed": (
        "Explanation closed: it no longer applies from {month} on.",
        "Explicación cerrada: deja de aplicarse desde {month}.",
    ),
    "explain_refused": ("Not saved: {why}", "No guardada: {why}"),
    "explain_missing": (
        "Not saved: an explanation needs its {fields}.",
        "No guardada: una explicación necesita {fields}.",
    ),
    "unexplained": ("not explained yet", "aún sin explicar"),
    "explained_since": ("since {month}", "desde {month}"),
    "kind_pillar": ("Pillar figure", "Cifra del pilar"),
    "kind_indicator": ("Indicator", "Indicador"),
    "kind_service": ("Service", "Servicio"),
    "kind_application": ("Application", "Aplicación"),
    "view_choice": ("Figures shown", "Cifras mostradas"),
    "view_draft": ("Draft", "Borrador"),
    "view_published": ("Published v{version}", "Publicada v{version}"),
    "published_banner": (
        "Published version {version} of {month}, by {who} on {when}: the cards, the scorecard "
        "and the exceptions are as published; charts and other tables show the current data.",
        "Versión publicada {version} de {month}, por {who} el {when}: las tarjetas, el cuadro "
        "de mando y las excepciones son los publicados; los gráficos y las demás tablas "
        "muestran los datos actuales.",
    ),
    "draft_banner": (
        "Draft of {month}: the figures as computed now. Last published: version {version}.",
        "Borrador de {month}: las cifras calculadas ahora. Última publicada: versión {version}.",
    ),
    "not_published": (
        "{month} is not published yet: the figures shown are the draft.",
        "Aún no se ha publicado {month}: las cifras mostradas son el borrador.",
    ),
    "changed_since": (
        "changed since published: {before} -> {after}",
        "cambiado desde la publicación: {before} -> {after}",
    ),
    "changed_count": (
        "{count} figure(s) changed since version {version} was published (Report page).",
        "{count} cifra(s) cambiaron desde que se publicó la versión {version} (página Informe).",
    ),
    "publish_heading": ("Publish the month", "Publicar el mes"),
    "publish_help": (
        "Publishing freezes the month's figures, statuses and explanations as a version: "
        "the sponsor sees the published version. A red without an explanation cannot be "
        "published; publishing again needs a reason, and every version is kept.",
        "Publicar congela las cifras, estados y explicaciones del mes como una versión: el "
        "patrocinador ve la versión publicada. Un rojo sin explicación no se puede publicar; "
        "volver a publicar exige un motivo, y se conservan todas las versiones.",
    ),
    "publish_button": ("Publish {month}", "Publicar {month}"),
    "republish_button": ("Republish {month}", "Volver a publicar {month}"),
    "republish_reason": ("Reason for republishing", "Motivo de la nueva publicación"),
    "published_ok": (
        "{month} published: version {version}.",
        "Publicado {month}: versión {version}.",
    ),
    "publish_refused": ("Not published: {why}", "No publicado: {why}"),
    "publish_unexplained": (
        "{count} red status(es) without an explanation: {names}. Explain each, then publish.",
        "{count} estado(s) en rojo sin explicación: {names}. Explique cada uno y publique.",
    ),
    "publish_versions": ("Versions published", "Versiones publicadas"),
    "publish_none": ("{month} has not been published.", "No se ha publicado {month}."),
    "publish_changes": (
        "Changed since version {version}",
        "Cambios desde la versión {version}",
    ),
    "publish_no_changes": (
        "No figure has changed since version {version} was published.",
        "Ninguna cifra ha cambiado desde que se publicó la versión {version}.",
    ),
    "republish_needs_reason": (
        "publishing the month again needs a reason (what changed, and why).",
        "volver a publicar el mes exige un motivo (qué cambió y por qué).",
    ),
    "publish_not_allowed": (
        "Only the PMO lead publishes a month.",
        "Solo la oficina de proyectos (PMO) publica un mes.",
    ),
    "report.flow": (
        "Throughput over the 12 months to {month}",
        "Rendimiento en los 12 meses hasta {month}",
    ),
    "report.lead_time": ("Lead time, {month}", "Tiempo de entrega, {month}"),
    "report.cost": ("Cost and earned value up to {month}", "Coste y valor ganado hasta {month}"),
    "report.budget": ("Budget variance, {month}", "Desviación presupuestaria, {month}"),
    "report.app_health": ("Health, {month}", "Salud, {month}"),
    "report.portfolio_sla": (
        "SLA compliance of every service over the 12 months to {month}",
        "Cumplimiento del ANS de todos los servicios en los 12 meses hasta {month}",
    ),
    "report.health_count": ("Applications by status, {month}", "Aplicaciones por estado, {month}"),
    "report.health_chart": ("Applications by status", "Aplicaciones por estado"),
    # the steering pack (pmo_metrics/exports/pack) and its section of the Report page
    "pack.title": ("Steering committee pack", "Informe para el comité de dirección"),
    "pack.generated_by": ("Generated by {who}, {when}", "Generado por {who}, {when}"),
    "pack.generated": ("Generated {when}", "Generado el {when}"),
    "pack.draft": (
        "Draft: the figures as computed now (the month is not published)",
        "Borrador: las cifras calculadas ahora (el mes no está publicado)",
    ),
    "pack.published": (
        "Published version {version}, {when}, by {who}",
        "Versión publicada {version}, {when}, por {who}",
    ),
    "pack.changed_since": (
        "{n} figure(s) changed since it was published",
        "{n} cifra(s) cambiada(s) desde su publicación",
    ),
    "pack.completeness": ("Data loaded", "Datos cargados"),
    "pack.key_figures": ("Key figures, {month}", "Cifras clave, {month}"),
    "pack.vs_previous": ("{change} vs {month}", "{change} frente a {month}"),
    "pack.no_previous": ("no figure for {month}", "sin cifra de {month}"),
    "pack.target": ("target {target}", "objetivo {target}"),
    "pack.no_target": ("no target shared by every service", "sin objetivo común a los servicios"),
    "pack.no_value": ("no data: {why}", "sin datos: {why}"),
    "pack.exceptions": (
        "Status: the top exceptions, {month}",
        "Estado: principales excepciones, {month}",
    ),
    "pack.no_exceptions": (
        "Nothing is amber or red this month.",
        "Nada está en ámbar ni en rojo este mes.",
    ),
    "pack.more_exceptions": (
        "and {n} more amber or red, on the service and application pages",
        "y {n} más en ámbar o rojo, en las páginas de servicios y aplicaciones",
    ),
    "pack.col_status": ("Status", "Estado"),
    "pack.col_kind": ("What", "Qué"),
    "pack.col_subject": ("Name", "Nombre"),
    "pack.col_value": ("Value", "Valor"),
    "pack.col_target": ("Target", "Objetivo"),
    "pack.col_explanation": ("Explanation", "Explicación"),
    "pack.col_indicator": ("Indicator", "Indicador"),
    "pack.col_against": ("Against target", "Frente al objetivo"),
    "pack.col_dimension": ("Dimension", "Dimensión"),
    "pack.kind_pillar": ("key figure", "cifra clave"),
    "pack.kind_indicator": ("indicator", "indicador"),
    "pack.kind_service": ("service", "servicio"),
    "pack.kind_application": ("application", "aplicación"),
    "pack.not_judged": ("not judged: no target", "sin evaluar: sin objetivo"),
    "pack.no_explanation": ("no explanation yet", "sin explicación todavía"),
    "pack.service_title": ("Service: {name}", "Servicio: {name}"),
    "pack.app_title": ("Application: {name}", "Aplicación: {name}"),
    "pack.service_status": ("Service status: {status}", "Estado del servicio: {status}"),
    "pack.app_status": ("Health: {status}", "Salud: {status}"),
    "pack.indicators": ("Indicators, {month}", "Indicadores, {month}"),
    "pack.trends": ("The 12 months to {month}", "Los 12 meses hasta {month}"),
    "pack.dimensions": ("Health by dimension, {month}", "Salud por dimensión, {month}"),
    "pack.reason": ("Why: {reason}", "Motivo: {reason}"),
    "pack.explained": ("Explanation: {text}", "Explicación: {text}"),
    "pack.no_indicators": (
        "The catalog gives this service no indicator.",
        "El catálogo no da indicadores a este servicio.",
    ),
    "pack.no_health": (
        "No health for this application this month.",
        "Sin salud calculada para esta aplicación este mes.",
    ),
    "pack.bullet_legend": (
        "Bar: the month's value; black mark: the target; shading: off target, at risk, on "
        "target (darkest worst). Status in words beside each bar.",
        "Barra: el valor del mes; marca negra: el objetivo; sombreado: fuera de objetivo, en "
        "riesgo, en objetivo (más oscuro, peor). El estado en palabras junto a cada barra.",
    ),
    "pack.value_series": ("value", "valor"),
    "pack.target_series": ("target", "objetivo"),
    "pack.page": ("Page {n}", "Página {n}"),
    "pack_heading": ("Steering pack", "Informe para el comité"),
    "pack_help": (
        "The month for the steering committee as a PDF or slides: a cover with the data loaded "
        "and the published version, the key figures, the top exceptions with their "
        "explanations, then a page per service and per application. The same numbers as the "
        ".xlsx report.",
        "El mes para el comité de dirección en PDF o en diapositivas: una portada con los datos "
        "cargados y la versión publicada, las cifras clave, las principales excepciones con sus "
        "explicaciones y una página por servicio y por aplicación. Las mismas cifras que el "
        "informe .xlsx.",
    ),
    "pack_format": ("Format", "Formato"),
    "pack_pdf": ("PDF document", "Documento PDF"),
    "pack_pptx": ("PowerPoint slides", "Diapositivas de PowerPoint"),
    "pack_build": ("Build the steering pack", "Generar el informe para el comité"),
    "pack_building": ("Building the steering pack…", "Generando el informe para el comité…"),
    "pack_download": ("Download {name}", "Descargar {name}"),
}

# Keys whose Spanish is deliberately the English (a brand, a file type, a loanword, a symbol);
# every other key must say something different in each language (tests/test_locale.py).
SAME_IN_BOTH = frozenset({"vs_prev", "download_csv", "download_xlsx", "tickets", "level_3"})


def t(key: str, lang: str, **values: object) -> str:
    """The text ``key`` of :data:`STRINGS` in ``lang`` (English unless ``"es"``), with
    ``values`` filled into its placeholders."""
    text = _pick(STRINGS[key], lang)
    return text.format(**values) if values else text


# --- metric labels --------------------------------------------------------------------------

# A registered metric's label in Spanish, by metric name; the English label is the registry's
# (``@metric(label=...)``), so a metric is described in one place per language. Every
# registered metric has one (tests/test_locale.py).
METRIC_LABELS: dict[str, str] = {
    "forecast": "Previsión de fin del backlog",
    "say-do": "Fiabilidad de la planificación (say/do)",
    "unestimated": "Elementos hechos sin estimar",
    "velocity": "Velocidad del sprint",
    "velocity-stats": "Velocidad y estabilidad",
    "effort": "Esfuerzo",
    "utilisation": "Utilización",
    "budget-variance": "Desviación presupuestaria",
    "cpi": "Índice de rendimiento del coste (CPI)",
    "earned-value": "Valor ganado",
    "spi": "Índice de rendimiento del cronograma (SPI)",
    "aging-wip": "Antigüedad del trabajo en curso",
    "cumulative-flow": "Flujo acumulado",
    "cycle-time": "Tiempo de ciclo",
    "lead-time": "Tiempo de entrega",
    "lead-time-items": "Tiempo de entrega por elemento",
    "net-flow": "Flujo neto",
    "resolved-before-created": "Elementos resueltos antes de su creación",
    "throughput": "Rendimiento",
    "throughput-weekly": "Rendimiento semanal",
    "wip": "Trabajo en curso",
    "days-to-close": "Días para cerrar una acción de mejora",
    "improvement-actions": "Acciones de mejora abiertas y cerradas",
    "improvement-benefits": "Beneficios de las mejoras",
    "on-time-rate": "Acciones de mejora a tiempo",
    "overdue-actions": "Acciones de mejora vencidas",
    "open-demand": "Demanda abierta",
    "portfolio-health": "Salud de la cartera",
    "open-high-risks": "Riesgos altos y críticos abiertos",
    "overdue-mitigations": "Mitigaciones de riesgos vencidas",
    "risk-exposure": "Exposición al riesgo",
    "risk-heatmap": "Mapa de calor de riesgos",
    "risks": "Registro de riesgos",
    "rollout-deliverables": "Despliegue de la PMO: entregables por iteración",
    "services-launched": "Servicios lanzados",
    "services-launched-by-month": "Servicios lanzados en el tiempo",
    "scorecard": "Cuadro de mando de servicios",
    "scorecard-trend": "Tendencia del cuadro de mando",
    "service-status": "Estado del servicio",
    "mttr": "Tiempo medio de resolución",
    "reopen-rate": "Tasa de reapertura",
    "sla-by-priority": "Cumplimiento del ANS por prioridad",
    "sla-compliance": "Cumplimiento del ANS",
    "ticket-backlog": "Tickets pendientes",
    "tickets-opened": "Tickets abiertos",
    "tickets-resolved": "Tickets resueltos",
    "engagement-gap": "Brecha de compromiso",
    "overdue-communications": "Comunicaciones atrasadas",
    "power-interest": "Matriz poder / interés",
    "stakeholder-engagement": "Compromiso de los interesados",
}
# Metrics whose Spanish label is deliberately their English one (tests/test_locale.py).
METRIC_LABELS_SAME_IN_BOTH: frozenset[str] = frozenset()


def metric_label(name: str, lang: str) -> str:
    """The label of the registered metric ``name`` in ``lang``: the registry's in English, the
    Spanish of :data:`METRIC_LABELS` in Spanish (the registry's when it has none)."""
    from pmo_metrics.metrics.registry import get  # the registry loads every metric module

    english = get(name).label
    return METRIC_LABELS.get(name, english) if language(lang) == "es" else english


def metric_definition(name: str, lang: str) -> str:
    """The definition of the registered metric ``name`` in ``lang`` (what a reader sees next to
    the number): the registry's in English, the Spanish of
    :data:`~pmo_metrics.locale_metrics.METRIC_DEFINITIONS` in Spanish (the registry's when it
    has none, so a new metric is still explained while its translation is missing)."""
    from pmo_metrics.metrics.registry import get  # the registry loads every metric module

    english = get(name).definition
    return METRIC_DEFINITIONS.get(name, english) if language(lang) == "es" else english


# --- statuses ---------------------------------------------------------------------------------

# A health status (green / amber / red / grey, pmo_metrics.metrics.status) in words.
HEALTH_WORDS: dict[str, dict[str, str]] = {
    "en": {"green": "on target", "amber": "at risk", "red": "off target", "grey": "no data"},
    "es": {
        "green": "en objetivo",
        "amber": "en riesgo",
        "red": "fuera de objetivo",
        "grey": "sin datos",
    },
}

# Portfolio health's dimensions as a reason names them ("SLA compliance 80.8% < target 90%"):
# the heat map's headers without the unit, which the reason writes after the number.
HEALTH_DIMENSIONS: dict[str, tuple[str, str]] = {
    "open_demand": ("Open demand", "Demanda abierta"),
    "throughput": ("Throughput", "Rendimiento"),
    "lead_time_p85": ("Lead time P85", "Tiempo de entrega P85"),
    "say_do": ("Say/do ratio", "Ratio say/do"),
    "incidents_opened": ("Incidents opened", "Incidencias abiertas"),
    "sla_compliance": ("SLA compliance", "Cumplimiento ANS"),
    "effort_hours": ("Effort", "Esfuerzo"),
    "cost_variance_pct": ("Cost variance", "Desviación de coste"),
    "open_high_risks": ("Open high and critical risks", "Riesgos altos y críticos abiertos"),
}


def health_dimension(column: str, lang: str) -> str:
    """A portfolio-health dimension's name in ``lang``."""
    return _pick(HEALTH_DIMENSIONS[column], lang)


# The words of statuses that are not health (risks, actions, loads, workflow), by language.
STATUS_WORDS: dict[str, tuple[str, str]] = {
    "open": ("open", "abierto"),
    "in progress": ("in progress", "en curso"),
    "closed": ("closed", "cerrado"),
    "cancelled": ("cancelled", "cancelado"),
    "loaded": ("loaded", "cargada"),
    "undone": ("undone", "deshecha"),
    "to do": ("to do", "por hacer"),
    "done": ("done", "hecho"),
    # a risk's band
    "critical": ("critical", "crítico"),
    "high": ("high", "alto"),
    "medium": ("medium", "medio"),
    "low": ("low", "bajo"),
    # an indicator's direction (the column "Better when")
    "higher": ("higher", "mayor"),
    "lower": ("lower", "menor"),
    "neutral": ("neither", "ninguno"),
}


def status_word(value: object, lang: str) -> object:
    """A status that is not a health colour, in the language (``in progress`` / ``en curso``);
    a value without a translation is shown as it is."""
    if not isinstance(value, str):
        return value
    words = STATUS_WORDS.get(value.strip().lower())
    return value if words is None else _pick(words, lang)


# A yes/no cell (a sprint closed, a risk overdue, a ticket that made its SLA) in words: a
# sponsor's spreadsheet shows TRUE / FALSE in English whatever the reader's language.
YES_NO: dict[bool, tuple[str, str]] = {True: ("Yes", "Sí"), False: ("No", "No")}


def yes_no(value: bool, lang: str) -> str:
    """``Yes`` / ``No`` (``Sí`` / ``No``) for a boolean."""
    return _pick(YES_NO[bool(value)], lang)


# --- months and dates -------------------------------------------------------------------------

MONTH_NAMES: dict[str, tuple[str, ...]] = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
           "septiembre", "octubre", "noviembre", "diciembre"),
}  # fmt: skip
MONTH_ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "es": ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"),
}

Month = date | datetime | pd.Timestamp | str


def _year_month(month: Month) -> tuple[int, int]:
    if isinstance(month, str) and len(month) == 7:  # YYYY-MM
        year, number = (int(part) for part in month.split("-"))
        return year, number
    stamp = pd.Timestamp(month)
    return stamp.year, stamp.month


def month_label(month: Month, lang: str) -> str:
    """``Aug 2026`` / ``ago 2026``, as the dashboard writes a month; a date or ``YYYY-MM``."""
    year, number = _year_month(month)
    return f"{MONTH_ABBREVIATIONS[language(lang)][number - 1]} {year}"


def month_name(month: Month, lang: str) -> str:
    """``August 2026`` / ``agosto 2026``, as the report's titles write a month."""
    year, number = _year_month(month)
    return f"{MONTH_NAMES[language(lang)][number - 1]} {year}"


def short_month(month: Month, lang: str) -> str:
    """``Aug 2026`` / ``Ago 2026``: a category on the report's chart axes (capitalised, three
    letters, as Excel shows a category)."""
    year, number = _year_month(month)
    return f"{MONTH_NAMES[language(lang)][number - 1][:3].capitalize()} {year}"


def period_label(first: str | None, last: str | None, lang: str) -> str:
    """``Aug 2026`` or ``Jun 2026 – Aug 2026``; empty without a period."""
    if not last:
        return ""
    if not first or first == last:
        return month_label(last, lang)
    return f"{month_label(first, lang)} – {month_label(last, lang)}"


def date_label(value: date | datetime | pd.Timestamp | None, lang: str) -> str:
    """``14 Aug 2026`` / ``14 ago 2026``; an en dash when missing."""
    if value is None or pd.isna(value):
        return "–"
    stamp = pd.Timestamp(value)
    return f"{stamp.day} {MONTH_ABBREVIATIONS[language(lang)][stamp.month - 1]} {stamp.year}"


# --- numbers and units ------------------------------------------------------------------------


def number(value: float | None, decimals: int, lang: str) -> str:
    """Thousands separators and decimals as the language writes them (1,234.5 / 1.234,5)."""
    if value is None or pd.isna(value):
        return "–"
    text = f"{value:,.{decimals}f}"
    if lang == "es":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


# Decimals per unit: whole counts, one decimal where it matters.
_DECIMALS = {"%": 1, "pts": 1, "days": 1, "h": 1, "ratio": 2, "EUR": 0, "score": 0}
UNIT_WORDS: dict[str, tuple[str, str]] = {
    "days": ("days", "días"),
    "items": ("items", "elementos"),
    "tickets": ("tickets", "tickets"),
    "risks": ("risks", "riesgos"),
    "actions": ("actions", "acciones"),
    "services": ("services", "servicios"),
    "applications": ("applications", "aplicaciones"),
    "stakeholders": ("stakeholders", "interesados"),
    # units of a few registered metrics, said in a help text and a chart title
    "score": ("score", "puntuación"),
    "level": ("level", "nivel"),
    "levels": ("levels", "niveles"),
    "benefit": ("benefit", "beneficio"),
}
# Units whose word is deliberately the same in both languages (tests/test_locale.py).
UNITS_SAME_IN_BOTH = frozenset({"tickets"})

# Counts read as plain numbers on a card: the label already says what is counted.
COUNT_UNITS = frozenset(
    {"items", "tickets", "risks", "actions", "services", "applications", "stakeholders"}
)


def unit_label(unit: str, lang: str) -> str:
    """A unit as shown in titles: %, pts, h, days / días, EUR as €."""
    if unit == "EUR":
        return "€"
    words = UNIT_WORDS.get(unit)
    return _pick(words, lang) if words else unit


def quantity(value: float | None, unit: str, lang: str) -> str:
    """A value with its unit: ``92.3%``, ``34.5 pts``, ``12.0 h``, ``€1,200``; counts plain."""
    if value is None or pd.isna(value):
        return "–"
    text = number(value, _DECIMALS.get(unit, 0 if float(value).is_integer() else 1), lang)
    if unit == "%":
        return f"{text} %" if lang == "es" else f"{text}%"
    if unit == "EUR":
        return f"{text} €" if lang == "es" else f"€{text}"
    if unit in ("ratio", "score", "") or unit in COUNT_UNITS:
        return text
    return f"{text} {unit_label(unit, lang)}"


def delta_text(delta: float | None, unit: str, lang: str) -> str | None:
    """A change with its sign: ``+2.1 pp`` for percentages (points), ``-3`` for counts,
    ``+1.3 h`` with other units; ``±0.00`` for a change too small to show (never ``-0.00``)."""
    if delta is None or pd.isna(delta):
        return None
    decimals = 1 if unit == "%" else _DECIMALS.get(unit, 0 if float(delta).is_integer() else 1)
    if round(abs(delta), decimals) == 0:
        delta = 0.0
    # ASCII signs: st.metric reads a leading "-" as a fall (arrow and colour)
    sign = "+" if delta > 0 else ("-" if delta < 0 else "±")
    if unit == "%":
        return f"{sign}{number(abs(delta), 1, lang)} pp"
    return f"{sign}{quantity(abs(delta), unit, lang)}"


def versus(comparison: Comparison | None, unit: str, lang: str) -> str | None:
    """The change of a value against the previous period, as a KPI card says it:
    ``+36 vs Nov 2025 – Apr 2026``; that there is nothing to compare with when the previous
    period has no figure; None without a value."""
    if comparison is None or comparison.value is None or comparison.against is None:
        return None
    against = period_label(comparison.against.first, comparison.against.last, lang)
    if comparison.change is None:
        return t("no_previous", lang, period=against)
    change = delta_text(comparison.change, unit, lang)
    return f"{change} {t('vs_prev', lang, period=against)}"
