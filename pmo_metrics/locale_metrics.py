"""Every registered metric's definition in Spanish: what a reader sees next to the number (a
card's help, a section's help, the Explore page's caption) when the dashboard is in Spanish.

The English is the registry's (``@metric(definition=...)``); this module holds only the
Spanish, read through :func:`pmo_metrics.locale.metric_definition`, so a metric is defined in
one place per language. Where the registry builds several definitions from one shared sentence
(a sprint's dates, the traffic-light rule, earned value's formulas, the as-of day of the risk
register), that sentence is translated once here and composed in the same way, so the
definitions stay consistent with each other in both languages.

Vocabulary, as the rest of the dashboard writes it (:mod:`pmo_metrics.locale`,
:mod:`pmo_metrics.headers`): target "objetivo", amber threshold "umbral ámbar", SLA "ANS",
work item "elemento (de trabajo)", Done / In Progress / To Do "Hecho / En curso / Por hacer",
throughput "rendimiento", lead / cycle time "tiempo de entrega / de ciclo", month-end snapshot
"foto de fin de mes", as-of date "fecha de corte", headline "cifra principal". Metric names
(``resolved-before-created``), column names (``tcpi_basis``), the values a table shows as they
are ('budget exceeded'), PMBOK's acronyms (EV, AC, CPI...) and tool names stay as written.
tests/test_locale.py checks that every number of the English is in the Spanish.

Pure data: no import of the registry, so reading the locale does not load every metric.
"""

from __future__ import annotations

# pmo_metrics.metrics.sprint_dates.DATES_RULE
_DATES_RULE = (
    "Las fechas de un sprint son las del calendario de sprints; un sprint que el calendario no "
    "fecha las toma de sus elementos (inicio: el primer inicio, o si no la creación, de los "
    "elementos que estuvieron en él; fin: la última resolución de los elementos hechos "
    "completados en él) o, si no, queda sin fecha, se muestra como tal y queda fuera de las "
    "cifras de todo periodo."
)

# pmo_metrics.metrics.delivery.FORECAST_WINDOW; written out rather than imported (see the
# module docstring), and the number check of tests/test_locale.py fails if it changes.
_FORECAST_WINDOW = 6

# pmo_metrics.metrics.finance._EV_DEFINITION. 'budget exceeded' and 'work complete' are the
# values the tcpi_basis column shows, so they stay as shown, with their meaning beside them.
_EV_DEFINITION = (
    "Valor ganado por aplicación y mes: CV = EV − AC, SV = EV − PV, CPI = EV ÷ AC, "
    "SPI = EV ÷ PV, EAC = BAC ÷ CPI, ETC = EAC − AC, VAC = BAC − EAC, "
    "TCPI = (BAC − EV) ÷ (BAC − AC); PV, EV y AC son acumulados hasta el mes. El TCPI se "
    "define mientras queda presupuesto (AC < BAC, tcpi_basis 'BAC'); cuando AC ≥ BAC se deja "
    "vacío y se marca 'budget exceeded' (presupuesto superado), y sin nada más que ganar "
    "(EV ≥ BAC), 'work complete' (trabajo completo); un TCPI frente a EAC = BAC ÷ CPI solo "
    "repetiría el CPI."
)

# pmo_metrics.metrics.scorecard._STATUS_RULE
_STATUS_RULE = (
    "verde cumple el objetivo (≥ cuando mayor es mejor, ≤ cuando menor), ámbar lo incumple "
    "dentro del umbral ámbar, rojo en otro caso, gris sin datos"
)

# pmo_metrics.metrics.risks._AS_OF
_AS_OF = " A fecha del último día del periodo (o, si no, de hoy)."

# metric name -> its definition in Spanish. Every registered metric has one, different from
# its English (tests/test_locale.py); ordered by family, as docs/METRICS.md lists them.
METRIC_DEFINITIONS: dict[str, str] = {
    # delivery (sprints)
    "forecast": (
        "Monte Carlo con 10.000 simulaciones (con semilla fija): los puntos completados de cada "
        "sprint se extraen, con reemplazo, de los últimos "
        f"{_FORECAST_WINDOW} sprints del equipo cerrados al final del periodo (menos cuando no "
        "hay tantos, como indica el resultado) hasta completar el backlog a ese día: las "
        "estimaciones de los elementos abiertos entonces (sin épicas ni subtareas), tomadas de "
        "la foto de fin de mes de un mes pasado en que el equipo la tenga, o si no de los "
        "elementos creados antes del final y no hechos para entonces. P50 / P85 / P95 de los "
        "sprints necesarios y las fechas que suponen desde el final del último sprint cerrado "
        "(duración del sprint según el calendario, o si no 14 días). "
        f"{_DATES_RULE}"
    ),
    "say-do": (
        "Puntos completados / puntos comprometidos por sprint, vacío cuando no se comprometió "
        "nada; en una selección, la suma de completados / la suma de comprometidos de sus "
        f"sprints cerrados que terminaron en el periodo. {_DATES_RULE}"
    ),
    "unestimated": (
        "Elementos hechos (sin épicas ni subtareas) completados en cada sprint que no tienen "
        "estimación: no suman nada a la velocidad en puntos; la velocidad por número de "
        f"elementos sí los cuenta. {_DATES_RULE}"
    ),
    "velocity": (
        "Por sprint: puntos comprometidos (estimaciones de cada elemento que estuvo en el "
        "sprint; un elemento que estuvo en varios sprints cuenta en cada uno; prevalece el "
        "compromiso del calendario de sprints donde se indica) y puntos completados "
        "(estimaciones de los elementos hechos cuyo último sprint es ese). Nunca cuentan las "
        "épicas ni las estimaciones de las subtareas. Velocidad = media de los puntos "
        "completados de los últimos 3 sprints cerrados (la línea de media de Jira), sumada "
        "sobre los equipos seleccionados. Los sprints se ordenan por la fecha de inicio del "
        "calendario, o si no por nombre (Sprint 2 antes que Sprint 10); un periodo muestra los "
        "sprints que terminaron en él; cerrado = terminado antes del final del periodo, y un "
        "sprint sin fecha o fechado por sus elementos sigue abierto mientras sea el último del "
        f"equipo. {_DATES_RULE}"
    ),
    "velocity-stats": (
        "Por equipo: media y mediana de los puntos completados en los últimos 3 sprints "
        "cerrados, media de elementos hechos (velocidad por número de elementos, para el "
        "trabajo sin estimar) y estabilidad = desviación típica muestral / media de los puntos "
        "completados en los últimos 6 sprints cerrados (los que terminaron en el periodo). "
        f"{_DATES_RULE}"
    ),
    # effort
    "effort": (
        "Horas imputadas por servicio, aplicación, rol, perfil y mes, con el porcentaje de cada "
        "servicio sobre todas las horas seleccionadas; cifra principal: horas totales."
    ),
    "utilisation": (
        "Horas imputadas ÷ horas disponibles × 100 por persona y mes, donde la hoja de "
        "capacidad da las horas disponibles; cifra principal: Σhoras ÷ Σhoras disponibles × 100."
    ),
    # finance (earned value)
    "budget-variance": (
        "Desviación presupuestaria % = (real − presupuesto) ÷ presupuesto × 100 por aplicación "
        "y mes; en una selección, (Σreal − Σpresupuesto) ÷ Σpresupuesto × 100 sobre los meses "
        "que tienen ambas cifras."
    ),
    "cpi": (
        "CPI = EV ÷ AC, acumulado hasta el mes (1 = en presupuesto, por debajo de 1 = "
        "sobrecoste); con varias aplicaciones, ΣEV ÷ ΣAC en el último mes."
    ),
    "earned-value": _EV_DEFINITION
    + " Cifra principal: CPI en el último mes, todas las aplicaciones juntas.",
    "spi": (
        "SPI = EV ÷ PV, acumulado hasta el mes (1 = en plazo, por debajo de 1 = con retraso); "
        "con varias aplicaciones, ΣEV ÷ ΣPV en el último mes."
    ),
    # flow
    "aging-wip": (
        "Para cada elemento En curso en la fecha de corte: fecha de corte - inicio (o creación "
        "cuando no se conoce el inicio), en días, frente al P85 del tiempo de ciclo de los "
        "elementos hechos en el periodo (el P85 del tiempo de entrega donde no hay historial de "
        "estados); un elemento resuelto antes de su creación queda fuera de ese P85 (véase "
        "resolved-before-created)."
    ),
    "cumulative-flow": (
        "Elementos de trabajo por categoría de estado (Por hacer, En curso, Hecho) en cada fin "
        "de mes, según las fotos de fin de mes que registran las cargas; sin épicas."
    ),
    "cycle-time": (
        "Hecho - primer En curso, en días con decimales, sobre los elementos hechos en el "
        "periodo cuyo inicio se conoce por el historial de estados; P50 / P85 / P95 por "
        "aplicación, con el P85 de todos como cifra principal. Nunca se sustituye por el "
        "tiempo de entrega. Un elemento resuelto antes de su creación queda fuera: sus fechas "
        "se contradicen (véase resolved-before-created)."
    ),
    "lead-time": (
        "Resolución - creación, en días con decimales, sobre los elementos de trabajo "
        "resueltos en el periodo (sin épicas); P50 / P85 / P95 con interpolación lineal, por "
        "aplicación; la cifra principal es el P85 de todos ellos. Un elemento resuelto antes de "
        "su creación (fechas contradictorias) queda fuera y lo cuenta resolved-before-created."
    ),
    "lead-time-items": (
        "Cada elemento de trabajo resuelto en el periodo con su tiempo de entrega (resolución - "
        "creación, en días con decimales), para el gráfico de dispersión; la cifra principal "
        "es el P85. Un elemento resuelto antes de su creación queda fuera (véase "
        "resolved-before-created)."
    ),
    "net-flow": (
        "Elementos de trabajo creados menos elementos de trabajo hechos, por aplicación y mes "
        "(sin épicas); un valor positivo significa que el backlog crece."
    ),
    "resolved-before-created": (
        "Elementos de trabajo que llegaron a Hecho en el periodo antes de haberse creado "
        "(resolución, o entrada en Hecho, anterior a la creación; sin épicas), con su tiempo de "
        "entrega negativo: sus fechas se contradicen, así que cuentan en el rendimiento pero "
        "quedan fuera del tiempo de entrega, del tiempo de ciclo y de la referencia de la "
        "antigüedad. La cifra principal es cuántos son."
    ),
    "throughput": (
        "Elementos de trabajo que llegan a Hecho por mes, por fecha de resolución (sin épicas, "
        "con las subtareas, como en los tableros de Jira); un mes sin ninguno es 0."
    ),
    "throughput-weekly": (
        "Elementos de trabajo que llegan a Hecho por semana (las semanas empiezan el lunes), "
        "por fecha de resolución; sin épicas; una semana sin ninguno es 0."
    ),
    "wip": (
        "Elementos de trabajo En curso en la fecha de corte (el final del periodo): según la "
        "foto de fin de mes de ese mes si es un mes pasado, o si no según el estado actual de "
        "los elementos; sin épicas."
    ),
    # continuous improvement
    "days-to-close": (
        "Días desde la apertura hasta el cierre de las acciones de mejora cerradas en cada mes, "
        "media y mediana; cifra principal: la media de la selección."
    ),
    "improvement-actions": (
        "Acciones de mejora abiertas y cerradas (no canceladas) por mes, según sus fechas de "
        "apertura y de cierre; cifra principal: acciones cerradas."
    ),
    "improvement-benefits": (
        "Beneficio esperado y obtenido por servicio y unidad, sobre las acciones abiertas hasta "
        "la fecha de corte y no canceladas; obtenido % = obtenido ÷ esperado × 100."
    ),
    "on-time-rate": (
        "Acciones de mejora cerradas en su fecha de vencimiento o antes ÷ acciones cerradas × "
        "100, por mes de cierre; las acciones sin fecha de vencimiento no se evalúan."
    ),
    "overdue-actions": (
        "Acciones de mejora aún abiertas en la fecha de corte (el último día del periodo, o si "
        "no hoy) cuya fecha de vencimiento es anterior, con los días de retraso; cifra "
        "principal: cuántas son."
    ),
    # portfolio
    "open-demand": (
        "Elementos de trabajo abiertos al final del periodo (creados para entonces y no hechos "
        "para entonces), sin épicas ni subtareas, por aplicación; cifra principal: cuántos son."
    ),
    "portfolio-health": (
        "Por aplicación: demanda abierta, rendimiento, P85 del tiempo de entrega, say/do, "
        "incidencias abiertas, cumplimiento ANS, horas de esfuerzo, desviación de coste y "
        "riesgos altos / críticos abiertos, cada uno evaluado frente al objetivo más exigente "
        "de los servicios de la aplicación (gris sin objetivo o sin datos); la salud es la peor "
        "dimensión evaluada, y el motivo la nombra. Cifra principal: porcentaje de las "
        "aplicaciones evaluadas que están en verde."
    ),
    # risks
    "open-high-risks": (
        "Riesgos abiertos de nivel alto (puntuación 10–15) o crítico (16–25); cifra principal: "
        "cuántos son." + _AS_OF
    ),
    "overdue-mitigations": (
        "Riesgos abiertos cuya fecha prevista de mitigación es anterior a la fecha de corte, "
        "con los días de retraso; cifra principal: cuántos son." + _AS_OF
    ),
    "risk-exposure": (
        "Riesgos abiertos por aplicación y servicio: cuántos son, su puntuación total "
        "(probabilidad × impacto) y cuántos son altos o críticos; cifra principal: puntuación "
        "total." + _AS_OF
    ),
    "risk-heatmap": (
        "Riesgos abiertos contados por celda de probabilidad (1–5) × impacto (1–5), con todas "
        "las celdas de la cuadrícula; cifra principal: riesgos abiertos." + _AS_OF
    ),
    "risks": (
        "Cada riesgo identificado hasta la fecha de corte con puntuación = probabilidad × "
        "impacto y nivel (1–4 bajo, 5–9 medio, 10–15 alto, 16–25 crítico); cifra principal: "
        "riesgos abiertos." + _AS_OF
    ),
    # PMO rollout
    "rollout-deliverables": (
        "El proyecto propio de la PMO (las aplicaciones marcadas como de la PMO): entregables "
        "planificados por iteración (los que estuvieron en ella) y hechos (entregables hechos "
        "cuya última iteración es esa), para las iteraciones que terminaron en el periodo; "
        "cifra principal: entregables hechos. Las iteraciones son sprints: "
        f"{_DATES_RULE}"
    ),
    "services-launched": (
        "Los servicios del catálogo con su estado (planificado, en piloto, lanzado) y su fecha "
        "de lanzamiento; cifra principal: servicios lanzados hasta la fecha de corte (el último "
        "día del periodo, o si no hoy)."
    ),
    "services-launched-by-month": (
        "Servicios lanzados por mes y en acumulado, por fecha de lanzamiento, hasta el mes de "
        "corte; cifra principal: servicios lanzados hasta entonces."
    ),
    # services catalog scorecard
    "scorecard": (
        "El valor de cada indicador de servicio en el periodo frente a su objetivo: "
        + _STATUS_RULE
        + "; el estado de un servicio es el de su peor indicador. Cifra principal: porcentaje "
        "de los indicadores con datos que están en objetivo."
    ),
    "scorecard-trend": (
        "El valor y el estado de cada indicador de servicio en cada mes del periodo (los "
        "últimos 12 meses por defecto): " + _STATUS_RULE + ". Cifra principal: porcentaje en "
        "objetivo."
    ),
    "service-status": (
        "El estado de cada servicio, el peor de sus indicadores (gris solo si ninguno tiene "
        "datos), con el porcentaje de sus indicadores en objetivo entre los que tienen datos."
    ),
    # service levels (ITSM)
    "mttr": (
        "Horas medias desde la apertura hasta la resolución de los tickets resueltos en el mes, "
        "con el P90 (interpolación lineal); la cifra principal es la media de toda la "
        "selección. Un ticket resuelto antes de abrirse (fechas contradictorias) queda fuera y "
        "se cuenta en resolved_before_opened."
    ),
    "reopen-rate": (
        "Tickets resueltos con un número de reaperturas mayor que 0 / tickets resueltos x 100, "
        "por mes de resolución, sobre los tickets cuya exportación incluye el número de "
        "reaperturas."
    ),
    "sla-by-priority": (
        "Cumplimiento ANS (tickets que cumplieron su ANS / tickets resueltos x 100) en todo el "
        "periodo, por servicio y prioridad (1 crítica .. 5 planificación)."
    ),
    "sla-compliance": (
        "Tickets resueltos en el mes que cumplieron su ANS / tickets resueltos en el mes x 100 "
        "(el % resuelto a tiempo de ServiceNow). Cumplido = la marca de ANS de la exportación "
        "cuando la tiene, o si no resolución - apertura <= el objetivo de resolución del "
        "catálogo para el servicio y la prioridad; los tickets sin ninguno de los dos, o sin "
        "marca y resueltos antes de abrirse, quedan fuera de ambos términos y se cuentan como "
        "sin evaluar."
    ),
    "ticket-backlog": (
        "Tickets abiertos en cada fin de mes (abiertos antes de esa fecha y resueltos o "
        "cerrados después), por servicio, con su antigüedad media y P90 en días; la cifra "
        "principal es la del último mes."
    ),
    "tickets-opened": "Tickets abiertos en cada mes, por fecha de apertura, por servicio.",
    "tickets-resolved": "Tickets resueltos en cada mes, por fecha de resolución, por servicio.",
    # stakeholders
    "engagement-gap": (
        "Déficit medio de compromiso de los interesados: la media de max(deseado − actual, 0) "
        "sobre los interesados con ambos niveles (0 = todos tan comprometidos como se desea)."
    ),
    "overdue-communications": (
        "Interesados cuyo último contacto + la frecuencia de contacto acordada es anterior a la "
        "fecha de corte (el último día del periodo, o si no hoy); cifra principal: cuántos son."
    ),
    # The quadrants' names are shown in the table as the metric gives them (in English), so
    # each is given with its Spanish meaning first and the shown value beside it.
    "power-interest": (
        "Interesados por cuadrante de la matriz poder / interés, donde alto significa 3 o más "
        "en las escalas 1–5: gestionar de cerca (manage closely), mantener satisfechos (keep "
        "satisfied), mantener informados (keep informed), supervisar (monitor)."
    ),
    # PMBOK's engagement levels as its Spanish edition names them.
    "stakeholder-engagement": (
        "El compromiso actual y deseado de cada interesado (1 desconocedor, 2 reticente, "
        "3 neutral, 4 partidario, 5 líder) y brecha = deseado − actual."
    ),
}
