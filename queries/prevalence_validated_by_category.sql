-- title: Prevalence by category, validated by a reviewed sample
-- description: Prevalence of synthetic data use estimated from a reviewed validation sample (synthwatch
--   sample, then review import or the review queue), with the detector's precision and recall on this
--   corpus. Per stratum of the sample (detected or not, ...) the reviewed share of true positives (PPV
--   among detected papers, 1 - NPV among the others, weighted by inclusion probabilities) times the
--   stratum's size; 95% intervals cover the binomial and finite-sample error of the review (Wilson on
--   the effective sample size; recall on the logit scale). Needs --reviews FILE (default
--   reviews.duckdb beside the database). unsure answers and papers whose reviewers disagree (until
--   adjudicated) are left out and counted (n_unsure, n_disagree). Method: docs/validation.md.
--   One row per TAXONOMY category: a paper counts for a category when its reviewer said yes and
--   named that category (review_category); precision and recall are those of the detector's
--   category, on the strata of the sample.
-- param field: '' — only papers of this research field, case-insensitive ('' = all)
-- param venue: '' — only papers of this venue, case-insensitive ('' = all)
-- param year_from: 0 — first publication year (0 = no lower bound)
-- param year_to: 0 — last publication year (0 = no upper bound)
-- stats: validated
-- show: category, estimate, ci_low, ci_high, n, n_reviewed, precision, recall, note
-- columns: category, estimate, ci_low, ci_high, se, n, n_detected, apparent, n_sampled, n_reviewed,
--   n_unsure, n_disagree, precision, precision_low, precision_high, recall, recall_low, recall_high,
--   note
SELECT  -- every assessed paper (the strata need them all); in_scope applies the filters
    paper_id,
    uses_synthetic AS detected,
    categories,
    year,
    field,
    ($field = '' OR lower(field) = lower($field))
        AND ($venue = '' OR lower(venue) = lower($venue))
        AND ($year_from = 0 OR year >= $year_from)
        AND ($year_to = 0 OR year <= $year_to) AS in_scope
FROM papers
WHERE assessed
ORDER BY paper_id;
