-- title: Human participants replaced by simulated people
-- description: Papers in which simulated people (LLM personas, silicon samples, simulated
--   respondents or patients) stand in for human participants, with the best evidence sentence: the
--   strongest use finding (results, methods, abstract before the
--   introduction; then the most confident) of category simulated_participants (else any use finding), with
--   its section and page.
-- param field: '' — only papers of this research field, case-insensitive ('' = all)
-- param year_from: 0 — first publication year (0 = no lower bound)
-- param year_to: 0 — last publication year (0 = no upper bound)
-- columns: title, doi, year, venue, field, generators, roles, real_data_check, concern, reasons,
--   evidence, section, page, confidence, source_path, paper_id
-- show: title, year, concern, section, page, evidence
WITH scope AS MATERIALIZED (
    -- the papers listed first: only their findings are ranked, not every paper's
    SELECT *
    FROM papers AS p
    WHERE p.participants_replaced
      AND ($field = '' OR lower(p.field) = lower($field))
      AND ($year_from = 0 OR p.year >= $year_from)
      AND ($year_to = 0 OR p.year <= $year_to)
),
best AS (
    SELECT paper_id, sentence, section, page, confidence
    FROM findings
    WHERE stance = 'use' AND paper_id IN (SELECT paper_id FROM scope)
    QUALIFY row_number() OVER (
        PARTITION BY paper_id
        ORDER BY category = 'simulated_participants' DESC,
            -- then the paper's own statement first (detect/evidence.py)
            coalesce(list_position(
            ['results', 'methods', 'abstract', 'appendix', 'discussion', 'conclusion',
             'limitations', 'other', 'introduction', 'related_work'],
            section), 99),
            confidence DESC, ordinal
    ) = 1
)
SELECT
    p.title,
    p.doi,
    p.year,
    p.venue,
    p.field,
    p.generators,
    p.roles,
    p.real_data_check,
    p.concern,
    p.reasons,
    b.sentence AS evidence,
    b.section,
    b.page,
    b.confidence,
    p.source_path,
    p.paper_id
FROM scope AS p
LEFT JOIN best AS b USING (paper_id)
ORDER BY p.year DESC NULLS LAST, p.title, p.source_path;
