"""synthwatch serve: the web app over a synthwatch database (the optional [web] extra)."""
