-- title: Top generators
-- description: The generators (models, tools, simulators: GPT-4, Synthea, StyleGAN2, SMOTE, ...)
--   most often named in use findings of papers that use synthetic data: how many papers name each
--   one, their share of the papers that use synthetic data (of the category, when set), the number
--   of use findings, the categories those findings have, and the first and last publication year.
--   Only generators in the paper's verdict are counted.
-- param category: '' — only use findings of this TAXONOMY category ('' = any)
-- param field: '' — only papers of this research field, case-insensitive ('' = all)
-- param year_from: 0 — first publication year (0 = no lower bound)
-- param year_to: 0 — last publication year (0 = no upper bound)
-- param limit: 20 — at most this many generators (0 = all)
-- columns: generator, papers, share, findings, categories, first_year, last_year
WITH scope AS (
    SELECT paper_id, year, generators
    FROM papers
    WHERE uses_synthetic
      AND ($category = '' OR list_contains(categories, $category))
      AND ($field = '' OR lower(field) = lower($field))
      AND ($year_from = 0 OR year >= $year_from)
      AND ($year_to = 0 OR year <= $year_to)
),
named AS (
    SELECT f.paper_id, g.generator, f.category, s.year
    FROM (
        SELECT paper_id, category, generators
        FROM findings
        WHERE stance = 'use' AND len(generators) > 0
          AND ($category = '' OR category = $category)
    ) AS f
    JOIN scope AS s USING (paper_id)
    CROSS JOIN unnest(f.generators) AS g (generator)
    WHERE list_contains(s.generators, g.generator)
)
SELECT
    generator,
    count(DISTINCT paper_id) AS papers,
    count(DISTINCT paper_id) / (SELECT count(*) FROM scope) AS share,
    count(*) AS findings,
    list(DISTINCT category ORDER BY category) AS categories,
    min(year) AS first_year,
    max(year) AS last_year
FROM named
GROUP BY generator
ORDER BY papers DESC, findings DESC, generator
LIMIT (CASE WHEN $limit = 0 THEN NULL ELSE $limit END);
