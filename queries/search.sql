-- title: Search evidence sentences and titles
-- description: Finding sentences that hold every word of the search, in any order and any case (a
--   word also matches its plural in -s or -es: patient finds patients), "quoted words" in that
--   order (spaces or hyphens between), either side of OR, and words that start with a prefix*
--   (synth* finds synthetic, synthesised). Papers whose title holds the search and no sentence
--   does show their strongest finding after the sentence hits. Ranked: sentence hits first, then
--   the paper's own use (stance use), papers whose title matches too, higher confidence, newer
--   papers. The same search as synthwatch search; matched says where the words were found. The
--   {sentence_match} and {title_match} slots are filled by pipeline/answers/search.py with
--   conditions whose values are bound parameters.
-- param phrase: required — what to find: words, "a phrase", a OR b, prefix*; e.g. synthetic
--   patients
-- param stance: '' — only findings of this stance: use, cited, background, negated or future
--   ('' = all)
-- param category: '' — only findings of this TAXONOMY category ('' = all)
-- param section: '' — only findings in this section, e.g. methods ('' = all)
-- param year_from: 0 — first publication year (0 = no lower bound)
-- param year_to: 0 — last publication year (0 = no upper bound)
-- param limit: 1000 — at most this many hits, best first (0 = all)
-- param page: 1 — which page of limit hits (1 = the first)
-- builder: search
-- columns: title, doi, year, venue, section, page, stance, category, confidence, sentence,
--   matched, finding_id, source_path
-- show: title, year, section, page, stance, category, sentence
WITH sentence_hits AS MATERIALIZED (
    -- ILIKE narrows (DuckDB's fast case-insensitive search), a regular expression then checks
    -- the word boundaries on what is left
    SELECT paper_id, ordinal, section, page, stance, category, confidence, sentence, finding_id
    FROM findings
    WHERE {sentence_match}
      AND ($stance = '' OR stance = $stance)
      AND ($category = '' OR category = $category)
      AND ($section = '' OR section = $section)
),
title_papers AS MATERIALIZED (
    SELECT paper_id
    FROM papers
    WHERE {title_match}
),
-- a paper whose title matches and none of whose sentences does: its strongest finding
title_hits AS MATERIALIZED (
    SELECT paper_id, ordinal, section, page, stance, category, confidence, sentence, finding_id
    FROM findings
    WHERE paper_id IN (SELECT paper_id FROM title_papers)
      AND paper_id NOT IN (SELECT paper_id FROM sentence_hits)
      AND ($stance = '' OR stance = $stance)
      AND ($category = '' OR category = $category)
      AND ($section = '' OR section = $section)
    QUALIFY row_number() OVER (
        PARTITION BY paper_id ORDER BY stance = 'use' DESC, confidence DESC, ordinal
    ) = 1
),
hits AS NOT MATERIALIZED (
    SELECT *, true AS in_sentence FROM sentence_hits
    UNION ALL
    SELECT *, false AS in_sentence FROM title_hits
),
-- only the papers with a hit are joined (not all of them, as a plain join would)
hit_papers AS MATERIALIZED (
    SELECT
        paper_id, title, doi, year, venue, source_path,
        paper_id IN (SELECT paper_id FROM title_papers) AS in_title
    FROM papers
    WHERE paper_id IN (SELECT paper_id FROM hits)
      AND ($year_from = 0 OR year >= $year_from)
      AND ($year_to = 0 OR year <= $year_to)
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
    CASE WHEN f.in_sentence AND p.in_title THEN 'sentence, title'
         WHEN f.in_sentence THEN 'sentence'
         ELSE 'title' END AS matched,
    f.finding_id,
    p.source_path,
    -- every hit, not only this page's: the count needs no sentence, so it is cheap
    (SELECT count(*) FROM hits JOIN hit_papers USING (paper_id)) AS total
FROM hits AS f
JOIN hit_papers AS p USING (paper_id)
ORDER BY
    f.in_sentence DESC, f.stance = 'use' DESC, p.in_title DESC, f.confidence DESC,
    p.year DESC NULLS LAST, p.title, p.source_path, f.ordinal, f.finding_id
LIMIT (CASE WHEN $limit = 0 THEN NULL ELSE $limit END)
OFFSET (CASE WHEN $limit = 0 THEN 0 ELSE ($page - 1) * $limit END);
