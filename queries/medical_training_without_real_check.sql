-- title: Medical models trained on synthetic data, no real-data check
-- description: Medical papers that train a model on synthetic data and in which no evaluation or
--   validation on real data was found (real_data_check not_found), with the best evidence sentence:
--   the strongest use finding (results, methods, abstract before the
--   introduction; then the most confident) that states training (else any use finding), with its
--   section and page.
-- param field: '' — only papers of this research field, case-insensitive ('' = all)
-- param category: '' — only papers with a use finding of this TAXONOMY category ('' = any)
-- param year_from: 0 — first publication year (0 = no lower bound)
-- param year_to: 0 — last publication year (0 = no upper bound)
-- columns: title, doi, year, venue, field, categories, roles, generators, concern, reasons,
--   evidence, section, page, confidence, source_path, paper_id
-- show: title, year, concern, section, page, evidence
WITH scope AS MATERIALIZED (
    -- the papers listed first: only their findings are ranked, not every paper's
    SELECT *
    FROM papers AS p
    WHERE p.assessed
      AND p.medical
      AND p.uses_synthetic
      AND list_contains(p.roles, 'training')
      AND p.real_data_check = 'not_found'
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
        ORDER BY list_contains(roles, 'training') DESC,
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
    p.categories,
    p.roles,
    p.generators,
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
