"""PostgreSQL below the storage seam (repository/engine.py), through
psycopg 3: installed with `pip install 'leadtui[postgres]'` and imported
only when --db or $LEADTUI_DB is a postgresql:// URL."""
