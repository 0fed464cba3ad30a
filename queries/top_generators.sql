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
-- unnest in the select list, not a lateral join: DuckDB plans that one far slower
named AS (
    SELECT paper_id, generator, category, year
    FROM (
        SELECT f.paper_id, unnest(f.generators) AS generator, f.category, s.year,
            s.generators AS verdict
        FROM findings AS f
        JOIN scope AS s USING (paper_id)
        WHERE f.stance = 'use' AND len(f.generators) > 0
          AND ($category = '' OR f.category = $category)
    )
    WHERE list_contains(verdict, generator)
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
