"""The scan: input files -> workers -> the store, on this machine or a Dask cluster.

    discover     find the papers under the paths given (or in a manifest), as a stream
    plan         a window of files at a time: skipped by size and time, or a task for a worker
    batch        results written together, with one "is it stored?" query a batch
    archives     the papers inside .tar.gz / .tgz / .tar / .zip files, read in memory
    run          stream the files to an engine, store what comes back
    pool         the local engine: worker processes with time and memory limits
    dask_engine  the cluster engine: the same work on Dask workers, written as Parquet shards
    dask_child   the process a Dask worker runs one batch in (the pool's limits, on a cluster)
    work         one paper: read it, detect, return a PaperResult (what every engine runs)

Nothing here imports upward (answers, cli, web): ``tests/test_layers.py`` checks it. This file
imports nothing, so a worker process that needs only ``work`` loads only that.
"""
