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
FROM findings AS f
JOIN papers AS p USING (paper_id)
WHERE contains(lower(f.sentence), lower($phrase))
  AND ($stance = '' OR f.stance = $stance)
  AND ($category = '' OR f.category = $category)
ORDER BY p.year DESC NULLS LAST, p.title, p.source_path, f.ordinal
LIMIT (CASE WHEN $limit = 0 THEN NULL ELSE $limit END);
