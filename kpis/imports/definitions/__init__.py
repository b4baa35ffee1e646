"""A contract's KPI definitions in from a spreadsheet: the template (with the KPIs held, so that
sending it back unchanged changes nothing), a preview of every row, and one write of them all,
in which a change of target or thresholds takes effect from a named quarter."""
