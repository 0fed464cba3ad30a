-- title: Synthetic data used but not disclosed in the abstract
-- description: Papers that use synthetic data (uses_synthetic) although no use finding sits in the
--   abstract (in_abstract false): the use is found only in the body. Papers whose text had no
--   recognisable abstract are listed too. With the number of use findings, the sections they are
--   in, and the best evidence sentence: the strongest use finding (results, methods, abstract
--   before the introduction; then the most confident), with its section and page.
-- param field: '' — only papers of this research field, case-insensitive ('' = all)
-- param category: '' — only papers with a use finding of this TAXONOMY category ('' = any)
-- param year_from: 0 — first publication year (0 = no lower bound)
-- param year_to: 0 — last publication year (0 = no upper bound)
-- columns: title, doi, year, venue, field, categories, generators, concern, n_use_findings,
--   sections, evidence, section, page, confidence, source_path, paper_id
-- show: title, year, concern, section, page, evidence
WITH scope AS MATERIALIZED (
    SELECT *
    FROM papers AS p
    WHERE p.uses_synthetic
      AND NOT p.in_abstract
      AND ($field = '' OR lower(p.field) = lower($field))
      AND ($category = '' OR list_contains(p.categories, $category))
      AND ($year_from = 0 OR p.year >= $year_from)
      AND ($year_to = 0 OR p.year <= $year_to)
),
-- the use findings of those papers only, not of every paper
uses AS (
    SELECT
        paper_id,
        count(*) AS n_use_findings,
        list(DISTINCT section ORDER BY section) AS sections,
        -- one arg_max of a struct, not one per column: the ordering key is computed once
        arg_max(
            {'evidence': sentence, 'section': section, 'page': page, 'confidence': confidence},
            (-rank, confidence, -ordinal)
        ) AS best
    FROM (
        -- the paper's own statement first: results, methods, abstract ... (detect/evidence.py)
        SELECT *, coalesce(list_position(
            ['results', 'methods', 'abstract', 'appendix', 'discussion', 'conclusion',
             'limitations', 'other', 'introduction', 'related_work'],
            section), 99) AS rank
        FROM findings
        WHERE stance = 'use' AND paper_id IN (SELECT paper_id FROM scope)
    )
    GROUP BY paper_id
)
SELECT
    p.title,
    p.doi,
    p.year,
    p.venue,
    p.field,
    p.categories,
    p.generators,
    p.concern,
    u.n_use_findings,
    u.sections,
    u.best.evidence AS evidence,
    u.best.section AS section,
    u.best.page AS page,
    u.best.confidence AS confidence,
    p.source_path,
    p.paper_id
FROM scope AS p
LEFT JOIN uses AS u USING (paper_id)
ORDER BY p.year DESC NULLS LAST, p.title, p.source_path;
