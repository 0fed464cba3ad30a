-- title: Prevalence by category
-- description: For each TAXONOMY category, the share of assessed papers with a use finding of that
--   kind, with a Wilson 95% interval and a prevalence corrected for the detector's measured
--   sensitivity and specificity for that category (Rogan-Gladen, interval by Lang & Reiczigel; the
--   newest calibration row of the category for the papers' pattern version). A paper can count in
--   several categories. Papers that could not be read (n_failed) and papers not assessed, e.g. not
--   in English (n_not_assessed), are left out of n and counted beside it. Categories in exclude
--   are left out of the table (with exclude=simulation: the kinds of model-generated and other
--   synthetic data, without ordinary simulation studies); a paper's count in the other categories
--   does not change.
-- param exclude: '' — comma-separated categories left out of the table, e.g. simulation
--   ('' = none)
-- param field: '' — only papers of this research field, case-insensitive ('' = all)
-- param venue: '' — only papers of this venue, case-insensitive ('' = all)
-- param year_from: 0 — first publication year (0 = no lower bound)
-- param year_to: 0 — last publication year (0 = no upper bound)
-- stats: prevalence
-- columns: category, n, count, proportion, wilson_low, wilson_high, corrected, corrected_low,
--   corrected_high, sensitivity, specificity, calibration, n_failed, n_not_assessed
WITH scope AS (
    SELECT *
    FROM papers
    WHERE ($field = '' OR lower(field) = lower($field))
      AND ($venue = '' OR lower(venue) = lower($venue))
      AND ($year_from = 0 OR year >= $year_from)
      AND ($year_to = 0 OR year <= $year_to)
),
taxonomy (category, position) AS (
    VALUES ('llm_text', 1), ('model_labels', 2), ('generated_media', 3),
           ('synthetic_records', 4), ('simulated_participants', 5), ('oversampling', 6),
           ('simulation', 7), ('synthetic_other', 8)
),
counts AS (
    SELECT
        t.category,
        t.position,
        count(*) FILTER (WHERE s.assessed) AS n,
        count(*) FILTER (WHERE s.assessed AND list_contains(s.categories, t.category)) AS count,
        count(*) FILTER (WHERE s.status <> 'ok') AS n_failed,
        count(*) FILTER (WHERE s.status = 'ok' AND NOT s.assessed) AS n_not_assessed
    FROM taxonomy AS t
    CROSS JOIN scope AS s
    WHERE NOT list_contains(string_split($exclude, ','), t.category)
    GROUP BY t.category, t.position
),
cal AS (
    SELECT *
    FROM calibration
    WHERE patterns_version = (SELECT mode(patterns_version) FROM scope WHERE assessed)
    QUALIFY row_number() OVER (PARTITION BY category ORDER BY created_at DESC) = 1
)
SELECT
    k.category,
    k.n,
    k.count,
    k.count / nullif(k.n, 0) AS proportion,
    k.n_failed,
    k.n_not_assessed,
    c.sensitivity,
    c.specificity,
    c.category AS cal_category,
    c.created_at AS cal_created_at,
    c.tp AS cal_tp,
    c.fn AS cal_fn,
    c.tn AS cal_tn,
    c.fp AS cal_fp
FROM counts AS k
LEFT JOIN cal AS c USING (category)
ORDER BY k.count DESC, k.position;
