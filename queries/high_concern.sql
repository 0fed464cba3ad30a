-- title: High-concern papers
-- description: Papers whose verdict is concern high (TAXONOMY.md: synthetic data trains or replaces
--   data for a medical model with no evaluation on real data found, or simulated people stand in
--   for human participants), with the reasons and the best evidence sentence: the paper's
--   strongest use finding (results, methods, abstract before the
--   introduction; then the most confident), with its section and page.
-- param field: '' — only papers of this research field, case-insensitive ('' = all)
-- param category: '' — only papers with a use finding of this TAXONOMY category ('' = any)
-- param year_from: 0 — first publication year (0 = no lower bound)
-- param year_to: 0 — last publication year (0 = no upper bound)
-- columns: title, doi, year, venue, field, reasons, categories, generators, medical,
--   participants_replaced, real_data_check, evidence, section, page, confidence, source_path,
--   paper_id
-- show: title, year, section, page, evidence
WITH scope AS MATERIALIZED (
    -- the high-concern papers first: only their findings are ranked, not every paper's
    SELECT *
    FROM papers AS p
    WHERE p.concern = 'high'
      AND ($field = '' OR lower(p.field) = lower($field))
      AND ($category = '' OR list_contains(p.categories, $category))
      AND ($year_from = 0 OR p.year >= $year_from)
      AND ($year_to = 0 OR p.year <= $year_to)
),
best AS (
    SELECT paper_id, sentence, section, page, confidence
    FROM findings
    WHERE stance = 'use' AND paper_id IN (SELECT paper_id FROM scope)
    QUALIFY row_number() OVER (
        PARTITION BY paper_id
        ORDER BY
        -- the paper's own statement first: results, methods, abstract ... (detect/evidence.py)
        coalesce(list_position(
            ['results', 'methods', 'abstract', 'appendix', 'discussion', 'conclusion',
             'limitations', 'other', 'introduction', 'related_work'],
            section), 99),
        confidence DESC,
        ordinal
    ) = 1
)
SELECT
    p.title,
    p.doi,
    p.year,
    p.venue,
    p.field,
    p.reasons,
    p.categories,
    p.generators,
    p.medical,
    p.participants_replaced,
    p.real_data_check,
    b.sentence AS evidence,
    b.section,
    b.page,
    b.confidence,
    p.source_path,
    p.paper_id
FROM scope AS p
LEFT JOIN best AS b USING (paper_id)
ORDER BY p.year DESC NULLS LAST, p.title, p.source_path;
