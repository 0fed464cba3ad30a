-- title: Papers that could not be read
-- description: Every input whose status is not ok (failed, no_text, timeout, skipped), with the
--   error in words a user can act on, the format and extractor when known, the file size, and every
--   path that holds the same bytes. These papers are left out of the prevalence denominators and
--   counted there as n_failed.
-- param status: '' — only this status: failed, no_text, timeout or skipped ('' = all of them)
-- columns: source_path, status, error, format, extractor, n_bytes, paths, scanned_at, paper_id
-- show: source_path, status, error
SELECT
    p.source_path,
    p.status,
    p.error,
    p.format,
    p.extractor,
    p.n_bytes,
    coalesce(
        (SELECT list(path ORDER BY path) FROM files AS f WHERE f.paper_id = p.paper_id),
        [p.source_path]
    ) AS paths,
    p.scanned_at,
    p.paper_id
FROM papers AS p
WHERE p.status <> 'ok'
  AND ($status = '' OR p.status = $status)
ORDER BY p.status, p.source_path;
