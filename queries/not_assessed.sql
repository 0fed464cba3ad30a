-- title: Papers read but not assessed
-- description: Papers that were read (status ok) but not judged by the detector, with the reason,
--   e.g. "language not supported: pt". They are left out of the prevalence denominators and counted
--   there as n_not_assessed.
-- param language: '' — only papers in this language, ISO 639-1 code such as pt ('' = all)
-- columns: source_path, title, doi, year, venue, language, reasons, format, paper_id
-- show: source_path, title, year, language
SELECT
    source_path,
    title,
    doi,
    year,
    venue,
    language,
    reasons,
    format,
    paper_id
FROM papers
WHERE status = 'ok'
  AND NOT assessed
  AND ($language = '' OR language = lower($language))
ORDER BY language, source_path;
