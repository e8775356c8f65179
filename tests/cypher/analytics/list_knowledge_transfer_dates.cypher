// List the transfer dates kept on each knowledge item of a firm, as stored.
// params: firm: STRING
// returns: knowledge, hq_arrival_dates, hq_arrivals_undated, integration_dates, integrations_undated
// (:Knowledge {firm: $firm, hq_arrival_dates, hq_arrivals_undated, integration_dates, integrations_undated})
MATCH (k:Knowledge)
WHERE k.firm = $firm
RETURN k.id AS knowledge, k.hq_arrival_dates AS hq_arrival_dates,
       k.hq_arrivals_undated AS hq_arrivals_undated, k.integration_dates AS integration_dates,
       k.integrations_undated AS integrations_undated
