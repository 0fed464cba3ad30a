-- synthwatch DuckDB schema, version 4. Documented column by column in docs/schema.md.
-- No PRIMARY KEY constraints: the writer replaces a paper's rows inside one transaction
-- (DELETE + INSERT), which DuckDB's eager key checks would refuse for a same-transaction reinsert.

CREATE TABLE IF NOT EXISTS meta (
    key VARCHAR NOT NULL,
    value VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS runs (
    run_id VARCHAR NOT NULL,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    status VARCHAR NOT NULL,            -- running | finished | interrupted
    version VARCHAR NOT NULL,
    patterns_version VARCHAR NOT NULL,
    arguments JSON NOT NULL,
    n_files INTEGER,
    n_scanned INTEGER,
    n_skipped INTEGER,
    n_failed INTEGER
);

CREATE TABLE IF NOT EXISTS papers (
    paper_id VARCHAR NOT NULL,          -- sha256 of the file's bytes
    source_path VARCHAR NOT NULL,
    format VARCHAR,
    extractor VARCHAR,
    status VARCHAR NOT NULL,            -- ok | failed | no_text | timeout | skipped
    error VARCHAR,
    notes VARCHAR[],
    title VARCHAR,
    authors VARCHAR[],
    doi VARCHAR,
    year INTEGER,
    venue VARCHAR,
    field VARCHAR,
    language VARCHAR,
    n_pages INTEGER,
    n_chars BIGINT,
    n_bytes BIGINT,
    assessed BOOLEAN,
    uses_synthetic BOOLEAN,
    categories VARCHAR[],
    roles VARCHAR[],
    generators VARCHAR[],
    medical BOOLEAN,
    participants_replaced BOOLEAN,
    real_data_check VARCHAR,            -- found | not_found | NULL (no use, or not assessed)
    in_abstract BOOLEAN,
    concern VARCHAR,                    -- high | medium | low | none | NULL (not assessed)
    reasons VARCHAR[],
    n_findings INTEGER,
    seconds DOUBLE,
    pipeline_version VARCHAR NOT NULL,
    patterns_version VARCHAR NOT NULL,
    run_id VARCHAR NOT NULL,
    scanned_at TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS findings (
    finding_id VARCHAR NOT NULL,        -- paper_id:ordinal
    paper_id VARCHAR NOT NULL,
    ordinal INTEGER NOT NULL,
    section VARCHAR NOT NULL,
    page INTEGER,
    char_start INTEGER NOT NULL,
    char_end INTEGER NOT NULL,
    sentence VARCHAR NOT NULL,
    stance VARCHAR NOT NULL,
    category VARCHAR NOT NULL,
    roles VARCHAR[] NOT NULL,
    generator VARCHAR,
    generators VARCHAR[] NOT NULL,
    pattern_ids VARCHAR[] NOT NULL,
    confidence DOUBLE NOT NULL
);

CREATE TABLE IF NOT EXISTS files (
    path VARCHAR NOT NULL,              -- every input file seen, even byte-identical copies
    paper_id VARCHAR NOT NULL,
    n_bytes BIGINT,
    run_id VARCHAR NOT NULL,
    seen_at TIMESTAMP NOT NULL,
    resolved VARCHAR,                   -- schema 3: the file's resolved path, one row each
    mtime_ns BIGINT                     -- schema 4: its modification time (ns) when scanned
);

CREATE TABLE IF NOT EXISTS calibration (
    created_at TIMESTAMP NOT NULL,
    labels_sha256 VARCHAR NOT NULL,
    pipeline_version VARCHAR NOT NULL,
    patterns_version VARCHAR NOT NULL,
    extractor VARCHAR,
    category VARCHAR NOT NULL,          -- 'any' for uses_synthetic, else a category
    n INTEGER NOT NULL,
    tp INTEGER NOT NULL,
    fp INTEGER NOT NULL,
    fn INTEGER NOT NULL,
    tn INTEGER NOT NULL,
    sensitivity DOUBLE,
    specificity DOUBLE
);

CREATE TABLE IF NOT EXISTS shards (
    shard_id VARCHAR NOT NULL,          -- <run_id>/shard-NNNNN, written by a Dask worker
    run_id VARCHAR NOT NULL,
    path VARCHAR NOT NULL,              -- the shard's papers.parquet when it was ingested
    n_papers INTEGER NOT NULL,
    n_findings INTEGER NOT NULL,
    ingested_at TIMESTAMP NOT NULL
);

CREATE INDEX IF NOT EXISTS findings_paper ON findings (paper_id);
CREATE INDEX IF NOT EXISTS papers_id ON papers (paper_id);
