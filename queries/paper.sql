-- title: One paper and all its findings
-- description: Every finding of one paper, in text order, with the paper's verdict. The paper is
--   found by DOI (case-insensitive, with or without https://doi.org/), by paper_id (the full
--   SHA-256 or a prefix of at least 8 characters, such as the start of a finding_id), or by file
--   path (as given to scan, or its end after a slash; every copy in the files table counts). A
--   paper without findings (or not read) is one row with empty finding columns, so its status and
--   error show; no row means no paper matched.
-- param id: required — DOI, paper_id (or a prefix of 8+ characters) or file path of the paper
-- columns: paper_id, title, doi, year, status, error, uses_synthetic, concern, finding_id, ordinal,
--   section, page, stance, category, roles, generators, confidence, sentence, pattern_ids,
--   source_path
-- show: ordinal, section, page, stance, category, confidence, sentence
-- once: paper_id, title, doi, year, status, error, uses_synthetic, concern, source_path
WITH target AS (
    SELECT *
    FROM papers
    WHERE lower(doi) = lower(regexp_replace(trim($id), '^(https?://)?(dx\.)?doi\.org/', ''))
       OR paper_id = lower(trim($id))
       OR (length(trim($id)) >= 8 AND starts_with(paper_id, lower(trim($id))))
       OR source_path = $id
       OR ends_with(source_path, '/' || $id)
       OR paper_id IN (
            SELECT paper_id FROM files WHERE path = $id OR ends_with(path, '/' || $id)
       )
)
SELECT
    t.paper_id,
    t.title,
    t.doi,
    t.year,
    t.status,
    t.error,
    t.uses_synthetic,
    t.concern,
    f.finding_id,
    f.ordinal,
    f.section,
    f.page,
    f.stance,
    f.category,
    f.roles,
    f.generators,
    f.confidence,
    f.sentence,
    f.pattern_ids,
    t.source_path
FROM target AS t
LEFT JOIN findings AS f USING (paper_id)
ORDER BY t.source_path, t.paper_id, f.ordinal;
