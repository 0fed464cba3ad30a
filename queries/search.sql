-- title: Search finding sentences
-- description: Findings whose sentence contains a phrase (case-insensitive, taken literally: % and
--   _ are not wildcards), with the paper, section, page, stance and confidence, so the sentence can
--   be quoted with its place. Stance and category narrow the search.
-- param phrase: required — the words to find in the sentence, e.g. "silicon sample"
-- param stance: '' — only findings of this stance: use, cited, background, negated or future
--   ('' = all)
-- param category: '' — only findings of this TAXONOMY category ('' = all)
-- param limit: 1000 — at most this many sentences, newest papers first (0 = all)
-- columns: title, doi, year, venue, section, page, stance, category, confidence, sentence,
--   finding_id, source_path
WITH hits AS MATERIALIZED (
    SELECT paper_id, ordinal, section, page, stance, category, confidence, sentence, finding_id
    FROM findings
    -- ILIKE is the fast case-insensitive search, but % and _ are wildcards in it: a phrase
    -- holding them is searched for literally instead
    WHERE CASE
        WHEN contains($phrase, '%') OR contains($phrase, '_')
            THEN contains(lower(sentence), lower($phrase))
        ELSE sentence ILIKE '%' || $phrase || '%'
    END
      AND ($stance = '' OR stance = $stance)
      AND ($category = '' OR category = $category)
),
-- only the papers with a hit are joined (not all of them, as a plain join would)
hit_papers AS MATERIALIZED (
    SELECT paper_id, title, doi, year, venue, source_path
    FROM papers
    WHERE paper_id IN (SELECT paper_id FROM hits)
)
SELECT
    p.title,
    p.doi,
    p.year,
    p.venue,
    f.section,
    f.page,
    f.stance,
    f.category,
    f.confidence,
    f.sentence,
    f.finding_id,
    p.source_path
FROM hits AS f
JOIN hit_papers AS p USING (paper_id)
ORDER BY p.year DESC NULLS LAST, p.title, p.source_path, f.ordinal
LIMIT (CASE WHEN $limit = 0 THEN NULL ELSE $limit END);
