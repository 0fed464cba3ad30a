-- title: Prevalence by venue
-- description: Share of assessed papers that use synthetic data, per venue (journal or conference),
--   with a Wilson 95% interval and a prevalence corrected for the detector's measured sensitivity
--   and specificity (Rogan-Gladen, interval by Lang & Reiczigel). The correction uses the newest
--   calibration row (from synthwatch eval) for the papers' pattern version: category 'any', the
--   category's own row when category is set, or 'any excluding ...' with exclude (eval does not
--   measure that one yet, so the corrected columns are then empty and calibration says why). Papers
--   that could not be read (n_failed) and papers read but not assessed, e.g. not in English
--   (n_not_assessed), are left out of n and counted beside it. With exclude=simulation a paper
--   counts only when it uses model-generated or other synthetic data besides simulation: the
--   headline without ordinary simulation studies. Names that differ only in case are one venue;
--   papers without a venue are the last row: venue null in JSON, empty in CSV, labelled (no venue)
--   in the table, Markdown and HTML.
-- param category: '' — count papers with a use finding of this TAXONOMY category ('' = any kind)
-- param exclude: '' — comma-separated categories whose use alone does not count, e.g.
--   simulation: a paper counts only with a use of another category ('' = none excluded)
-- param field: '' — only papers of this research field, case-insensitive ('' = all)
-- param year_from: 0 — first publication year (0 = no lower bound)
-- param year_to: 0 — last publication year (0 = no upper bound)
-- stats: prevalence
-- columns: venue, n, count, proportion, wilson_low, wilson_high, corrected, corrected_low,
--   corrected_high, sensitivity, specificity, calibration, n_failed, n_not_assessed
WITH scope AS (
    SELECT
        *,
        CASE WHEN $category <> '' THEN list_contains(categories, $category)
             WHEN $exclude = '' THEN uses_synthetic
             -- positive only with a use category outside the excluded ones
             ELSE uses_synthetic AND NOT list_has_all(string_split($exclude, ','), categories)
        END AS positive
    FROM papers
    WHERE ($field = '' OR lower(field) = lower($field))
      AND ($year_from = 0 OR year >= $year_from)
      AND ($year_to = 0 OR year <= $year_to)
),
cal AS (
    SELECT *
    FROM calibration
    WHERE category = CASE WHEN $category <> '' THEN $category
                          WHEN $exclude = '' THEN 'any'
                          ELSE 'any excluding ' || $exclude END
      AND patterns_version = (SELECT mode(patterns_version) FROM scope WHERE assessed)
    ORDER BY created_at DESC
    LIMIT 1
)
SELECT
    mode(venue) AS venue,
    count(*) FILTER (WHERE assessed) AS n,
    count(*) FILTER (WHERE assessed AND positive) AS count,
    count(*) FILTER (WHERE assessed AND positive)
        / nullif(count(*) FILTER (WHERE assessed), 0) AS proportion,
    count(*) FILTER (WHERE status <> 'ok') AS n_failed,
    count(*) FILTER (WHERE status = 'ok' AND NOT assessed) AS n_not_assessed,
    (SELECT sensitivity FROM cal) AS sensitivity,
    (SELECT specificity FROM cal) AS specificity,
    (SELECT category FROM cal) AS cal_category,
    (SELECT created_at FROM cal) AS cal_created_at,
    (SELECT tp FROM cal) AS cal_tp,
    (SELECT fn FROM cal) AS cal_fn,
    (SELECT tn FROM cal) AS cal_tn,
    (SELECT fp FROM cal) AS cal_fp
FROM scope
GROUP BY lower(venue)
ORDER BY lower(venue) IS NULL, n DESC, lower(venue);
